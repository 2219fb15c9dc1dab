"""Frida sessions: attach to a process, load the agent, install the catalog's hooks, and turn what the
agent sends into recorded events. The only module that imports frida.

Every Frida callback (messages, logs, detaches) runs on Frida's own thread, where nothing may block; each
is put on one queue, and one worker thread validates, converts and hands them to the sink, in order.
"""

from __future__ import annotations

import hashlib
import json
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, Protocol

import frida
from frida.core import RPCException
from pydantic import TypeAdapter, ValidationError
from typing_extensions import Self

from auditor.agent import AgentOptions, load_agent
from auditor.catalog import Catalog
from auditor.devices.base import ProcessInfo
from auditor.errors import DeviceError, InputError
from auditor.masking import mask_unknown, record_value
from auditor.models import (
    AgentCoverage,
    AgentEvent,
    AgentEventsBatch,
    AgentLog,
    AgentMessage,
    AgentStats,
    CoverageRecord,
    FailedHook,
    HookEvent,
    InstalledHook,
    Model,
    PendingHook,
    RecordedValue,
    StackRecord,
)

DeviceKind = Literal["local"]
"""A Frida device named without further details: this machine."""

# Frida reports every failure through its own exception classes; none shares a base besides Exception.
_FRIDA_ERRORS: tuple[type[Exception], ...] = (
    frida.InvalidOperationError,
    frida.InvalidArgumentError,
    frida.TransportError,
    frida.ProcessNotFoundError,
    frida.ProcessNotRespondingError,
    frida.PermissionDeniedError,
    frida.NotSupportedError,
    frida.TimedOutError,
    frida.ProtocolError,
    frida.ServerNotRunningError,
    frida.ExecutableNotFoundError,
    frida.OperationCancelledError,
)

_MESSAGES: TypeAdapter[AgentEventsBatch | AgentCoverage | AgentLog] = TypeAdapter(AgentMessage)
_KNOWN_TYPES = {"events:batch", "hooks:coverage", "agent:log"}
_LOG_LEVELS = {"debug", "info", "warning", "error"}
_DETACH_WAIT_S = 2.0
_WORKER_STOP_WAIT_S = 10.0


class InstrumentSink(Protocol):
    """Where instrumentation results go. Called from one worker thread, in the order things happened."""

    def record_events(self, events: list[HookEvent], stacks: list[StackRecord]) -> None:
        """`stacks` are those seen for the first time in this run; `events` refer to them by id."""
        ...

    def record_coverage(self, coverage: CoverageRecord) -> None: ...

    def record_agent_log(self, process: ProcessInfo, level: str, message: str) -> None: ...

    def process_detached(self, process: ProcessInfo, reason: str, crash: str | None) -> None: ...


class _InitReply(Model):
    """What the agent's `init` returns: the coverage message's lists plus the device time the hooks were in."""

    ts: float
    installed: list[InstalledHook]
    failed: list[FailedHook]
    pending: list[PendingHook] = []
    absent: list[FailedHook] = []


class _Cursor(Model):
    ts: float
    seq: int


@dataclass(eq=False)
class _Process:
    info: ProcessInfo
    session: Any
    script: Any = None
    alive: bool = True
    detached: threading.Event = field(default_factory=threading.Event)
    # Worker-only state:
    stack_ids: dict[str, str] = field(default_factory=dict)
    """Agent stack id -> content digest."""
    next_seq: int = 0
    templates: dict[int, HookEvent] = field(default_factory=dict)
    """The agent's template slots: the last full event of each, which repeats copy."""
    coverage_recorded: bool = False
    early_coverage: list[CoverageRecord] = field(default_factory=list)
    """Coverage of hooks a class loader brought before the init record reached the sink (kept in order)."""

    @property
    def what(self) -> str:
        return f"process {self.info.name} (pid {self.info.pid})"


@dataclass(frozen=True)
class _Message:
    process: _Process
    message: Any


