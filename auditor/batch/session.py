"""One `consent-audit batch` invocation: validate the list, take the output directory, find what is done, run the
rest (the local pool, or Celery workers through a broker), write the outputs, and say how it went.

Exit codes: 0 every app's audit is done; 75 some are not, for infrastructure only (devices quarantined, attempts
used up, interrupted): `--resume` later does the rest; 1 some failed for a bug of this tool or were poisoned;
2 the list, the devices or the options are wrong (nothing ran).
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.batch.applist import Job, load_app_list
from auditor.batch.devices import DeviceSlot, check_targets, parse_devices, with_installed_versions
from auditor.batch.jobs import FolderJobStore, JobStore, open_store
from auditor.batch.outputs import BATCH_JSON, INDEX_HTML, JUNIT_XML, BatchDocument, Settled, write_outputs
from auditor.batch.pool import LocalPool, PoolSettings
from auditor.batch.progress import Progress
from auditor.outcomes import EXIT_DONE, EXIT_INFRASTRUCTURE, EXIT_TOOL_BUG

_INFRASTRUCTURE_ENDS = frozenset({"not-run"})


@dataclass
class BatchOptions:
    app_list: Path
    out: str | Path
    """A folder, or s3://BUCKET/PREFIX."""
    devices: str | None = None
    broker: str | None = None
    resume: bool = False
    scenario: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    pool: PoolSettings = field(default_factory=PoolSettings)
    visibility_timeout: float | None = None
    no_worker_timeout: float = 300.0
    """With a broker: stop waiting when no worker has answered for this long (its jobs are left to a resume)."""
    slots: list[DeviceSlot] | None = None
    """Device slots as objects (tests); otherwise parsed from `devices`."""
    android_arguments: list[str] = field(default_factory=list)
    """frida-server options for every audit on an Android device."""


@dataclass
class BatchReport:
    exit_code: int
    document: BatchDocument
    ran: int
    """Jobs this invocation set out to do (the others were done before)."""
    location: str
    """Where the outputs are: the folder, or the s3:// URL."""


def run_batch(options: BatchOptions, progress: Progress) -> BatchReport:
    jobs = load_app_list(options.app_list, default_scenario=options.scenario, env=options.env)
    slots: list[DeviceSlot] = []
    if options.broker is None:
        slots = options.slots if options.slots is not None else \
            parse_devices(options.devices or "all", android_arguments=options.android_arguments)
        check_targets(jobs, slots, options.devices or "all")
        jobs = with_installed_versions(jobs, slots)
    store = open_store(options.out)
    with store.lock(resume=options.resume):
        store.prepare()
        session = uuid.uuid4().hex[:12]
        to_do: list[Job] = []
        settled: dict[str, Settled] = {}
        for job in jobs:
            store.settle_lost_attempts(job.key, own_pid=os.getpid())
            status = store.status(job.key, poison_after=options.pool.poison_after)
            if status.state == "pending" and status.note and store.has_result_folder(job.key):
                store.set_aside(job.key, status.note)
            if status.state == "poisoned":
                settled[job.key] = Settled("poisoned", "poisoned", status.note)
            elif status.state != "done":
                to_do.append(job)
        waiting = {job.key for job in to_do}
        already = sum(1 for job in jobs if job.key not in waiting and job.key not in settled)
        names = [slot.name for slot in slots] if slots else []
        progress.start(len(jobs), already, names)
        unversioned = [job for job in jobs if job.target.startswith("android:") and job.version_code is None]
        if unversioned:
            progress.note(f"warning: {len(unversioned)} installed package(s) without an APK ({unversioned[0].where}: "
                          f"{unversioned[0].package}, ...) are known by name alone: a device where the app was "
                          "updated takes an earlier result of it for done on --resume; give the APKs to key each "
                          "audit by its build")
        progress.counts.poisoned += len(settled)
        quarantined: dict[str, str] = {}
        try:
            if options.broker is None:
                pool = LocalPool(store, slots, options.pool, progress, session)
                for key, end in pool.run(to_do).items():
                    settled[key] = Settled(end.state, end.reason, end.message)
                quarantined = pool.quarantined
            else:
                for key, answer in run_distributed(options, store, to_do, session, progress).items():
                    settled[key] = answer
        finally:
            progress.close()
            document = write_outputs(store, jobs, settled, app_list=options.app_list,
                                     devices=names or sorted(progress.devices), quarantined=quarantined,
                                     poison_after=options.pool.poison_after)
            store.close()
    return BatchReport(exit_code_of(document), document, len(to_do), store.location)


