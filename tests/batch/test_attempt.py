"""One attempt as a subprocess with a hard timeout: a stuck audit is stopped, keeps what it recorded (sealed), is
charged to the job, and a job that times out again and again is poisoned, across resumes too."""

from __future__ import annotations

import errno
import io
import json
import stat
import sys
import time
from pathlib import Path

import pytest

from auditor.batch import attempt
from auditor.batch.applist import load_app_list
from auditor.batch.attempt import run_attempt
from auditor.batch.devices import SandboxSlot
from auditor.batch.jobs import AttemptRecord, FolderJobStore, JobResult, process_alive
from auditor.batch.pool import LocalPool, PoolSettings
from auditor.batch.progress import Progress
from auditor.batch.session import BatchOptions, run_batch
from auditor.errors import EnvironmentProblem
from tests.batch.conftest import MINI, attempts_by_key, write_list

pytestmark = pytest.mark.integration


def _stuck_list(tmp_path: Path) -> Path:
    scenario = tmp_path / "stuck.yaml"
    scenario.write_text("- launchApp: {clearState: true}\n- sleep: 120\n- stopApp\n", encoding="utf-8")
    listing = tmp_path / "apps.csv"
    listing.write_text(f"app,scenario\nsandbox:{MINI},{scenario}\n", encoding="utf-8")
    return listing


def test_a_stuck_audit_is_stopped_at_its_limit_and_keeps_its_records(tmp_path: Path) -> None:
    (job,) = load_app_list(_stuck_list(tmp_path))
    store = FolderJobStore(tmp_path / "out")
    store.prepare()
    outcome = run_attempt(store, job, session="s", mode="local", device="sandbox-1", device_args=[],
                          time_limit_s=12)
    assert (outcome.outcome.kind, outcome.outcome.reason) == ("infrastructure", "timeout")
    assert "limit of 12 s" in outcome.outcome.message
    assert not outcome.committed and not store.result_dir(job.key).exists()
    run = store.work_dir(job.key, 1) / "run"
    assert (run / "manifest.json").is_file(), "SIGTERM ends the audit as an interruption: the run is sealed"
    markers = [json.loads(line) for line in (run / "markers.jsonl").read_text().splitlines()]
    assert markers[-1]["kind"] == "run-end" and markers[-1]["status"] == "aborted"
    (record,) = store.attempts(job.key)
    assert (record.reason, record.exit_code) == ("timeout", 75)


def test_a_job_that_keeps_timing_out_is_poisoned(tmp_path: Path) -> None:
    listing = _stuck_list(tmp_path)
    out = tmp_path / "out"
    settings = PoolSettings(poison_after=2, max_attempts=5, time_limit_s=6, retry_pause_s=0.1)
    report = run_batch(BatchOptions(app_list=listing, out=out, slots=[SandboxSlot("sandbox-1")], pool=settings),
                       Progress(io.StringIO(), live=False))
    assert report.exit_code == 1
    (row,) = report.document.apps
    assert (row.state, row.attempts) == ("poisoned", 2)
    assert [a.reason for records in attempts_by_key(out).values() for a in records] == ["timeout", "timeout"]
    again = run_batch(BatchOptions(app_list=listing, out=out, slots=[SandboxSlot("sandbox-1")], pool=settings,
                                   resume=True), Progress(io.StringIO(), live=False))
    assert again.ran == 0 and again.document.apps[0].state == "poisoned", "not tried again on resume"


