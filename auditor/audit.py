"""One audit run: a backend, a scenario, Frida in every process of the app, everything recorded as it happens."""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Literal

from auditor import __version__
from auditor.catalog import Catalog, load_catalog
from auditor.devices.base import Backend, OnFridaDevice, ProcessExit, ProcessInfo
from auditor.errors import AuditError
from auditor.instrument import Instrumenter, process_end_of_detach
from auditor.models import (
    CoverageRecord,
    HookEvent,
    ProcessEnded,
    ProcessStarted,
    RunEnded,
    RunMeta,
    RunStarted,
    ScenarioFile,
    ScenarioInfo,
    StackRecord,
    StepRef,
)
from auditor.recorder import ArtifactKind, M
from auditor.scenario import RunnerOptions, Scenario, ScenarioRunner
from auditor.store import RunWriter

# How long a Frida detach waits for the backend's own report of the same exit (which carries the exit code).
EXIT_REPORT_GRACE_S = 1.0


class RunRecorder:
    """Writes the run: markers stamped on the device clock with every process's event cursor, events from Frida,
    evidence files. It is the scenario runner's `Recorder` and the instrumenter's sink."""

    def __init__(self, writer: RunWriter) -> None:
        self.writer = writer
        self.step: StepRef | None = None
        self.clock: Callable[[], tuple[float | None, dict[str, int]]] = lambda: (None, {})
        self._lock = threading.RLock()
        self._seq = 0
        self._offset_ms = 0.0
        """Device clock minus host clock, from the last time a device clock was read."""
        self._last_ts = 0.0
        self._ended: set[int] = set()
        self._pending_exits: dict[int, tuple[threading.Timer, ProcessExit]] = {}

    # Recorder -------------------------------------------------------------------------------------------------
    def mark(self, marker_type: type[M], **fields: Any) -> M:
        with self._lock:
            host_ms = time.time() * 1000
            device_ms, cursors = self.clock()
            if device_ms is not None:
                self._offset_ms = device_ms - host_ms
            # Markers must be monotone in time for the timeline's bisection; clocks read across processes may not be.
            ts = max(device_ms if device_ms is not None else host_ms + self._offset_ms, self._last_ts)
            self._last_ts = ts
            fields.setdefault("step", self.step)
            marker = marker_type(seq=self._seq, ts=ts, host_ts=host_ms, cursors=cursors, **fields)
            self._seq += 1
            self.writer.append_marker(marker)
            return marker

    def save_artifact(self, kind: ArtifactKind, stem: str, extension: str, data: bytes) -> str:
        with self._lock:
            candidate = f"{kind}/{stem}.{extension}"
            counter = 2
            while (self.writer.directory / candidate).exists():
                candidate = f"{kind}/{stem}-{counter}.{extension}"
                counter += 1
            return self.writer.write_artifact(candidate, data)

    # InstrumentSink ------------------------------------------------------------------------------------------
    def record_events(self, events: list[HookEvent], stacks: list[StackRecord]) -> None:
        self.writer.append_events(events, stacks)

    def record_coverage(self, coverage: CoverageRecord) -> None:
        self.writer.append_coverage(coverage)

    def record_agent_log(self, process: ProcessInfo, level: str, message: str) -> None:
        self.writer.append_agent_log(f"{_now_iso()} {process.pid} {process.name} {level}: {message}")

    def process_detached(self, process: ProcessInfo, reason: str, crash: str | None) -> None:
        self.writer.append_agent_log(f"{_now_iso()} {process.pid} {process.name} detached: {reason}")
        end = process_end_of_detach(reason, crash)
        if end is None:
            return  # this tool let go of a process that runs on: no end to record
        with self._lock:
            if process.pid in self._ended or process.pid in self._pending_exits:
                return
            exit = ProcessExit(process.pid, process.name, exit_code=None, reason=end, detail=crash or "")
            timer = threading.Timer(EXIT_REPORT_GRACE_S, self._record_end, args=(exit,))
            timer.daemon = True
            self._pending_exits[process.pid] = (timer, exit)
            timer.start()

    # Backend listeners ---------------------------------------------------------------------------------------
    def process_exited(self, exit: ProcessExit) -> None:
        with self._lock:
            pending = self._pending_exits.pop(exit.pid, None)
            if pending is not None:
                pending[0].cancel()
        self._record_end(exit)

    def device_log(self, line: str) -> None:
        self.writer.append_device_log(line)

    def _record_end(self, exit: ProcessExit) -> None:
        with self._lock:
            self._pending_exits.pop(exit.pid, None)
            if exit.pid in self._ended:
                return
            self._ended.add(exit.pid)
            self.mark(ProcessEnded, pid=exit.pid, process=exit.name, reason=exit.reason, exit_code=exit.exit_code,
                      crash=exit.detail or None, ended_by=exit.ended_by)

    def flush_pending_exits(self) -> None:
        """Record now the exits Frida reported and the backend has not (yet): the run is ending."""
        with self._lock:
            pending = list(self._pending_exits.values())
        for timer, exit in pending:
            timer.cancel()
            self._record_end(exit)


