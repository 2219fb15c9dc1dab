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
from auditor.commands.devices import Check, describe_device, doctor_checks, render_table
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
    ["server", "start"],
    ["run", "--target", "android:com.example.shop", "--scenario", str(demo_app() / "scenario.yaml")],
])
def test_without_a_device_commands_fail_fast(argv: list[str], empty_adb: int,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 3
    assert one_line_error(capsys).startswith("consent-audit: error: no Android device is attached")


def test_devices_without_a_device_is_an_empty_listing(empty_adb: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["devices", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["devices"]) == 0
    assert capsys.readouterr().out.startswith("no devices attached: start an emulator")


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


FULL_ACCESS = {"access": "full", "os": {"name": "Android", "version": "14"}}
UI_INFO = {"productName": "sdk_gphone64_x86_64", "displayWidth": 1080, "displayHeight": 2400, "sdkInt": 34}
"""What uiautomator2's `info` (its server's deviceInfo) answers on an emulator."""


def doctor(device: FakeAdbDevice, **options: object) -> list[Check]:
    options.setdefault("frida_probe", lambda shell: FULL_ACCESS)
    options.setdefault("ui_probe", lambda shell: UI_INFO)
    settings = options.pop("settings", ServerSettings())
    return doctor_checks(None, settings, client=OneDeviceClient(device), version=VERSION, **options)  # type: ignore[arg-type]


def test_doctor_all_good(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSENT_AUDIT_CACHE", str(tmp_path))
    binary = tmp_path / f"frida-server-{VERSION}-android-x86_64"
    binary.write_bytes(Path(shutil.which("true") or "/bin/true").read_bytes())
    if os.uname().machine == "x86_64":
        install_server_binary(binary, VERSION, cache=tmp_path / "frida-server")
    checks = doctor(FakeAdbDevice([]), package="com.example.pkmproject")
    names = [c.name for c in checks]
    assert names == ["Frida agent", "adb server", "device", "Android version", "root", "device ABI",
                     "frida-server binary", "frida-server on the device", "SELinux", "Frida reaches the device",
                     "uiautomator2", "the app", "launcher activity"]
    assert all(c.ok for c in checks), [c.line() for c in checks if not c.ok]
    by_name = {c.name: c for c in checks}
    assert by_name["Frida reaches the device"].detail == "Android 14, access full"
    assert by_name["uiautomator2"].detail == "its server answers (sdk_gphone64_x86_64, screen 1080x2400)"
    assert by_name["SELinux"].detail == "Enforcing; the device log shows no denial of Frida's files"
    assert by_name["launcher activity"].detail == "com.example.pkmproject/.MainActivity"


def test_doctor_needs_no_cached_binary_when_the_right_server_runs(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSENT_AUDIT_CACHE", str(tmp_path / "empty"))
    checks = doctor(FakeAdbDevice([]))
    binary = next(c for c in checks if c.name == "frida-server binary")
    assert binary.ok and binary.detail.startswith("none in the cache, none needed: frida-server 17.25.2 already runs")
    assert all(c.ok for c in checks)


def test_doctor_fails_on_a_missing_binary_when_no_server_runs(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSENT_AUDIT_CACHE", str(tmp_path / "empty"))
    checks = doctor(FakeAdbDevice([], server_version=None, server_running=False))
    assert [(c.name, c.ok) for c in checks][-2:] == [("frida-server binary", False),
                                                     ("frida-server on the device", False)]


def test_doctor_reports_a_selinux_denial_of_fridas_files_in_the_device_log(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from auditor.devices.android_server import PROBLEMS
    from auditor.testing.fixtures import android_fixture

    monkeypatch.setenv("CONSENT_AUDIT_CACHE", str(tmp_path))
    device = FakeAdbDevice([])
    fixture = android_fixture("frida-errors/logcat-selinux-denials.txt").read_text(encoding="utf-8")
    device.logcat = ["05-14 10:00:00.000  100  100 I ActivityManager: Start proc 4242:com.android.settings",
                     fixture.splitlines()[3].split('"\t#')[0][1:]]
    selinux = next(c for c in doctor(device) if c.name == "SELinux")
    assert not selinux.ok and "frida-agent-64.so" in selinux.detail and selinux.fix == PROBLEMS["selinux"]
    device.selinux_mode = "Permissive"
    assert next(c for c in doctor(device) if c.name == "SELinux").ok


def test_doctor_checks_the_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.devices.android_support import U2_APK

    monkeypatch.setenv("CONSENT_AUDIT_CACHE", str(tmp_path))
    checks = doctor(FakeAdbDevice([]), package="com.example.absent")
    assert (checks[-1].name, checks[-1].ok) == ("the app", False)
    assert checks[-1].detail == "com.example.absent is not installed for user 0"
    with_apk = doctor(FakeAdbDevice([], package="com.github.uiautomator"), apk=U2_APK)
    assert [(c.name, c.ok) for c in with_apk][-3:] == [("the app's APK", True), ("the app", True),
                                                       ("launcher activity", True)]


def test_doctor_removes_the_forward_it_makes_for_another_port(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The real probe: a forward from a free local port to frida-server's port, which nothing answers here."""
    monkeypatch.setenv("CONSENT_AUDIT_CACHE", str(tmp_path))
    journal: list[str] = []
    device = FakeAdbDevice(journal)
    device.server_files["fs-helper"] = VERSION
    device.processes[4400] = "fs-helper"
    checks = doctor(device, settings=ServerSettings(name="fs-helper", port=27500), frida_probe=None)
    reach = next(c for c in checks if c.name == "Frida reaches the device")
    assert not reach.ok and "frida-server at 127.0.0.1:" in reach.detail
    [forward] = [e for e in journal if e.startswith("adb forward tcp:")]
    local = forward.split()[2]
    assert forward.endswith(" tcp:27500") and f"adb forward --remove {local}" in journal


def test_doctor_says_in_one_line_when_the_device_goes_away(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSENT_AUDIT_CACHE", str(tmp_path))
    device = FakeAdbDevice([])

    def unplug_then_answer(shell: Shell) -> dict[str, object]:
        device.lost = "device 'emulator-5554' not found"
        return FULL_ACCESS

    checks = doctor(device, frida_probe=unplug_then_answer, package="com.example.pkmproject")
    assert (checks[-1].name, checks[-1].ok) == ("device", False)
    assert checks[-1].detail == "device emulator-5554 was lost: device 'emulator-5554' not found"


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
