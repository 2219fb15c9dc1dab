"""The batch output directory: every job's attempts, and its result written once, atomically, under its key.

    OUT/apps/KEY/                 the job's result, there once it is done (renamed in whole, never written in place)
        result.json               JobResult: outcome, verdict, findings by rule, SDKs, duration, attempts
        run/                      the run directory (sealed by manifest.json), with report.html
    OUT/state/KEY/attempts/NNN.json   one AttemptRecord per attempt, claimed with O_EXCL, completed when it ends
    OUT/state/KEY/work/NNN/           where attempt NNN records (run/, result.json, run-one.log)
    OUT/state/KEY/duplicates/NNN/     a second completion of a job already done: kept, never counted

A job is done when OUT/apps/KEY/result.json exists and its run directory verifies against its manifest. Completing
an attempt is one rename of its work folder to OUT/apps/KEY: rename never replaces a non-empty folder, so when two
deliveries of one job both finish (at-least-once delivery), the second finds the job done and its work is set aside
as a duplicate. Every writer here is atomic (O_EXCL, write-then-rename), so a process killed at any moment leaves
each file either whole or absent, and the folder can be shared by hosts (NFS) and resumed.
"""

from __future__ import annotations

import errno
import os
import shutil
import socket
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError

from auditor.models import Model
from auditor.outcomes import KILLED_REASONS, Classification, OutcomeKind
from auditor.store import write_json_atomically

Mode = Literal["local", "celery"]
HEARTBEAT_S = 5.0
"""How often a running attempt touches its record; one not touched for STALE_AFTER_S on another host is lost."""
STALE_AFTER_S = 4 * HEARTBEAT_S
RESULT = "result.json"
RUN = "run"


class AttemptRecord(Model):
    attempt: int
    session: str
    """The batch invocation that made it (a resume is a new session)."""
    mode: Mode
    device: str
    host: str
    pid: int
    """The process that owns the attempt (the batch in local mode, the Celery worker child otherwise)."""
    started_at: str
    ended_at: str | None = None
    kind: OutcomeKind | None = None
    reason: str | None = None
    message: str = ""
    exit_code: int | None = None


class JobResult(Model):
    """result.json of a job: what a batch index needs, without reading the run again."""

    key: str
    target: str
    package: str
    label: str = ""
    version_code: int | None = None
    scenario: str = ""
    category: str | None = None
    kind: OutcomeKind
    reason: str
    message: str = ""
    verdict: Literal["findings", "clean", "not-audited"]
    findings: int = 0
    findings_by_rule: dict[str, int] = Field(default_factory=dict)
    findings_by_severity: dict[str, int] = Field(default_factory=dict)
    sdks: list[str] = Field(default_factory=list)
    """Third-party SDKs seen calling hooked APIs, by name."""
    run: str | None = None
    """The run directory, relative to the job's folder; None when no audit ran (an APK the device refused)."""
    report: str | None = None
    manifest_sha256: str | None = None
    duration_s: float = 0.0
    started_at: str = ""
    device: str = ""
    attempt: int = 0


JobState = Literal["done", "pending", "running", "poisoned", "failed"]


@dataclass
class JobStatus:
    key: str
    state: JobState
    result: JobResult | None = None
    attempts: list[AttemptRecord] = field(default_factory=list)
    killed: int = 0
    """Attempts that took their worker down: timed out, killed, or lost with their worker."""
    note: str = ""


