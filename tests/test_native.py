"""The native layer for real: the shipped native entries (hooks/catalog/native.yaml) hooked with Frida's Interceptor
in a sandbox JVM that reads the loopback interface's MAC address file, resolves a host and connects a socket, and in
a small C program, compiled here with gcc, that reads system properties through __system_property_get and opens the
ARP table and serial-number files with open()."""

from __future__ import annotations

import queue
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.agent import agent_is_current, build_agent
from auditor.catalog import Catalog, load_catalog
from auditor.devices.base import ProcessInfo
from auditor.models import HookEvent
from auditor.resources import data_dir
from auditor.sdk import attribute
from tests.test_instrument import RecordingSink

pytestmark = pytest.mark.integration

NATIVE_APP = Path(__file__).parent / "apps" / "native-reader"
PROPS_SOURCE = Path(__file__).parent / "fixtures" / "native" / "props.c"
TIMEOUT_S = 30.0


@pytest.fixture(scope="module")
def agent_built() -> None:
    if not agent_is_current():
        build_agent()


@pytest.fixture(scope="module")
def native_catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The shipped native entries, and nothing else."""
    folder = tmp_path_factory.mktemp("native-catalog")
    shutil.copy2(data_dir("catalog") / "native.yaml", folder / "native.yaml")
    catalog = load_catalog(folder)
    assert catalog.entries == [] and len(catalog.native) >= 5
    return catalog


def only(events: list[HookEvent], entry: str) -> HookEvent:
    matching = [event for event in events if event.entry == entry]
    assert len(matching) == 1, f"{entry}: {len(matching)} events: {matching}"
    return matching[0]


# ------------------------------------------------------------------------------------------------------
# A sandbox JVM reading below the Java API


@pytest.fixture(scope="module")
def jvm_run(native_catalog: Catalog, agent_built: None,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RecordingSink, dict[str, str], int]]:
    from auditor.devices.sandbox import SandboxBackend
    from auditor.instrument import Instrumenter
    from tests.devices.sandbox_support import LogRecorder, Sandbox

    sink = RecordingSink()
    backend = SandboxBackend(NATIVE_APP, cache_dir=tmp_path_factory.mktemp("sandbox-cache"))
    log = LogRecorder()
    backend.set_listeners(log.on_exit, log.on_log)
    sandbox = Sandbox(backend, log)
    instrumenter = Instrumenter(native_catalog, sink)
    statuses: dict[str, str] = {}
    pids: list[int] = []
    try:
        sandbox.launch(lambda info: (pids.append(info.pid), instrumenter.instrument(info)))
        for button in ("read_mac", "resolve", "connect"):
            statuses[button] = sandbox.tap(f"org.nativereader:id/{button}").text("org.nativereader:id/status")
        instrumenter.drain()
    finally:
        instrumenter.close()
        backend.close()
    yield sink, statuses, pids[0]


def test_a_file_read_of_the_mac_address_is_one_event_with_native_and_java_frames(
    jvm_run: tuple[RecordingSink, dict[str, str], int]
) -> None:
    sink, statuses, pid = jvm_run
    mac = Path("/sys/class/net/lo/address").read_text(encoding="ascii").strip()
    assert statuses["read_mac"] == f"mac={mac}"
    # glibc exports open and open64 at one address: one hook there, one event for the one read.
    event = only(sink.events, "native.mac-address-file")
    assert event.pid == pid and event.api.startswith("libc.open")
    assert event.args[0].text == "/sys/class/net/lo/address"
    assert event.ret is not None and int(event.ret.text) >= 0
    assert event.thread == "main"
    frames = sink.stack(event.stack)
    native = [frame for frame in frames if "!" in frame or "+0x" in frame]
    java = frames[len(native):]
    assert native and frames[: len(native)] == native
    assert any("libjava.so" in frame for frame in native)
    assert java[0].startswith("java.io.FileInputStream.open0(")
    assert any(frame.startswith("org.nativereader.MainActivity.readMac(MainActivity.java:") for frame in java)
    # The native frames do not get in the way of attribution: the app's own code made the call.
    caller = attribute(frames, "org.nativereader")
    assert caller.origin == "app" and caller.frame is not None and "readMac" in caller.frame


def test_dns_lookups_and_connections_are_recorded_with_host_and_address(
    jvm_run: tuple[RecordingSink, dict[str, str], int]
) -> None:
    sink, statuses, _ = jvm_run
    assert statuses["resolve"].startswith("localhost=")
    lookups = [event for event in sink.events if event.entry == "native.dns-lookup"]
    assert [event.args[0].text for event in lookups] == ["localhost"]
    assert any("Inet6AddressImpl.lookupAllHostAddr" in frame for frame in sink.stack(lookups[0].stack))

    assert statuses["connect"].startswith("connected port=")
    port = statuses["connect"].split("=")[1]
    connects = [event for event in sink.events if event.entry == "native.socket-connect"]
    assert len(connects) == 1
    address = connects[0].args[1].text
    assert address in {f"127.0.0.1:{port}", f"[0:0:0:0:0:ffff:7f00:1]:{port}", f"[0:0:0:0:0:0:0:1]:{port}"}
    assert any(frame.startswith("org.nativereader.MainActivity.connect(") for frame in sink.stack(connects[0].stack))


def test_nothing_else_the_jvm_opens_or_resolves_is_recorded(jvm_run: tuple[RecordingSink, dict[str, str], int]) -> None:
    sink, _, _ = jvm_run
    # The JVM opened its class files, jars and /proc files all along: only the calls an entry matches are events.
    assert sorted(event.entry for event in sink.events) == [
        "native.dns-lookup", "native.mac-address-file", "native.socket-connect",
    ]
    assert [event.seq for event in sink.events] == list(range(3))
    assert sink.logs == []
    (coverage,) = sink.coverage
    installed = {hook.entry: hook.sigs for hook in coverage.installed}
    assert {"native.mac-address-file", "native.dns-lookup", "native.socket-connect"} <= set(installed)
    assert coverage.failed == []
    # bionic's own functions are not in a desktop JVM's C library: nothing to hook there, and no call to miss.
    absent = {hook.entry: hook.error for hook in coverage.absent}
    assert absent["native.serial-property"] == "no library of this process exports __system_property_get"
    # Nor is OpenSSL: the JVM speaks TLS through its own Java code.
    assert set(absent) == {"native.serial-property", "native.serial-property-lookup", "native.tls-read",
                           "native.tls-write"}


# ------------------------------------------------------------------------------------------------------
# A C program reading system properties


class PropsProgram:
    def __init__(self, executable: Path) -> None:
        self.process = subprocess.Popen([str(executable)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        ready = self.next_line()
        assert ready.startswith("READY ")
        self.pid = int(ready.split()[1])

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def next_line(self) -> str:
        line = self.lines.get(timeout=TIMEOUT_S)
        assert line is not None, "the program ended"
        return line

    def ask(self, command: str) -> str:
        assert self.process.stdin is not None
        self.process.stdin.write(f"{command}\n")
        self.process.stdin.flush()
        return self.next_line()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(TIMEOUT_S)


@pytest.fixture(scope="module")
def props_executable(tmp_path_factory: pytest.TempPathFactory) -> Path:
    compiler = shutil.which("gcc") or shutil.which("cc")
    if compiler is None:
        pytest.fail("a C compiler (gcc) is needed for the native tests: `make test` installs one")
    output = tmp_path_factory.mktemp("native") / "props"
    subprocess.run([compiler, "-O0", "-rdynamic", "-o", str(output), str(PROPS_SOURCE)], check=True,
                   capture_output=True, text=True)
    return output


def test_system_properties_read_in_native_code_are_recorded_with_the_value_masked(
    props_executable: Path, native_catalog: Catalog, agent_built: None
) -> None:
    from auditor.instrument import Instrumenter

    program = PropsProgram(props_executable)
    sink = RecordingSink()
    java_entry = load_catalog(Path(__file__).parent / "fixtures" / "catalog")["wifi.mac"]
    instrumenter = Instrumenter(Catalog([java_entry], native=native_catalog.native), sink)
    try:
        coverage = instrumenter.instrument(ProcessInfo(pid=program.pid, name="props"))
        assert program.ask("get ro.serialno") == "ro.serialno=R58M1234ABCD (12)"
        assert program.ask("get ro.product.model") == "ro.product.model=Pixel 7 (7)"
        assert program.ask("get ro.serialno") == "ro.serialno=R58M1234ABCD (12)"
        assert program.ask("find ro.serialno") == "ro.serialno found"
        instrumenter.drain()
    finally:
        instrumenter.close()
        program.close()
    assert "native.serial-property" in {hook.entry for hook in coverage.installed}
    # No Java VM in this process: the Java hooks are reported failed, the native layer works all the same.
    assert [(hook.entry, hook.error) for hook in coverage.failed if hook.entry == "wifi.mac"] == [
        ("wifi.mac", "no Java VM in process props"),
    ]
    assert sink.logs == []
    # Each get looks the name up with __system_property_find inside it: part of the get, not a second event. The
    # find the program makes on its own is one.
    assert [event.entry for event in sink.events] == [
        "native.serial-property", "native.serial-property", "native.serial-property-lookup",
    ]
    events = sink.events[:2]
    first = events[0]
    assert first.api == "libc.__system_property_get"
    assert first.args[0].text == "ro.serialno"
    assert first.args[1].masked and first.args[1].raw == "R58M1234ABCD" and "R58M1234ABCD" not in first.model_dump_json()
    assert first.ret is not None and first.ret.text == "12"
    assert first.thread == "props" and first.tid == program.pid
    frames = sink.stack(first.stack)
    assert frames[0].startswith("props!main+0x")
    # The same call site again, in the same epoch: its stack is not walked twice.
    assert events[1].stack == first.stack
    lookup = sink.events[2]
    assert lookup.args[0].text == "ro.serialno" and lookup.ret is not None and lookup.ret.type == "void*"


def test_arp_table_and_serial_number_files_opened_in_native_code_are_recorded(
    props_executable: Path, native_catalog: Catalog, agent_built: None
) -> None:
    from auditor.instrument import Instrumenter

    program = PropsProgram(props_executable)
    sink = RecordingSink()
    instrumenter = Instrumenter(native_catalog, sink)
    serial_files = ["/sys/devices/soc0/serial_number", "/sys/block/mmcblk0/device/cid",
                    "/proc/device-tree/serial-number"]
    try:
        instrumenter.instrument(ProcessInfo(pid=program.pid, name="props"))
        arp = program.ask("open /proc/net/arp")
        answers = [program.ask(f"open {path}") for path in serial_files]
        # Files of the same names elsewhere are not identifier sources: no event.
        unrelated = program.ask("open /tmp/serial_number")
        instrumenter.drain()
    finally:
        instrumenter.close()
        program.close()
    assert arp.startswith("/proc/net/arp read ")
    assert unrelated.startswith("/tmp/serial_number errno ")
    assert [event.entry for event in sink.events] == ["native.arp-table", *["native.serial-file"] * 3]
    table = sink.events[0]
    assert table.api in ("libc.open", "libc.open64") and table.args[0].text == "/proc/net/arp"
    assert table.ret is not None and int(table.ret.text) >= 0
    assert sink.stack(table.stack)[0].startswith("props!main+0x")
    # This machine has none of the serial-number files: each attempt is recorded all the same, with open's -1,
    # exactly as a read that succeeds on a device would be.
    for event, path, answer in zip(sink.events[1:], serial_files, answers, strict=True):
        assert event.args[0].text == path
        assert event.ret is not None
        opened = int(event.ret.text)
        assert opened == -1 if "errno" in answer else opened >= 0


TLS_PROGRAM = Path(__file__).parent / "fixtures" / "native" / "tls_exchange.py"


def test_tls_reads_and_writes_through_openssl_are_recorded_without_their_bytes(
    native_catalog: Catalog, agent_built: None, tmp_path: Path
) -> None:
    from auditor.instrument import Instrumenter

    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make the test's certificate: apt-get install openssl")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    process = subprocess.Popen([sys.executable, str(TLS_PROGRAM), str(cert), str(key)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    sink = RecordingSink()
    instrumenter = Instrumenter(native_catalog, sink)
    try:
        assert process.stdout is not None and process.stdin is not None
        ready = process.stdout.readline()
        assert ready.startswith("READY ")
        coverage = instrumenter.instrument(ProcessInfo(pid=int(ready.split()[1]), name="tls-exchange"))
        process.stdin.write("go\n")
        process.stdin.flush()
        assert process.stdout.readline().strip() == "DONE pong"
        instrumenter.drain()
    finally:
        instrumenter.close()
        process.kill()
        process.wait(TIMEOUT_S)
    assert {"native.tls-read", "native.tls-write"} <= {hook.entry for hook in coverage.installed}
    writes = [event for event in sink.events if event.entry == "native.tls-write"]
    reads = [event for event in sink.events if event.entry == "native.tls-read"]
    # The client's ping and the server's pong: one write each, at least one read each (TLS also reads its tickets).
    assert sorted(int(event.args[0].text) for event in writes) == [4, 4]
    assert len(reads) >= 2 and all(event.api.startswith("libssl.SSL_read") for event in reads)
    recorded = "".join(event.model_dump_json() for event in sink.events)
    assert "ping" not in recorded and "pong" not in recorded