@dataclass(frozen=True)
class _ScriptLog:
    process: _Process
    level: str
    text: str


@dataclass(frozen=True)
class _Detached:
    process: _Process
    reason: str
    crash: str | None


@dataclass(frozen=True)
class _Coverage:
    record: CoverageRecord
    process: _Process


@dataclass(frozen=True)
class _Barrier:
    reached: threading.Event


@dataclass(frozen=True)
class _Stop:
    pass


_WorkItem = _Message | _ScriptLog | _Detached | _Coverage | _Barrier | _Stop


def stack_digest(frames: list[str]) -> str:
    """The id of a stack in a run: the same frames from two processes are one StackRecord."""
    return hashlib.sha256("\n".join(frames).encode("utf-8")).hexdigest()[:16]


def _resolve_device(kind: DeviceKind | FridaDevice) -> Any:
    if isinstance(kind, FridaDevice):
        return kind.raw
    if kind == "local":
        return frida.get_local_device()
    raise InputError(f"unsupported Frida device {kind!r}: 'local', or a FridaDevice")


# ------------------------------------------------------------------------------------------------------------
# The device side: which Frida device, spawning suspended, spawn gating, resuming, losing the device.
#
# Early instrumentation on Android: the app is spawned suspended (or caught suspended by spawn gating, for its
# other processes), the agent is loaded, and then the process must be resumed *while* the agent's `init` is still
# pending: `init` installs the hooks inside `Java.perform`, which on Android waits until the app's class loader
# exists, and that only happens once the process runs. The bridge runs the deferred hooks when the runtime binds
# the application, before any of the app's code (Application, ContentProviders, the first Activity) is loaded. So
# for a process this device holds suspended, `Instrumenter.instrument` posts `init`, waits until the agent has
# handled its synchronous part (the RPC answered after it is proof: the agent handles RPCs in the order posted),
# resumes the process, and then waits for `init` to answer. Processes that are not held (already running, as
# in the sandbox) get `init` directly.


@dataclass(frozen=True)
class FridaTarget:
    """Where Frida finds the device."""

    kind: Literal["local", "usb", "remote"]
    id: str = ""
    """usb: the device id, which for Android is its adb serial (`emulator-5554`, `192.168.1.20:5555`); "" for the
    only USB device."""
    address: str = ""
    """remote: the `host:port` frida-server listens on (an alternate port, usually through `adb forward`)."""

    def describe(self) -> str:
        if self.kind == "remote":
            return f"frida-server at {self.address}"
        if self.kind == "usb":
            return f"device {self.id}" if self.id else "the USB device"
        return "this machine"


@dataclass(frozen=True)
class PendingSpawn:
    """A process caught by spawn gating: suspended until resumed."""

    pid: int
    identifier: str
    """The process name Android gave it: the package, or `package:suffix` for an `android:process` component."""


SpawnHandler = Callable[[PendingSpawn], None]
_DISCONNECT_ERRORS: tuple[type[Exception], ...] = (*_FRIDA_ERRORS, ValueError)
"""Removing a signal handler: Frida's errors, or ValueError for a handler it no longer knows."""
LostHandler = Callable[[str], None]
"""Told, with what Frida said, that the device or Frida's connection to it went away."""

FRIDA_DETACH_ENDS: dict[str, str | None] = {
    "application-requested": None,
    "process-terminated": "process-terminated",
    "process-replaced": "process-replaced",
    "connection-terminated": "transport-lost",
    "device-lost": "device-lost",
}
"""What the reason of a Frida session's detach says about its process: the reason its end is recorded with, or None
when it did not end (`application-requested`: this tool detached, at the end of a run or after a failed
instrumentation, and the process runs on)."""

CONNECTION_LOST_REASONS = frozenset({"connection-terminated", "device-lost"})
"""Detach reasons that mean every session on the device is gone (frida-server ended, the device went away)."""


