"""One attempt of one job: `consent-audit run-one` in a subprocess with a hard timeout, its end recorded, and its
result committed under the job's key when the audit is done.

The subprocess is the unit of isolation: an app that hangs the audit, a Frida crash or a leak end with it, and the
worker goes on. It dies with the process that started it (PR_SET_PDEATHSIG, set by run-one itself), so a batch or
a Celery worker child killed with -9 leaves no audit running on its device.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from auditor.batch.applist import Job
from auditor.batch.jobs import HEARTBEAT_S, RESULT, RUN, AttemptRecord, JobResult, JobStore, Mode
from auditor.errors import AuditError
from auditor.outcomes import Classification, classify_exception, classify_exit
from auditor.store import write_json_atomically

PARENT_PID_VARIABLE = "CONSENT_AUDIT_PARENT_PID"
TERMINATE_GRACE_S = 15.0
"""After the hard timeout, run-one gets SIGTERM and this long to seal its run directory before SIGKILL."""


@dataclass
class AttemptOutcome:
    record: AttemptRecord
    outcome: Classification
    committed: bool = False
    """The result is now the job's (False for a duplicate completion, and for every failure)."""
    duplicate: bool = False
    result: JobResult | None = None


def run_one_command(job: Job, out: Path, result: Path, device_args: list[str], analysis_args: list[str]) -> list[str]:
    command = [sys.executable, "-m", "auditor.cli", "run-one", "--target", job.target, "--scenario", job.scenario,
               "--out", str(out), "--result", str(result), "--job-key", job.key, *device_args, *analysis_args]
    if job.apk:
        command += ["--apk", job.apk]
    if job.category:
        command += ["--category", job.category]
    for name, value in job.env.items():
        command += ["--env", f"{name}={value}"]
    return command


def run_attempt(store: JobStore, job: Job, *, session: str, mode: Mode, device: str, device_args: list[str],
                env: dict[str, str] | None = None, analysis_args: list[str] | None = None,
                time_limit_s: float | None = None) -> AttemptOutcome:
    """Claim an attempt of `job`, run it, record how it ended, and commit its result when the audit is done.

    Raises only when no attempt could be claimed (nothing ran). Once claimed, whatever goes wrong ends the attempt
    with a classification (a full disk is infrastructure, anything unexpected a bug of this tool) instead of
    escaping: the scheduler always gets an end it can act on, and the audit never outlives its attempt."""
    record = store.claim_attempt(job.key, session=session, mode=mode, device=device)
    running: list[subprocess.Popen[bytes]] = []
    try:
        return _run_claimed(store, job, record, running, device=device, device_args=device_args, env=env,
                            analysis_args=analysis_args or [], limit=time_limit_s or job.time_limit_s)
    except Exception as exc:  # noqa: BLE001 - every failure of an attempt is classified, none escapes
        for process in running:
            if process.poll() is None:
                _signal_group(process, signal.SIGKILL)
                process.wait()
        found = classify_exception(exc)
        outcome = Classification(found.kind, found.reason, f"the attempt failed on this host: {found.message}")
        exit_code = running[0].returncode if running else None
        try:
            store.end_attempt(job.key, record, outcome, exit_code)
        except Exception:  # noqa: BLE001 - left unfinished, the record is settled as interrupted later
            pass
        _keep_work(store, job.key, record.attempt)
        return AttemptOutcome(record, outcome)


