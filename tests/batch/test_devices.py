"""Device slots: `--devices` parsed, an Android slot reset and checked over adb (a fake device replaying a real
one), a sandbox slot's check."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from auditor.batch.applist import AppListInvalid, Job, load_app_list
from auditor.batch.devices import (
    AndroidSlot,
    SandboxSlot,
    check_free_space,
    parse_devices,
    parse_df_available,
    server_arguments,
    with_installed_versions,
)
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


TOYBOX_DF = """Filesystem        1K-blocks    Used Available Use% Mounted on
/dev/block/dm-44   5962248 4233516   {free} 73% /data
"""


def _device(boot: str = "1", free_kib: int = 1597260, serial: str = "emulator-5554",
            **options: object) -> tuple[FakeAdbDevice, list[str]]:
    journal: list[str] = []
    device = FakeAdbDevice(journal, serial=serial, **options)  # type: ignore[arg-type]
    ok = ShellAnswer(0, b"")
    device.extra += [
        (re.compile(r"^getprop sys\.boot_completed$"), lambda _c: ShellAnswer(0, f"{boot}\n".encode())),
        (re.compile(r"^input keyevent "), lambda _c: ok),
        (re.compile(r"^am force-stop "), lambda _c: ok),
        (re.compile(r"^df -k /data$"), lambda _c: ShellAnswer(0, TOYBOX_DF.format(free=free_kib).encode())),
    ]
    return device, journal


def test_android_slot_reset_and_preflight(tmp_path: Path) -> None:
    device, journal = _device()
    slot = AndroidSlot("emulator-5554", adb_device=device)
    slot.reset("com.example.shop")
    slot.preflight(tmp_path)
    assert journal == ["adb shell am force-stop com.example.shop", "adb shell input keyevent KEYCODE_WAKEUP",
                       "adb shell input keyevent KEYCODE_HOME", "adb shell getprop sys.boot_completed",
                       "adb shell /data/local/tmp/frida-server --version", "adb shell ps -A",
                       # the running server's own version, read through its executable (as root: `id -u` first)
                       "adb shell id -u", "adb shell /proc/4200/exe --version", "adb shell df -k /data"]


def test_android_slot_preflight_starts_a_stopped_frida_server(tmp_path: Path) -> None:
    device, journal = _device(server_running=False)
    AndroidSlot("emulator-5554", adb_device=device).preflight(tmp_path)
    assert "adb shell /data/local/tmp/frida-server -D" in journal, "started as run-one would, before the audit"
    assert "frida-server" in device.processes.values()


@pytest.mark.parametrize(("options", "state"), [
    ({"server_running": False}, "installed, not running (17.25.2)"),
    ({"server_version": "16.5.9"}, "running (16.5.9, frida is 17.25.2)"),
])
def test_android_slot_without_server_setup_needs_the_right_frida_server_running(
        tmp_path: Path, options: dict[str, object], state: str) -> None:
    device, _ = _device(**options)
    slot = AndroidSlot("emulator-5554", adb_device=device, server_arguments=["--no-server-setup"])
    with pytest.raises(DeviceError, match=re.escape(f"frida-server on device emulator-5554 is {state}, and the "
                                                    "batch runs with --no-server-setup")):
        slot.preflight(tmp_path)


def test_android_slot_refuses_a_device_whose_storage_is_full(tmp_path: Path) -> None:
    device, _ = _device(free_kib=40 * 1024)
    with pytest.raises(EnvironmentProblem, match="device emulator-5554 has 40 MiB free on /data, less than the 256 "
                                                 "MiB an audit needs"):
        AndroidSlot("emulator-5554", adb_device=device).preflight(tmp_path)


def test_df_outputs() -> None:
    assert parse_df_available(TOYBOX_DF.format(free=1597260)) == 1597260 * 1024
    wrapped = ("Filesystem           1K-blocks      Used Available Use% Mounted on\n"
               "/dev/block/platform/msm_sdcc.1/by-name/userdata\n"
               "                      12971776   9124404   3847372  70% /data\n")
    assert parse_df_available(wrapped) == 3847372 * 1024
    assert parse_df_available("df: /data: Permission denied\n") is None


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


def _jobs(tmp_path: Path, *rows: str) -> list[Job]:
    listing = tmp_path / "apps.csv"
    scenario = Path(__file__).resolve().parents[1] / "apps" / "batch-mini" / "scenario.yaml"
    listing.write_text("app,scenario\n" + "".join(f"{row},{scenario}\n" for row in rows), encoding="utf-8")
    return load_app_list(listing)


def test_an_installed_package_is_keyed_by_the_version_the_devices_have(tmp_path: Path) -> None:
    (job,) = _jobs(tmp_path, "com.example.pkmproject")
    assert job.version_code is None and job.key.startswith("com.example.pkmproject-x-")
    slots = [AndroidSlot(serial, adb_device=_device(serial=serial)[0]) for serial in ("emu-1", "emu-2")]
    (keyed,) = with_installed_versions([job], slots)  # type: ignore[arg-type]
    assert keyed.version_code == 1 and keyed.key.startswith("com.example.pkmproject-1-")

    updated, _ = _device(serial="emu-2")
    updated.dumpsys_text = updated.dumpsys_text.replace("versionCode=1 ", "versionCode=2 ")
    (again,) = with_installed_versions([job], [AndroidSlot("emu-1", adb_device=updated)])  # type: ignore[list-item]
    assert again.key != keyed.key, "an updated app is another audit: --resume does not take it for done"


def test_an_installed_package_missing_or_of_another_version_on_a_device_is_refused(tmp_path: Path) -> None:
    (job,) = _jobs(tmp_path, "com.example.pkmproject")
    first, _ = _device(serial="emu-1")
    second, _ = _device(serial="emu-2")
    second.dumpsys_text = second.dumpsys_text.replace("versionCode=1 ", "versionCode=7 ")
    with pytest.raises(AppListInvalid, match=re.escape(
            f"{job.where}: com.example.pkmproject is installed in different versions (1 on emu-1, 7 on emu-2)")):
        with_installed_versions([job], [AndroidSlot("emu-1", adb_device=first),
                                        AndroidSlot("emu-2", adb_device=second)])
    second.installed.discard("com.example.pkmproject")
    with pytest.raises(AppListInvalid, match=re.escape(
            f"{job.where}: com.example.pkmproject is not installed on emu-2 (installed on emu-1)")):
        with_installed_versions([job], [AndroidSlot("emu-1", adb_device=first),
                                        AndroidSlot("emu-2", adb_device=second)])
