"""Real Frida against a real JVM: the fixture app in tests/fixtures/jvm declares Android's class and method names,
the Instrumenter hooks it with the test catalog in tests/fixtures/catalog, and every recorded event is checked
exactly: dispatch of one method to the entry whose match accepts the call, receivers, app-bundled classes loaded
late by a class loader of their own, and the evidence-capture policy on a hot API."""

from __future__ import annotations

import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from auditor.agent import AgentOptions, agent_is_current, build_agent
from auditor.catalog import Catalog, load_catalog
from auditor.devices.base import ProcessInfo
from auditor.errors import DeviceError
from auditor.models import AgentStats, CatalogEntry, CoverageRecord, HookEvent, StackRecord, Text

pytestmark = pytest.mark.integration

FIXTURE_SOURCES = Path(__file__).parent / "fixtures" / "jvm" / "src"
PLUGIN_SOURCES = Path(__file__).parent / "fixtures" / "jvm" / "plugin"
TEST_CATALOG = Path(__file__).parent / "fixtures" / "catalog"
MAIN_CLASS = "com.example.fixture.FixtureApp"
PROCESS_NAME = "com.example.fixture"
LINE_TIMEOUT_S = 30.0


# ------------------------------------------------------------------------------------------------------
# Fixtures: the compiled app, the built agent, a recording sink, a running app


def compile_java(sources: Path, output: Path) -> Path:
    javac = shutil.which("javac")
    if javac is None:
        pytest.fail("javac (OpenJDK 17) is needed for the instrumentation tests")
    files = sorted(str(path) for path in sources.rglob("*.java"))
    subprocess.run([javac, "-d", str(output), *files], check=True, capture_output=True, text=True)
    return output


@pytest.fixture(scope="session")
def fixture_classes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("jvm-fixture")
    compile_java(FIXTURE_SOURCES, output / "app")
    # The SDK the app loads late, with a class loader of its own: not on the app's class path.
    compile_java(PLUGIN_SOURCES, output / "plugin")
    return output


def fixture_catalog() -> Catalog:
    return load_catalog(TEST_CATALOG)


@pytest.fixture(scope="session")
def agent_built() -> None:
    """The package's agent bundle, rebuilt when the sources changed (Instrumenter loads it from there)."""
    if not agent_is_current():
        build_agent()


