"""The batch's store: every job's attempts, and its result written once, atomically, under its key.

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

`JobStore` holds what every store does with these rules (attempt numbering, lost attempts, a job's status);
`FolderJobStore` is the folder above, `auditor.batch.s3store.S3JobStore` the same layout in an S3-compatible
bucket, where conditional writes stand in for O_EXCL and rename."""

from __future__ import annotations

import errno
import fcntl
import os
import socket
import time
from abc import ABC, abstractmethod
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Literal

from pydantic import Field, ValidationError

from auditor.errors import InputError
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


class JobStore(ABC):
    """Where a batch's jobs are coordinated and their results kept: a folder (`FolderJobStore`, possibly shared by
    hosts over NFS) or an S3-compatible bucket (`auditor.batch.s3store.S3JobStore`). Both keep one layout and give
    the same guarantees: an attempt number is given once, a job's result is committed once (the first completion
    wins, later ones are kept as duplicates), and every record is whole or absent."""

    location: str
    """What users are shown: the folder's path or the store's s3:// URL."""

    @property
    @abstractmethod
    def scratch(self) -> Path:
        """The local folder an attempt records into on this host (checked for free space before each app)."""

    @abstractmethod
    def prepare(self) -> None:
        """Make the store ready for jobs, or say in one line why it cannot be used (EnvironmentProblem)."""

    @abstractmethod
    def work_dir(self, key: str, attempt: int) -> Path:
        """The local folder attempt `attempt` of `key` records into."""

    @abstractmethod
    def commit(self, key: str, work: Path) -> bool:
        """Make `work` (a finished attempt's folder, with result.json) the job's result, at once. False when the
        job was already done: `work` is then kept among the duplicates, never counted."""

    def keep_work(self, key: str, attempt: int) -> None:
        """Keep an attempt that ended without a result where its job's records are (for diagnosis)."""
        return None

    def close(self) -> None:
        """Let go of what this process holds locally for the store."""
        return None

    @abstractmethod
    def read_result(self, key: str) -> JobResult | None: ...

    @abstractmethod
    def has_result_folder(self, key: str) -> bool:
        """Something is at the job's result place (a result, whole or not)."""

    @abstractmethod
    def set_aside(self, key: str, why: str) -> str:
        """Move a result that does not verify out of the way, so that the job is done again; kept for inspection.
        Returns where it went."""

    @abstractmethod
    def publish(self, name: str, data: bytes, content_type: str) -> str:
        """Write a batch-level file (index.html, batch.json, junit.xml) whole; returns where it is."""

    @abstractmethod
    def lock(self, *, resume: bool) -> AbstractContextManager[object]:
        """Hold the store for one batch: refuse a second batch on it, and a store that holds another list's batch
        unless resuming."""

    # Attempt records: how each store keeps them -----------------------------------------------------------------
    @abstractmethod
    def _count_records(self, key: str) -> int: ...

    @abstractmethod
    def _create_record(self, key: str, record: AttemptRecord) -> bool:
        """Create attempt `record.attempt` of `key`, unless it exists (then False): never two owners for one."""

    @abstractmethod
    def _replace_record(self, key: str, record: AttemptRecord) -> None: ...

    @abstractmethod
    def _records(self, key: str) -> list[tuple[AttemptRecord, float]]:
        """Every readable attempt record of `key`, by number, with the seconds since it was last written."""

    @abstractmethod
    def heartbeat(self, key: str, attempt: int) -> None:
        """Tell other hosts the attempt is still running."""

    @abstractmethod
    def _committed(self, key: str) -> tuple[JobResult | None, str] | None:
        """What is at the job's result place: None when nothing is; else its result (None when unreadable) and a
        token that changes whenever the result is written again."""

    @abstractmethod
    def _verify(self, key: str, result: JobResult, token: str) -> str:
        """Check the run directory of a committed result against its manifest: '' when it verifies, else why not."""

    # Attempts -------------------------------------------------------------------------------------------------
    def claim_attempt(self, key: str, *, session: str, mode: Mode, device: str) -> AttemptRecord:
        """A new attempt of `key`, numbered after every earlier one (created exclusively: two hosts never get one
        number)."""
        number = self._count_records(key) + 1
        while True:
            record = AttemptRecord(attempt=number, session=session, mode=mode, device=device, host=_host(),
                                   pid=os.getpid(), started_at=now_iso())
            if self._create_record(key, record):
                return record
            number += 1

    def end_attempt(self, key: str, record: AttemptRecord, outcome: Classification, exit_code: int | None) -> None:
        record.ended_at = now_iso()
        record.kind, record.reason, record.message, record.exit_code = (outcome.kind, outcome.reason,
                                                                         outcome.message, exit_code)
        self._replace_record(key, record)

    def attempts(self, key: str) -> list[AttemptRecord]:
        return [record for record, _age in self._records(key)]

    def settle_lost_attempts(self, key: str, *, own_pid: int | None = None) -> list[AttemptRecord]:
        """End every unfinished attempt whose owner is gone: `interrupted` when a local batch stopped under it (the
        job did not kill anything), `worker-lost` when a Celery worker died with it (the job may have). Returns
        the attempts still running elsewhere."""
        running: list[AttemptRecord] = []
        for record, age in self._records(key):
            if record.ended_at is not None or record.pid == own_pid and record.host == _host():
                continue
            if _owner_alive(record, age):
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
    def verified_result(self, key: str) -> tuple[JobResult | None, str]:
        """The job's result when it is there and its run directory verifies; else None and why not."""
        found = self._committed(key)
        if found is None:
            return None, ""
        result, token = found
        if result is None:
            return None, f"{self.result_location(key)}/{RESULT} is missing or unreadable"
        if result.run is None:
            return result, ""
        problem = self._verify(key, result, token)
        return (None, problem) if problem else (result, "")

    def result_location(self, key: str) -> str:
        return f"{self.location.rstrip('/')}/apps/{key}"

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


