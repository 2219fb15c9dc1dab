"""The Android backend's orchestration, step by step, through fakes at the adbutils, frida and uiautomator2 seams
replaying real outputs: opening (device, app, frida-server, Frida, uiautomator2), clean state without pre-granting,
spawn -> instrument -> resume order, spawn gating, exits and crashes, a lost device, the driver on real dumps."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import frida
import pytest

from auditor.agent import agent_is_current, build_agent
from auditor.catalog import load_catalog
from auditor.devices.android import WATCH_INTERVAL_S, AndroidBackend, AndroidOptions, parse_target
from auditor.devices.android_adb import DeviceLost
from auditor.devices.android_server import ServerSettings
from auditor.devices.base import ProcessExit, ProcessInfo
from auditor.errors import DeviceError, InputError, StepFailed
from auditor.instrument import FridaDevice, FridaTarget, Instrumenter
from auditor.models import CoverageRecord, HookEvent, StackRecord
from auditor.scenario.dialogs import detect_permission_dialog
from auditor.scenario.hierarchy import parse_hierarchy
from auditor.testing.fixtures import hierarchy_fixtures
from tests.devices.android_support import U2_APK, FakeAdbDevice, FakeFridaDevice, FakeUi, fixture_text

PACKAGE = "com.example.pkmproject"


class Device:
    """One fake device behind all three seams, with the journal they share."""

    def __init__(self, **adb_options: object) -> None:
        self.journal: list[str] = []
        self.adb = FakeAdbDevice(self.journal, **adb_options)  # type: ignore[arg-type]
        self.frida = FakeFridaDevice(self.journal, self.adb)
        self.ui = FakeUi(self.journal, {"home": fixture_text("plain-screen/buccancs-devices-screen.xml")}, "home",
                         foreground=(self.adb.package, ".MainActivity"))
        self.targets: list[FridaTarget] = []
        self.exits: list[ProcessExit] = []
        self.log: list[str] = []

    def open(self, package: str | None = PACKAGE, **options: object) -> AndroidBackend:
        def frida_factory(target: FridaTarget) -> FridaDevice:
            self.targets.append(target)
            return FridaDevice(target, raw=self.frida)

        backend = AndroidBackend(package, AndroidOptions(**options), adb_device=self.adb,  # type: ignore[arg-type]
                                 frida_factory=frida_factory, ui_factory=lambda _adb: self.ui)
        return backend

    def listen(self, backend: AndroidBackend) -> None:
        """Listen to the backend's exits and device log; returns once its logcat stream is open (lines logged from
        then on reach it, as on a device)."""
        streams = len(self.adb.streams)
        backend.set_listeners(self.exits.append, self.log.append)
        wait_for(lambda: len(self.adb.streams) > streams)

    def after(self, marker: str) -> list[str]:
        return self.journal[self.journal.index(marker):]


@pytest.fixture
def device() -> Device:
    return Device()


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.05)


# ------------------------------------------------------------------------------------------------------------
# Opening


def test_target_syntax() -> None:
    assert parse_target("android:com.example.shop") == "com.example.shop"
    with pytest.raises(InputError, match="not an Android package name"):
        parse_target("android:shop")


def test_open_reads_device_and_app_and_reaches_frida_on_the_serial(device: Device) -> None:
    with device.open() as backend:
        info = backend.device_info()
        assert (info.backend, info.serial, info.android_version, info.api_level, info.abi) == (
            "android", "emulator-5554", "14", 34, "x86_64")
        app = backend.app_info()
        # The installed APK could not be pulled: metadata from `dumpsys package`.
        assert (app.package, app.version_name, app.version_code, app.target_sdk) == (PACKAGE, "1.0.0", 1, 36)
        assert "android.permission.ACCESS_FINE_LOCATION" in app.permissions
        assert device.targets == [FridaTarget("usb", id="emulator-5554")]
        assert backend.frida_device.raw is device.frida


def test_installed_app_metadata_comes_from_its_own_apk(device: Device) -> None:
    device.adb.package = "com.github.uiautomator"
    device.adb.installed = {"com.github.uiautomator"}
    device.adb.files["/data/app/~~x==/com.github.uiautomator-y==/base.apk"] = U2_APK
    with device.open("com.github.uiautomator") as backend:
        app = backend.app_info()
    assert (app.label, app.version_name, app.target_sdk) == ("ATX", "2.4.0", 32)


def test_app_not_installed(device: Device) -> None:
    device.adb.installed = set()
    with pytest.raises(DeviceError, match=f"{PACKAGE} is not installed on device emulator-5554 for user 0"):
        device.open()


def test_apk_is_installed_without_granting(device: Device) -> None:
    device.adb.package = "com.github.uiautomator"
    device.adb.installed = set()
    with device.open(None, apk=U2_APK, reinstall=True) as backend:
        assert backend.package == "com.github.uiautomator"
        assert backend.app_info().label == "ATX"
    uninstall = device.journal.index("adb shell pm uninstall --user 0 com.github.uiautomator")
    install = device.journal.index("adb install app-uiautomator.apk -r -t")
    assert uninstall < install
    assert device.adb.installs[0]["nolaunch"] is True
    assert all("-g" not in call["flags"] for call in device.adb.installs)


def test_apk_of_another_package_is_refused(device: Device) -> None:
    with pytest.raises(InputError, match="the APK is com.github.uiautomator, not com.example.other"):
        device.open("com.example.other", apk=U2_APK)


def test_reinstall_needs_an_apk(device: Device) -> None:
    with pytest.raises(InputError, match="--reinstall needs --apk"):
        device.open(reinstall=True)


def test_frida_without_root_access_is_explained(device: Device) -> None:
    device.frida.access = "jailed"
    with pytest.raises(DeviceError, match="does not run as root"):
        device.open()


def test_alternate_port_is_reached_through_adb_forward(device: Device) -> None:
    device.adb.server_files["fs-helper"] = "17.25.2"
    device.adb.processes[4400] = "fs-helper"
    with device.open(server=ServerSettings(name="fs-helper", port=27500)) as backend:
        local, remote = device.adb.forwards[0]
        assert remote == "tcp:27500" and local.startswith("tcp:")
        assert device.targets == [FridaTarget("remote", address=f"127.0.0.1:{local[4:]}")]
        assert backend.frida_device.target.kind == "remote"
    assert f"adb forward --remove {local}" in device.journal


# ------------------------------------------------------------------------------------------------------------
# Clean state


def test_reset_clears_data_and_returns_every_runtime_permission_to_ask(device: Device) -> None:
    with device.open() as backend:
        device.journal.clear()
        backend.reset_app(clear_data=True)
    commands = [e[len("adb shell "):] for e in device.journal if e.startswith("adb shell ") and
                not e.startswith(("adb shell ps", "adb shell dumpsys"))]
    assert commands == [
        f"am force-stop --user 0 {PACKAGE}",
        f"pm clear --user 0 {PACKAGE}",
        f"pm revoke --user 0 {PACKAGE} android.permission.ACCESS_FINE_LOCATION",
        f"pm clear-permission-flags --user 0 {PACKAGE} android.permission.ACCESS_FINE_LOCATION user-set user-fixed",
        f"pm revoke --user 0 {PACKAGE} android.permission.ACCESS_COARSE_LOCATION",
        f"pm clear-permission-flags --user 0 {PACKAGE} android.permission.ACCESS_COARSE_LOCATION user-set user-fixed",
    ]
    # Checked afterwards on a fresh dump: nothing granted, no user decision left.
    assert sum(e == f"adb shell dumpsys package {PACKAGE}" for e in device.journal) == 2
    assert "granted=true, flags=[ USER" not in device.adb.dumpsys_text


def test_reset_on_the_current_user_of_a_multi_user_device() -> None:
    device = Device(package="com.wheelchair.cockpit", dumpsys="dumpsys-package/cockpit-automotive-package-dump-utf16le.txt",
                    user=10)
    with device.open("com.wheelchair.cockpit") as backend:
        backend.reset_app(clear_data=True)
    assert "adb shell pm clear --user 10 com.wheelchair.cockpit" in device.journal
    assert "adb shell pm revoke --user 10 com.wheelchair.cockpit android.permission.RECORD_AUDIO" in device.journal
    assert not any("--user 0" in e for e in device.journal)


def test_a_permission_that_stays_granted_fails_the_reset(device: Device) -> None:
    device.adb.refuse_revoke.add("android.permission.ACCESS_FINE_LOCATION")
    with device.open() as backend, pytest.raises(
            DeviceError, match="could not return android.permission.ACCESS_FINE_LOCATION .* to 'ask'"):
        backend.reset_app(clear_data=True)


def test_reset_without_clear_only_stops(device: Device) -> None:
    with device.open() as backend:
        device.journal.clear()
        backend.reset_app(clear_data=False)
    assert not any("pm " in e for e in device.journal)


# ------------------------------------------------------------------------------------------------------------
# Launch: spawn, instrument while held, resume; spawn gating


class Sink:
    def __init__(self) -> None:
        self.coverage: list[CoverageRecord] = []

    def record_events(self, events: list[HookEvent], stacks: list[StackRecord]) -> None: ...

    def record_coverage(self, coverage: CoverageRecord) -> None:
        self.coverage.append(coverage)

    def record_agent_log(self, process: ProcessInfo, level: str, message: str) -> None: ...

    def process_detached(self, process: ProcessInfo, reason: str, crash: str | None) -> None: ...


@pytest.fixture(scope="module")
def agent_built() -> None:
    if not agent_is_current():
        build_agent()


def instrumented_gate(backend: AndroidBackend, journal: list[str]) -> tuple[Callable[[ProcessInfo], None], Instrumenter]:
    instrumenter = Instrumenter(load_catalog(), Sink(), device=backend.frida_device)

    def gate(process: ProcessInfo) -> None:
        journal.append(f"gate {process.name} {process.pid}")
        instrumenter.instrument(process)

    return gate, instrumenter


def test_launch_spawns_instruments_then_resumes(device: Device, agent_built: None) -> None:
    with device.open() as backend:
        gate, instrumenter = instrumented_gate(backend, device.journal)
        device.listen(backend)
        backend.reset_app(clear_data=True)
        device.journal.append("-- launch")
        backend.launch_app(gate)
        pid = device.frida.next_pid
        steps = [e for e in device.after("-- launch") if e.startswith(("frida", "gate", "agent"))]
        assert steps == [
            "frida enable spawn gating",
            f"frida spawn {PACKAGE} -> {pid}",
            f"gate {PACKAGE} {pid}",
            f"frida attach {pid}",
            f"frida load agent into {pid}",
            f"agent {pid}: init posted",       # Java.perform registered its hooks...
            f"agent {pid}: cursor",            # ...which this answer proves...
            f"frida resume {pid}",             # ...so the process may run: the hooks go in before app code,
            f"agent {pid}: init answered",     # and init answers once they are in. Not resumed twice.
        ]
        assert backend.processes() == [ProcessInfo(pid, PACKAGE)]
        assert backend.app_state().foreground
        instrumenter.close()


def test_gated_processes_of_the_app_are_instrumented_others_resumed(device: Device, agent_built: None) -> None:
    with device.open() as backend:
        gate, instrumenter = instrumented_gate(backend, device.journal)
        device.listen(backend)
        backend.launch_app(gate)
        device.journal.append("-- later")
        push = device.frida.system_starts(f"{PACKAGE}:push")
        other = device.frida.system_starts("com.android.vending")
        wait_for(lambda: f"agent {push}: init answered" in device.journal and f"frida resume {other}" in device.journal)
        later = device.after("-- later")
        assert f"gate {PACKAGE}:push {push}" in later
        assert later.index(f"agent {push}: init posted") < later.index(f"frida resume {push}")
        assert not any(e.startswith("gate com.android.vending") for e in later)
        assert ProcessInfo(push, f"{PACKAGE}:push") in backend.processes()
        instrumenter.close()


def gated(device: Device, backend: AndroidBackend, name: str, **start: object) -> tuple[int, list[str]]:
    """Android starts process `name` while the app runs; which steps it went through."""
    gate, instrumenter = instrumented_gate(backend, device.journal)
    device.listen(backend)
    backend.launch_app(gate)
    device.journal.append("-- later")
    pid = device.frida.system_starts(name, **start)  # type: ignore[arg-type]
    wait_for(lambda: f"frida resume {pid}" in device.journal)
    wait_for(lambda: f"gate {name} {pid}" not in device.journal or f"agent {pid}: init answered" in device.journal)
    instrumenter.close()
    return pid, device.after("-- later")


def test_a_component_in_a_global_process_is_instrumented_by_its_uid(device: Device, agent_built: None) -> None:
    """`android:process="com.example.pkmproject.remote"` (no colon): the name does not tell, the app's uid does."""
    with device.open() as backend:
        pid, later = gated(device, backend, "com.example.pkmproject.remote", uid=10441)
        assert f"gate com.example.pkmproject.remote {pid}" in later
        assert later.index(f"agent {pid}: init posted") < later.index(f"frida resume {pid}")
        assert f"adb shell stat -c %u /proc/{pid}" in later
        assert ProcessInfo(pid, "com.example.pkmproject.remote") in backend.processes()
        # Tracked as the app's from then on: the process watch does not take it for ended.
        time.sleep(WATCH_INTERVAL_S * 1.5)
        assert not [e for e in device.exits if e.pid == pid]