class RecordingSink:
    """Keeps everything the Instrumenter hands over, and which thread handed it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.events: list[HookEvent] = []
        self.stacks: list[StackRecord] = []
        self.coverage: list[CoverageRecord] = []
        self.logs: list[tuple[int, str, str]] = []
        self.detached: list[tuple[int, str, str | None]] = []
        self.threads: set[str] = set()
        self.batch_sizes: list[int] = []

    def _seen(self) -> None:
        self.threads.add(threading.current_thread().name)

    def record_events(self, events: list[HookEvent], stacks: list[StackRecord]) -> None:
        with self.lock:
            self._seen()
            self.events.extend(events)
            self.stacks.extend(stacks)
            self.batch_sizes.append(len(events))

    def record_coverage(self, coverage: CoverageRecord) -> None:
        with self.lock:
            self._seen()
            self.coverage.append(coverage)

    def record_agent_log(self, process: ProcessInfo, level: str, message: str) -> None:
        with self.lock:
            self._seen()
            self.logs.append((process.pid, level, message))

    def process_detached(self, process: ProcessInfo, reason: str, crash: str | None) -> None:
        with self.lock:
            self._seen()
            self.detached.append((process.pid, reason, crash))

    def stack(self, stack_id: str | None) -> list[str]:
        matches = [record.frames for record in self.stacks if record.id == stack_id]
        assert len(matches) == 1, f"stack {stack_id} emitted {len(matches)} times"
        return matches[0]


class FixtureApp:
    """The fixture JVM: commands on stdin, its output lines collected by a reader thread."""

    def __init__(self, classes: Path) -> None:
        self.process = subprocess.Popen(
            ["java", "-Xshare:auto", "-cp", str(classes / "app"), MAIN_CLASS, str(classes / "plugin")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        ready = self.expect("READY ")
        self.pid = int(ready.split()[1])
        assert self.pid == self.process.pid

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def expect(self, prefix: str) -> str:
        """Collect output until a line starting with `prefix`; returns that line."""
        while True:
            try:
                line = self.lines.get(timeout=LINE_TIMEOUT_S)
            except queue.Empty:
                raise AssertionError(f"fixture app printed no {prefix!r} line in {LINE_TIMEOUT_S} s") from None
            if line is None:
                raise AssertionError(f"fixture app ended before printing {prefix!r}: {self.output}")
            self.output.append(line)
            if line.startswith(prefix):
                return line

    def run(self, command: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    def phase(self, name: str) -> None:
        self.run(name)
        self.expect(f"{name.upper()} DONE")

    def exit(self) -> int:
        self.run("exit")
        return self.process.wait(timeout=LINE_TIMEOUT_S)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=LINE_TIMEOUT_S)


@pytest.fixture
def app(fixture_classes: Path) -> Iterator[FixtureApp]:
    running = FixtureApp(fixture_classes)
    yield running
    running.kill()


def process_of(app: FixtureApp) -> ProcessInfo:
    return ProcessInfo(pid=app.pid, name=PROCESS_NAME)


def make_entry(entry_id: str, cls: str, method: str, overloads: object = "all") -> CatalogEntry:
    return CatalogEntry.model_validate(
        {
            "id": entry_id,
            "class": cls,
            "method": method,
            "overloads": overloads,
            "pi_type": "device-id",
            "data": {"en": "test", "zh": "test"},
            "description": Text(en="test entry", zh="测试条目"),
        }
    )


BROKEN_ENTRIES = [
    make_entry("test.missing-class", "android.telephony.NoSuchManager", "getIdentifier"),
    make_entry("test.missing-overload", "android.telephony.TelephonyManager", "getSubscriberId", [["int"]]),
    make_entry("test.abstract", "android.content.pm.PackageManager", "getInstalledPackages"),
    make_entry("test.inherited", "android.telephony.TelephonyManager", "hashCode"),
    # wifi.mac records every call of getMacAddress: an entry after it on the same method could never fire.
    make_entry("test.unreachable", "android.net.wifi.WifiInfo", "getMacAddress"),
]


# ------------------------------------------------------------------------------------------------------
# One full run of the fixture under hooks, shared by the assertions below


@dataclass
class Run:
    sink: RecordingSink
    coverage: CoverageRecord
    pid: int
    output: list[str]
    exit_code: int
    after_phase_one: tuple[float | None, dict[str, int]]
    after_phase_two: tuple[float | None, dict[str, int]]
    host_start_ms: float
    host_end_ms: float
    stats: AgentStats
    by_entry: dict[str, list[HookEvent]] = field(default_factory=dict)


@pytest.fixture(scope="module")
def run(fixture_classes: Path, agent_built: None) -> Iterator[Run]:
    from auditor.instrument import Instrumenter

    catalog = Catalog(fixture_catalog().entries + BROKEN_ENTRIES)
    sink = RecordingSink()
    app = FixtureApp(fixture_classes)
    instrumenter = Instrumenter(catalog, sink, options=AgentOptions(stack_depth=8))
    try:
        host_start_ms = time.time() * 1000
        coverage = instrumenter.instrument(process_of(app))
        app.phase("phase1")
        after_phase_one = instrumenter.cursors()
        app.phase("phase2")
        after_phase_two = instrumenter.cursors()
        app.phase("phase3")
        app.phase("late")
        instrumenter.drain()
        host_end_ms = time.time() * 1000
        stats = instrumenter.stats()[app.pid]
        exit_code = app.exit()
        instrumenter.drain()
    finally:
        instrumenter.close()
        app.kill()
    result = Run(sink, coverage, app.pid, app.output[1:], exit_code, after_phase_one, after_phase_two,
                 host_start_ms, host_end_ms, stats)
    for event in sink.events:
        result.by_entry.setdefault(event.entry, []).append(event)
    yield result


@pytest.fixture(scope="module")
def plain_output(fixture_classes: Path) -> list[str]:
    """What the app prints with no instrumentation at all."""
    app = FixtureApp(fixture_classes)
    try:
        app.phase("phase1")
        app.phase("phase2")
        app.phase("phase3")
        app.phase("late")
        assert app.exit() == 0
    finally:
        app.kill()
    return app.output[1:]


def summary(event: HookEvent) -> tuple[object, ...]:
    return (
        event.entry,
        event.sig,
        event.thread,
        [arg.text for arg in event.args],
        None if event.ret is None else (event.ret.type, event.ret.text, event.ret.masked, event.ret.size),
        None if event.threw is None else (event.threw.cls, event.threw.message),
    )


def test_the_app_sees_exactly_what_it_sees_without_hooks(run: Run, plain_output: list[str]) -> None:
    assert run.exit_code == 0
    assert run.output == plain_output
    # The fixture checks identity: the hooked getString must hand back the very String object.
    assert "androidId=9774d56d682e549c same=true" in run.output
    assert "APP CODE RAN: AppListener.toString" not in run.output


QUERY_SIG = "(android.net.Uri,java.lang.String[],java.lang.String,java.lang.String[],java.lang.String)"
URL_CONNECTION = ("sun.net.www.protocol.https.HttpsURLConnectionImpl",
                  "sun.n**.***.********.*****.**************************:*****://*******.*******.***/*******?****=************292",
                  True, None)


def test_each_logical_call_is_one_event_with_masked_values(run: Run) -> None:
    assert [summary(event) for event in run.sink.events] == [
        ("telephony.device-id", "()", "main", [], ("java.lang.String", "3569********809", True, None), None),
        ("telephony.imei", "()", "main", [], ("java.lang.String", "3569********809", True, None), None),
        ("telephony.imei", "(int)", "sdk-worker", ["1"], ("java.lang.String", "4901********518", True, None), None),
        ("telephony.subscriber-id", "()", "main", [], None,
         ("java.lang.SecurityException",
          "getSubscriberId: Neither user 10123 nor current process has android.permission.READ_PHONE_STATE.")),
        ("settings.android-id", "(android.content.ContentResolver,java.lang.String)", "main",
         ["<com.example.fixture.FixtureApp$1>", "android_id"], ("java.lang.String", "9774*********49c", True, None),
         None),
        # The same method, another entry: its match accepts this key (and nothing but these two keys is recorded).
        ("settings.bluetooth-name", "(android.content.ContentResolver,java.lang.String)", "main",
         ["<com.example.fixture.FixtureApp$1>", "bluetooth_name"], ("java.lang.String", "***** *", True, None), None),
        ("wifi.mac", "()", "main", [], ("java.lang.String", "3c:a0:**:**:*e:2b", True, None), None),
        ("location.last-known", "(java.lang.String)", "main", ["gps"],
         ("android.location.Location", "Location[gps 39.9,116.3 hAcc=20.0]", True, None), None),
        # requestLocationUpdates(4 args) -> (5 args) is one call; inside it the fixture reads the last location.
        ("location.last-known", "(java.lang.String)", "main", ["gps"],
         ("android.location.Location", "Location[gps 39.9,116.3 hAcc=20.0]", True, None), None),
        ("location.updates", "(java.lang.String,long,float,android.location.LocationListener)", "main",
         ["gps", "1000", "5", "<com.example.fixture.FixtureApp$AppListener>"], None, None),
        ("apps.installed-packages", "(int)", "main", ["0"], ("java.util.ArrayList", "<3 items>", True, 3), None),
        ("clipboard.read", "()", "main", [], ("android.content.ClipData", "<53 chars>", True, 53), None),
        ("permissions.request", "(java.lang.String[],int)", "main",
         ["[android.permission.ACCESS_FINE_LOCATION, android.permission.READ_PHONE_STATE]", "42"], None, None),
        # One hook on each query overload, dispatched by URI; the 5-argument query runs the 6-argument one inside
        # it, which is the same logical call; the media URI matches no entry and is not recorded.
        ("content.contacts", QUERY_SIG, "main", ["content://com.android.contacts/contacts", "null", "null", "null",
                                                 "null"], ("android.database.MatrixCursor", "<20 chars>", True, 20), None),
        ("content.sms", QUERY_SIG, "main", ["content://sms/inbox", "null", "null", "null", "null"],
         ("android.database.MatrixCursor", "<20 chars>", True, 20), None),
        ("network.url-open", "()", "main", [], URL_CONNECTION, None),
        # The SDK class loaded late, by its own loader: hooked before its first call.
        ("sdk.tracker", "(java.lang.String)", "main", ["contacts"], ("java.lang.String", "<18 chars>", True, 18), None),
    ]


def test_events_are_numbered_per_process_without_gaps(run: Run) -> None:
    assert [event.seq for event in run.sink.events] == list(range(17))
    assert [event.id for event in run.sink.events] == [f"{run.pid}-{seq}" for seq in range(17)]
    assert {(event.pid, event.process) for event in run.sink.events} == {(run.pid, PROCESS_NAME)}
    timestamps = [event.ts for event in run.sink.events]
    assert timestamps == sorted(timestamps)
    assert run.host_start_ms - 1000 <= timestamps[0] and timestamps[-1] <= run.host_end_ms + 1000
    assert run.sink.events[0].api == "android.telephony.TelephonyManager.getDeviceId"


def test_java_thread_ids_and_names(run: Run) -> None:
    main_ids = {event.tid for event in run.sink.events if event.thread == "main"}
    worker = [event for event in run.sink.events if event.thread == "sdk-worker"]
    assert len(main_ids) == 1 and len(worker) == 1
    assert worker[0].tid not in main_ids


def test_cursors_split_the_stream_at_the_moment_they_are_taken(run: Run) -> None:
    ts_one, cursor_one = run.after_phase_one
    ts_two, cursor_two = run.after_phase_two
    key = str(run.pid)
    assert cursor_one == {key: 7} and cursor_two == {key: 13}
    phase_one = [event for event in run.sink.events if event.seq < cursor_one[key]]
    assert {event.entry for event in phase_one} == {
        "telephony.device-id", "telephony.imei", "telephony.subscriber-id", "settings.android-id",
        "settings.bluetooth-name", "wifi.mac",
    }
    assert ts_one is not None and ts_two is not None
    assert all(event.ts <= ts_one for event in phase_one)
    phase_two = [event for event in run.sink.events if cursor_one[key] <= event.seq < cursor_two[key]]
    assert all(ts_one <= event.ts <= ts_two for event in phase_two)


def test_match_filters_send_each_call_to_the_entry_that_accepts_it(run: Run) -> None:
    (android_id,) = run.by_entry["settings.android-id"]
    assert android_id.args[1].text == "android_id"
    (bluetooth,) = run.by_entry["settings.bluetooth-name"]
    assert bluetooth.args[1].text == "bluetooth_name"
    assert "bluetooth=Pixel 7" in run.output
    # Prefix and glob matches on a platform object's text (a Uri), one hook per overload for all of them.
    assert [event.args[0].text for event in run.by_entry["content.contacts"]] == ["content://com.android.contacts/contacts"]
    assert [event.args[0].text for event in run.by_entry["content.sms"]] == ["content://sms/inbox"]
    assert not any("content://media" in event.args[0].text for event in run.sink.events if event.args)
    assert "query content://media/external/images/media rows=2" in run.output


def test_the_receiver_is_recorded_and_masked_with_its_unmasked_text_kept_apart(run: Run) -> None:
    (event,) = run.by_entry["network.url-open"]
    assert event.receiver is not None
    assert event.receiver.type == "java.net.URL"
    assert event.receiver.masked is True
    assert event.receiver.raw == "https://tracker.example.com/collect?imei=353911101847292"
    assert "353911101847292" not in event.model_dump_json()
    assert [position for position, _ in event.values()] == ["this", "return"]


def test_a_class_loaded_late_by_its_own_loader_is_hooked_before_its_first_call(run: Run) -> None:
    (event,) = run.by_entry["sdk.tracker"]
    assert event.args[0].text == "contacts" and event.ret is not None and event.ret.raw == "collected contacts"
    # Nothing of the class ran before the app used it: its static initializer prints where it would without hooks.
    late = run.output[run.output.index("late loader ready"):]
    assert late[:4] == ["late loader ready", "late class loaded", "Tracker.<clinit>", "late collected contacts from true"]
    frames = run.sink.stack(event.stack)
    assert frames[0] == "com.example.sdk.Tracker.collect(Native Method)"
    assert any(frame.startswith("com.example.fixture.FixtureApp.late(FixtureApp.java:") for frame in frames)


def test_stacks_start_at_the_hooked_method_and_name_the_caller(run: Run) -> None:
    device_id = run.by_entry["telephony.device-id"][0]
    frames = run.sink.stack(device_id.stack)
    assert frames[0] == "android.telephony.TelephonyManager.getDeviceId(Native Method)"
    assert frames[1].startswith("com.example.fixture.FixtureApp.phaseOne(FixtureApp.java:")
    assert frames[2].startswith("com.example.fixture.FixtureApp.main(FixtureApp.java:")
    worker = run.by_entry["telephony.imei"][1]
    assert run.sink.stack(worker.stack)[1].startswith("com.example.fixture.FixtureApp.lambda$phaseOne$0(")
    assert run.sink.stack(worker.stack)[2].startswith("java.lang.Thread.run(Thread.java:")


def test_hook_stubs_are_removed_from_stacks(run: Run) -> None:
    nested = run.by_entry["location.last-known"][1]
    assert run.sink.stack(nested.stack) == [
        "android.location.LocationManager.getLastKnownLocation(Native Method)",
        "android.location.LocationManager.requestLocationUpdates(Native Method)",
        "android.location.LocationManager.requestLocationUpdates(Native Method)",
        run.sink.stack(run.by_entry["location.updates"][0].stack)[1],
        run.sink.stack(run.by_entry["location.updates"][0].stack)[2],
    ]


def test_each_stack_is_emitted_once_and_identified_by_content(run: Run) -> None:
    ids = [record.id for record in run.sink.stacks]
    assert len(ids) == len(set(ids))
    assert {event.stack for event in run.sink.events} == set(ids)
    for record in run.sink.stacks:
        assert 1 <= len(record.frames) <= 8


def test_coverage_lists_every_hook_and_every_failure(run: Run) -> None:
    coverage = run.coverage
    assert coverage.pid == run.pid and coverage.process == PROCESS_NAME and coverage.trigger == "init"
    installed = {hook.entry: sorted(hook.sigs) for hook in coverage.installed}
    assert installed == {
        "settings.bluetooth-name": ["(android.content.ContentResolver,java.lang.String)"],
        "content.contacts": [QUERY_SIG, QUERY_SIG[:-1] + ",java.lang.Object)"],
        "content.sms": [QUERY_SIG, QUERY_SIG[:-1] + ",java.lang.Object)"],
        "network.url-open": ["()", "(java.net.Proxy)"],
        "telephony.device-id": ["()", "(int)"],
        "telephony.imei": ["()", "(int)"],
        "telephony.subscriber-id": ["()"],
        "settings.android-id": ["(android.content.ContentResolver,java.lang.String)"],
        "wifi.mac": ["()"],
        "location.last-known": ["(java.lang.String)"],
        "location.updates": [
            "(java.lang.String,long,float,android.location.LocationListener)",
            "(java.lang.String,long,float,android.location.LocationListener,android.os.Looper)",
        ],
        "apps.installed-packages": ["(int)"],
        "clipboard.read": ["()"],
        "permissions.request": ["(java.lang.String[],int)"],
    }
    failed = {hook.entry: (hook.sig, hook.error) for hook in coverage.failed}
    assert set(failed) == {
        "apps.installed-applications", "test.missing-class", "test.missing-overload", "test.abstract", "test.inherited",
        "test.unreachable",
    }
    assert failed["apps.installed-applications"] == (
        None, "no such method: android.app.ApplicationPackageManager has no method getInstalledApplications",
    )
    assert failed["test.missing-class"][1].startswith("class not found: ")
    assert "android/telephony/NoSuchManager" in failed["test.missing-class"][1]
    assert failed["test.missing-overload"] == (
        "(int)", "no such overload: android.telephony.TelephonyManager.getSubscriberId has ()",
    )
    assert failed["test.abstract"][0] == "(int)"
    assert failed["test.abstract"][1].startswith("abstract method: ")
    assert failed["test.inherited"][1].startswith(
        "android.telephony.TelephonyManager does not declare hashCode(), it inherits it from java.lang.Object"
    )
    assert failed["test.unreachable"] == (
        "()", "unreachable: catalog entry wifi.mac records every call of android.net.wifi.WifiInfo.getMacAddress() "
        "before this one is asked; give it a match",
    )
    # App-bundled classes no class loader had yet: pending, not failed.
    assert [hook.entry for hook in coverage.pending] == ["sdk.tracker", "sdk.absent"]


def test_bundled_hooks_installed_later_get_a_coverage_record_of_their_own(run: Run) -> None:
    first, late = run.sink.coverage
    assert first == run.coverage
    assert late.trigger == "class-loader" and late.pid == run.pid
    assert late.loader is not None and late.loader.startswith("java.net.URLClassLoader@")
    assert [(hook.entry, hook.sigs) for hook in late.installed] == [("sdk.tracker", ["(java.lang.String)"])]
    assert late.failed == [] and [hook.entry for hook in late.pending] == ["sdk.absent"]
    assert run.coverage.ts < late.ts <= run.sink.events[-1].ts
    merged = CoverageRecord.merged(run.sink.coverage)
    assert len(merged) == 1 and "sdk.tracker" in {hook.entry for hook in merged[0].installed}
    assert [hook.entry for hook in merged[0].pending] == ["sdk.absent"]
    assert run.stats.pending == 1


def test_frida_version_is_known_without_an_instance() -> None:
    import frida

    from auditor.instrument import Instrumenter

    assert Instrumenter.frida_version == frida.__version__ == "17.25.2"


def test_sink_is_called_from_one_worker_thread_and_nothing_went_wrong(run: Run) -> None:
    assert run.sink.threads == {"consent-audit-instrument"}
    assert run.sink.logs == []
    assert run.sink.detached[0][0] == run.pid


# ------------------------------------------------------------------------------------------------------
# Separate runs


def hot(app: FixtureApp, count: int) -> None:
    app.run(f"hot {count}")
    app.expect("HOT DONE")


def test_a_hot_api_walks_one_stack_per_call_site_and_epoch_and_every_call_is_an_event(
    app: FixtureApp, agent_built: None
) -> None:
    from auditor.instrument import Instrumenter

    sink = RecordingSink()
    count = 400
    with Instrumenter(fixture_catalog(), sink) as instrumenter:
        instrumenter.instrument(process_of(app))
        hot(app, count)
        first = instrumenter.stats()[app.pid]
        instrumenter.cursors()  # a marker: from here on a new epoch
        hot(app, count)
        second = instrumenter.stats()[app.pid]
        instrumenter.drain()
    per_run = 3 * count
    assert [event.seq for event in sink.events] == list(range(2 * per_run))
    assert sink.logs == []
    # getMacAddress from two sites and getImei from a third: three stacks walked per epoch, never one per call.
    assert (first.calls, first.stacks, first.sites, first.epoch) == (per_run, 3, 3, 0)
    assert (second.calls, second.stacks, second.sites, second.epoch) == (2 * per_run, 6, 3, 1)
    assert first.call_sites == "jvmti"

    mac = [event for event in sink.events if event.entry == "wifi.mac"]
    assert len(mac) == 4 * count
    assert {event.ret.raw for event in mac if event.ret is not None} == {"3c:a0:67:1f:8e:2b"}
    stacks = sorted({event.stack for event in mac if event.stack is not None})
    assert len(stacks) == 2 and all(event.stack in stacks for event in mac)
    callers = [sink.stack(stack)[1] for stack in stacks]
    assert all(caller.startswith("com.example.fixture.FixtureApp.hot(FixtureApp.java:") for caller in callers)
    assert callers[0] != callers[1]

    # Calls whose values or thread change are still each recorded with their own values and thread.
    imei = [event for event in sink.events if event.entry == "telephony.imei"]
    assert [event.args[0].text for event in imei] == ["0", "1"] * count
    assert [event.ret.raw if event.ret else None for event in imei] == ["356938035643809", "490154203237518"] * count
    half = count // 2
    assert [event.thread for event in imei[:count]] == ["main"] * half + ["renamed-worker"] * (count - half)
    timestamps = [event.ts for event in sink.events]
    assert timestamps == sorted(timestamps)



@pytest.fixture
def instrumenter_and_sink(agent_built: None) -> Iterator[tuple[object, RecordingSink]]:
    from auditor.instrument import Instrumenter

    sink = RecordingSink()
    instrumenter = Instrumenter(fixture_catalog(), sink)
    yield instrumenter, sink
    instrumenter.close()


def test_a_process_that_exits_is_reported_and_leaves_the_cursors(
    app: FixtureApp, instrumenter_and_sink: tuple[object, RecordingSink]
) -> None:
    from auditor.instrument import Instrumenter

    instrumenter, sink = instrumenter_and_sink
    assert isinstance(instrumenter, Instrumenter)
    instrumenter.instrument(process_of(app))
    app.phase("phase1")
    assert app.exit() == 0
    deadline = time.monotonic() + LINE_TIMEOUT_S
    while not sink.detached and time.monotonic() < deadline:
        time.sleep(0.05)
    instrumenter.drain()
    assert sink.detached == [(app.pid, "process-terminated", None)]
    assert instrumenter.cursors() == (None, {})
    # Nothing recorded before the exit was lost, though the batch timer had not fired.
    assert [event.seq for event in sink.events] == list(range(7))


def test_events_still_held_by_the_agent_arrive_on_close(app: FixtureApp, agent_built: None) -> None:
    from auditor.instrument import Instrumenter

    sink = RecordingSink()
    instrumenter = Instrumenter(fixture_catalog(), sink, options=AgentOptions(batch_ms=60_000))
    instrumenter.instrument(process_of(app))
    app.phase("phase1")
    instrumenter.close()
    assert [event.seq for event in sink.events] == list(range(7))
    assert sink.detached == [(app.pid, "application-requested", None)]
    # The app runs on, unhooked.
    app.phase("phase2")
    assert sink.events[-1].seq == 6


def test_instrumenting_the_same_process_twice_is_refused(
    app: FixtureApp, instrumenter_and_sink: tuple[object, RecordingSink]
) -> None:
    from auditor.instrument import Instrumenter

    instrumenter, _ = instrumenter_and_sink
    assert isinstance(instrumenter, Instrumenter)
    instrumenter.instrument(process_of(app))
    with pytest.raises(DeviceError, match=rf"process {PROCESS_NAME} \(pid {app.pid}\) is already instrumented"):
        instrumenter.instrument(process_of(app))


def test_attaching_to_a_missing_process_is_a_one_line_device_error(
    instrumenter_and_sink: tuple[object, RecordingSink]
) -> None:
    from auditor.instrument import Instrumenter

    instrumenter, _ = instrumenter_and_sink
    assert isinstance(instrumenter, Instrumenter)
    ended = subprocess.Popen(["true"])
    ended.wait()
    missing = ended.pid
    with pytest.raises(DeviceError) as error:
        instrumenter.instrument(ProcessInfo(pid=missing, name="com.example.gone"))
    message = str(error.value)
    assert message.startswith(f"cannot attach to process com.example.gone (pid {missing}): ")
    assert "\n" not in message


ODD_AGENT = """
rpc.exports = {
    init(request) {
        send({ type: "hooks:coverage", installed: [], failed: [] });
        send({ type: "telemetry:ping", value: 1 });
        send({ type: "events:batch", events: [{ seq: "zero" }] });
        send({ type: "agent:log", level: "warning", message: "bridge is odd" });
        send({ type: "events:batch", stacks: {},
               events: [{ seq: 0, ts: 1, entry: "test.unknown", cls: "a.B", method: "c", sig: "()", args: [],
                          ret: { t: "java.lang.String", v: "secret-value" }, tid: 1, tname: "main", stack: "s9" }] });
        console.warn("careful");
        setTimeout(() => { throw new Error("boom in agent"); }, 0);
        return { ts: 123, installed: [], failed: [] };
    },
    cursor() { return { ts: Date.now(), seq: 1 }; },
    flush() { return { ts: Date.now(), seq: 1 }; },
    finish() { return { ts: Date.now(), seq: 1 }; },
};
"""


def test_odd_messages_become_agent_logs_never_silence(
    app: FixtureApp, monkeypatch: pytest.MonkeyPatch, agent_built: None
) -> None:
    from auditor import instrument

    monkeypatch.setattr(instrument, "load_agent", lambda: ODD_AGENT)
    sink = RecordingSink()
    instrumenter = instrument.Instrumenter(fixture_catalog(), sink)
    try:
        coverage = instrumenter.instrument(process_of(app))
        assert coverage.ts == 123
        time.sleep(0.3)
        instrumenter.drain()
    finally:
        instrumenter.close()
    logs = [(level, message) for _, level, message in sink.logs]
    assert ("warning", 'unknown agent message type \'telemetry:ping\': {"type": "telemetry:ping", "value": 1}') in logs
    assert any(level == "error" and message.startswith("malformed events:batch message (events.0.seq: Input should be a valid integer")
               for level, message in logs)
    assert ("warning", "bridge is odd") in logs
    assert ("warning", "console: careful") in logs
    assert any(level == "error" and message.startswith("agent script error: Error: boom in agent") for level, message in logs)
    assert ("error", "event seq 0 names unknown catalog entry 'test.unknown': values masked") in logs
    assert ("error", "event seq 0 refers to stack 's9' never sent") in logs
    (event,) = sink.events
    assert event.ret is not None and event.ret.text == "<masked>" and "secret" not in event.ret.model_dump_json()


def wait_for(condition: Callable[[], bool], timeout: float = LINE_TIMEOUT_S) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_batches_leave_on_the_timer_and_at_the_size_limit(app: FixtureApp, agent_built: None) -> None:
    from auditor.instrument import Instrumenter

    sink = RecordingSink()
    with Instrumenter(fixture_catalog(), sink, options=AgentOptions(batch_size=4, batch_ms=1500)) as instrumenter:
        instrumenter.instrument(process_of(app))
        app.phase("phase1")
        # Neither cursors() nor drain(): the first 4 leave as a full batch, the last 2 on the timer.
        assert wait_for(lambda: len(sink.events) == 7, timeout=5.0)
        assert sink.batch_sizes == [4, 3]
    assert [event.seq for event in sink.events] == list(range(7))


def test_a_failing_sink_surfaces_in_drain_and_the_worker_goes_on(app: FixtureApp, agent_built: None) -> None:
    from auditor.instrument import Instrumenter

    class FailingSink(RecordingSink):
        def record_events(self, events: list[HookEvent], stacks: list[StackRecord]) -> None:
            raise OSError("disk full")

    sink = FailingSink()
    instrumenter = Instrumenter(fixture_catalog(), sink)
    try:
        instrumenter.instrument(process_of(app))
        app.phase("phase1")
        instrumenter.cursors()
        with pytest.raises(OSError, match="disk full"):
            instrumenter.drain()
        # The worker survived: coverage went through, and later work still reaches the sink.
        assert len(sink.coverage) == 1
        instrumenter.drain()
    finally:
        instrumenter.close()
    assert sink.detached == [(app.pid, "application-requested", None)]


def test_instrument_on_one_thread_while_another_reads_cursors(fixture_classes: Path, agent_built: None) -> None:
    from auditor.instrument import Instrumenter

    first, second = FixtureApp(fixture_classes), FixtureApp(fixture_classes)
    sink = RecordingSink()
    instrumenter = Instrumenter(fixture_catalog(), sink)
    errors: list[BaseException] = []
    try:
        instrumenter.instrument(process_of(first))

        def hook_second() -> None:
            try:
                instrumenter.instrument(ProcessInfo(pid=second.pid, name=f"{PROCESS_NAME}:push"))
            except BaseException as exc:  # noqa: BLE001 - handed to the test thread
                errors.append(exc)

        listener = threading.Thread(target=hook_second)
        listener.start()
        seen: set[str] = set()
        while listener.is_alive():
            _, cursors = instrumenter.cursors()
            seen.update(cursors)
        listener.join()
        assert errors == []
        first.phase("phase1")
        second.phase("phase1")
        _, cursors = instrumenter.cursors()
        assert cursors == {str(first.pid): 7, str(second.pid): 7}
        assert str(first.pid) in seen
        instrumenter.drain()
        by_process = {(event.pid, event.process) for event in sink.events}
        assert by_process == {(first.pid, PROCESS_NAME), (second.pid, f"{PROCESS_NAME}:push")}
        # The same call sites in two processes give the same stacks: each is recorded once.
        assert len(sink.stacks) == len({record.id for record in sink.stacks}) == 7
    finally:
        instrumenter.close()
        first.kill()
        second.kill()


# ------------------------------------------------------------------------------------------------------
# The sandbox: classes that ship inside the app, in its own class loader and in one it creates at run time


BUNDLED_APP = Path(__file__).parent / "apps" / "bundled-sdk"
GAID = "38400000-8cf0-11bd-b23e-10b96e40000d"


def bundled_entry(entry_id: str, cls: str, method: str, **fields: object) -> CatalogEntry:
    return CatalogEntry.model_validate({
        "id": entry_id, "class": cls, "method": method, "bundled": True, "pi_type": "device-id",
        "data": {"en": "test", "zh": "测试"}, "description": {"en": "test entry", "zh": "测试条目"}, **fields,
    })


BUNDLED_ENTRIES = [
    bundled_entry("compat.request", "androidx.core.app.ActivityCompat", "requestPermissions",
                  kind="permission-request", pi_type=None, sensitive=[]),
    bundled_entry("ads.gaid-info", "com.google.android.gms.ads.identifier.AdvertisingIdClient", "getAdvertisingIdInfo",
                  sensitive=[]),
    bundled_entry("ads.gaid", "com.google.android.gms.ads.identifier.AdvertisingIdClient$Info", "getId"),
]


def test_the_sandbox_app_bundles_hooked_in_its_own_loader_and_in_one_made_at_run_time(
    tmp_path_factory: pytest.TempPathFactory, agent_built: None
) -> None:
    from auditor.devices.sandbox import SandboxBackend
    from auditor.instrument import Instrumenter
    from tests.devices.sandbox_support import LogRecorder, Sandbox

    sink = RecordingSink()
    backend = SandboxBackend(BUNDLED_APP, cache_dir=tmp_path_factory.mktemp("sandbox-cache"))
    log = LogRecorder()
    backend.set_listeners(log.on_exit, log.on_log)
    sandbox = Sandbox(backend, log)
    instrumenter = Instrumenter(Catalog(BUNDLED_ENTRIES), sink)
    covered: list[CoverageRecord] = []
    try:
        sandbox.launch(lambda info: covered.append(instrumenter.instrument(info)))
        screen = sandbox.tap("org.bundled:id/load_sdk")
        assert screen.text("org.bundled:id/status") == f"id={GAID} own-loader=true"
        sandbox.tap("org.bundled:id/ask")
        instrumenter.drain()
    finally:
        instrumenter.close()
        backend.close()

    (initial,) = covered
    # At the gate the app's own loader does not exist yet: every bundled hook waits, none failed.
    assert initial.installed == [] and initial.failed == []
    assert [hook.entry for hook in initial.pending] == ["compat.request", "ads.gaid-info", "ads.gaid"]
    app_loader, sdk_loader = sink.coverage[1:]
    assert app_loader.trigger == sdk_loader.trigger == "class-loader"
    assert app_loader.loader != sdk_loader.loader
    assert {hook.entry for hook in app_loader.installed} == {"compat.request", "ads.gaid-info", "ads.gaid"}
    assert app_loader.pending == [] and app_loader.failed == []
    # The loader made at run time (over the same classes) defines its own copies: classes of their own, hooked again.
    assert {hook.entry for hook in sdk_loader.installed} == {"compat.request", "ads.gaid-info", "ads.gaid"}
    assert initial.ts < app_loader.ts < sdk_loader.ts

    by_entry = {event.entry: event for event in sink.events}
    assert [event.entry for event in sink.events] == ["ads.gaid-info", "ads.gaid", "compat.request"]
    gaid = by_entry["ads.gaid"]
    assert gaid.ret is not None and gaid.ret.raw == GAID and gaid.ret.masked
    assert sdk_loader.ts < by_entry["ads.gaid-info"].ts
    request = by_entry["compat.request"]
    assert request.args[1].text == "[android.permission.ACCESS_FINE_LOCATION]" and request.args[2].text == "7"
    assert app_loader.ts < request.ts
    frames = sink.stack(request.stack)
    assert frames[0] == "androidx.core.app.ActivityCompat.requestPermissions(Native Method)"
    assert frames[1].startswith("org.bundled.MainActivity.lambda$onCreate$0(MainActivity.java:")


@pytest.mark.parametrize(("reason", "crash", "end"), [
    ("application-requested", None, None),        # this tool detached: the process runs on
    ("process-terminated", None, "process-terminated"),
    ("process-terminated", "SIGSEGV at 0x0", "crashed"),
    ("process-replaced", None, "process-replaced"),
    ("connection-terminated", None, "transport-lost"),
    ("device-lost", None, "device-lost"),
])
def test_what_each_detach_reason_says_about_the_process(reason: str, crash: str | None, end: str | None) -> None:
    from auditor.instrument import process_end_of_detach

    assert process_end_of_detach(reason, crash) == end