class JobStore:
    """The output directory of a batch (shared by every host of a distributed batch)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.apps = root / "apps"
        self.state = root / "state"

    def prepare(self) -> None:
        self.apps.mkdir(parents=True, exist_ok=True)
        self.state.mkdir(parents=True, exist_ok=True)

    def result_dir(self, key: str) -> Path:
        return self.apps / key

    def attempts_dir(self, key: str) -> Path:
        return self.state / key / "attempts"

    def work_dir(self, key: str, attempt: int) -> Path:
        return self.state / key / "work" / f"{attempt:03d}"

    # Attempts -------------------------------------------------------------------------------------------------
    def claim_attempt(self, key: str, *, session: str, mode: Mode, device: str) -> AttemptRecord:
        """A new attempt of `key`, numbered after every earlier one (O_EXCL: two hosts never get one number)."""
        folder = self.attempts_dir(key)
        folder.mkdir(parents=True, exist_ok=True)
        number = len(list(folder.glob("*.json"))) + 1
        while True:
            path = folder / f"{number:03d}.json"
            record = AttemptRecord(attempt=number, session=session, mode=mode, device=device, host=_host(),
                                   pid=os.getpid(), started_at=now_iso())
            try:
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                number += 1
                continue
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(record.model_dump_json(indent=2) + "\n")
            return record

    def heartbeat(self, key: str, attempt: int) -> None:
        try:
            os.utime(self.attempts_dir(key) / f"{attempt:03d}.json")
        except OSError:
            pass

    def end_attempt(self, key: str, record: AttemptRecord, outcome: Classification, exit_code: int | None) -> None:
        record.ended_at = now_iso()
        record.kind, record.reason, record.message, record.exit_code = (outcome.kind, outcome.reason,
                                                                         outcome.message, exit_code)
        write_json_atomically(self.attempts_dir(key) / f"{record.attempt:03d}.json", record.model_dump(mode="json"))

    def attempts(self, key: str) -> list[AttemptRecord]:
        found: list[AttemptRecord] = []
        for path in sorted(self.attempts_dir(key).glob("*.json")):
            try:
                found.append(AttemptRecord.model_validate_json(path.read_bytes()))
            except (ValidationError, ValueError, OSError):
                continue  # claimed this instant, not yet written: it is still running
        return found

    def settle_lost_attempts(self, key: str, *, own_pid: int | None = None) -> list[AttemptRecord]:
        """End every unfinished attempt whose owner is gone: `interrupted` when a local batch stopped under it (the
        job did not kill anything), `worker-lost` when a Celery worker died with it (the job may have). Returns
        the attempts still running elsewhere."""
        running: list[AttemptRecord] = []
        for record in self.attempts(key):
            if record.ended_at is not None or record.pid == own_pid and record.host == _host():
                continue
            if _owner_alive(record, self.attempts_dir(key) / f"{record.attempt:03d}.json"):
                running.append(record)
                continue
            if record.mode == "local":
                outcome = Classification("infrastructure", "interrupted",
                                         "the batch stopped while this attempt ran")
            else:
                outcome = Classification("infrastructure", "worker-lost",
                                         f"the worker ({record.host}, pid {record.pid}) died during this attempt")
            self.end_attempt(key, record, outcome, None)
        return running

    # Results --------------------------------------------------------------------------------------------------
    def commit(self, key: str, work: Path) -> bool:
        """Make `work` (a finished attempt's folder, with result.json) the job's result, in one rename. False
        when the job was already done: `work` is then kept among the duplicates, never counted."""
        target = self.result_dir(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(work, target)
            return True
        except OSError as exc:
            if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                raise
        duplicates = self.state / key / "duplicates"
        duplicates.mkdir(parents=True, exist_ok=True)
        os.rename(work, duplicates / f"{work.name}-{int(time.time())}")
        return False

    def read_result(self, key: str) -> JobResult | None:
        path = self.result_dir(key) / RESULT
        try:
            return JobResult.model_validate_json(path.read_bytes())
        except (OSError, ValidationError, ValueError):
            return None

    def verified_result(self, key: str) -> tuple[JobResult | None, str]:
        """The job's result when it is there and its run directory verifies; else None and why not."""
        from auditor.errors import InputError
        from auditor.store import verify_run

        folder = self.result_dir(key)
        if not folder.exists():
            return None, ""
        result = self.read_result(key)
        if result is None:
            return None, f"{folder / RESULT} is missing or unreadable"
        if result.run is None:
            return result, ""
        try:
            check = verify_run(folder / result.run)
        except InputError as exc:
            return None, str(exc)
        if not check.intact:
            problems = check.changed + check.missing + check.added + check.notes
            return None, f"{folder / result.run} does not verify against its manifest ({'; '.join(problems[:3])})"
        return result, ""

    def set_aside(self, key: str, why: str) -> Path:
        """Move a result that does not verify out of the way, so that the job is done again; kept for inspection."""
        target = self.state / key / f"rejected-{int(time.time())}"
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(self.result_dir(key), target)
        (target / "REJECTED.txt").write_text(why + "\n", encoding="utf-8")
        return target

    def status(self, key: str, *, poison_after: int) -> JobStatus:
        result, problem = self.verified_result(key)
        attempts = self.attempts(key)
        killed = sum(1 for a in attempts if a.reason in KILLED_REASONS)
        if result is not None:
            return JobStatus(key, "done", result, attempts, killed)
        if killed >= poison_after:
            return JobStatus(key, "poisoned", None, attempts, killed,
                             f"took its worker down {killed} times (timeouts, kills): not tried again")
        if any(a.ended_at is None for a in attempts):
            return JobStatus(key, "running", None, attempts, killed, problem)
        return JobStatus(key, "pending", None, attempts, killed, problem)

    def discard_work(self, key: str) -> None:
        shutil.rmtree(self.state / key / "work", ignore_errors=True)


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _host() -> str:
    return socket.gethostname()


def _owner_alive(record: AttemptRecord, path: Path) -> bool:
    if record.host == _host():
        try:
            os.kill(record.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    try:
        return time.time() - path.stat().st_mtime < STALE_AFTER_S
    except OSError:
        return False
