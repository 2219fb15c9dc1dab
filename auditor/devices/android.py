"""The Android backend: an app on an emulator or a device, over adb (adbutils), uiautomator2 and frida-server.

Opening the backend checks every prerequisite in order and fails fast with the fix: the device (the only one, or
`--serial`, `host:port` connected with `adb connect`), the app (installed, or installed from `--apk`, never with
`-g`), frida-server (the exact version of the installed frida, started as root), Frida reaching it, uiautomator2.

A launch spawns the package suspended through Frida and passes it through the gate (the audit loads the hooks
there; see "Early instrumentation" in auditor/instrument.py for why the process is resumed while the agent's
`init` completes); spawn gating holds every other new process on the device: those of the app (`pkg:push`) pass
through the gate too, all others are resumed at once. Process ends are reported to the exit listener with their
reason: `crashed` (the crash's first line from the log) or `exited` (the app's doing), `killed` (by the harness),
`device-lost` (adb lost the device) or `transport-lost` (the device answers but Frida's connection to frida-server
is gone). A loss of either kind fails every later call with DeviceLost: the run ends with what it recorded.
"""

from __future__ import annotations

import collections
import io
import logging
import re
import shlex
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from auditor.devices.android_adb import (
    AdbDeviceLike,
    DeviceLost,
    Shell,
    adb_client,
    free_local_port,
    select_device,
)
from auditor.devices.android_apk import ApkMetadata, read_apk
from auditor.devices.android_server import (
    ServerManager,
    ServerSettings,
    explain_frida_error,
    explain_problem,
)
from auditor.devices.base import (
    AppState,
    ExitListener,
    LogSink,
    ProcessExit,
    ProcessGate,
    ProcessInfo,
    Screenshot,
)
from auditor.errors import DeviceError, InputError, StepFailed
from auditor.instrument import FridaDevice, FridaTarget, Instrumenter, PendingSpawn
from auditor.models import AppInfo, DeviceInfo

log = logging.getLogger(__name__)

WATCH_INTERVAL_S = 1.0
"""How often the app's processes are looked for, to notice one that ended."""
STOP_WAIT_S = 10.0
_HOLDER_WAIT_S = 10.0

_FATAL = re.compile(r"AndroidRuntime: FATAL EXCEPTION: (?P<thread>.*)$")
_FATAL_PROCESS = re.compile(r"AndroidRuntime: Process: (?P<name>[^,\s]+), PID: (?P<pid>\d+)")
_FATAL_LINE = re.compile(r"AndroidRuntime: (?P<text>\S.*)$")
_NATIVE_CRASH = re.compile(r"Fatal signal (?P<signal>\d+ \(\w+\)).*?\bpid (?P<pid>\d+) \((?P<name>[^)]*)\)")
_DIED = re.compile(r"Process (?P<name>\S+) \(pid (?P<pid>\d+)\) has died")
FRIDA_DENIAL = re.compile(r"avc: +denied .*(?:frida|re\.frida|linjector)", re.I)
"""An SELinux denial of something of Frida's (its agent .so, its helper, its injector), as the kernel logs it."""
RECENT_LOG_LINES = 500
_LOG_STAMP = re.compile(r"^\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}")
"""The time at the start of a `logcat -v threadtime` line, which `logcat -T` takes to start from."""
LOG_REOPEN_WAIT_S = 1.0
_UNKNOWN_PM_COMMAND = re.compile(r"unknown command", re.I)
"""`pm` on a command its Android does not have: "Unknown command: X" (cmd package, 7+), "Error: unknown command
'X'" (the old Java pm)."""


@dataclass
class AndroidOptions:
    serial: str | None = None
    """adb serial, or `host:port` of a remote device (connected with `adb connect`); None: the only device."""
    apk: Path | None = None
    """Install this APK for the run (`pm install -r -t`, never `-g`)."""
    reinstall: bool = False
    """Uninstall the app first (its data and every permission decision go with it)."""
    server: ServerSettings = field(default_factory=ServerSettings)
    manage_server: bool = True
    """Push and start frida-server when it is missing, of another version, or stopped (from `server.cache`)."""


@dataclass
class _AndroidProcess:
    pid: int
    name: str
    stop_requested: bool = False
    crash: str | None = None
    ended: bool = False


