"""The local pool: one worker thread per device slot on this host, each running one audit at a time as a
`run-one` subprocess (`attempt.run_attempt`), with the slot reset and checked before every app.

A job whose attempt fails for infrastructure goes back to the queue for another device (at most `max_attempts`
attempts in this batch); a job that took its worker down `poison_after` times (timeouts, kills, across resumes) is
poisoned and not tried again; a tool bug is not retried. A device that fails `quarantine_after` times in a row
(checks or audits) is quarantined: its worker stops and the batch goes on with the others.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Literal

from auditor.batch.applist import Job
from auditor.batch.attempt import AttemptOutcome, run_attempt
from auditor.batch.devices import DeviceSlot
from auditor.batch.jobs import JobStore
from auditor.batch.progress import Progress
from auditor.errors import AuditError
from auditor.outcomes import KILLED_REASONS, classify_exception

FinalState = Literal["done", "failed", "poisoned", "not-run"]


@dataclass
class PoolSettings:
    max_attempts: int = 3
    """Attempts a job gets in one batch run when they fail for infrastructure."""
    poison_after: int = 3
    """Attempts that took the worker down (timeout, killed, lost) after which a job is not tried again."""
    quarantine_after: int = 3
    """Consecutive infrastructure failures (checks or audits) after which a device is set aside."""
    analysis_args: list[str] = field(default_factory=list)
    """Passed on to every `run-one` (--rules, --lang, --formats)."""
    time_limit_s: float | None = None
    """Overrides the per-job limit sized from its scenario."""
    retry_pause_s: float = 1.0


@dataclass
class JobEnd:
    job: Job
    state: FinalState
    reason: str = ""
    message: str = ""
    device: str = ""
    attempts: int = 0


@dataclass
class _Pending:
    job: Job
    avoid: set[str] = field(default_factory=set)
    """Devices it failed on for infrastructure: another device gets it first."""
    out: bool = False
    """A worker holds it (counted in flight): it must come back to the queue or end, exactly once."""


@dataclass
class _Worker:
    """One slot's worker thread and what it remembers between jobs."""

    slot: DeviceSlot
    failures: int = 0
    """Infrastructure failures in a row (checks or audits): at `quarantine_after`, the device is set aside."""
    previous_package: str | None = None
    """The app audited last, removed by the next reset."""