def process_end_of_detach(reason: str, crash: str | None) -> str | None:
    """The end a detach reports (see FRIDA_DETACH_ENDS): `crashed` when Frida caught the crash."""
    if crash:
        return "crashed"
    return FRIDA_DETACH_ENDS.get(reason, reason)

_ACQUIRE_TIMEOUT_S = 5.0


class FridaDevice:
    """A Frida device with the processes it holds suspended. Spawn-gating and loss notifications arrive on Frida's
    thread; they are handed to one worker thread of this object, where the handlers run (and may block)."""

    def __init__(self, target: FridaTarget, *, timeout: float = _ACQUIRE_TIMEOUT_S, raw: Any = None) -> None:
        """`raw`: a frida.Device already at hand (tests hand in a fake one) instead of acquiring `target`'s."""
        self.target = target
        self.raw: Any = raw if raw is not None else _acquire_device(target, timeout)
        self._lock = threading.Lock()
        self._held: set[int] = set()
        self._on_spawn: SpawnHandler | None = None
        self._on_lost: list[LostHandler] = []
        self._gating = False
        self._closed = False
        self._events: queue.SimpleQueue[PendingSpawn | str | None] = queue.SimpleQueue()
        self._worker = threading.Thread(target=self._work, name="consent-audit-frida-device", daemon=True)
        self._worker.start()
        self._spawn_added = lambda spawn: self._events.put(PendingSpawn(int(spawn.pid), str(spawn.identifier)))
        self._lost = lambda: self._events.put("the Frida connection to the device was lost")
        self.raw.on("spawn-added", self._spawn_added)
        self.raw.on("lost", self._lost)

    @property
    def id(self) -> str:
        return str(self.raw.id)

    def parameters(self) -> dict[str, Any]:
        """What the device says about itself (os, arch, access: `full` when frida-server runs as root)."""
        result: dict[str, Any] = self._call("query the device", lambda: self.raw.query_system_parameters())
        return result

    def spawn(self, program: str | list[str]) -> int:
        """Start `program` (an Android package, or argv on this machine) suspended; it stays held until `resume`."""
        pid = int(self._call(f"spawn {program}", lambda: self.raw.spawn(program)))
        with self._lock:
            self._held.add(pid)
        return pid

    def is_held(self, pid: int) -> bool:
        with self._lock:
            return pid in self._held

    def resume(self, pid: int) -> bool:
        """Let a held process run; False when it was not held (already resumed)."""
        with self._lock:
            if pid not in self._held:
                return False
            self._held.discard(pid)
        try:
            self.raw.resume(pid)
        except (frida.InvalidArgumentError, frida.ProcessNotFoundError):
            pass  # it died while held, or frida-server forgot it: either way nothing waits any more
        except _FRIDA_ERRORS as exc:
            raise DeviceError(f"cannot resume process {pid}: {_one_line(exc)}") from None
        return True

    def kill(self, pid: int) -> None:
        with self._lock:
            self._held.discard(pid)
        try:
            self.raw.kill(pid)
        except _FRIDA_ERRORS:
            pass  # already gone

    def enable_spawn_gating(self, on_spawn: SpawnHandler) -> None:
        """From now on every new process on the device is held and handed to `on_spawn` (on this object's worker
        thread), which must resume it (or kill it). Processes already pending are handed over too."""
        with self._lock:
            self._on_spawn = on_spawn
            already = self._gating
            self._gating = True
        if not already:
            self._call("enable spawn gating", lambda: self.raw.enable_spawn_gating())
        for spawn in self._call("list pending spawns", lambda: list(self.raw.enumerate_pending_spawn())):
            self._events.put(PendingSpawn(int(spawn.pid), str(spawn.identifier)))

    def disable_spawn_gating(self) -> None:
        """Stop holding new processes, and resume every gated process still held."""
        with self._lock:
            was_gating, self._gating, self._on_spawn = self._gating, False, None
        if was_gating:
            try:
                self.raw.disable_spawn_gating()
            except _FRIDA_ERRORS:
                pass
        for pid in self.held():
            self.resume(pid)

    def held(self) -> list[int]:
        with self._lock:
            return sorted(self._held)

    def on_lost(self, handler: LostHandler) -> None:
        self._on_lost.append(handler)

    def report_lost(self, message: str) -> None:
        """A session on this device saw the connection go (frida-server died): tell the loss handlers, as for the
        device's own `lost` signal (on this object's worker thread)."""
        if not self._closed:
            self._events.put(message)

    def close(self) -> None:
        """Stop gating, resume what is still held (a process left suspended would hang), and stop the worker."""
        if self._closed:
            return
        self._closed = True
        self.disable_spawn_gating()
        for signal, callback in (("spawn-added", self._spawn_added), ("lost", self._lost)):
            try:
                self.raw.off(signal, callback)
            except _DISCONNECT_ERRORS:
                pass
        self._events.put(None)
        self._worker.join(_WORKER_STOP_WAIT_S)

    def _call(self, what: str, action: Callable[[], Any]) -> Any:
        try:
            return action()
        except _FRIDA_ERRORS as exc:
            raise DeviceError(f"{self.target.describe()}: cannot {what}: {_one_line(exc)}") from None

    def _work(self) -> None:
        while True:
            item = self._events.get()
            if item is None:
                return
            if isinstance(item, str):
                for lost_handler in list(self._on_lost):
                    _run_handler(lost_handler, item)
                continue
            with self._lock:
                spawn_handler = self._on_spawn if self._gating else None
                if spawn_handler is not None:
                    self._held.add(item.pid)
            if spawn_handler is None:
                # Gating went off while this spawn was queued: nobody will resume it if we do not.
                self._resume_quietly(item.pid)
                continue
            _run_handler(spawn_handler, item)

    def _resume_quietly(self, pid: int) -> None:
        with self._lock:
            self._held.discard(pid)
        try:
            self.raw.resume(pid)
        except _FRIDA_ERRORS:
            pass