def test_an_attempt_under_a_long_output_path_leaves_nothing_beside_its_folders(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """run-one's temporary folder holds UNIX sockets (Frida's idund binds TMPDIR/idun-UID/control), whose paths
    are cut at 108 bytes. When it lay under OUT/state/KEY/work/, an output path that made OUT/state/KEY just over
    108 bytes long got a socket named like a job key less its last characters beside the job folders."""
    (job,) = load_app_list(write_list(tmp_path / "apps.yaml", 1))
    padding = 110 - len(str(tmp_path / "x" / "state" / job.key)) + 1
    assert padding >= 1, f"pytest's temporary folder {tmp_path} is too long for this test"
    out = tmp_path / ("o" * padding)
    assert len(str(out / "state" / job.key)) == 110
    store = FolderJobStore(out)
    store.prepare()
    scratches: list[str] = []
    make_scratch = attempt.scratch_folder

    def recorded_scratch() -> str:
        scratches.append(make_scratch())
        return scratches[-1]

    monkeypatch.setattr(attempt, "scratch_folder", recorded_scratch)
    outcome = run_attempt(store, job, session="s", mode="local", device="sandbox-1", device_args=[])
    assert (outcome.outcome.kind, outcome.committed) == ("app", True), outcome.outcome
    assert sorted(p.name for p in (out / "state").iterdir()) == [job.key]
    assert sorted(p.name for p in (out / "apps").iterdir()) == [job.key]
    sockets = [p for p in out.rglob("*") if stat.S_ISSOCK(p.lstat().st_mode)]
    assert not sockets, "no socket is bound under the output folder"
    (scratch,) = scratches
    assert len(scratch + "/idun-65535/control") < 108, "sockets in run-one's TMPDIR fit in sockaddr_un"
    assert not Path(scratch).exists(), "the attempt's temporary folder is removed when it ends"


class _CommitFails(FolderJobStore):
    """A store that records attempts but cannot take results (an object store gone away at the wrong moment)."""

    def commit(self, key: str, work: Path) -> bool:
        raise EnvironmentProblem("S3 store s3://lab/q3: put_object: Could not connect to the endpoint URL")


def test_a_result_the_store_cannot_take_leaves_the_job_to_do(tmp_path: Path) -> None:
    (job,) = load_app_list(write_list(tmp_path / "apps.yaml", 1))
    store = _CommitFails(tmp_path / "out")
    store.prepare()
    outcome = run_attempt(store, job, session="s", mode="local", device="sandbox-1", device_args=[])
    assert (outcome.outcome.kind, outcome.outcome.reason) == ("infrastructure", "store-failed")
    assert "Could not connect" in outcome.outcome.message and not outcome.committed
    (record,) = store.attempts(job.key)
    assert (record.reason, record.exit_code) == ("store-failed", 0), "the audit ended well; storing it did not"
    assert store.status(job.key, poison_after=1).state == "pending", "not done, and not held against the app"


class _Unreachable(FolderJobStore):
    def claim_attempt(self, key: str, **_: object) -> AttemptRecord:  # type: ignore[override]
        raise EnvironmentProblem("S3 store s3://lab/q3: put_object: Could not connect to the endpoint URL")


def test_a_store_that_cannot_record_attempts_stops_the_pool_without_an_audit(tmp_path: Path) -> None:
    jobs = load_app_list(write_list(tmp_path / "apps.yaml", 2))
    store = _Unreachable(tmp_path / "out")
    store.prepare()
    log = io.StringIO()
    pool = LocalPool(store, [SandboxSlot("sandbox-1")], PoolSettings(quarantine_after=2, retry_pause_s=0.05),
                     Progress(log, live=False))
    ends = pool.run(jobs)
    assert {end.state for end in ends.values()} == {"not-run"}, "no job is lost: each can run later"
    assert "cannot record the audit" in pool.quarantined["sandbox-1"]
    assert not list((tmp_path / "out" / "state").iterdir()), "nothing ran"


class _DiskFillsUp(FolderJobStore):
    """A store whose disk fills up while an audit runs: touching the attempt's record fails."""

    def heartbeat(self, key: str, attempt: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(self.attempts_dir(key)))


def test_a_full_disk_during_an_attempt_ends_it_as_infrastructure_and_stops_its_audit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (job,) = load_app_list(write_list(tmp_path / "apps.yaml", 1))
    pid_file = tmp_path / "audit.pid"
    audit = f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(120)"
    monkeypatch.setattr(attempt, "run_one_command", lambda *_: [sys.executable, "-c", audit])
    monkeypatch.setattr(attempt, "HEARTBEAT_S", 0.2)
    store = _DiskFillsUp(tmp_path / "out")
    store.prepare()
    started = time.monotonic()
    outcome = run_attempt(store, job, session="s", mode="local", device="sandbox-1", device_args=[])
    assert time.monotonic() - started < 30
    assert (outcome.outcome.kind, outcome.outcome.reason) == ("infrastructure", "disk-full")
    assert "No space left on device" in outcome.outcome.message
    assert not process_alive(int(pid_file.read_text())), "the audit does not outlive its attempt"
    (record,) = store.attempts(job.key)
    assert (record.kind, record.reason) == ("infrastructure", "disk-full"), "the attempt's end is recorded"


def test_a_bug_while_an_attempt_ends_is_a_tool_bug_of_that_attempt(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    (job,) = load_app_list(write_list(tmp_path / "apps.yaml", 1))
    monkeypatch.setattr(attempt, "run_one_command", lambda *_: [sys.executable, "-c", "pass"])

    def broken(path: Path) -> JobResult | None:
        raise KeyError("kind")

    monkeypatch.setattr(attempt, "_read_result", broken)
    store = FolderJobStore(tmp_path / "out")
    store.prepare()
    outcome = run_attempt(store, job, session="s", mode="local", device="sandbox-1", device_args=[])
    assert (outcome.outcome.kind, outcome.outcome.reason) == ("tool-bug", "internal-error")
    assert "KeyError" in outcome.outcome.message
    (record,) = store.attempts(job.key)
    assert record.ended_at is not None and record.reason == "internal-error"
