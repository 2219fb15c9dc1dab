"""Device slots: `--devices` parsed, an Android slot reset and checked over adb (a fake device replaying a real
one), a sandbox slot's check."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from auditor.batch.devices import AndroidSlot, SandboxSlot, check_free_space, parse_devices, server_arguments
from auditor.errors import DeviceError, EnvironmentProblem, InputError
from tests.devices.android_support import FakeAdbDevice, ShellAnswer


class FakeClient:
    def __init__(self, rows: list[tuple[str, str]]) -> None:
        self.rows = rows

    def list(self, extended: bool = False) -> list[object]:
        from types import SimpleNamespace

        return [SimpleNamespace(serial=serial, state=state, tags={}) for serial, state in self.rows]


def test_device_specs() -> None:
    assert [s.name for s in parse_devices("sandbox:3")] == ["sandbox-1", "sandbox-2", "sandbox-3"]
    assert [s.name for s in parse_devices("emulator-5554, 10.0.0.7:5555")] == ["emulator-5554", "10.0.0.7:5555"]
    assert parse_devices("10.0.0.7:5555")[0].run_one_arguments() == ["--serial", "10.0.0.7:5555"]
    renamed = parse_devices("R58M123", android_arguments=server_arguments("fs-x", 27049, True))
    assert renamed[0].run_one_arguments() == ["--serial", "R58M123", "--frida-server-name", "fs-x",
                                              "--frida-port", "27049", "--no-server-setup"]
    assert server_arguments("frida-server", 27042, False) == []
    client = FakeClient([("emulator-5554", "device"), ("R58M123", "unauthorized"), ("emulator-5556", "device")])
    assert [s.name for s in parse_devices("all", client=client)] == ["emulator-5554", "emulator-5556"]
    with pytest.raises(DeviceError, match="no usable Android device .*R58M123 \\(unauthorized\\)"):
        parse_devices("all", client=FakeClient([("R58M123", "unauthorized")]))
    for bad in ("sandbox:0", "sandbox:x", "a,a", " , "):
        with pytest.raises(InputError):
            parse_devices(bad)


def _device(boot: str = "1") -> tuple[FakeAdbDevice, list[str]]:
    journal: list[str] = []
    device = FakeAdbDevice(journal)
    ok = ShellAnswer(0, b"")
    device.extra += [
        (re.compile(r"^getprop sys\.boot_completed$"), lambda _c: ShellAnswer(0, f"{boot}\n".encode())),
        (re.compile(r"^input keyevent "), lambda _c: ok),
        (re.compile(r"^am force-stop "), lambda _c: ok),
    ]
    return device, journal


def test_android_slot_reset_and_preflight(tmp_path: Path) -> None:
    device, journal = _device()
    slot = AndroidSlot("emulator-5554", adb_device=device)
    slot.reset("com.example.shop")
    slot.preflight(tmp_path)
    assert journal == ["adb shell am force-stop com.example.shop", "adb shell input keyevent KEYCODE_WAKEUP",
                       "adb shell input keyevent KEYCODE_HOME", "adb shell getprop sys.boot_completed"]


def test_android_slot_refuses_a_device_still_booting(tmp_path: Path) -> None:
    device, _ = _device(boot="")
    with pytest.raises(DeviceError, match="has not finished booting"):
        AndroidSlot("emulator-5554", adb_device=device).preflight(tmp_path)


def test_android_slot_lost_device(tmp_path: Path) -> None:
    from auditor.devices.android_adb import DeviceLost

    device, _ = _device()
    device.lost = "device 'emulator-5554' not found"
    with pytest.raises(DeviceLost):
        AndroidSlot("emulator-5554", adb_device=device).reset("com.example.shop")


def test_sandbox_slot_checks_its_jdk(tmp_path: Path) -> None:
    SandboxSlot("sandbox-1").preflight(tmp_path)
    broken = SandboxSlot("sandbox-2", env={"CONSENT_AUDIT_JAVA_HOME": str(tmp_path / "no-jdk")})
    with pytest.raises(EnvironmentProblem, match="no Java at"):
        broken.preflight(tmp_path)


def test_a_full_disk_fails_the_check(tmp_path: Path) -> None:
    with pytest.raises(EnvironmentProblem, match="the disk is full"):
        check_free_space(tmp_path, minimum=1 << 62)
