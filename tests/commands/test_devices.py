"""`devices`, `doctor`, `server` and the Android options of `run`: without a device every command fails fast
with one line (a real adb server, the one adbutils ships, on a private port with nothing attached); with the
fake device, the table, the JSON and every doctor check in order."""

from __future__ import annotations

import json
import lzma
import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import adbutils
import pytest

from auditor.cli import main
from auditor.commands.devices import describe_device, doctor_checks, render_table
from auditor.devices.android_adb import AttachedDevice, Shell
from auditor.devices.android_server import ServerSettings, install_server_binary
from auditor.resources import demo_app
from tests.devices.android_support import FakeAdbDevice

VERSION = "17.25.2"


@pytest.fixture
def empty_adb(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """A real adb server with no device, on a port of its own; stopped afterwards."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("ANDROID_ADB_SERVER_PORT", str(port))
    yield port
    subprocess.run([adbutils.adb_path(), "-P", str(port), "kill-server"], capture_output=True, timeout=30)


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err, err
    return err


@pytest.mark.parametrize("argv", [
    ["devices"],
    ["devices", "--format", "json"],
    ["server", "start"],
    ["run", "--target", "android:com.example.shop", "--scenario", str(demo_app() / "scenario.yaml")],
])
def test_without_a_device_commands_fail_fast(argv: list[str], empty_adb: int,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 3
    assert one_line_error(capsys).startswith("consent-audit: error: no Android device is attached")


def test_doctor_without_a_device(empty_adb: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor"]) == 3
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("[ok  ] Frida agent") and out[1].startswith("[ok  ] adb server")
    assert out[2].startswith("[FAIL] device: no Android device is attached")


def test_unknown_serial(empty_adb: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--serial", "emulator-5556", "--target", "android:com.example.shop",
                 "--scenario", str(demo_app() / "scenario.yaml")]) == 3
    assert "no device 'emulator-5556' attached (adb devices lists: none)" in one_line_error(capsys)


def test_android_options_on_a_sandbox_target(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--target", f"sandbox:{demo_app()}", "--serial", "emulator-5554"]) == 2
    assert "--serial apply to android: targets" in one_line_error(capsys)


def test_run_needs_a_target_or_an_apk(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "--scenario", str(demo_app() / "scenario.yaml")])
    assert exit_info.value.code == 2
    assert "--target (or --apk FILE)" in capsys.readouterr().err


def test_server_install_from_a_release_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / f"frida-server-{VERSION}-android-x86_64.xz"
    source.write_bytes(lzma.compress(Path(shutil.which("true") or "/bin/true").read_bytes(), format=lzma.FORMAT_XZ))
    if os.uname().machine != "x86_64":
        pytest.skip("the host's own ELF stands in for an x86_64 frida-server")
    assert main(["server", "install", "--from", str(source), "--abi", "x86_64", "--cache", str(tmp_path / "c")]) == 0
    assert (tmp_path / "c" / f"frida-server-{VERSION}-android-x86_64").is_file()
    assert main(["server", "install", "--from", str(source), "--abi", "arm64-v8a", "--cache", str(tmp_path)]) == 2
    assert "the device needs arm64" in one_line_error(capsys)


def test_server_install_refuses_what_is_not_a_binary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "frida-server"
    source.write_text("<html>404</html>")
    assert main(["server", "install", "--from", str(source), "--cache", str(tmp_path / "c")]) == 2
    assert "not a frida-server binary" in one_line_error(capsys)


# ------------------------------------------------------------------------------------------------------------
# With the fake device


def test_device_table_and_json() -> None:
    device = FakeAdbDevice([], server_version="16.0.2")
    rows = [
        describe_device(AttachedDevice("emulator-5554", "device"), lambda _s: Shell(device), VERSION, ServerSettings()),
        describe_device(AttachedDevice("R58M123", "unauthorized"), lambda _s: Shell(device), VERSION, ServerSettings()),
    ]
    assert (rows[0].model, rows[0].android, rows[0].abi, rows[0].root) == ("sdk_gphone64_x86_64", "14", "x86_64",
                                                                          "adb root")
    assert rows[0].frida_server == f"running (16.0.2, frida is {VERSION})"
    table = render_table(rows).splitlines()
    assert table[0].split() == ["SERIAL", "STATE", "MODEL", "ANDROID", "ABI", "ROOT", "FRIDA-SERVER"]
    assert "14 (API 34)" in table[1] and table[2].split()[:2] == ["R58M123", "unauthorized"]
    assert json.loads(json.dumps([row.__dict__ for row in rows]))[0]["api_level"] == 34


class OneDeviceClient:
    def __init__(self, device: FakeAdbDevice) -> None:
        self.fake = device

    def list(self, extended: bool = False) -> list[adbutils.AdbDeviceInfo]:
        return [adbutils.AdbDeviceInfo(serial=self.fake.serial, state="device", tags={})]

    def device(self, serial: str) -> FakeAdbDevice:
        return self.fake


def test_doctor_checks_in_order_and_stops_at_no_root(monkeypatch: pytest.MonkeyPatch) -> None:
    checks = doctor_checks(None, ServerSettings(), client=OneDeviceClient(FakeAdbDevice([], root=False)),
                           version=VERSION)
    assert [(c.name, c.ok) for c in checks] == [("Frida agent", True), ("adb server", True), ("device", True),
                                                ("Android version", True), ("root", False)]
    assert "adb root" in checks[-1].fix


def test_doctor_all_good(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSENT_AUDIT_CACHE", str(tmp_path))
    binary = tmp_path / f"frida-server-{VERSION}-android-x86_64"
    binary.write_bytes(Path(shutil.which("true") or "/bin/true").read_bytes())
    if os.uname().machine == "x86_64":
        install_server_binary(binary, VERSION, cache=tmp_path / "frida-server")
    checks = doctor_checks(None, ServerSettings(), client=OneDeviceClient(FakeAdbDevice([])), version=VERSION,
                           frida_probe=lambda shell: {"access": "full", "os": {"name": "Android", "version": "14"}})
    names = [c.name for c in checks]
    assert names == ["Frida agent", "adb server", "device", "Android version", "root", "device ABI",
                     "frida-server binary", "frida-server on the device", "SELinux", "Frida reaches the device"]
    assert all(c.ok for c in checks) == (os.uname().machine == "x86_64")
    assert checks[-1].detail == "Android 14, access full"


def test_run_and_server_install_share_the_frida_server_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """`server install --cache DIR` fills the folder `run --frida-server-cache DIR` pushes from."""
    from auditor.errors import DeviceError

    if os.uname().machine != "x86_64":
        pytest.skip("the host's own ELF stands in for an x86_64 frida-server")
    source = tmp_path / f"frida-server-{VERSION}-android-x86_64"
    source.write_bytes(Path(shutil.which("true") or "/bin/true").read_bytes())
    assert main(["server", "install", "--from", str(source), "--cache", str(tmp_path / "c")]) == 0
    seen = []

    def open_backend(target: str, android: object = None) -> object:
        seen.append(android)
        raise DeviceError("stop here")

    monkeypatch.setattr("auditor.devices.open_backend", open_backend)
    assert main(["run", "--target", "android:com.example.shop", "--scenario", "miit-standard",
                 "--frida-server-cache", str(tmp_path / "c")]) == 3
    from auditor.devices.android_server import ServerManager

    settings = seen[0].server  # type: ignore[attr-defined]
    assert settings.cache == tmp_path / "c"
    assert ServerManager(Shell(FakeAdbDevice([])), VERSION, settings).local_binary().parent == tmp_path / "c"