@dataclass
class AuditOptions:
    packs: list[str] | None = None
    category: str | None = None
    """The app's category, kept with the run so that re-rendering it judges it the same way."""
    settings_file: Path | None = None
    """The rule settings file (`--config`) the run is judged by: copied into the run, for the same reason."""
    runner: RunnerOptions = field(default_factory=RunnerOptions)


@dataclass
class AuditOutcome:
    directory: Path
    status: Literal["completed", "step-failed", "aborted", "error"]
    message: str = ""


def run_audit(
    backend: Backend,
    scenario: Scenario,
    directory: Path,
    *,
    target: str,
    options: AuditOptions | None = None,
    catalog: Catalog | None = None,
) -> AuditOutcome:
    """Run `scenario` against the app behind `backend`, recording into `directory` (which must not exist yet)."""
    options = options or AuditOptions()
    catalog = catalog or load_catalog()
    scenario_path = Path(scenario.path)
    meta = RunMeta(
        run_id=uuid.uuid4().hex[:12],
        tool_version=__version__,
        frida_version=Instrumenter.frida_version,
        started_at=_now_iso(),
        target=target,
        app=backend.app_info(),
        device=backend.device_info(),
        scenario=ScenarioInfo(
            name=scenario.name,
            path=str(scenario_path),
            sha256=hashlib.sha256(scenario_path.read_bytes()).hexdigest(),
            copy_path=f"scenario/{scenario_path.name}",
            includes=_included_files(scenario),
        ),
        options={"packs": options.packs, "permission_policy": options.runner.permission_policy,
                 "category": options.category,
                 "settings": f"settings/{options.settings_file.name}" if options.settings_file else None},
    )
    writer = RunWriter(directory, meta)
    writer.write_artifact(meta.scenario.copy_path, scenario_path.read_bytes())
    if options.settings_file is not None:
        writer.write_artifact(f"settings/{options.settings_file.name}", options.settings_file.read_bytes())
    for included in meta.scenario.includes:
        writer.write_artifact(included.copy_path, Path(included.path).read_bytes())
    recorder = RunRecorder(writer)
    instrumenter = Instrumenter(catalog, recorder,
                                device=backend.frida_device if isinstance(backend, OnFridaDevice) else "local")
    recorder.clock = instrumenter.cursors
    backend.set_listeners(on_exit=recorder.process_exited, on_log=recorder.device_log)

    def gate(process: ProcessInfo) -> None:
        recorder.mark(ProcessStarted, pid=process.pid, process=process.name)
        instrumenter.instrument(process)

    recorder.mark(RunStarted)
    status: Literal["completed", "step-failed", "aborted", "error"] = "error"
    message = ""
    try:
        outcome = ScenarioRunner(scenario, backend, recorder, gate, options.runner).run()
        status, message = outcome.status, outcome.message
    except AuditError as exc:
        status, message = "error", str(exc)
        raise
    except KeyboardInterrupt:
        status, message = "aborted", "interrupted by the user"
        raise
    finally:
        recorder.step = None
        try:
            # Unload the agents while the processes live, so their last batches arrive; then end the processes.
            instrumenter.close()
        finally:
            backend.close()
            recorder.flush_pending_exits()
            recorder.mark(RunEnded, status=status, message=message)
            writer.seal()  # manifest.json: the digest of everything recorded, however the run ended
    return AuditOutcome(directory, status, message)


def _included_files(scenario: Scenario) -> list[ScenarioFile]:
    """The files `runFlow` brought in, to be kept with the run: copied under scenario/include-N-NAME."""
    main = Path(scenario.path).resolve()
    included = [Path(f) for f in scenario.files if Path(f).resolve() != main]
    return [
        ScenarioFile(path=str(path), sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                     copy_path=f"scenario/include-{number}-{path.name}")
        for number, path in enumerate(included, start=1)
    ]


def default_run_directory(root: Path, package: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return root / f"{package}-{stamp}"


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")