def _run_handler(handler: Callable[[Any], None], value: Any) -> None:
    try:
        handler(value)
    except Exception:  # noqa: BLE001 - a failing handler must not stop the worker that resumes processes
        logging.getLogger(__name__).exception("Frida device handler failed")


def _acquire_device(target: FridaTarget, timeout: float) -> Any:
    try:
        if target.kind == "local":
            return frida.get_local_device()
        if target.kind == "usb":
            if target.id:
                return frida.get_device(target.id, timeout=timeout)
            return frida.get_usb_device(timeout)
        return frida.get_device_manager().add_remote_device(target.address)
    except _FRIDA_ERRORS as exc:
        raise DeviceError(f"Frida cannot reach {target.describe()}: {_one_line(exc)}") from None


class Instrumenter:
    """Instruments processes with the hook catalog and feeds what they record to `sink`."""

    frida_version: ClassVar[str] = frida.__version__
    """The frida Python package's version; a device's frida-server must match it exactly."""

    def __init__(
        self,
        catalog: Catalog,
        sink: InstrumentSink,
        *,
        options: AgentOptions | None = None,
        device: DeviceKind | FridaDevice = "local",
    ) -> None:
        self._catalog = catalog
        self._sink = sink
        self._options = options or AgentOptions()
        self._agent_code = load_agent()
        self._device = _resolve_device(device)
        self._holder = device if isinstance(device, FridaDevice) else None
        """The device that may hold processes suspended (spawned or gated), to resume them during `init`."""
        self._lock = threading.Lock()
        self._processes: dict[int, _Process] = {}
        self._closed = False
        self._queue: queue.SimpleQueue[_WorkItem] = queue.SimpleQueue()
        self._emitted_stacks: set[str] = set()
        self._sink_error: BaseException | None = None
        self._worker = threading.Thread(target=self._work, name="consent-audit-instrument", daemon=True)
        self._worker.start()

    # ------------------------------------------------------------------------------------------------
    # Caller side

    def instrument(self, process: ProcessInfo) -> CoverageRecord:
        """Attach to `process`, load the agent and install the hooks; returns once they are in."""
        with self._lock:
            if self._closed:
                raise DeviceError(f"cannot instrument process {process.name} (pid {process.pid}): instrumentation is closed")
            known = self._processes.get(process.pid)
            if known is not None and known.alive:
                raise DeviceError(f"{known.what} is already instrumented")
        state = _Process(info=process, session=None)
        try:
            state.session = self._device.attach(process.pid)
        except _FRIDA_ERRORS as exc:
            raise DeviceError(f"cannot attach to {state.what}: {_one_line(exc)}") from None
        state.session.on("detached", lambda reason, crash: self._on_detached(state, reason, crash))
        try:
            script = state.session.create_script(self._agent_code, name="consent-audit")
            script.on("message", lambda message, data: self._queue.put(_Message(state, message)))
            script.set_log_handler(lambda level, text: self._queue.put(_ScriptLog(state, level, text)))
            script.load()
            state.script = script
        except _FRIDA_ERRORS as exc:
            self._abandon(state)
            raise DeviceError(f"cannot load the agent into {state.what}: {_one_line(exc)}") from None
        try:
            request = {
                "process": {"pid": process.pid, "name": process.name},
                "entries": self._catalog.agent_config(),
                "native": self._catalog.native_config(),
                "options": self._options.to_agent(),
            }
            if self._holder is not None and self._holder.is_held(process.pid):
                reply = _init_and_resume(script, request, lambda: self._holder_resume(process.pid), state.what)
            else:
                reply = script.exports_sync.init(request)
            installed = _InitReply.model_validate(reply)
        except (*_FRIDA_ERRORS, RPCException) as exc:
            self._abandon(state)
            raise DeviceError(f"cannot install hooks in {state.what}: {_one_line(exc)}") from None
        except ValidationError as exc:
            self._abandon(state)
            raise DeviceError(f"the agent in {state.what} answered init with {_first_error(exc)}") from None
        record = CoverageRecord(
            pid=process.pid,
            process=process.name,
            ts=installed.ts,
            installed=installed.installed,
            failed=installed.failed,
            pending=installed.pending,
            absent=installed.absent,
        )
        with self._lock:
            closed_meanwhile = self._closed
            if not closed_meanwhile:
                self._processes[process.pid] = state
                self._queue.put(_Coverage(record, state))
        if closed_meanwhile:
            self._abandon(state)
            raise DeviceError(f"instrumentation closed while hooking {state.what}")
        return record

    def cursors(self) -> tuple[float | None, dict[str, int]]:
        """Device time now (ms) and, per live process (pid as string), the seq its next event will get.
        Every event with a lower seq has been sent before this returns. A process that just died is left out."""
        device_now: float | None = None
        positions: dict[str, int] = {}
        for state in self._live():
            cursor = self._cursor_of(state)
            if cursor is None:
                continue
            positions[str(state.info.pid)] = cursor.seq
            device_now = cursor.ts if device_now is None else max(device_now, cursor.ts)
        return device_now, positions

    def drain(self, timeout: float = 5.0) -> None:
        """Have every live agent send what it holds, then wait until the sink has been handed every message
        received so far. Raises DeviceError on timeout, and the sink's own exception if it raised one."""
        for state in self._live():
            self._cursor_of(state, new_epoch=False)
        reached = threading.Event()
        self._queue.put(_Barrier(reached))
        if not reached.wait(timeout):
            raise DeviceError(f"instrumentation: recorded events not written within {timeout:g} s")
        self._raise_sink_error()

    def close(self) -> None:
        """Unload every agent (each sends what it still holds), detach, and stop the worker."""
        with self._lock:
            if self._closed:
                already_closed = True
            else:
                already_closed = False
                self._closed = True
            processes = list(self._processes.values())
        if not already_closed:
            for state in processes:
                self._abandon(state)
            self._queue.put(_Stop())
            self._worker.join(_WORKER_STOP_WAIT_S)
        self._raise_sink_error()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _holder_resume(self, pid: int) -> None:
        if self._holder is not None:
            self._holder.resume(pid)

    def _live(self) -> list[_Process]:
        with self._lock:
            return [state for state in self._processes.values() if state.alive]

    def stats(self) -> dict[int, AgentStats]:
        """Per live process: what its agent has counted since `init` (calls recorded, stacks walked, call sites)."""
        result: dict[int, AgentStats] = {}
        for state in self._live():
            try:
                result[state.info.pid] = AgentStats.model_validate(state.script.exports_sync.stats())
            except (*_FRIDA_ERRORS, RPCException):
                continue  # it died meanwhile
        return result

    def _cursor_of(self, state: _Process, *, new_epoch: bool = True) -> _Cursor | None:
        """The agent's position; with `new_epoch` (a marker is being taken) it also starts a new evidence epoch, in
        which every (API, call site) gets a freshly walked stack again."""
        try:
            if not new_epoch:
                return _Cursor.model_validate(state.script.exports_sync.flush())
            return _Cursor.model_validate(state.script.exports_sync.cursor())
        except _FRIDA_ERRORS:
            # The process died between the snapshot and the call: it has no position any more.
            return None

    def _abandon(self, state: _Process) -> None:
        """Unload and detach, tolerating a process that is already gone; waits for the detach to be seen."""
        if state.script is not None:
            try:
                # What an agent sends while it is being unloaded never arrives: have it send everything first.
                state.script.exports_sync.finish()
            except (*_FRIDA_ERRORS, RPCException):
                pass
            try:
                state.script.unload()
            except _FRIDA_ERRORS:
                pass
        if state.session is not None:
            try:
                state.session.detach()
            except _FRIDA_ERRORS:
                pass
            state.detached.wait(_DETACH_WAIT_S)

    def _raise_sink_error(self) -> None:
        error, self._sink_error = self._sink_error, None
        if error is not None:
            raise error

    # ------------------------------------------------------------------------------------------------
    # Frida's thread: hand over and return

    def _on_detached(self, state: _Process, reason: str, crash: Any) -> None:
        with self._lock:
            state.alive = False
            closing = self._closed
        crash_text = None
        if crash is not None:
            crash_text = str(getattr(crash, "report", "") or getattr(crash, "summary", "") or crash)
        self._queue.put(_Detached(state, str(reason), crash_text))
        state.detached.set()
        if str(reason) in CONNECTION_LOST_REASONS and self._holder is not None and not closing:
            # The device stays listed when only frida-server died: without this the run would go on unobserved.
            self._holder.report_lost(f"Frida's session with {state.what} ended: {reason}")

    # ------------------------------------------------------------------------------------------------
    # The worker

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if isinstance(item, _Stop):
                return
            if isinstance(item, _Barrier):
                item.reached.set()
                continue
            try:
                self._handle(item)
            except Exception as exc:  # noqa: BLE001 - the worker must outlive a failing sink
                if self._sink_error is None:
                    self._sink_error = exc

    def _handle(self, item: _WorkItem) -> None:
        if isinstance(item, _Message):
            self._handle_message(item.process, item.message)
        elif isinstance(item, _ScriptLog):
            level = item.level if item.level in _LOG_LEVELS else "info"
            self._sink.record_agent_log(item.process.info, level, f"console: {item.text}")
        elif isinstance(item, _Detached):
            self._sink.process_detached(item.process.info, item.reason, item.crash)
        elif isinstance(item, _Coverage):
            self._sink.record_coverage(item.record)
            item.process.coverage_recorded = True
            for late in item.process.early_coverage:
                self._sink.record_coverage(late)
            item.process.early_coverage.clear()

    def _handle_message(self, state: _Process, message: Any) -> None:
        kind = message.get("type") if isinstance(message, dict) else None
        if kind == "error":
            where = f" ({message.get('fileName')}:{message.get('lineNumber')})" if message.get("fileName") else ""
            stack = f"\n{message['stack']}" if message.get("stack") else ""
            self._log(state, "error", f"agent script error: {message.get('description')}{where}{stack}")
            return
        if kind != "send":
            self._log(state, "warning", f"unexpected message from Frida: {_excerpt(message)}")
            return
        payload = message.get("payload")
        try:
            parsed = _MESSAGES.validate_python(payload)
        except ValidationError as exc:
            payload_type = payload.get("type") if isinstance(payload, dict) else None
            if payload_type in _KNOWN_TYPES:
                self._log(state, "error", f"malformed {payload_type} message ({_first_error(exc)}): {_excerpt(payload)}")
            else:
                self._log(state, "warning", f"unknown agent message type {payload_type!r}: {_excerpt(payload)}")
            return
        if isinstance(parsed, AgentEventsBatch):
            self._handle_batch(state, parsed)
        elif isinstance(parsed, AgentLog):
            self._sink.record_agent_log(state.info, parsed.level, parsed.message)
        elif parsed.trigger != "init":
            self._handle_late_coverage(state, parsed)
        # AgentCoverage from `init`: the init reply carries the same lists, and instrument() records that one;
        # the message is the agent announcing it to anyone reading the raw stream.

    def _handle_late_coverage(self, state: _Process, coverage: AgentCoverage) -> None:
        """Hooks of app-bundled classes went in when a class loader appeared: one more record for the process."""
        record = CoverageRecord(
            pid=state.info.pid,
            process=state.info.name,
            ts=coverage.ts if coverage.ts is not None else time.time() * 1000,
            installed=coverage.installed,
            failed=coverage.failed,
            pending=coverage.pending,
            absent=coverage.absent,
            trigger=coverage.trigger,
            loader=coverage.loader,
        )
        if state.coverage_recorded:
            self._sink.record_coverage(record)
        else:
            state.early_coverage.append(record)

    def _handle_batch(self, state: _Process, batch: AgentEventsBatch) -> None:
        new_stacks: list[StackRecord] = []
        for agent_id, frames in batch.stacks.items():
            digest = stack_digest(frames)
            state.stack_ids[agent_id] = digest
            if digest not in self._emitted_stacks:
                self._emitted_stacks.add(digest)
                new_stacks.append(StackRecord(id=digest, frames=frames))
        events: list[HookEvent] = []
        calls: list[AgentEvent | tuple[int, float, int]] = [*batch.events, *batch.repeats]
        if batch.repeats:
            calls.sort(key=lambda call: call.seq if isinstance(call, AgentEvent) else call[0])
        for call in calls:
            seq = call.seq if isinstance(call, AgentEvent) else call[0]
            if seq != state.next_seq:
                self._log(state, "error", f"event sequence broken: expected seq {state.next_seq}, got {seq}")
            state.next_seq = seq + 1
            if isinstance(call, AgentEvent):
                converted = self._convert(state, call)
                if call.tpl is not None:
                    state.templates[call.tpl] = converted
                events.append(converted)
                continue
            _, ts, slot = call
            template = state.templates.get(slot)
            if template is None:
                self._log(state, "error", f"event seq {seq} repeats template {slot}, which was never sent")
                continue
            # Values, thread and stack are the template's; the call is its own event.
            events.append(template.model_copy(update={"id": f"{state.info.pid}-{seq}", "seq": seq, "ts": ts}))
        self._sink.record_events(events, new_stacks)

    def _convert(self, state: _Process, event: AgentEvent) -> HookEvent:
        entry = self._catalog.get(event.entry)
        if entry is None:
            self._log(state, "error", f"event seq {event.seq} names unknown catalog entry {event.entry!r}: values masked")

        def recorded(value: Any, position: str) -> RecordedValue:
            return record_value(value, entry, position) if entry is not None else mask_unknown(value)

        stack = None
        if event.stack is not None:
            stack = state.stack_ids.get(event.stack)
            if stack is None:
                self._log(state, "error", f"event seq {event.seq} refers to stack {event.stack!r} never sent")
        return HookEvent(
            id=f"{state.info.pid}-{event.seq}",
            pid=state.info.pid,
            process=state.info.name,
            seq=event.seq,
            ts=event.ts,
            entry=event.entry,
            api=f"{event.cls}.{event.method}",
            sig=event.sig,
            args=[recorded(value, f"arg{index}") for index, value in enumerate(event.args)],
            ret=recorded(event.ret, "return") if event.ret is not None else None,
            receiver=recorded(event.receiver, "this") if event.receiver is not None else None,
            threw=event.threw,
            thread=event.tname,
            tid=event.tid,
            stack=stack,
        )

    def _log(self, state: _Process, level: str, message: str) -> None:
        self._sink.record_agent_log(state.info, level, message)