def parse_target(target: str) -> str:
    """`android:PACKAGE` -> PACKAGE (checked for Android's package-name syntax)."""
    _, _, package = target.partition(":")
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+", package):
        raise InputError(f"{package!r} is not an Android package name (like com.example.shop)")
    return package


class AndroidDriver:
    """The device screen through uiautomator2."""

    def __init__(self, backend: AndroidBackend) -> None:
        self._backend = backend

    def dump_hierarchy(self) -> str:
        return str(self._backend.ui_call("dump the screen", lambda ui: ui.dump_hierarchy(compressed=False)))

    def click(self, x: int, y: int) -> None:
        self._backend.ui_call(f"tap at ({x}, {y})", lambda ui: ui.click(int(x), int(y)))

    def input_text(self, x: int, y: int, text: str) -> None:
        self.click(x, y)
        self._backend.ui_call("type text", lambda ui: ui.send_keys(text, clear=True))

    def press_back(self) -> None:
        self._backend.ui_call("press Back", lambda ui: ui.press("back"))

    def press_home(self) -> None:
        self._backend.ui_call("press Home", lambda ui: ui.press("home"))

    def swipe(self, x1: int, y1: int, x2: int, y2: int, duration: float = 0.3) -> None:
        self._backend.ui_call("swipe", lambda ui: ui.swipe(int(x1), int(y1), int(x2), int(y2), duration))

    def screenshot(self) -> Screenshot:
        image = self._backend.ui_call("take a screenshot", lambda ui: ui.screenshot(format="pillow"))
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return Screenshot(buffer.getvalue(), "image/png")


UiFactory = Callable[[AdbDeviceLike], Any]
FridaFactory = Callable[[FridaTarget], FridaDevice]


def connect_ui(device: AdbDeviceLike) -> Any:
    """uiautomator2 on the device, its server started now (it pushes its own u2.jar; no network needed), so that a
    device where it cannot run fails while opening, not in the middle of a scenario."""
    import uiautomator2

    ui = uiautomator2.connect(device)
    ui.start_uiautomator()
    return ui