def _run_claimed(store: JobStore, job: Job, record: AttemptRecord, running: list[subprocess.Popen[bytes]], *,
                 device: str, device_args: list[str], env: dict[str, str] | None, analysis_args: list[str],
                 limit: float) -> AttemptOutcome:
    work = store.work_dir(job.key, record.attempt)
    work.mkdir(parents=True, exist_ok=True)
    result_path = work / RESULT
    command = run_one_command(job, work / RUN, result_path, device_args, analysis_args)
    started = time.monotonic()
    with open(work / "run-one.log", "wb") as log:
        scratch: str | None = None
        try:
            # The audit's temporary files (the sandbox's app data, a pulled APK) go to a folder of this attempt's
            # own, removed when it ends, however it ends: an audit killed with -9 cannot clean up after itself.
            scratch = scratch_folder()
            child_env = {**os.environ, **(env or {}), PARENT_PID_VARIABLE: str(os.getpid()), "TMPDIR": scratch}
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                       env=child_env, start_new_session=True)
        except OSError as exc:
            if scratch is not None:
                shutil.rmtree(scratch, ignore_errors=True)
            outcome = Classification("infrastructure", "cannot-start", f"cannot start run-one: {exc}")
            store.end_attempt(job.key, record, outcome, None)
            _keep_work(store, job.key, record.attempt)
            return AttemptOutcome(record, outcome)
        running.append(process)
        try:
            timed_out = _wait(process, limit, lambda: store.heartbeat(job.key, record.attempt))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    outcome = classify_exit(process.returncode, timed_out=timed_out, detail=_last_line(work / "run-one.log"))
    if timed_out:
        outcome = Classification(outcome.kind, outcome.reason, f"the audit did not end within its limit of "
                                 f"{limit:.0f} s (sized from the scenario) and was stopped")
    result = _read_result(result_path)
    if result is not None and outcome.reason in ("done", "infrastructure", "internal-error", "usage"):
        # run-one classified its own end: its words are more precise than an exit code.
        outcome = Classification(result.kind, result.reason, result.message) if outcome.reason != "done" \
            else Classification("app", result.reason, result.message)
    if outcome.kind == "app" and result is None:
        outcome = Classification("tool-bug", "no-result", "run-one exited 0 without writing its result")
    if outcome.kind != "app" or result is None:
        store.end_attempt(job.key, record, outcome, process.returncode)
        _keep_work(store, job.key, record.attempt)
        return AttemptOutcome(record, outcome)
    result.attempt, result.device = record.attempt, device
    result.duration_s = round(time.monotonic() - started, 3)
    write_json_atomically(result_path, result.model_dump(mode="json"))
    # The attempt ends once its result is stored (an upload to an object store takes a while): one stopped while
    # storing is then found unfinished, and ends as interrupted, not as a completion with no result.
    try:
        committed = store.commit(job.key, work)
    except AuditError as exc:
        # The audit is done but its result could not be stored (a store gone away): the job is not done, and
        # the next attempt does it again.
        failed = Classification("infrastructure", "store-failed", f"the result could not be stored: {exc}")
        store.end_attempt(job.key, record, failed, process.returncode)
        return AttemptOutcome(record, failed)
    done = AttemptOutcome(record, outcome, committed=committed, duplicate=not committed, result=result)
    try:
        store.end_attempt(job.key, record, outcome, process.returncode)
    except Exception:  # noqa: BLE001 - the result is committed: the job is done whatever its attempt record says
        pass
    return done


def _keep_work(store: JobStore, key: str, attempt: int) -> None:
    try:
        store.keep_work(key, attempt)
    except AuditError:
        pass  # kept for diagnosis only: the attempt's end is recorded already


def scratch_folder() -> str:
    """A new, private temporary folder for one attempt (run-one's TMPDIR), with a short path.

    Short, because programs bind UNIX sockets in their TMPDIR and a socket's path holds at most 108 bytes: Frida's
    device manager starts a helper (idund) listening at TMPDIR/idun-UID/control and silently cuts a longer path,
    which creates the socket wherever the cut falls. Under the batch's output (OUT/state/KEY/work/NNN.tmp, as it
    once was) the length has no bound (the --out path, the package name): the cut landed beside the job folders, as
    a socket named like a job key less its last characters, or inside them. The system's temporary folder also
    keeps these files off an output folder that hosts share over the network."""
    return tempfile.mkdtemp(prefix="consent-audit-attempt-")


def _wait(process: subprocess.Popen[bytes], limit: float, heartbeat: object) -> bool:
    """Wait for `process`, touching the attempt's record meanwhile; stop it at `limit`. True when it timed out."""
    deadline = time.monotonic() + limit
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        try:
            process.wait(timeout=min(HEARTBEAT_S, remaining))
            return False
        except subprocess.TimeoutExpired:
            if callable(heartbeat):
                heartbeat()
    _signal_group(process, signal.SIGTERM)
    try:
        process.wait(timeout=TERMINATE_GRACE_S)
    except subprocess.TimeoutExpired:
        _signal_group(process, signal.SIGKILL)
        process.wait()
    return True


def _signal_group(process: subprocess.Popen[bytes], number: int) -> None:
    try:
        os.killpg(process.pid, number)
    except (ProcessLookupError, PermissionError):
        pass


def stop_leftovers(process_group: int) -> None:
    """Kill what an attempt left in its process group (a reset of the device slot before the next app)."""
    try:
        os.killpg(process_group, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _read_result(path: Path) -> JobResult | None:
    try:
        return JobResult.model_validate_json(path.read_bytes())
    except (OSError, ValueError):
        return None


def _last_line(path: Path) -> str:
    try:
        lines = [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    except OSError:
        return ""
    return lines[-1].strip()[:500] if lines else ""