class FolderJobStore(JobStore):
    """The batch's output folder (shared by every host of a distributed batch over a network file system).

    Exclusive creation is O_EXCL, a commit is one rename of the attempt's folder (rename never replaces a folder
    that holds a result), other writes are write-then-rename, and a record's age is its modification time."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.location = str(root)
        self.apps = root / "apps"
        self.state = root / "state"

    @property
    def scratch(self) -> Path:
        return self.root

    def prepare(self) -> None:
        self.apps.mkdir(parents=True, exist_ok=True)
        self.state.mkdir(parents=True, exist_ok=True)

    def result_dir(self, key: str) -> Path:
        return self.apps / key

    def result_location(self, key: str) -> str:
        return str(self.result_dir(key))

    def attempts_dir(self, key: str) -> Path:
        return self.state / key / "attempts"

    def work_dir(self, key: str, attempt: int) -> Path:
        return self.state / key / "work" / f"{attempt:03d}"

    def _record_path(self, key: str, attempt: int) -> Path:
        return self.attempts_dir(key) / f"{attempt:03d}.json"

    def _count_records(self, key: str) -> int:
        return len(list(self.attempts_dir(key).glob("*.json")))

    def _create_record(self, key: str, record: AttemptRecord) -> bool:
        self.attempts_dir(key).mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(self._record_path(key, record.attempt), os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                                 0o644)
        except FileExistsError:
            return False
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(record.model_dump_json(indent=2) + "\n")
        return True

    def _replace_record(self, key: str, record: AttemptRecord) -> None:
        write_json_atomically(self._record_path(key, record.attempt), record.model_dump(mode="json"))

    def _records(self, key: str) -> list[tuple[AttemptRecord, float]]:
        found: list[tuple[AttemptRecord, float]] = []
        for path in sorted(self.attempts_dir(key).glob("*.json")):
            try:
                record = AttemptRecord.model_validate_json(path.read_bytes())
                age = time.time() - path.stat().st_mtime
            except (ValidationError, ValueError, OSError):
                continue  # claimed this instant, not yet written: it is still running
            found.append((record, age))
        return found

    def heartbeat(self, key: str, attempt: int) -> None:
        try:
            os.utime(self._record_path(key, attempt))
        except OSError:
            pass

    def commit(self, key: str, work: Path) -> bool:
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

    def has_result_folder(self, key: str) -> bool:
        return self.result_dir(key).exists()

    def _committed(self, key: str) -> tuple[JobResult | None, str] | None:
        return (self.read_result(key), "") if self.has_result_folder(key) else None

    def _verify(self, key: str, result: JobResult, token: str) -> str:
        assert result.run is not None
        return verification_problem(self.result_dir(key) / result.run)

    def set_aside(self, key: str, why: str) -> str:
        target = self.state / key / f"rejected-{int(time.time())}"
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(self.result_dir(key), target)
        (target / "REJECTED.txt").write_text(why + "\n", encoding="utf-8")
        return str(target)

    def publish(self, name: str, data: bytes, content_type: str) -> str:
        path = self.root / name
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_bytes(data)
        temporary.replace(path)
        return str(path)

    def lock(self, *, resume: bool) -> AbstractContextManager[object]:
        return _FolderLock(self.root, resume)


LOCK_FILE = ".batch.lock"


class _FolderLock:
    def __init__(self, out: Path, resume: bool) -> None:
        self.out = out
        self.resume = resume
        self.handle: IO[str] | None = None

    def __enter__(self) -> _FolderLock:
        out = self.out
        if out.exists() and not out.is_dir():
            raise InputError("--out is a file, not a folder", where=str(out))
        holds_batch = (out / "apps").is_dir() or (out / "state").is_dir()
        if holds_batch and not self.resume:
            raise InputError("this folder holds a batch already", where=str(out),
                             hint="add --resume to continue it (done apps are skipped), or choose another --out")
        if out.exists() and not holds_batch and any(p.name != LOCK_FILE for p in out.iterdir()):
            raise InputError("the output folder exists and is not a batch's", where=str(out),
                             hint="choose an empty or new folder")
        out.mkdir(parents=True, exist_ok=True)
        self.handle = open(out / LOCK_FILE, "a+", encoding="utf-8")
        try:
            fcntl.flock(self.handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.seek(0)
            owner = self.handle.read().strip() or "another process"
            self.handle.close()
            raise InputError(f"another batch is running on this folder ({owner})", where=str(out)) from None
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(f"pid {os.getpid()} on {os.uname().nodename}\n")
        self.handle.flush()
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.handle is not None:
            self.handle.close()


def open_store(location: str | Path) -> JobStore:
    """The store a batch's `--out` names: s3://BUCKET/PREFIX, or a folder."""
    text = str(location)
    if text.startswith("s3://"):
        from auditor.batch.s3store import S3JobStore

        return S3JobStore(text)
    if "://" in text:
        raise InputError(f"--out {text!r}: give a folder or an s3://BUCKET/PREFIX URL")
    return FolderJobStore(Path(text))


def verification_problem(run: Path) -> str:
    """'' when the run directory verifies against its manifest, else why not (one line)."""
    from auditor.store import verify_run

    try:
        check = verify_run(run)
    except InputError as exc:
        return str(exc)
    if not check.intact:
        problems = check.changed + check.missing + check.added + check.notes
        return f"{run} does not verify against its manifest ({'; '.join(problems[:3])})"
    return ""


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _host() -> str:
    return socket.gethostname()


def _owner_alive(record: AttemptRecord, age: float) -> bool:
    return process_alive(record.pid) if record.host == _host() else age < STALE_AFTER_S


def process_alive(pid: int) -> bool:
    """A process of this host with this id exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
