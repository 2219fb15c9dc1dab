"""Frida sessions: attach to a process, load the agent, install the catalog's hooks, and turn what the
agent sends into recorded events. The only module that imports frida.

Every Frida callback (messages, logs, detaches) runs on Frida's own thread, where nothing may block; each
is put on one queue, and one worker thread validates, converts and hands them to the sink, in order.
"""

from __future__ import annotations

import hashlib
import json
import queue
import threading
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
    CoverageRecord,
    FailedHook,
    HookEvent,
    InstalledHook,
    Model,
    RecordedValue,
    StackRecord,
)

DeviceKind = Literal["local"]

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


def _resolve_device(kind: str) -> Any:
    if kind == "local":
        return frida.get_local_device()
    raise InputError(f"unsupported Frida device {kind!r}: only 'local' is implemented")


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
        device: DeviceKind = "local",
    ) -> None:
        self._catalog = catalog
        self._sink = sink
        self._options = options or AgentOptions()
        self._agent_code = load_agent()
        self._device = _resolve_device(device)
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
            reply = script.exports_sync.init(
                {
                    "process": {"pid": process.pid, "name": process.name},
                    "entries": self._catalog.agent_config(),
                    "options": self._options.to_agent(),
                }
            )
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
        )
        with self._lock:
            closed_meanwhile = self._closed
            if not closed_meanwhile:
                self._processes[process.pid] = state
                self._queue.put(_Coverage(record))
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
            self._cursor_of(state)
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

    def _live(self) -> list[_Process]:
        with self._lock:
            return [state for state in self._processes.values() if state.alive]

    def _cursor_of(self, state: _Process) -> _Cursor | None:
        try:
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
        crash_text = None
        if crash is not None:
            crash_text = str(getattr(crash, "report", "") or getattr(crash, "summary", "") or crash)
        self._queue.put(_Detached(state, str(reason), crash_text))
        state.detached.set()

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
        # AgentCoverage: the init reply carries the same lists plus the device time, and instrument()
        # records that one; the message is the agent announcing it to anyone reading the raw stream.

    def _handle_batch(self, state: _Process, batch: AgentEventsBatch) -> None:
        new_stacks: list[StackRecord] = []
        for agent_id, frames in batch.stacks.items():
            digest = stack_digest(frames)
            state.stack_ids[agent_id] = digest
            if digest not in self._emitted_stacks:
                self._emitted_stacks.add(digest)
                new_stacks.append(StackRecord(id=digest, frames=frames))
        events: list[HookEvent] = []
        for event in batch.events:
            if event.seq != state.next_seq:
                self._log(state, "error", f"event sequence broken: expected seq {state.next_seq}, got {event.seq}")
            state.next_seq = event.seq + 1
            events.append(self._convert(state, event))
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
            threw=event.threw,
            thread=event.tname,
            tid=event.tid,
            stack=stack,
        )

    def _log(self, state: _Process, level: str, message: str) -> None:
        self._sink.record_agent_log(state.info, level, message)


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