def exit_code_of(document: BatchDocument) -> int:
    not_done = [row for row in document.apps if row.state != "done"]
    if not not_done:
        return EXIT_DONE
    if all(row.state in _INFRASTRUCTURE_ENDS or row.state == "failed" and row.reason not in
           ("internal-error", "agent-failure", "no-result", "usage") for row in not_done):
        return EXIT_INFRASTRUCTURE
    return EXIT_TOOL_BUG


def summary_lines(report: BatchReport) -> list[str]:
    aggregate = report.document.aggregate
    lines = [f"{aggregate.apps} app(s): {aggregate.audited} audited ({aggregate.with_findings} with findings, "
             f"{aggregate.clean} clean), {aggregate.not_done} not done"]
    for row in report.document.apps:
        if row.state != "done":
            lines.append(f"  {row.state}: {row.package} ({row.where}): {row.reason}: {row.message}")
    for device, why in report.document.quarantined.items():
        lines.append(f"  quarantined: {device}: {why}")
    if any(row.reason == "no-worker" for row in report.document.apps):
        lines.append("no worker is taking jobs from the broker: start `consent-audit worker`s, then run the same "
                     "batch again with --resume (what was done is kept)")
    out = report.location.rstrip("/")
    lines += [f"index: {out}/{INDEX_HTML}", f"batch: {out}/{BATCH_JSON}", f"junit: {out}/{JUNIT_XML}"]
    return lines


# ------------------------------------------------------------------------------------------------------------
# Celery


WORKER_CHECK_S = 10.0
"""How often a batch waiting on a broker asks whether any worker is there."""


def run_distributed(options: BatchOptions, store: JobStore, jobs: list[Job], session: str,
                    progress: Progress) -> dict[str, Settled]:
    from auditor.batch.distributed import (
        DEFAULT_VISIBILITY_TIMEOUT_S,
        TaskSettings,
        check_broker,
        check_limits,
        make_app,
        submit,
        workers_answering,
    )

    assert options.broker is not None
    visibility = options.visibility_timeout or DEFAULT_VISIBILITY_TIMEOUT_S
    settings = TaskSettings(options.pool.max_attempts, options.pool.poison_after, options.pool.analysis_args,
                            options.pool.time_limit_s)
    check_limits(jobs, settings, visibility)  # a usage error, before the broker is contacted
    app = make_app(options.broker, visibility_timeout=visibility)
    check_broker(app)
    output = str(store.root.resolve()) if isinstance(store, FolderJobStore) else store.location
    waiting = {s.job.key: s for s in submit(app, jobs, output, session, settings, visibility)}
    settled: dict[str, Settled] = {}
    running: dict[str, str] = {}
    worker_seen = next_check = time.monotonic()
    while waiting:
        for key, submitted in list(waiting.items()):
            result = submitted.result
            state = result.state
            if state == "STARTED":
                worker = str((result.info or {}).get("hostname", "")) if isinstance(result.info, dict) else ""
                if worker and running.get(key) != worker:
                    running[key] = worker
                    progress.job_started(submitted.job, worker)
                    progress.device_state(worker, f"auditing {submitted.job.display}")
                continue
            if state not in ("SUCCESS", "FAILURE"):
                continue
            del waiting[key]
            worker_seen = time.monotonic()
            worker = running.pop(key, "")
            if worker:
                progress.device_state(worker, "idle")
            answer = _answer_of(result)
            settled[key] = answer
            progress.job_finished(submitted.job, answer.state, answer.reason, answer.message, worker)
        if not waiting:
            break
        now = time.monotonic()
        if now >= next_check:
            next_check = now + WORKER_CHECK_S
            if workers_answering(app):
                worker_seen = now
            elif now - worker_seen >= options.no_worker_timeout:
                why = f"no worker answered on the broker for {now - worker_seen:.0f} s"
                for key in waiting:
                    settled[key] = Settled("not-run", "no-worker", why)
                break
        time.sleep(0.5)
    return settled


def _answer_of(result: Any) -> Settled:
    if result.state == "FAILURE":
        return Settled("failed", "internal-error", f"the task failed: {result.result!r}")
    value: dict[str, Any] = result.result or {}
    state = str(value.get("state", "failed"))
    return Settled(state if state in ("done", "failed", "poisoned") else "failed",  # type: ignore[arg-type]
                   str(value.get("reason", "")), str(value.get("message", "")))
