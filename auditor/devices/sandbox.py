"""The JVM sandbox backend: a sandbox app's processes on this machine, driven over the control protocol.

Each app process is a `java` running `consentaudit.sandbox.Launcher`. It connects to the backend's listener on
127.0.0.1, says `hello <pid> <process-name>` and waits: no app class is loaded until the backend sends `go`, which
it does only after the gate (the harness attaching Frida and loading its hooks) has returned. Requests are one
UTF-8 line; answers are `ok <n>` or `err <n>` and n bytes of UTF-8. docs/sandbox.md describes the protocol.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import weakref
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal
from urllib.parse import quote

from typing_extensions import Self

from auditor.devices.base import (
    AppState,
    ExitListener,
    LogSink,
    ProcessExit,
    ProcessGate,
    ProcessInfo,
    Screenshot,
)
from auditor.devices.sandbox_build import Jdk, build_app, build_runtime, cache_root, find_jdk
from auditor.devices.sandbox_manifest import SandboxManifest, read_manifest
from auditor.devices.sandbox_screen import has_windows, home_screen_xml, png_screenshot
from auditor.errors import DeviceError, StepFailed
from auditor.models import AppInfo, DeviceInfo

log = logging.getLogger(__name__)

LAUNCHER_CLASS = "consentaudit.sandbox.Launcher"
SYNC_PREFIX = "\x1fconsent-audit-sync "
"""Starts the line a process writes to its stdout before each answer (DeviceLog.sync); never a log entry."""
_END_RECORD = re.compile(r" Sandbox: process-end reason=(?P<reason>\S+) code=(?P<code>\S+) detail=(?P<detail>.*)$")
# -Xshare:off: with class-data sharing, JDK classes mapped from the shared archive (Inet4Address...) can call an
# inherited method without passing through the hook Frida installed on it; a device has no such archive.
_JVM_OPTIONS = ["-XX:+UseSerialGC", "-Xmx256m", "-Xshare:off", "-Dfile.encoding=UTF-8", "-Dsun.stdout.encoding=UTF-8"]


class ProcessGone(Exception):
    """The sandbox process closed its control connection (it ended) while a request was in flight."""


class RequestFailed(Exception):
    """The sandbox process answered `err`."""


@dataclass
class _EndRecord:
    reason: str
    code: str
    detail: str


@dataclass
class SandboxProcess:
    """One running JVM of the app, as the backend sees it."""

    name: str
    popen: subprocess.Popen[bytes]
    pid: int
    connection: socket.socket | None = None
    reader: IO[bytes] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop_requested: bool = False
    end_record: _EndRecord | None = None
    last_lines: deque[str] = field(default_factory=lambda: deque(maxlen=20))
    ended: threading.Event = field(default_factory=threading.Event)
    answers: int = 0
    """Answers read from the control connection so far."""
    log_synced: int = 0
    """The last sync mark the stdout reader passed: the log up to answer n has reached the log sink."""
    log_closed: bool = False
    """The reader reached the end of stdout: nothing more will come."""
    log_progress: threading.Condition = field(default_factory=threading.Condition)

    @property
    def alive(self) -> bool:
        return not self.ended.is_set() and self.popen.poll() is None

    def request(self, line: str, timeout: float) -> str:
        """Send one request and return the payload of an `ok` answer, once every log line the process wrote before
        answering has reached the log sink (a caller that reads the log after a step finds the step's lines)."""
        if self.connection is None or self.reader is None:
            raise ProcessGone(f"process {self.name} has no control connection")
        verb = line.split(" ")[0]
        with self.lock:
            try:
                self.connection.settimeout(timeout)
                self.connection.sendall(line.encode("utf-8") + b"\n")
                header = self.reader.readline()
                if not header:
                    raise ProcessGone(f"process {self.name} (pid {self.pid}) ended")
                status, _, size = header.decode("utf-8").strip().partition(" ")
                payload = self.reader.read(int(size)) if size else b""
            except (ConnectionError, BrokenPipeError) as exc:
                raise ProcessGone(f"process {self.name} (pid {self.pid}) ended: {exc}") from None
            except TimeoutError:
                raise DeviceError(
                    f"sandbox process {self.name} (pid {self.pid}) did not answer {verb!r} within {timeout:.0f} s"
                ) from None
            self.answers += 1
            self._wait_for_log(self.answers, verb, timeout)
        text = payload.decode("utf-8")
        if status == "err":
            raise RequestFailed(text)
        if status != "ok":
            raise DeviceError(f"sandbox process {self.name} answered an unknown header {header!r}")
        return text

    def _wait_for_log(self, answer: int, verb: str, timeout: float) -> None:
        """Wait until the stdout reader passed the sync mark of `answer` (written before the answer), or stdout
        ended. The mark is already in the pipe; this waits only for the reader thread to get there."""
        with self.log_progress:
            if not self.log_progress.wait_for(lambda: self.log_synced >= answer or self.log_closed, timeout):
                raise DeviceError(f"sandbox process {self.name} (pid {self.pid}) answered {verb!r}, but its log did "
                                  f"not reach the log sink within {timeout:.0f} s")

    def log_reached(self, mark: int | None) -> None:
        """Called by the stdout reader: it passed sync mark `mark`, or reached the end of stdout (None)."""
        with self.log_progress:
            if mark is None:
                self.log_closed = True
            else:
                self.log_synced = max(self.log_synced, mark)
            self.log_progress.notify_all()


class SandboxDriver:
    """The sandbox screen, as a user touches and sees it."""

    def __init__(self, backend: SandboxBackend) -> None:
        self._backend = backend

    def dump_hierarchy(self) -> str:
        return self._screen("dump")

    def _screen(self, request: str) -> str:
        """The app's screen as the runtime dumps it (`dump`: uiautomator's XML; `draw`: the same with colours, to
        draw the screenshot from), or the home screen when no app window is up."""
        main = self._backend.visible_process()
        if main is not None:
            try:
                xml = main.request(request, self._backend.request_timeout)
            except ProcessGone:
                xml = ""
            except RequestFailed as exc:
                raise DeviceError(f"sandbox process {main.name}: {exc}") from None
            if xml and has_windows(xml):
                return xml
        return home_screen_xml(self._backend.manifest.label)

    def click(self, x: int, y: int) -> None:
        self._send(f"click {int(x)} {int(y)}", f"tap at ({x}, {y})")

    def input_text(self, x: int, y: int, text: str) -> None:
        self._send(f"text {int(x)} {int(y)} {quote(text, safe='')}", f"typing at ({x}, {y})", no_app_fails=True)

    def press_back(self) -> None:
        self._send("back", "back")

    def swipe(self, x1: int, y1: int, x2: int, y2: int, duration: float) -> None:
        milliseconds = max(1, round(duration * 1000))
        self._send(f"swipe {int(x1)} {int(y1)} {int(x2)} {int(y2)} {milliseconds}",
                   f"swipe from ({x1}, {y1}) to ({x2}, {y2})")

    def screenshot(self) -> Screenshot:
        return Screenshot(png_screenshot(self._screen("draw")), "image/png")

    def _send(self, request: str, what: str, no_app_fails: bool = False) -> None:
        main = self._backend.visible_process()
        if main is None:
            # The home screen: nothing of the app reacts; a text field to type in does not exist.
            if no_app_fails:
                raise StepFailed(f"{what}: no text field there (the app is not on screen)")
            return
        try:
            answer = main.request(request, self._backend.request_timeout)
            log.debug("%s: %s", what, answer)
            # An input may end the app a moment after it was handled (Back on the last screen finishes it): let
            # the main thread run what the input set off, so that an end it causes belongs to this step.
            main.request("idle", self._backend.request_timeout)
        except ProcessGone:
            # The app ended because of the input (a crash or finish()): return once its end has been reported, so
            # the exit is recorded during the step that caused it, not the next one.
            main.ended.wait(timeout=self._backend.request_timeout)
        except RequestFailed as exc:
            raise StepFailed(f"{what}: {exc}") from None


class SandboxBackend:
    """A sandbox app (a folder with AndroidManifest.xml and src/) on the local JVM sandbox."""

    kind: Literal["sandbox"] = "sandbox"

    def __init__(
        self,
        app_dir: Path,
        *,
        java_home: Path | None = None,
        cache_dir: Path | None = None,
        hello_timeout: float = 60.0,
        request_timeout: float = 30.0,
    ) -> None:
        self.app_dir = Path(app_dir)
        self.manifest: SandboxManifest = read_manifest(self.app_dir)
        self.jdk: Jdk = find_jdk(java_home)
        cache = cache_dir or cache_root()
        self.runtime_classes = build_runtime(self.jdk, cache)
        self.app_classes = build_app(self.jdk, self.app_dir, self.manifest, self.runtime_classes, cache)
        self.hello_timeout = hello_timeout
        self.request_timeout = request_timeout
        self.driver = SandboxDriver(self)
        self._work = Path(tempfile.mkdtemp(prefix="consent-audit-sandbox-"))
        # A backend nobody closed still leaves no folder behind (its JVMs end when their connection closes).
        self._remove_work = weakref.finalize(self, shutil.rmtree, str(self._work), True)
        self.data_dir = self._work / "data"
        self._descriptor = self._work / "app.xml"
        self._descriptor.write_bytes(self.manifest.descriptor_xml(self.app_classes))
        self._on_exit: ExitListener = lambda _exit: None
        self._on_log: LogSink = lambda _line: None
        self._gate: ProcessGate | None = None
        self._lock = threading.RLock()
        self._processes: dict[str, SandboxProcess] = {}
        self._hellos: dict[int, tuple[socket.socket, IO[bytes]]] = {}
        self._hello_arrived = threading.Condition(self._lock)
        self._foreground = False
        self._server: socket.socket | None = None
        self._listener: threading.Thread | None = None
        self._threads: list[threading.Thread] = []
        self._closed = False

    # ------------------------------------------------------------------------------------------------
    # Backend protocol

    def device_info(self) -> DeviceInfo:
        return DeviceInfo(
            backend="sandbox",
            serial="sandbox",
            model="JVM Sandbox",
            android_version="11",
            api_level=30,
            abi=platform.machine(),
            runtime=self.jdk.runtime,
        )

    def app_info(self) -> AppInfo:
        return self.manifest.app_info()

    def set_listeners(self, on_exit: ExitListener, on_log: LogSink) -> None:
        self._on_exit = on_exit
        self._on_log = on_log

    def launch_app(self, gate: ProcessGate) -> None:
        """Start the main process, pass it through `gate`, then let it run. If it already runs, bring it forward."""
        self._gate = gate
        existing = self._alive(self.manifest.package)
        if existing is not None:
            self.move_to_foreground()
            return
        process = self._start_process(self.manifest.package, component="")
        self._foreground = True
        self._admit(process, gate)

    def reset_app(self, clear_data: bool) -> None:
        self.stop_app()
        if clear_data and self.data_dir.exists():
            shutil.rmtree(self.data_dir)

    def stop_app(self) -> None:
        with self._lock:
            processes = [p for p in self._processes.values() if p.alive]
        for process in processes:
            self._stop(process)
        self._foreground = False

    def move_to_background(self) -> None:
        main = self._require_main("move the app to the background")
        self._request_step(main, "home", "Home")
        self._foreground = False

    def move_to_foreground(self) -> None:
        main = self._require_main("bring the app to the foreground")
        self._request_step(main, "foreground", "bring to foreground")
        self._foreground = True

    def app_state(self) -> AppState:
        main = self._alive(self.manifest.package)
        any_alive = any(p.alive for p in list(self._processes.values()))
        if main is None:
            return AppState(alive=any_alive, foreground=False)
        try:
            state = json.loads(main.request("state", self.request_timeout))
        except (ProcessGone, RequestFailed):
            return AppState(alive=any(p.alive for p in list(self._processes.values())), foreground=False)
        return AppState(alive=True, foreground=bool(state["foreground"]) and self._foreground,
                        activity=str(state["activity"]))

    def close(self) -> None:
        """Stop every process, the listener, and remove the working directory (data included)."""
        if self._closed:
            return
        self._closed = True
        self.stop_app()
        if self._server is not None:
            try:
                self._server.close()
            except OSError:
                pass
        for thread in [self._listener, *self._threads]:
            if thread is not None and thread is not threading.current_thread():
                thread.join(timeout=10)
        with self._lock:
            for connection, reader in self._hellos.values():
                reader.close()
                connection.close()
            self._hellos.clear()
        self._remove_work()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------------------------------------
    # Sandbox extras (the harness and tests use these; not part of the Backend protocol)

    def wait_idle(self, timeout: float | None = None) -> None:
        """Wait until the main thread of the main process has nothing due now (no-op when it is not running)."""
        main = self._alive(self.manifest.package)
        if main is None:
            return
        try:
            main.request("idle", timeout or self.request_timeout)
        except ProcessGone:
            return
        except RequestFailed as exc:
            raise DeviceError(f"sandbox process {main.name}: {exc}") from None

    def processes(self) -> list[ProcessInfo]:
        """The app's processes that are alive now."""
        with self._lock:
            return [ProcessInfo(p.pid, p.name) for p in self._processes.values() if p.alive]

    def visible_process(self) -> SandboxProcess | None:
        """The main process when its window is in front; None when the home screen shows."""
        if not self._foreground:
            return None
        return self._alive(self.manifest.package)

    # ------------------------------------------------------------------------------------------------
    # Processes

    def _alive(self, name: str) -> SandboxProcess | None:
        with self._lock:
            process = self._processes.get(name)
        return process if process is not None and process.alive else None

    def _require_main(self, what: str) -> SandboxProcess:
        main = self._alive(self.manifest.package)
        if main is None:
            raise StepFailed(f"cannot {what}: {self.manifest.package} is not running")
        return main

    def _request_step(self, process: SandboxProcess, request: str, what: str) -> None:
        try:
            process.request(request, self.request_timeout)
        except ProcessGone:
            raise StepFailed(f"{what}: {process.name} ended") from None
        except RequestFailed as exc:
            raise StepFailed(f"{what}: {exc}") from None

    def _ensure_listener(self) -> int:
        with self._lock:
            if self._closed:
                raise DeviceError("the sandbox backend is closed")
            if self._server is None:
                server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                server.bind(("127.0.0.1", 0))
                server.listen(16)
                self._server = server
                self._listener = threading.Thread(target=self._accept_loop, name="sandbox-listener", daemon=True)
                self._listener.start()
            port: int = self._server.getsockname()[1]
            return port

    def _start_process(self, name: str, component: str) -> SandboxProcess:
        port = self._ensure_listener()
        app_data = self.data_dir / "app"
        system_data = self.data_dir / "system"
        app_data.mkdir(parents=True, exist_ok=True)
        system_data.mkdir(parents=True, exist_ok=True)
        command = [
            str(self.jdk.java), *_JVM_OPTIONS, "-cp", str(self.runtime_classes), LAUNCHER_CLASS,
            "--port", str(port), "--app", str(self._descriptor), "--app-data", str(app_data),
            "--system-data", str(system_data),
        ]
        if name != self.manifest.package:
            command += ["--process", name, "--component", component]
        try:
            popen = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as exc:
            raise DeviceError(f"cannot start {self.jdk.java}: {exc}") from None
        process = SandboxProcess(name=name, popen=popen, pid=popen.pid)
        with self._lock:
            self._processes[name] = process
        reader = threading.Thread(target=self._read_output, args=(process,), name=f"sandbox-log-{popen.pid}",
                                  daemon=True)
        self._threads.append(reader)
        reader.start()
        return process

    def _admit(self, process: SandboxProcess, gate: ProcessGate) -> None:
        """Wait for the process's hello, pass it through the gate, then send `go`."""
        deadline = time.monotonic() + self.hello_timeout
        with self._lock:
            while process.pid not in self._hellos:
                if process.ended.is_set() or process.popen.poll() is not None:
                    process.ended.wait(timeout=5)
                    last = process.last_lines[-1] if process.last_lines else "no output"
                    raise DeviceError(
                        f"sandbox process {process.name} ended before it connected "
                        f"(exit code {process.popen.returncode}): {last}"
                    )
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self._kill(process)
                    raise DeviceError(
                        f"sandbox process {process.name} (pid {process.pid}) did not connect "
                        f"within {self.hello_timeout:.0f} s"
                    )
                self._hello_arrived.wait(timeout=min(remaining, 0.2))
            process.connection, process.reader = self._hellos.pop(process.pid)
        try:
            gate(ProcessInfo(process.pid, process.name))
        except BaseException:
            self._stop(process)
            raise
        try:
            process.request("go", self.request_timeout)
        except ProcessGone:
            # It ended between the gate and `go` (the gate may have ended it); the exit is reported as usual.
            return
        except RequestFailed as exc:
            raise DeviceError(f"sandbox process {process.name}: {exc}") from None

    def _accept_loop(self) -> None:
        server = self._server
        assert server is not None
        # Closing a socket does not wake a blocked accept() on Linux: poll, and look at the closed flag.
        server.settimeout(0.25)
        while not self._closed:
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            connection.settimeout(None)
            threading.Thread(target=self._greet, args=(connection,), name="sandbox-greet", daemon=True).start()

    def _greet(self, connection: socket.socket) -> None:
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        connection.settimeout(30)
        reader = connection.makefile("rb")
        try:
            first = reader.readline().decode("utf-8").strip()
        except (OSError, UnicodeDecodeError):
            first = ""
        verb, _, rest = first.partition(" ")
        if verb == "hello":
            pid_text, _, _name = rest.partition(" ")
            with self._lock:
                self._hellos[int(pid_text)] = (connection, reader)
                self._hello_arrived.notify_all()
            return
        if verb == "spawn":
            process_name, _, component = rest.partition(" ")
            try:
                connection.sendall(b"ok 0\n")
            except OSError:
                pass
            reader.close()
            connection.close()
            self._start_secondary(process_name, component)
            return
        log.warning("sandbox listener: unexpected first line %r", first)
        reader.close()
        connection.close()

    def _start_secondary(self, process_name: str, component: str) -> None:
        """Android starts a component's own process on demand; here the backend starts that JVM and gates it."""
        if self._closed or process_name not in self.manifest.process_names():
            log.warning("sandbox: refused to start unknown process %s", process_name)
            return
        existing = self._alive(process_name)
        try:
            if existing is not None:
                existing.request(f"start-service {component}", self.request_timeout)
                return
            gate = self._gate or (lambda _info: None)
            process = self._start_process(process_name, component)
            self._admit(process, gate)
        except (ProcessGone, RequestFailed, DeviceError) as exc:
            log.warning("sandbox: starting %s for %s failed: %s", process_name, component, exc)
        except Exception:
            log.exception("sandbox: the gate failed for process %s", process_name)

    def _read_output(self, process: SandboxProcess) -> None:
        stdout = process.popen.stdout
        assert stdout is not None
        for raw in stdout:
            line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
            if line.startswith(SYNC_PREFIX):
                mark = line[len(SYNC_PREFIX):]
                if mark.isdigit():
                    process.log_reached(int(mark))
                    continue
            process.last_lines.append(line)
            match = _END_RECORD.search(line)
            if match:
                process.end_record = _EndRecord(match["reason"], match["code"], match["detail"])
            try:
                self._on_log(line)
            except Exception:
                log.exception("sandbox log sink failed")
        stdout.close()
        process.log_reached(None)
        code = process.popen.wait()
        with self._lock:
            hello = self._hellos.pop(process.pid, None)
        if hello is not None:
            hello[1].close()
            hello[0].close()
        if process.connection is not None:
            process.connection.close()
        try:
            self._on_exit(self._exit_of(process, code))
        except Exception:
            log.exception("sandbox exit listener failed")
        finally:
            # Set last: whoever waits for the end (stop_app) returns only once the exit has been reported.
            process.ended.set()

    @staticmethod
    def _exit_of(process: SandboxProcess, code: int) -> ProcessExit:
        record = process.end_record
        if process.stop_requested:
            return ProcessExit(process.pid, process.name, code, "killed", "stopped by the harness")
        if record is not None:
            detail = f"System.exit({code})" if record.detail == "System.exit" else record.detail
            return ProcessExit(process.pid, process.name, code, record.reason, detail)
        if code < 0:
            # Not the harness's doing (it set stop_requested): the JVM died of a fault, or something else killed it.
            detail = f"Fatal signal {-code} ({_signal_name(-code)})"
            return ProcessExit(process.pid, process.name, code, "crashed", detail)
        return ProcessExit(process.pid, process.name, code, "exited", f"exit code {code}")

    def _stop(self, process: SandboxProcess) -> None:
        process.stop_requested = True
        if process.alive and process.connection is not None:
            try:
                process.request("stop", 5)
            except (ProcessGone, RequestFailed, DeviceError):
                pass
        if not process.ended.wait(timeout=5):
            self._kill(process)

    def _kill(self, process: SandboxProcess) -> None:
        process.stop_requested = True
        if process.popen.poll() is None:
            try:
                os.killpg(process.popen.pid, 9)
            except (ProcessLookupError, PermissionError):
                process.popen.kill()
        process.ended.wait(timeout=10)


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return "unknown signal"