class AndroidBackend:
    """One app on one Android device."""

    kind: Literal["android"] = "android"

    def __init__(
        self,
        package: str | None,
        options: AndroidOptions | None = None,
        *,
        adb_device: AdbDeviceLike | None = None,
        frida_factory: FridaFactory = FridaDevice,
        ui_factory: UiFactory = connect_ui,
        frida_version: str = Instrumenter.frida_version,
    ) -> None:
        self.options = options or AndroidOptions()
        self.apk: ApkMetadata | None = read_apk(self.options.apk) if self.options.apk else None
        if self.apk is not None and package and package != self.apk.package:
            raise InputError(f"the APK is {self.apk.package}, not {package}", where=str(self.options.apk))
        resolved = package or (self.apk.package if self.apk else None)
        if not resolved:
            raise InputError("name the app: --target android:PACKAGE or --apk FILE")
        self.package: str = resolved
        self.shell = Shell(adb_device if adb_device is not None else select_device(adb_client(), self.options.serial))
        self.serial = self.shell.serial
        self.user = self.shell.current_user()
        self._on_exit: ExitListener = lambda _exit: None
        self._on_log: LogSink = lambda _line: None
        self._lock = threading.RLock()
        self._processes: dict[int, _AndroidProcess] = {}
        self._gate: ProcessGate | None = None
        self._spawning = threading.Event()
        self._spawned = threading.Event()
        self._closed = False
        self._lost: tuple[str, str] | None = None
        """(`device-lost` | `transport-lost`, the one-line error every later call fails with), once lost."""
        self._threads: list[threading.Thread] = []
        self._forwarded: str | None = None
        self._recent_log: collections.deque[str] = collections.deque(maxlen=RECENT_LOG_LINES)
        self.frida: FridaDevice | None = None
        self.ui: Any = None
        self._install_app()
        self.app = self._read_app_info()
        self.main_process = (self.manifest.main_process if self.manifest is not None else "") or self.package
        """The name the launched process runs under: the package, unless the application sets `android:process`."""
        self._own_processes = frozenset({self.package, self.main_process,
                                         *(self.manifest.processes if self.manifest else ())})
        """Every process name the app's manifest gives its components (global `android:process` names too)."""
        self.server_state = ""
        if self.options.manage_server:
            self.server_state = ServerManager(self.shell, frida_version,
                                              self.options.server).ensure_running().describe(frida_version)
        self.frida = self._connect_frida(frida_factory)
        self.frida.on_lost(self._connection_lost)
        self.ui = self._connect_ui(ui_factory)
        self.driver = AndroidDriver(self)

    # ------------------------------------------------------------------------------------------------
    # Opening: each prerequisite in order

    def _install_app(self) -> None:
        apk = self.apk
        if apk is not None:
            if self.options.reinstall:
                self.shell.run(f"pm uninstall --user {self.user} {shlex.quote(self.package)}")
            self._install(apk)
        elif self.options.reinstall:
            raise InputError("--reinstall needs --apk (the APK to install again)")
        if not self.shell.package_installed(self.package, self.user):
            raise DeviceError(
                f"{self.package} is not installed on device {self.serial} for user {self.user}: "
                "install it, or give --apk FILE"
            )

    def _install(self, apk: ApkMetadata) -> None:
        import adbutils

        # -r replace, -t allow test builds; never -g: every runtime permission must be asked for as a user sees it.
        try:
            self.shell.device.install(str(apk.path), nolaunch=True, silent=True, flags=["-r", "-t"])
        except adbutils.AdbInstallError as exc:
            said = " ".join(str(exc.output).split()) or exc.reason
            raise DeviceError(f"installing {apk.path.name} on device {self.serial} failed: {said}") from None
        except (adbutils.AdbError, OSError) as exc:
            raise DeviceError(f"installing {apk.path.name} on device {self.serial} failed: {exc}") from None

    def _read_app_info(self) -> AppInfo:
        dump = self.shell.dumpsys_package(self.package)
        entry = dump.package(self.package)
        self.uid: int | None = entry.uid(self.user) if entry is not None else None
        """The Linux uid the app's processes run as (None when dumpsys does not say)."""
        self._uid_is_own = entry is not None and not entry.shared_user
        self.manifest: ApkMetadata | None = self.apk or self._pull_base_apk()
        if self.manifest is not None:
            return self.manifest.app_info()
        return AppInfo(
            package=self.package,
            version_name=entry.version_name if entry else "",
            version_code=entry.version_code if entry else None,
            target_sdk=entry.target_sdk if entry else None,
            permissions=sorted(set(entry.requested)) if entry else [],
        )

    def _pull_base_apk(self) -> ApkMetadata | None:
        """The installed app's own APK, read like `--apk` (label and manifest as built); None when it cannot be."""
        paths = self.shell.run(f"pm path --user {self.user} {shlex.quote(self.package)}").output.split()
        base = next((p[len("package:"):] for p in paths if p.endswith("/base.apk")), None)
        if base is None:
            return None
        with tempfile.TemporaryDirectory(prefix="consent-audit-apk-") as folder:
            local = Path(folder) / "base.apk"
            try:
                self.shell.device.sync.pull(base, str(local))
                return read_apk(local)
            except Exception as exc:  # noqa: BLE001 - metadata falls back to dumpsys; the audit can go on
                log.warning("reading %s from the device failed: %s", base, exc)
                return None

    def _connect_frida(self, factory: FridaFactory) -> FridaDevice:
        settings = self.options.server
        if settings.default_port:
            target = FridaTarget("usb", id=self.serial)
        else:
            local = f"tcp:{free_local_port()}"
            try:
                self.shell.device.forward(local, f"tcp:{settings.port}")
            except Exception as exc:  # noqa: BLE001 - adbutils raises its own errors and OSError
                raise DeviceError(f"adb forward to frida-server's port {settings.port} failed: {exc}") from None
            self._forwarded = local
            target = FridaTarget("remote", address=f"127.0.0.1:{local[4:]}")
        try:
            device = factory(target)
            parameters = device.parameters()
        except DeviceError as exc:
            raise DeviceError(self._explained(str(exc))) from None
        if parameters.get("access") not in (None, "full"):
            device.close()
            raise DeviceError(f"frida-server on device {self.serial} does not run as root: {explain_problem('no-root')}")
        return device

    def _connect_ui(self, factory: UiFactory) -> Any:
        try:
            return factory(self.shell.device)
        except Exception as exc:  # noqa: BLE001 - uiautomator2 raises many kinds when its server cannot start
            raise DeviceError(f"uiautomator2 could not start on device {self.serial}: {exc}") from None

    # ------------------------------------------------------------------------------------------------
    # Backend protocol

    @property
    def frida_device(self) -> FridaDevice:
        """Where the instrumenter reaches this app's processes (and resumes the ones held suspended)."""
        assert self.frida is not None
        return self.frida

    def device_info(self) -> DeviceInfo:
        return DeviceInfo(
            backend="android",
            serial=self.serial,
            model=self.shell.prop("ro.product.model"),
            android_version=self.shell.prop("ro.build.version.release"),
            api_level=self.shell.api_level,
            abi=self.shell.abi,
            runtime=f"frida-server {self.server_state}".strip() if self.server_state else "",
        )

    def app_info(self) -> AppInfo:
        return self.app

    def set_listeners(self, on_exit: ExitListener, on_log: LogSink) -> None:
        self._on_exit = on_exit
        self._on_log = on_log
        self._start_thread(self._read_log, "android-logcat")
        self._start_thread(self._watch_processes, "android-process-watch")

    def reset_app(self, clear_data: bool) -> None:
        """Force-stop; with clear_data, `pm clear` and every runtime permission back to "ask" (revoked, and the
        user-set / user-fixed flags cleared so the dialog shows again), then checked on a fresh dump.

        `pm clear-permission-flags` is missing from older Androids' `pm`; there, clearing the app's data is what
        resets its runtime permissions and their flags (Android does so when an app's data is cleared), and the
        check says whether it did. A decision still left is undone by reinstalling the `--apk` (uninstalled with
        its data, installed again without `-g`); without an APK the run does not start."""
        self.stop_app()
        if not clear_data:
            return
        self.shell.check(f"pm clear --user {self.user} {shlex.quote(self.package)}", f"clearing the data of {self.package}")
        flags_cleared = self._return_permissions_to_ask()
        left = self._decisions_left()
        if left and not flags_cleared and self.apk is not None:
            self._note(f"`pm clear-permission-flags` is not on this Android (API {self.shell.api_level}) and "
                       f"{', '.join(left)} kept a user decision: reinstalling {self.apk.path.name} to reset it")
            self.shell.run(f"pm uninstall --user {self.user} {shlex.quote(self.package)}")
            self._install(self.apk)
            self._return_permissions_to_ask()
            left = self._decisions_left()
        if left:
            how = ("pm revoke / clear-permission-flags refused" if flags_cleared else
                   f"this Android (API {self.shell.api_level}) has no `pm clear-permission-flags` and `pm clear` left "
                   "them: give --apk FILE so the app can be reinstalled, or reset them in Settings > Apps")
            raise DeviceError(
                f"device {self.serial}: could not return {', '.join(left)} of {self.package} to 'ask' ({how}): the "
                "run would start with decisions already taken"
            )

    def _return_permissions_to_ask(self) -> bool:
        """Revoke every granted runtime permission and clear its user flags; False when this Android's `pm` has no
        `clear-permission-flags` (it is then not tried again for the other permissions)."""
        package = shlex.quote(self.package)
        flags_cleared = True
        for state in self.shell.dumpsys_package(self.package).runtime_permissions(self.package, self.user).values():
            if state.fixed_by_system:
                self._note(f"{state.name} is fixed by the system or a policy ({'|'.join(state.flags)}): left as is")
                continue
            permission = shlex.quote(state.name)
            if state.granted:
                self.shell.run(f"pm revoke --user {self.user} {package} {permission}")
            if flags_cleared and (state.granted or state.user_decided):
                result = self.shell.run(
                    f"pm clear-permission-flags --user {self.user} {package} {permission} user-set user-fixed")
                flags_cleared = result.ok or not _UNKNOWN_PM_COMMAND.search(result.output)
        return flags_cleared

    def _decisions_left(self) -> list[str]:
        return [
            state.name
            for state in self.shell.dumpsys_package(self.package).runtime_permissions(self.package, self.user).values()
            if not state.fixed_by_system and (state.granted or state.user_decided)
        ]

    def launch_app(self, gate: ProcessGate) -> None:
        """Spawn the app suspended, pass it through `gate`, resume it. Already running: bring it forward."""
        self._require_reachable()
        self._gate = gate
        frida = self.frida_device
        frida.enable_spawn_gating(self._on_spawn)
        if self._live_pids(self.main_process):
            self.move_to_foreground()
            return
        self._spawned.clear()
        self._spawning.set()
        try:
            try:
                pid = frida.spawn(self.package)
            except DeviceError as exc:
                raise DeviceError(self._explained(str(exc))) from None
            process = self._track(pid, self.main_process)
        finally:
            self._spawning.clear()
            self._spawned.set()
        self._admit(process, gate)

    def stop_app(self) -> None:
        with self._lock:
            live = [p for p in self._processes.values() if not p.ended]
            for process in live:
                process.stop_requested = True
        self._run_or_lost(f"am force-stop --user {self.user} {shlex.quote(self.package)}")
        deadline = time.monotonic() + STOP_WAIT_S
        while time.monotonic() < deadline and self._live_pids(self.package, include_secondary=True):
            time.sleep(0.2)
        self._report_gone(self._all_live_pids())

    def move_to_background(self) -> None:
        self._require_running("move the app to the background")
        self.driver.press_home()

    def move_to_foreground(self) -> None:
        """What tapping the app's icon does to a running app: its task comes back, no new launch."""
        self._require_running("bring the app to the foreground")
        self._run_or_lost(
            f"monkey -p {shlex.quote(self.package)} -c android.intent.category.LAUNCHER 1", "bring it forward")

    def app_state(self) -> AppState:
        """Whether the app runs, and whether its window is the one in front. No window with focus (an activity
        transition, the lock screen) is "not known to be in front" for this poll, not a failure."""
        alive = bool(self._live_pids(self.package, include_secondary=True))
        current = self.ui_call("read the foreground app", _foreground_app)
        foreground = alive and current.get("package") == self.package
        return AppState(alive=alive, foreground=foreground, activity=str(current.get("activity") or ""))

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self.frida is not None:
            self.frida.close()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(timeout=5)
        if self._forwarded is not None:
            try:
                self.shell.device.forward_remove(self._forwarded)
            except Exception:  # noqa: BLE001 - the device may be gone; nothing to undo then
                pass

    def __enter__(self) -> AndroidBackend:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------------------------------------
    # Processes

    def processes(self) -> list[ProcessInfo]:
        with self._lock:
            return [ProcessInfo(p.pid, p.name) for p in self._processes.values() if not p.ended]

    def _track(self, pid: int, name: str) -> _AndroidProcess:
        with self._lock:
            process = self._processes.get(pid)
            if process is None or process.ended:
                process = _AndroidProcess(pid, name)
                self._processes[pid] = process
            return process

    def _admit(self, process: _AndroidProcess, gate: ProcessGate) -> None:
        """Through the gate, then resumed (the gate's instrumentation may have resumed it already)."""
        frida = self.frida_device
        try:
            gate(ProcessInfo(process.pid, process.name))
        except DeviceError as exc:
            frida.kill(process.pid)
            raise DeviceError(self._explained(str(exc))) from None
        except BaseException:
            frida.kill(process.pid)
            raise
        frida.resume(process.pid)

    def _on_spawn(self, spawn: PendingSpawn) -> None:
        """A new process on the device, held by spawn gating (on the Frida device's worker thread)."""
        frida = self.frida_device
        if self._closed or not self._is_ours(spawn):
            frida.resume(spawn.pid)
            return
        if self._spawning.is_set():
            # The launch's own spawn may be announced too: wait until it says which pid it got.
            self._spawned.wait(_HOLDER_WAIT_S)
        with self._lock:
            known = spawn.pid in self._processes and not self._processes[spawn.pid].ended
        if known:
            return
        process = self._track(spawn.pid, spawn.identifier)
        gate = self._gate or (lambda _info: None)
        try:
            self._admit(process, gate)
        except Exception as exc:  # noqa: BLE001 - reported; the process was killed rather than run unobserved
            self._note(f"process {spawn.identifier} (pid {spawn.pid}) could not be instrumented and was "
                       f"stopped: {exc}")

    def _is_ours(self, spawn: PendingSpawn) -> bool:
        """A process of the app: by its name (the package, `package:suffix`, or a global name its manifest gives a
        component), else by its uid, unless the app shares its uid with other packages."""
        if self._is_own_process_name(spawn.identifier):
            return True
        if self.uid is None or not self._uid_is_own:
            return False
        try:
            owner = self.shell.run(f"stat -c %u /proc/{spawn.pid}", timeout=10).output.strip()
        except DeviceError:
            return False
        return owner.isdigit() and int(owner) == self.uid

    def _is_own_process_name(self, name: str) -> bool:
        return name in self._own_processes or name.startswith(self.package + ":")

    def _live_pids(self, name: str, include_secondary: bool = False) -> list[int]:
        """Pids of the running processes called `name`; with `include_secondary`, of every process of the app (by
        name, or tracked since its spawn: one told ours by its uid keeps its pid and name)."""
        self._require_reachable()
        with self._lock:
            tracked = {p.pid: p.name for p in self._processes.values() if not p.ended}
        try:
            return [pid for pid, process in self.shell.processes()
                    if process == name or (include_secondary and (self._is_own_process_name(process)
                                                                  or tracked.get(pid) == process))]
        except DeviceLost as exc:
            self._lose("device-lost", str(exc))
            raise

    def _all_live_pids(self) -> set[int]:
        return set(self._live_pids(self.package, include_secondary=True))

    def _report_gone(self, alive: set[int]) -> None:
        """Report the end of every tracked process not in `alive`."""
        with self._lock:
            gone = [p for p in self._processes.values() if not p.ended and p.pid not in alive]
            for process in gone:
                process.ended = True
        for process in gone:
            self._emit_exit(_exit_of(process))

    def _emit_exit(self, exit: ProcessExit) -> None:
        try:
            self._on_exit(exit)
        except Exception:
            log.exception("exit listener failed")

    def _watch_processes(self) -> None:
        while not self._closed and self._lost is None:
            time.sleep(WATCH_INTERVAL_S)
            with self._lock:
                tracked = any(not p.ended for p in self._processes.values())
            if not tracked or self._closed:
                continue
            try:
                self._report_gone(self._all_live_pids())
            except DeviceError:
                return

    def _read_log(self) -> None:
        """Follow the device log for the whole run: crashes are read from it, and every line goes to the sink. A
        stream that ends by itself (logd restarted, adb's connection recycled) is opened again from the time of the
        last line read, skipping the lines already read; a lost device ends it."""
        pending_crash: dict[str, str | None] = {"thread": None, "pid": None}
        last_stamp = ""
        read_at_last_stamp: set[str] = set()
        while not self._closed and self._lost is None:
            since = shlex.quote(last_stamp) if last_stamp else "1"
            for line in self.shell.stream(f"logcat -v threadtime -T {since}", lambda: self._closed):
                stamp = _LOG_STAMP.match(line)
                if stamp:
                    if stamp[0] < last_stamp or (stamp[0] == last_stamp and line in read_at_last_stamp):
                        continue  # read before the stream was opened again
                    if stamp[0] != last_stamp:
                        last_stamp, read_at_last_stamp = stamp[0], set()
                    read_at_last_stamp.add(line)
                with self._lock:
                    self._recent_log.append(line)
                self._interpret_log_line(line, pending_crash)
                try:
                    self._on_log(line)
                except Exception:
                    log.exception("device log sink failed")
            if self._closed:
                return
            time.sleep(LOG_REOPEN_WAIT_S)
            try:
                self.shell.run("echo alive", timeout=10)
            except DeviceError:
                return  # the device is gone: the process watch reports it

    def _interpret_log_line(self, line: str, pending: dict[str, str | None]) -> None:
        """Remember each crash's first line for its pid (Java: FATAL EXCEPTION / Process: / the exception;
        native: Fatal signal)."""
        if _FATAL.search(line):
            pending["thread"], pending["pid"] = "fatal", None
            return
        fatal_process = _FATAL_PROCESS.search(line)
        if fatal_process and pending["thread"] == "fatal":
            pending["pid"] = fatal_process["pid"]
            return
        if pending["thread"] == "fatal" and pending["pid"] is not None:
            exception = _FATAL_LINE.search(line)
            if exception:
                self._set_crash(int(pending["pid"]), exception["text"])
            pending["thread"], pending["pid"] = None, None
            return
        native = _NATIVE_CRASH.search(line)
        if native:
            self._set_crash(int(native["pid"]), f"Fatal signal {native['signal']}")
            return
        died = _DIED.search(line)
        if died:
            with self._lock:
                known = int(died["pid"]) in self._processes
            if known:
                self._report_gone({pid for pid in self._tracked_pids() if pid != int(died["pid"])})

    def _tracked_pids(self) -> set[int]:
        with self._lock:
            return {p.pid for p in self._processes.values() if not p.ended}

    def _set_crash(self, pid: int, text: str) -> None:
        with self._lock:
            process = self._processes.get(pid)
            if process is not None and process.crash is None:
                process.crash = text

    def _connection_lost(self, message: str) -> None:
        """Frida says the device or its connection to it went away (on the Frida device's worker thread). A device
        that still answers adb has only lost frida-server (it died, or was killed)."""
        if self._closed:
            return
        try:
            self.shell.run("echo alive", timeout=5)
        except DeviceError as exc:
            self._lose("device-lost", f"{message}; adb: {exc}")
            return
        self._lose("transport-lost", message)

    def _lose(self, reason: str, message: str) -> None:
        """The device (`device-lost`) or Frida's connection to it (`transport-lost`) is gone: every live process's end
        is reported as unknown, and every later call fails with DeviceLost."""
        if reason == "transport-lost":
            error = (f"device {self.serial}: Frida lost its connection to frida-server ({message}): frida-server "
                     "ended or was killed, nothing more could be recorded; see the device log, then "
                     "`consent-audit server start`")
        elif message.startswith(f"device {self.serial} was lost"):
            error = message  # adb's own words (Shell.run) already say it
        else:
            error = f"device {self.serial} was lost: {message}"
        with self._lock:
            if self._lost is not None:
                return
            self._lost = (reason, error)
            live = [p for p in self._processes.values() if not p.ended]
            for process in live:
                process.ended = True
        for process in live:
            self._emit_exit(ProcessExit(process.pid, process.name, None, reason, message))

    def _require_reachable(self) -> None:
        if self._lost is not None:
            raise DeviceLost(self._lost[1])

    # ------------------------------------------------------------------------------------------------
    # Helpers

    def _explained(self, message: str) -> str:
        """A Frida error with what it means: by its own words, else by an SELinux denial of Frida's files the device
        logged just before (the error alone rarely says SELinux stopped it)."""
        explanation = explain_frida_error(message)
        if explanation is None:
            with self._lock:
                denial = next((line for line in reversed(self._recent_log) if FRIDA_DENIAL.search(line)), None)
            if denial is not None:
                said = " ".join(denial.split())
                explanation = f"the device log has `{said[said.find('avc:'):][:160]}`: {explain_problem('selinux')}"
        return f"{message} ({explanation})" if explanation else message

    def ui_call(self, what: str, action: Callable[[Any], Any]) -> Any:
        self._require_reachable()
        try:
            return action(self.ui)
        except DeviceError:
            raise
        except Exception as exc:  # noqa: BLE001 - uiautomator2's errors share no base; each is a device problem
            raise DeviceError(f"device {self.serial}: could not {what}: {type(exc).__name__}: {exc}") from None

    def _run_or_lost(self, command: str, what: str = "") -> None:
        self._require_reachable()
        try:
            result = self.shell.run(command)
        except DeviceLost as exc:
            self._lose("device-lost", str(exc))
            raise
        if not result.ok and what:
            raise StepFailed(f"could not {what}: {result.one_line}")

    def _require_running(self, what: str) -> None:
        if not self._live_pids(self.main_process):
            raise StepFailed(f"cannot {what}: {self.package} is not running")

    def _note(self, message: str) -> None:
        try:
            self._on_log(f"consent-audit: {message}")
        except Exception:
            log.exception("device log sink failed")

    def _start_thread(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()


def _foreground_app(ui: Any) -> dict[str, Any]:
    """uiautomator2's `app_current()`, or {} when no window has focus: it then raises adbutils' AdbError (or its own
    DeviceError) "Couldn't get focused app", having found no focused window in any `dumpsys` it read."""
    try:
        current: dict[str, Any] = ui.app_current()
    except Exception as exc:
        if NO_FOCUSED_APP not in str(exc):
            raise
        return {}
    return current


NO_FOCUSED_APP = "Couldn't get focused app"


def _exit_of(process: _AndroidProcess) -> ProcessExit:
    if process.crash is not None:
        return ProcessExit(process.pid, process.name, None, "crashed", process.crash)
    if process.stop_requested:
        return ProcessExit(process.pid, process.name, None, "killed", "stopped by the harness")
    return ProcessExit(process.pid, process.name, None, "exited", "")