INIT_AFTER_RESUME_TIMEOUT_S = 60.0
"""How long the hooks of a resumed process may take to be in: a cold app start on a slow emulator, instrumented."""
_POST_WAIT_S = 10.0
# Frida hands the `init` reply to the caller thread before the `cursor` reply reaches us, but that thread may not
# have woken yet; this bounds how long we let it, so an `init` that failed at once still leaves the process held.
_REPLY_HANDOVER_S = 0.1


def _init_and_resume(script: Any, request: dict[str, Any], resume: Callable[[], None], what: str) -> Any:
    """Call the agent's `init` in a process held suspended: post it, make sure the agent has handled its synchronous
    part, resume the process, then wait for the answer (see "Early instrumentation" above). Raises what the call
    raised, or frida.TimedOutError."""
    outcome: dict[str, Any] = {}
    posted = threading.Event()
    answered = threading.Event()
    post = script.post

    def post_then_signal(message: Any, data: bytes | None = None) -> None:
        post(message, data)
        posted.set()

    def call_init() -> None:
        try:
            outcome["reply"] = script.exports_sync.init(request)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            outcome["error"] = exc
        finally:
            answered.set()

    # The frida package's blocking RPC call posts through the script's `post`; wrapping it on this one script tells
    # when the request has left, without reaching into frida's internals (frida is pinned; a test checks this).
    script.post = post_then_signal
    caller = threading.Thread(target=call_init, name="consent-audit-init", daemon=True)
    caller.start()
    try:
        if not posted.wait(_POST_WAIT_S) and not answered.is_set():
            raise frida.TimedOutError(f"the init request to {what} could not be sent")
    finally:
        del script.post
    if not answered.is_set():
        script.exports_sync.cursor()  # answered only once `init` has registered its hooks with the Java bridge
        answered.wait(_REPLY_HANDOVER_S)
    if "error" in outcome:
        raise outcome["error"]
    resume()
    if not answered.wait(INIT_AFTER_RESUME_TIMEOUT_S):
        raise frida.TimedOutError(
            f"the hooks were not in {INIT_AFTER_RESUME_TIMEOUT_S:g} s after the process was resumed "
            "(did the app start? see the device log)"
        )
    if "error" in outcome:
        raise outcome["error"]
    return outcome["reply"]


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def _first_error(exc: ValidationError) -> str:
    first = exc.errors()[0]
    location = list(first["loc"])
    if location and location[0] in _KNOWN_TYPES:
        # The union names the branch it tried first; the message type is already said.
        location = location[1:]
    where = ".".join(str(part) for part in location) or "message"
    return f"{where}: {first['msg']}"


def _excerpt(value: Any, limit: int = 300) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"
