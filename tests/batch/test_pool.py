"""The local pool on sandbox slots, with real audits: several apps on two good slots, an app that crashes, a slot
whose audits fail for infrastructure (its cache folder is unusable: a real failure, classified 75 by run-one), and a
slot that fails its checks (no JDK where it is told to look). Every app ends done exactly once; both bad slots are
quarantined and the batch goes on without them."""

from __future__ import annotations

import errno
import io
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from lxml import html

from auditor.batch import pool as pool_module
from auditor.batch.applist import Job, load_app_list
from auditor.batch.attempt import AttemptOutcome
from auditor.batch.devices import SandboxSlot
from auditor.batch.jobs import AttemptRecord, FolderJobStore
from auditor.batch.pool import JobEnd, LocalPool, PoolSettings
from auditor.batch.progress import Progress
from auditor.batch.session import BatchOptions, run_batch
from auditor.outcomes import Classification
from tests.batch.conftest import attempts_by_key, committed, write_list

pytestmark = pytest.mark.integration


def test_pool_with_a_crash_an_infrastructure_failure_and_quarantined_devices(tmp_path: Path) -> None:
    listing = write_list(tmp_path / "apps.yaml", 3, crash=True)
    not_a_folder = tmp_path / "cache-is-a-file"
    not_a_folder.write_text("not a folder\n")
    slots = [
        SandboxSlot("good-1"),
        SandboxSlot("good-2"),
        SandboxSlot("flaky", env={"CONSENT_AUDIT_CACHE": str(not_a_folder)}),
        SandboxSlot("broken", env={"CONSENT_AUDIT_JAVA_HOME": str(tmp_path / "no-jdk")}),
    ]
    out = tmp_path / "out"
    log = io.StringIO()
    report = run_batch(BatchOptions(app_list=listing, out=out, slots=slots,  # type: ignore[arg-type]
                                    pool=PoolSettings(quarantine_after=2, retry_pause_s=0.2)),
                       Progress(log, live=False))
    assert report.exit_code == 0, log.getvalue()

    results = committed(out)
    assert len(results) == 4, "one result per app"
    reasons = sorted(r["reason"] for r in results.values())
    assert reasons == ["app-crashed", "completed", "completed", "completed"]
    assert {r["device"] for r in results.values()} <= {"good-1", "good-2"}
    crash = next(r for r in results.values() if r["reason"] == "app-crashed")
    assert "IllegalStateException: batch-crash fails at start on purpose" in crash["message"]
    mini = next(r for r in results.values() if r["reason"] == "completed")
    assert mini["sdks"] == ["Umeng Analytics"] and "CN-SDK-PRECONSENT" in mini["findings_by_rule"]

    attempts = attempts_by_key(out)
    on_flaky = [a for records in attempts.values() for a in records if a.device == "flaky"]
    assert on_flaky and all((a.kind, a.reason) == ("infrastructure", "storage-failure") for a in on_flaky)
    assert "Not a directory" in on_flaky[0].message
    retried = [key for key, records in attempts.items() if any(a.device == "flaky" for a in records)]
    for key in retried:
        assert attempts[key][-1].reason in ("completed", "app-crashed"), "retried on a good slot, and done"
    assert not any(a.device == "broken" for records in attempts.values() for a in records), \
        "a slot failing its check never gets an attempt"

    document = json.loads((out / "batch.json").read_text())
    assert set(document["quarantined"]) == {"flaky", "broken"}
    assert "no Java at" in document["quarantined"]["broken"]
    assert document["aggregate"]["sdks"][0] == {"name": "Umeng Analytics", "apps": 3, "share": 0.75}
    assert "device broken: quarantined" in log.getvalue()
    page = html.fromstring((out / "index.html").read_bytes())
    links = page.xpath("//table[@id='apps']//a/@href")
    assert len(links) == 4 and all((out / link).is_file() for link in links)


# ------------------------------------------------------------------------------------------------------------
# Failures nobody classified where they happened: each ends its job or sends it back, and the batch ends


class _Slot(SandboxSlot):
    """A sandbox slot with no check (these tests replace the audit itself)."""

    def preflight(self, output: Path) -> None:
        return None


def _attempt_record(device: str) -> AttemptRecord:
    return AttemptRecord(attempt=1, session="s", mode="local", device=device, host="h", pid=1, started_at="")


def _run_pool_briefly(pool: LocalPool, jobs: list[Job]) -> dict[str, JobEnd]:
    ends: dict[str, JobEnd] = {}
    thread = threading.Thread(target=lambda: ends.update(pool.run(jobs)), daemon=True)
    thread.start()
    thread.join(30)
    assert not thread.is_alive(), "the pool waits for a job no worker holds any more"
    return ends


def test_a_full_disk_or_a_bug_outside_the_audit_ends_the_job_and_frees_its_slot(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    jobs = load_app_list(write_list(tmp_path / "apps.yaml", 4))
    disk_full, buggy = jobs[0].key, jobs[1].key
    calls: list[str] = []

    def attempt(store: FolderJobStore, job: Job, **given: Any) -> AttemptOutcome:
        calls.append(job.key)
        if job.key == disk_full and calls.count(job.key) == 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        if job.key == buggy:
            raise TypeError("'NoneType' object is not subscriptable")
        return AttemptOutcome(_attempt_record(given["device"]), Classification("app", "completed"), committed=True)

    monkeypatch.setattr(pool_module, "run_attempt", attempt)
    store = FolderJobStore(tmp_path / "out")
    store.prepare()
    log = io.StringIO()
    pool = LocalPool(store, [_Slot("sandbox-1"), _Slot("sandbox-2")], PoolSettings(retry_pause_s=0.01),
                     Progress(log, live=False))
    ends = _run_pool_briefly(pool, jobs)
    assert len(ends) == 4
    assert (ends[disk_full].state, calls.count(disk_full)) == ("done", 2), "sent back, and done on its retry"
    assert (ends[buggy].state, ends[buggy].reason, calls.count(buggy)) == ("failed", "internal-error", 1), \
        "a bug of this tool is not retried"
    assert "TypeError" in ends[buggy].message
    assert not pool.quarantined, "one full disk is not yet a broken device"


def test_a_disk_that_stays_full_quarantines_every_slot_and_the_batch_ends(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    jobs = load_app_list(write_list(tmp_path / "apps.yaml", 3))

    def attempt(store: FolderJobStore, job: Job, **given: Any) -> AttemptOutcome:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pool_module, "run_attempt", attempt)
    store = FolderJobStore(tmp_path / "out")
    store.prepare()
    pool = LocalPool(store, [_Slot("sandbox-1"), _Slot("sandbox-2")],
                     PoolSettings(quarantine_after=2, retry_pause_s=0.01), Progress(io.StringIO(), live=False))
    ends = _run_pool_briefly(pool, jobs)
    assert {end.state for end in ends.values()} == {"not-run"}, "every job can run again on --resume"
    assert set(pool.quarantined) == {"sandbox-1", "sandbox-2"}
    assert all("No space left on device" in why for why in pool.quarantined.values())