def test_a_process_the_manifest_declares_is_instrumented_by_its_name(
        device: Device, agent_built: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from auditor.devices import android as android_module
    from auditor.devices.android_apk import read_apk

    device.adb.files["/data/app/~~x==/com.example.pkmproject-y==/base.apk"] = U2_APK
    declared = replace(read_apk(U2_APK), package=PACKAGE, processes=("com.example.sync",))
    monkeypatch.setattr(android_module, "read_apk", lambda _path: declared)
    with device.open() as backend:
        pid, later = gated(device, backend, "com.example.sync", uid=10500)  # another uid: the name decides
        assert f"gate com.example.sync {pid}" in later
        assert not any(e.startswith("adb shell stat") for e in later)


def test_an_application_with_its_own_process_name_is_launched_and_watched_under_it(
        device: Device, monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from auditor.devices import android as android_module
    from auditor.devices.android_apk import read_apk

    device.adb.files["/data/app/~~x==/com.example.pkmproject-y==/base.apk"] = U2_APK
    declared = replace(read_apk(U2_APK), package=PACKAGE, main_process="com.example.pkmproject.main")
    monkeypatch.setattr(android_module, "read_apk", lambda _path: declared)
    device.frida.process_names[PACKAGE] = "com.example.pkmproject.main"
    backend, pid = launched(device)
    with backend:
        assert backend.processes() == [ProcessInfo(pid, "com.example.pkmproject.main")]
        assert backend.app_state().alive
        time.sleep(WATCH_INTERVAL_S * 1.5)
        assert device.exits == []


def test_another_apps_spawn_is_resumed_untouched(device: Device, agent_built: None) -> None:
    with device.open() as backend:
        pid, later = gated(device, backend, "com.google.android.gms.persistent", uid=10130)
        assert not any(e.startswith("gate ") for e in later) and f"frida attach {pid}" not in later


def test_a_shared_uid_does_not_make_another_packages_process_ours(device: Device, agent_built: None) -> None:
    device.adb.dumpsys_text = device.adb.dumpsys_text.replace(
        "    userId=10441\n", "    userId=10441\n    sharedUser=SharedUserSetting{5c1a2e7 com.example.shared/10441}\n", 1)
    with device.open() as backend:
        pid, later = gated(device, backend, "com.example.companion", uid=10441)
        assert not any(e.startswith("gate ") for e in later)


def test_a_spawn_held_before_gating_was_enabled_is_handled_too(device: Device, agent_built: None) -> None:
    """Pending spawns are listed when gating is enabled: one of the app's is instrumented, another app's resumed."""
    device.frida.gating = True  # held by an earlier session, never announced to this one
    push = device.frida.system_starts(f"{PACKAGE}:push", announce=False)
    other = device.frida.system_starts("com.android.vending", announce=False)
    with device.open() as backend:
        gate, instrumenter = instrumented_gate(backend, device.journal)
        device.listen(backend)
        backend.launch_app(gate)
        wait_for(lambda: f"agent {push}: init answered" in device.journal and f"frida resume {other}" in device.journal)
        assert device.frida.pending == {}
        instrumenter.close()


def test_close_resumes_what_is_still_held(device: Device) -> None:
    backend = device.open()
    backend.frida_device.enable_spawn_gating(lambda spawn: None)  # a handler that never resumes
    pid = device.frida.system_starts("com.example.other")
    wait_for(lambda: backend.frida_device.held() == [pid])
    backend.close()
    assert f"frida resume {pid}" in device.journal


def test_front_door_failure_is_explained(device: Device) -> None:
    device.frida.spawn_error = frida.NotSupportedError("unable to find a front-door activity")
    with device.open() as backend, pytest.raises(DeviceError, match="no launcher activity Frida can start"):
        backend.launch_app(lambda process: None)


def test_a_spawn_failure_the_device_log_explains_by_selinux(device: Device) -> None:
    """frida-core#203: "unexpected error while attaching to process with pid 593" (zygote64), cured by setenforce 0;
    the kernel logged the denial of Frida's agent just before."""
    denial = fixture_text("frida-errors/logcat-selinux-denials.txt").splitlines()[3].split('"\t#')[0][1:]
    device.adb.logcat = [denial]
    device.frida.spawn_error = frida.NotSupportedError("unexpected error while attaching to process with pid 593")
    with device.open() as backend:
        device.listen(backend)
        wait_for(lambda: device.log == [denial])
        with pytest.raises(DeviceError, match=r"pid 593 \(the device log has `avc: +denied +\{ map \}.*SELinux"):
            backend.launch_app(lambda process: None)


def test_gate_failure_kills_the_process_and_explains(device: Device, agent_built: None) -> None:
    with device.open() as backend:
        gate, instrumenter = instrumented_gate(backend, device.journal)
        device.frida.attach_error = frida.NotSupportedError(
            "need Gadget to attach on jailed Android; its default location is: /root/.cache/frida/gadget.so")
        with pytest.raises(DeviceError, match="cannot attach .* need Gadget .* google_apis emulator image"):
            backend.launch_app(gate)
        pid = device.frida.next_pid
        assert f"frida kill {pid}" in device.journal and f"frida resume {pid}" not in device.journal
        instrumenter.close()


# ------------------------------------------------------------------------------------------------------------
# Ends of processes


def launched(device: Device) -> tuple[AndroidBackend, int]:
    backend = device.open()
    device.listen(backend)
    backend.launch_app(lambda process: None)
    return backend, device.frida.next_pid


def test_exit_is_reported(device: Device) -> None:
    backend, pid = launched(device)
    with backend:
        device.adb.processes.pop(pid)
        wait_for(lambda: bool(device.exits))
    assert device.exits == [ProcessExit(pid, PACKAGE, None, "exited", "")]


def test_crash_is_reported_with_its_exception(device: Device) -> None:
    backend, pid = launched(device)
    crash = [
        f"05-14 10:22:31.100  {pid}  {pid} E AndroidRuntime: FATAL EXCEPTION: main",
        f"05-14 10:22:31.100  {pid}  {pid} E AndroidRuntime: Process: {PACKAGE}, PID: {pid}",
        f"05-14 10:22:31.100  {pid}  {pid} E AndroidRuntime: java.lang.IllegalStateException: no consent yet",
        f"05-14 10:22:31.300  1234  1250 I ActivityManager: Process {PACKAGE} (pid {pid}) has died: fg  TOP",
    ]
    with backend:
        device.adb.log(*crash[:3])
        wait_for(lambda: len(device.log) == 3)
        device.adb.processes.pop(pid)
        device.adb.log(crash[3])
        wait_for(lambda: bool(device.exits))
    assert device.exits == [ProcessExit(pid, PACKAGE, None, "crashed",
                                        "java.lang.IllegalStateException: no consent yet")]
    assert device.log == crash


def test_a_log_silent_longer_than_adbs_socket_timeout_still_reports_a_crash(
        device: Device, monkeypatch: pytest.MonkeyPatch) -> None:
    """adbutils leaves a 600 s timeout on a streamed shell: ten quiet minutes must not end crash detection. Here
    that timeout is 0.2 s and the log is quiet for 1 s."""
    monkeypatch.setattr("auditor.devices.android_adb.STREAM_POLL_S", 0.05)
    device.adb.stream_socket_timeout = 0.2
    backend, pid = launched(device)
    with backend:
        time.sleep(1.0)
        device.adb.log(f"05-14 10:22:31.100  {pid}  {pid} F libc    : Fatal signal 11 (SIGSEGV), code 1 (SEGV_MAPERR), "
                       f"fault addr 0x0 in tid {pid} (pkmproject), pid {pid} (pkmproject)")
        wait_for(lambda: len(device.log) == 1)
        device.adb.processes.pop(pid)
        wait_for(lambda: bool(device.exits))
    assert device.exits == [ProcessExit(pid, PACKAGE, None, "crashed", "Fatal signal 11 (SIGSEGV)")]
    assert sum(e.startswith("adb stream logcat") for e in device.journal) == 1  # the same stream all along


def test_a_log_stream_that_ends_is_opened_again_from_its_last_line(
        device: Device, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("auditor.devices.android.LOG_REOPEN_WAIT_S", 0.05)
    backend, _ = launched(device)
    first = "05-14 10:22:31.100  1234  1250 I ActivityManager: Start proc 5001:com.example.pkmproject/u0a441"
    second = "05-14 10:22:31.100  1234  1250 I ActivityManager: Displayed com.example.pkmproject/.MainActivity"
    later = "05-14 10:22:35.400  5001  5001 I pkmproject: after the stream came back"
    with backend:
        device.adb.log(first, second)
        wait_for(lambda: len(device.log) == 2)
        device.adb.streams[0].end()  # logd restarted
        wait_for(lambda: len(device.adb.streams) == 2)
        device.adb.log(later)
        wait_for(lambda: len(device.log) == 3)
    assert device.log == [first, second, later]  # the lines of the same moment are not read twice
    assert "adb stream logcat -v threadtime -T '05-14 10:22:31.100'" in device.journal


def test_stop_reports_killed_by_the_harness(device: Device) -> None:
    backend, pid = launched(device)
    with backend:
        backend.stop_app()
        assert device.exits == [ProcessExit(pid, PACKAGE, None, "killed", "stopped by the harness")]
        assert not backend.app_state().alive


def test_lost_device_ends_live_processes_and_fails_what_follows(device: Device) -> None:
    backend, pid = launched(device)
    with backend:
        device.frida.unplugged()
        wait_for(lambda: bool(device.exits))
        assert device.exits[0].reason == "device-lost" and device.exits[0].pid == pid
        assert device.exits[0].ended_by == "lost"
        with pytest.raises(DeviceLost, match="device emulator-5554 was lost"):
            backend.driver.dump_hierarchy()


def test_frida_lost_while_adb_answers_is_a_lost_transport(device: Device) -> None:
    """Frida's device `lost` signal with the device still on adb: frida-server went (a remote device's connection)."""
    backend, pid = launched(device)
    with backend:
        device.frida.lose()
        wait_for(lambda: bool(device.exits))
        assert [(e.pid, e.reason, e.ended_by) for e in device.exits] == [(pid, "transport-lost", "lost")]
        with pytest.raises(DeviceLost, match="Frida lost its connection to frida-server .* server start"):
            backend.app_state()


def test_adb_transport_error_is_a_lost_device(device: Device) -> None:
    backend, pid = launched(device)
    with backend:
        device.adb.lost = "device 'emulator-5554' not found"
        with pytest.raises(DeviceError, match="was lost: device 'emulator-5554' not found"):
            backend.app_state()
        assert [e.reason for e in device.exits] == ["device-lost"]


# ------------------------------------------------------------------------------------------------------------
# The driver


def test_driver_on_real_dumps_finds_every_permission_dialog(device: Device) -> None:
    dumps = {path.name: path.read_bytes().decode("utf-8-sig") for path in hierarchy_fixtures("perm-dialog")}
    device.ui.screens.update(dumps)
    with device.open() as backend:
        for name in dumps:
            device.ui.current = name
            dialog = detect_permission_dialog(parse_hierarchy(backend.driver.dump_hierarchy()))
            assert dialog is not None and "deny" in dialog.controls, name


def test_driver_taps_types_and_takes_png_screenshots(device: Device) -> None:
    with device.open() as backend:
        backend.driver.click(540, 1200)
        backend.driver.input_text(100, 200, "alice")
        backend.driver.press_back()
        shot = backend.driver.screenshot()
    assert shot.mime == "image/png" and shot.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert [e for e in device.journal if e.startswith("ui")] == [
        "ui click 540 1200", "ui click 100 200", "ui type 'alice'", "ui press back"]


def test_app_state_tells_foreground_from_background(device: Device) -> None:
    backend, _ = launched(device)
    with backend:
        assert backend.app_state().foreground
        backend.move_to_background()
        device.ui.foreground = ("com.google.android.apps.nexuslauncher", ".NexusLauncherActivity")
        state = backend.app_state()
        assert state.alive and not state.foreground
        backend.move_to_foreground()
        assert f"adb shell monkey -p {PACKAGE} -c android.intent.category.LAUNCHER 1" in device.journal
        assert "ui press home" in device.journal


def test_foreground_when_not_running_is_a_step_failure(device: Device) -> None:
    with device.open() as backend, pytest.raises(StepFailed, match="is not running"):
        backend.move_to_foreground()


def test_close_twice_and_threads_end(device: Device) -> None:
    backend, _ = launched(device)
    backend.close()
    backend.close()
    assert not any(t.is_alive() for t in threading.enumerate() if t.name.startswith("android-"))


def test_audit_run_over_the_fakes(device: Device, agent_built: None, tmp_path: Path) -> None:
    """run_audit hands the backend's Frida device to the instrumenter: the whole run goes through the fakes."""
    from auditor.audit import run_audit
    from auditor.scenario import load_scenario
    from auditor.store import read_run

    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(f"appId: {PACKAGE}\nname: launch and look\n---\n- launchApp: {{clearState: true}}\n"
                        "- screenshot: first\n- stopApp\n")
    backend = device.open()
    outcome = run_audit(backend, load_scenario(scenario), tmp_path / "run", target=f"android:{PACKAGE}")
    assert outcome.status == "completed", outcome.message
    run = read_run(tmp_path / "run")
    assert run.meta.device.backend == "android" and run.meta.app.target_sdk == 36
    pid = device.frida.next_pid
    assert [c.pid for c in run.coverage] == [pid]
    kinds = [m.kind for m in run.markers]
    assert kinds.index("process-start") < kinds.index("process-end")
    ended = next(m for m in run.markers if m.kind == "process-end")
    assert (ended.pid, ended.reason) == (pid, "killed")  # type: ignore[union-attr]
    assert next(p for p in (tmp_path / "run" / "screenshots").iterdir()).suffix == ".png"


# ------------------------------------------------------------------------------------------------------------
# Runs through the real audit orchestration, ending early: what was recorded stays, the end is said truthfully


CONSENT_SCREEN = "consent-dialog/droidmate-ebay-terms-of-use-agree.xml"
REFUSE_THEN_WATCH = f"""appId: {PACKAGE}
name: refuse and watch
---
- launchApp: {{clearState: true}}
- consent: refuse
- sleep: 1
- screenshot: after-refusal
- stopApp
"""


class AppOnDevice:
    """The fake device showing the app's privacy dialog; the refusal tap (Cancel) does what the test says, after the
    app has read the device id (an event the agent sends)."""

    def __init__(self, device: Device, on_refusal: Callable[[int], None]) -> None:
        self.device = device
        device.ui.screens["consent"] = fixture_text(CONSENT_SCREEN)
        device.ui.current = "consent"
        self.pid: int | None = None

        def clicked(x: int, y: int) -> None:
            if device.ui.current == "consent" and y > 1141 and x < 400:
                pid = device.frida.next_pid
                device.frida.script_of(pid).send_call("telephony.device-id", "android.telephony.TelephonyManager",
                                                      "getDeviceId")
                device.ui.current = "home"
                on_refusal(pid)

        device.ui.on_click = clicked


def audit(device: Device, tmp_path: Path, text: str = REFUSE_THEN_WATCH) -> tuple[Path, object]:
    from auditor.audit import run_audit
    from auditor.scenario import load_scenario

    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(text)
    run_dir = tmp_path / "run"
    try:
        outcome: object = run_audit(device.open(), load_scenario(scenario), run_dir, target=f"android:{PACKAGE}")
    except DeviceError as exc:
        outcome = exc
    return run_dir, outcome


def deny_exit_findings(run_dir: Path) -> list[str]:
    from auditor.analysis import analyse_run
    from auditor.store import read_run

    analysis = analyse_run(read_run(run_dir), ["cn-miit"])
    return [f.rule for f in analysis.analysis.active_findings if f.rule == "CN-DENY-EXIT"]


def process_ends(run_dir: Path) -> list[tuple[str, str | None]]:
    from auditor.store import read_run

    return [(m.reason, m.ended_by) for m in read_run(run_dir).markers if m.kind == "process-end"]  # type: ignore[union-attr]


def test_a_run_that_ends_with_the_app_running_records_no_end_of_it(
        device: Device, agent_built: None, tmp_path: Path) -> None:
    """Detaching at the end of the run is this tool letting go, not the app quitting after the refusal."""
    AppOnDevice(device, lambda _pid: None)
    run_dir, outcome = audit(device, tmp_path, REFUSE_THEN_WATCH.replace("- stopApp\n", ""))
    assert getattr(outcome, "status", None) == "completed", outcome
    assert process_ends(run_dir) == []
    assert "detached: application-requested" in (run_dir / "agent.log").read_text()
    assert deny_exit_findings(run_dir) == []


def test_the_app_quitting_after_the_refusal_is_flagged(device: Device, agent_built: None, tmp_path: Path) -> None:
    AppOnDevice(device, lambda pid: device.adb.processes.pop(pid))
    run_dir, _ = audit(device, tmp_path)
    assert process_ends(run_dir) == [("exited", "app")]
    assert deny_exit_findings(run_dir) == ["CN-DENY-EXIT"]


def test_frida_server_dying_after_the_refusal_ends_the_run_and_is_no_finding(
        device: Device, agent_built: None, tmp_path: Path) -> None:
    AppOnDevice(device, lambda _pid: device.frida.server_dies())
    run_dir, outcome = audit(device, tmp_path)
    assert isinstance(outcome, DeviceLost) and "Frida lost its connection to frida-server" in str(outcome)
    assert process_ends(run_dir) == [("transport-lost", "lost")]
    assert deny_exit_findings(run_dir) == []


def test_the_device_going_away_after_the_refusal_ends_the_run_and_is_no_finding(
        device: Device, agent_built: None, tmp_path: Path) -> None:
    AppOnDevice(device, lambda _pid: device.frida.unplugged())
    run_dir, outcome = audit(device, tmp_path)
    assert isinstance(outcome, DeviceLost) and "was lost" in str(outcome)
    assert process_ends(run_dir) == [("device-lost", "lost")]
    assert deny_exit_findings(run_dir) == []


@pytest.mark.parametrize("loss", ["server-dies", "unplugged"])
def test_a_loss_mid_scenario_keeps_the_record_and_exits_as_an_infrastructure_failure(
        loss: str, device: Device, agent_built: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """`run-one` (and `run`) over the fakes: the run directory holds everything recorded up to the loss, sealed by a
    manifest that verifies; run-one exits 75 (retry elsewhere), `run` 3 with one line."""
    import json

    from auditor.cli import main
    from auditor.store import read_run, verify_run

    lose = device.frida.server_dies if loss == "server-dies" else device.frida.unplugged
    AppOnDevice(device, lambda _pid: lose())
    monkeypatch.setattr("auditor.devices.open_backend", lambda target, android=None: device.open())
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(REFUSE_THEN_WATCH)
    run_dir = tmp_path / "run"
    code = main(["run-one", "--target", f"android:{PACKAGE}", "--scenario", str(scenario), "--out", str(run_dir),
                 "--result", str(tmp_path / "result.json")])
    assert code == 75, capsys.readouterr().err
    result = json.loads((tmp_path / "result.json").read_text())
    assert (result["kind"], result["reason"]) == ("infrastructure", "device-lost")
    assert verify_run(run_dir).intact
    run = read_run(run_dir)
    assert [e.api for e in run.events] == ["android.telephony.TelephonyManager.getDeviceId"]
    kinds = [m.kind for m in run.markers]
    assert kinds[:2] == ["run-start", "step-start"] and "consent" in kinds and kinds[-1] == "run-end"
    ended = run.markers[-1]
    assert ended.status == "error" and "lost" in ended.message  # type: ignore[union-attr]
    # The step during which it happened fails with the loss, and nothing runs after it.
    [failed] = [m for m in run.markers if m.kind == "step-end" and not m.ok]  # type: ignore[union-attr]
    assert failed.step.name == "consent" and "lost" in failed.message  # type: ignore[union-attr]
    assert "step-start" not in kinds[kinds.index("consent"):]

    device.ui.on_click = None
    fresh = Device()
    AppOnDevice(fresh, lambda _pid: (fresh.frida.server_dies if loss == "server-dies" else fresh.frida.unplugged)())
    monkeypatch.setattr("auditor.devices.open_backend", lambda target, android=None: fresh.open())
    capsys.readouterr()
    assert main(["run", "--target", f"android:{PACKAGE}", "--scenario", str(scenario),
                 "--out", str(tmp_path / "run2")]) == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("consent-audit: error: device emulator-5554") and "Traceback" not in "".join(err)
    assert verify_run(tmp_path / "run2").intact


def test_no_focused_window_is_an_unknown_foreground_for_that_poll(device: Device) -> None:
    """uiautomator2's app_current() raises "Couldn't get focused app" during an activity transition: that poll says
    "not known to be in front", and the next one sees the app again."""
    backend, _ = launched(device)
    with backend:
        device.ui.foreground = None
        state = backend.app_state()
        assert state.alive and not state.foreground and state.activity == ""
        device.ui.foreground = (PACKAGE, ".MainActivity")
        assert backend.app_state().foreground


def test_another_failure_to_read_the_foreground_is_a_device_error(device: Device,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import adbutils

    backend, _ = launched(device)

    def broken() -> dict[str, str]:
        raise adbutils.AdbError("closed")

    with backend:
        monkeypatch.setattr(device.ui, "app_current", broken)
        with pytest.raises(DeviceError, match="could not read the foreground app: AdbError: closed"):
            backend.app_state()


# ------------------------------------------------------------------------------------------------------------
# Older Androids, root through su, installs that fail


def old_android(device: Device, api: int = 28) -> None:
    device.adb.props["ro.build.version.sdk"] = str(api)
    device.adb.props["ro.build.version.release"] = "9"


def test_without_clear_permission_flags_pm_clear_resets_the_decisions(device: Device) -> None:
    """Android 9: `pm` has no clear-permission-flags; clearing the data reset the permissions, as Android does."""
    old_android(device)
    device.adb.clear_resets_permissions = True
    with device.open() as backend:
        device.journal.clear()
        backend.reset_app(clear_data=True)
    assert "granted=true" not in device.adb.dumpsys_text.split("runtime permissions:")[1]
    assert not any(e.startswith("adb install") for e in device.journal)


def test_without_clear_permission_flags_a_decision_left_is_undone_by_reinstalling_the_apk(device: Device) -> None:
    old_android(device)
    device.adb.package = "com.github.uiautomator"
    device.adb.installed = {"com.github.uiautomator"}  # installed with decisions taken; `-r` keeps them
    device.adb.dumpsys_text = device.adb.dumpsys_text.replace("com.example.pkmproject", "com.github.uiautomator")
    with device.open(None, apk=U2_APK) as backend:
        device.listen(backend)
        device.journal.clear()
        backend.reset_app(clear_data=True)
    flags = [e for e in device.journal if "clear-permission-flags" in e]
    assert len(flags) == 1, "tried once: pm answered it has no such command"
    uninstall = device.journal.index("adb shell pm uninstall --user 0 com.github.uiautomator")
    assert uninstall < device.journal.index("adb install app-uiautomator.apk -r -t")
    assert all("-g" not in call["flags"] for call in device.adb.installs)
    assert any("reinstalling app-uiautomator.apk to reset it" in line for line in device.log)
    assert "granted=true" not in device.adb.dumpsys_text.split("runtime permissions:")[1]


def test_without_clear_permission_flags_or_an_apk_the_run_does_not_start(device: Device) -> None:
    old_android(device)
    with device.open() as backend, pytest.raises(
            DeviceError, match=r"API 28\) has no `pm clear-permission-flags` .* give --apk FILE"):
        backend.reset_app(clear_data=True)


def test_an_install_the_device_refuses_says_why_in_pms_words(device: Device) -> None:
    """rom1v/sndcpy#184: what pm answered, as adbutils raises it."""
    from auditor.outcomes import classify_exception

    device.adb.package = "com.github.uiautomator"
    device.adb.installed = set()
    device.adb.install_failure = (
        "Failure [INSTALL_FAILED_OLDER_SDK: Failed parse during installPackageLI: /data/app/vmdl1230706928.tmp/base.apk "
        "(at Binary XML file line #7): Requires newer sdk version #29 (current version is #28)]")
    with pytest.raises(DeviceError, match=r"installing app-uiautomator.apk on device emulator-5554 failed: Failure "
                                          r"\[INSTALL_FAILED_OLDER_SDK: .*Requires newer sdk version #29") as error:
        device.open(None, apk=U2_APK)
    outcome = classify_exception(error.value, opening_app=True)
    assert (outcome.kind, outcome.reason) == ("app", "install-refused")


@pytest.mark.parametrize("su", ["su", "magisk"])
def test_frida_server_is_started_through_su_when_adbd_is_not_root(su: str, tmp_path: Path) -> None:
    from auditor.devices.android_server import install_server_binary
    from tests.devices.test_android_server import elf_for

    cache = tmp_path / "cache"
    install_server_binary(elf_for(62, tmp_path, "frida-server-17.25.2-android-x86_64"), "17.25.2", cache=cache)
    device = Device(root=su, server_version=None, server_running=False)
    with device.open(server=ServerSettings(cache=cache)) as backend:
        assert backend.server_state == "running (17.25.2)"
    assert "adb shell su 0 sh -c '/data/local/tmp/frida-server -D'" in device.journal