class LocalPool:
    def __init__(self, store: JobStore, slots: list[DeviceSlot], settings: PoolSettings, progress: Progress,
                 session: str | None = None) -> None:
        self.store = store
        self.slots = slots
        self.settings = settings
        self.progress = progress
        self.session = session or uuid.uuid4().hex[:12]
        self._queue: deque[_Pending] = deque()
        self._lock = threading.Condition()
        self._in_flight = 0
        self._active: set[str] = set()
        self._ends: dict[str, JobEnd] = {}
        self.quarantined: dict[str, str] = {}

    def run(self, jobs: list[Job]) -> dict[str, JobEnd]:
        """Audit every job (the caller has left out those already done); returns how each ended."""
        self._queue.extend(_Pending(job) for job in jobs)
        self._active = {slot.name for slot in self.slots}
        threads = [threading.Thread(target=self._work, args=(_Worker(slot),), name=f"pool-{slot.name}", daemon=True)
                   for slot in self.slots]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for pending in self._queue:
            why = "every device was quarantined" if self.quarantined else "not run"
            self._ends[pending.job.key] = JobEnd(pending.job, "not-run", "no-device", why)
        return self._ends

    # ------------------------------------------------------------------------------------------------------------
    def _next(self, slot: DeviceSlot) -> _Pending | None:
        with self._lock:
            while True:
                if slot.name not in self._active:
                    return None
                for pending in self._queue:
                    if slot.name not in pending.avoid or len(self._active) == 1 or \
                            self._active <= pending.avoid:
                        self._queue.remove(pending)
                        self._in_flight += 1
                        pending.out = True
                        return pending
                if not self._queue and self._in_flight == 0:
                    return None
                self._lock.wait(timeout=1.0)

    def _give_back(self, pending: _Pending, *, front: bool) -> None:
        with self._lock:
            pending.out = False
            if front:
                self._queue.appendleft(pending)
            else:
                self._queue.append(pending)
            self._in_flight -= 1
            self._lock.notify_all()

    def _finish(self, pending: _Pending, end: JobEnd) -> None:
        with self._lock:
            pending.out = False
            self._ends[end.job.key] = end
            self._in_flight -= 1
            self._lock.notify_all()
        self.progress.job_finished(end.job, end.state, end.reason, end.message, end.device)

    def _quarantine(self, slot: DeviceSlot, why: str) -> None:
        with self._lock:
            self._active.discard(slot.name)
            self.quarantined[slot.name] = why
            self._lock.notify_all()
        self.progress.device_state(slot.name, f"quarantined: {why}")

    def _work(self, worker: _Worker) -> None:
        slot = worker.slot
        while True:
            self.progress.device_state(slot.name, "idle")
            pending = self._next(slot)
            if pending is None:
                self.progress.device_state(slot.name, "finished" if slot.name in self._active else
                                           f"quarantined: {self.quarantined.get(slot.name, '')}")
                return
            try:
                self._take(worker, pending)
            except Exception as exc:  # noqa: BLE001 - the job ends or goes back, and the slot is released
                self._unexpected(worker, pending, exc)
            if slot.name not in self._active:
                return

    def _take(self, worker: _Worker, pending: _Pending) -> None:
        """Check the device and audit one job on it."""
        slot, job, settings = worker.slot, pending.job, self.settings
        self.progress.device_state(slot.name, f"checking before {job.display}")
        try:
            slot.reset(worker.previous_package)
            slot.preflight(self.store.scratch)
        except (AuditError, OSError) as exc:
            self._set_back(worker, pending, f"check failed: {exc}")
            return
        status = self.store.status(job.key, poison_after=settings.poison_after)
        if status.state == "done":
            self._finish(pending, JobEnd(job, "done", "already-done", "done elsewhere meanwhile",
                                         status.result.device if status.result else ""))
            return
        if status.state == "poisoned":
            self._finish(pending, JobEnd(job, "poisoned", "poisoned", status.note, "", len(status.attempts)))
            return
        self.progress.device_state(slot.name, f"auditing {job.display}")
        self.progress.job_started(job, slot.name)
        try:
            outcome = run_attempt(self.store, job, session=self.session, mode="local", device=slot.name,
                                  device_args=slot.run_one_arguments(), env=slot.environment(),
                                  analysis_args=settings.analysis_args, time_limit_s=settings.time_limit_s)
        except (AuditError, OSError) as exc:  # the store could not record the attempt: no audit ran
            self._set_back(worker, pending, f"cannot record the audit: {exc}")
            return
        worker.previous_package = job.package
        self._after_attempt(worker, pending, outcome)
        if worker.failures >= settings.quarantine_after:
            self._quarantine(slot, f"{worker.failures} infrastructure failures in a row, the last: "
                                   f"{outcome.outcome.message or outcome.outcome.reason}")

    def _unexpected(self, worker: _Worker, pending: _Pending, exc: Exception) -> None:
        """Something this pool did not foresee failed while a worker held a job (a full disk where a record is
        read, a bug of this tool): classified like an audit's end, so that the job is retried elsewhere or ends
        as failed, and the other workers never wait for it."""
        outcome = classify_exception(exc)
        if not pending.out:  # the job was settled already; what failed came after
            self.progress.device_state(worker.slot.name, f"{outcome.reason}: {outcome.message}")
        elif outcome.kind == "infrastructure":
            self._set_back(worker, pending, f"{outcome.reason}: {outcome.message}")
        else:
            self._finish(pending, JobEnd(pending.job, "failed", outcome.reason, outcome.message, worker.slot.name))

    def _set_back(self, worker: _Worker, pending: _Pending, why: str) -> None:
        """The device could not take the job: the job goes back first in line, and the failure counts against
        the device (quarantined at `quarantine_after` in a row)."""
        self._give_back(pending, front=True)
        worker.failures += 1
        self.progress.device_state(worker.slot.name, why)
        if worker.failures >= self.settings.quarantine_after:
            self._quarantine(worker.slot, f"{worker.failures} failures in a row, the last: {why}")
        else:
            time.sleep(self.settings.retry_pause_s)

    def _after_attempt(self, worker: _Worker, pending: _Pending, result: AttemptOutcome) -> None:
        """Record one attempt's end, and count it for or against the device."""
        slot, job, outcome = worker.slot, pending.job, result.outcome
        if outcome.kind == "app":
            reason = "duplicate" if result.duplicate else outcome.reason
            self._finish(pending, JobEnd(job, "done", reason, outcome.message, slot.name, result.record.attempt))
            worker.failures = 0
            return
        if outcome.kind in ("tool-bug", "usage"):
            self._finish(pending, JobEnd(job, "failed", outcome.reason, outcome.message, slot.name,
                                         result.record.attempt))
            return
        attempts = self.store.attempts(job.key)
        killed = sum(1 for a in attempts if a.reason in KILLED_REASONS)
        this_session = sum(1 for a in attempts if a.session == self.session)
        if killed >= self.settings.poison_after:
            self._finish(pending, JobEnd(job, "poisoned", outcome.reason, f"took its worker down {killed} times; "
                                         f"the last: {outcome.message}", slot.name, len(attempts)))
        elif this_session >= self.settings.max_attempts:
            self._finish(pending, JobEnd(job, "failed", outcome.reason, f"{this_session} attempts failed for "
                                         f"infrastructure; the last: {outcome.message}", slot.name, len(attempts)))
        else:
            pending.avoid.add(slot.name)
            self.progress.job_retried(job, slot.name, outcome.reason, outcome.message)
            self._give_back(pending, front=False)
        # A job that hangs or kills its own audit says nothing against the device.
        if outcome.reason not in KILLED_REASONS:
            worker.failures += 1
