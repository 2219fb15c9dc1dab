"""Distributed batches on Celery with a Redis broker: `consent-audit worker --device SERIAL` on every host that has
devices (one worker per device), `consent-audit batch --broker redis://...` to submit a list and wait.

Delivery is at least once, and made exact by the output directory (`jobs.JobStore`): every task runs the same
attempt as the local pool (`attempt.run_attempt`, a `run-one` subprocess) and commits its result under the job's key
in one rename, so a message delivered twice yields one result. The worker settings are those of long, exclusive
tasks: one task at a time (concurrency 1: the device is the unit), prefetch 1 (a waiting job stays in the queue for
an idle device instead of behind a busy one), late acknowledgement (a message is taken off the queue only once its
task ended) and reject on worker lost (a task whose worker child died goes back to the queue at once). Each task's
time limits come from its scenario; the broker's visibility timeout must exceed them, or Redis would hand a running
task to a second worker.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.batch.applist import Job
from auditor.batch.attempt import TERMINATE_GRACE_S, run_attempt
from auditor.batch.devices import DeviceSlot
from auditor.batch.jobs import HEARTBEAT_S, FolderJobStore, JobStore, open_store
from auditor.errors import AuditError, EnvironmentProblem, InputError
from auditor.outcomes import KILLED_REASONS, classify_exception

QUEUE = "consent-audit"
TASK_NAME = "consent_audit.audit_job"
DEFAULT_VISIBILITY_TIMEOUT_S = 3 * 3600.0
PREFLIGHT_RETRIES = 20
"""A job bounced this often by devices that failed their checks ends as failed, rather than circling for ever."""
RETRY_PAUSE_S = 2.0


@dataclass
class WorkerContext:
    """What a worker process knows about its device; its pool child inherits it."""

    slot: DeviceSlot
    output: Path | None = None
    """Where this host mounts the shared output directory, when not at the path the batch gave."""
    quarantine_after: int = 3
    failures: int = 0
    previous_package: str | None = None
    quarantined: str = ""
    stores: dict[str, JobStore] = field(default_factory=dict)

    def store_for(self, output: str) -> JobStore:
        """The batch's store as this host reaches it: the same S3 URL, or the shared folder where this host mounts
        it (`--output`), prepared once per worker process."""
        if output not in self.stores:
            store = open_store(output)
            if isinstance(store, FolderJobStore) and self.output is not None:
                store = FolderJobStore(self.output)
            store.prepare()
            self.stores[output] = store
        return self.stores[output]


WORKER: WorkerContext | None = None


@dataclass
class TaskSettings:
    max_attempts: int = 3
    poison_after: int = 3
    analysis_args: list[str] = field(default_factory=list)
    time_limit_s: float | None = None
    """The batch's --timeout: overrides each job's limit sized from its scenario."""

    def as_dict(self) -> dict[str, Any]:
        return {"max_attempts": self.max_attempts, "poison_after": self.poison_after,
                "analysis_args": list(self.analysis_args), "time_limit_s": self.time_limit_s}


def celery_limits(job: Job, time_limit_s: float | None = None) -> tuple[float, float]:
    """(soft, hard) Celery time limits of a job: beyond run-one's own limit (`time_limit_s` when the batch set one,
    else the job's, sized from its scenario) and its grace to seal the run."""
    soft = (time_limit_s or job.time_limit_s) + TERMINATE_GRACE_S + 30
    return soft, soft + 30


def check_limits(jobs: list[Job], settings: TaskSettings, visibility_timeout: float) -> None:
    """Refuse a batch whose jobs may run longer than the broker's visibility timeout: Redis would hand a job still
    running to a second worker."""
    slowest = max((celery_limits(job, settings.time_limit_s)[1] for job in jobs), default=0.0)
    if slowest >= visibility_timeout:
        raise InputError(f"a job may run {slowest:.0f} s, longer than the broker's visibility timeout of "
                         f"{visibility_timeout:.0f} s: Redis would hand it to a second worker while it runs; give "
                         "the batch and every worker a larger --visibility-timeout")


def make_app(broker: str, *, visibility_timeout: float = DEFAULT_VISIBILITY_TIMEOUT_S) -> Any:
    from celery import Celery

    if not broker.startswith(("redis://", "rediss://", "unix://")):
        raise InputError(f"--broker {broker!r}: give a Redis URL, redis://HOST:PORT/DB")
    app = Celery("consent-audit", broker=broker, backend=broker, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        worker_prefetch_multiplier=1,
        worker_concurrency=1,
        task_default_queue=QUEUE,
        task_track_started=True,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        result_extended=True,
        result_expires=7 * 24 * 3600,
        # A message whose worker died (killed with -9, its host lost) is given to another worker once the
        # visibility timeout passed: each worker looks for such messages every 10 s (kombu's default: 100 s).
        broker_transport_options={"visibility_timeout": visibility_timeout, "unacked_restore_throttle": 1},
        result_backend_transport_options={"visibility_timeout": visibility_timeout},
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
    )
    app.task(name=TASK_NAME, bind=True, acks_late=True, reject_on_worker_lost=True)(audit_job)
    return app


def check_broker(app: Any) -> None:
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=5)
    except Exception as exc:  # noqa: BLE001 - kombu raises its own and socket errors
        raise EnvironmentProblem(f"cannot reach the broker {app.conf.broker_url}: {exc}") from None


# ------------------------------------------------------------------------------------------------------------
# The task (runs in a worker's pool child)


def audit_job(task: Any, job_data: dict[str, Any], output: str, session: str,
              settings_data: dict[str, Any]) -> dict[str, Any]:
    context = WORKER
    if context is None:
        raise EnvironmentProblem("this process is not a consent-audit worker (start it with `consent-audit worker`)")
    from celery.exceptions import Retry

    job = Job.model_validate(job_data)
    settings = TaskSettings(**settings_data)
    try:
        store = context.store_for(output)
    except (AuditError, OSError) as exc:
        return _store_failed(task, context, exc)
    try:
        return _audit(task, context, store, job, session, settings)
    except Retry:
        raise
    except Exception as exc:  # noqa: BLE001 - classified as an audit's end would be: retried or failed, never lost
        outcome = classify_exception(exc)
        if outcome.kind == "infrastructure":
            return _store_failed(task, context, exc)
        return _answer("failed", outcome.reason, outcome.message, context.slot.name)


def _audit(task: Any, context: WorkerContext, store: JobStore, job: Job, session: str,
           settings: TaskSettings) -> dict[str, Any]:
    while True:
        running = store.settle_lost_attempts(job.key, own_pid=os.getpid())
        status = store.status(job.key, poison_after=settings.poison_after)
        if status.state == "done":
            return _answer("done", "already-done", "done by an earlier delivery", status.result.device
                           if status.result else "")
        if status.state == "poisoned":
            return _answer("poisoned", "poisoned", status.note)
        if not running:
            break
        # Another delivery of this job runs now (a redelivery while the first still ran): wait for its end.
        time.sleep(HEARTBEAT_S)
    slot = context.slot
    try:
        slot.reset(context.previous_package)
        slot.preflight(store.scratch)
    except (AuditError, OSError) as exc:
        _device_failed(task, context, f"check failed: {exc}")
        if task.request.retries >= PREFLIGHT_RETRIES:
            return _answer("failed", "no-device", f"no device passed its checks for it: {exc}")
        raise task.retry(countdown=RETRY_PAUSE_S, max_retries=None) from None
    context.previous_package = job.package
    try:
        result = run_attempt(store, job, session=session, mode="celery", device=slot.name,
                             device_args=slot.run_one_arguments(), env=slot.environment(),
                             analysis_args=settings.analysis_args, time_limit_s=settings.time_limit_s)
    except (AuditError, OSError) as exc:  # the store could not record the attempt: no audit ran
        return _store_failed(task, context, exc)
    outcome = result.outcome
    if outcome.kind == "app":
        context.failures = 0
        return _answer("done", "duplicate" if result.duplicate else outcome.reason, outcome.message, slot.name)
    if outcome.kind in ("tool-bug", "usage"):
        return _answer("failed", outcome.reason, outcome.message, slot.name)
    attempts = store.attempts(job.key)
    killed = sum(1 for a in attempts if a.reason in KILLED_REASONS)
    this_session = sum(1 for a in attempts if a.session == session)
    if outcome.reason not in KILLED_REASONS:
        _device_failed(task, context, f"{outcome.reason}: {outcome.message}")
    if killed >= settings.poison_after:
        return _answer("poisoned", outcome.reason, f"took its worker down {killed} times; the last: "
                       f"{outcome.message}", slot.name)
    if this_session >= settings.max_attempts:
        return _answer("failed", outcome.reason, f"{this_session} attempts failed for infrastructure; the last: "
                       f"{outcome.message}", slot.name)
    raise task.retry(countdown=RETRY_PAUSE_S, max_retries=None)


def _store_failed(task: Any, context: WorkerContext, exc: Exception) -> dict[str, Any]:
    """The shared store could not be read or written from this worker: the job goes back to the queue, and after
    `quarantine_after` such failures in a row this worker stops."""
    _device_failed(task, context, f"store: {exc}")
    if task.request.retries >= PREFLIGHT_RETRIES:
        return _answer("failed", "store-failed", f"the results store failed every time: {exc}")
    raise task.retry(countdown=RETRY_PAUSE_S, max_retries=None) from None


def _answer(state: str, reason: str, message: str, device: str = "") -> dict[str, Any]:
    return {"state": state, "reason": reason, "message": message, "device": device}


def _device_failed(task: Any, context: WorkerContext, why: str) -> None:
    """Count an infrastructure failure of this worker's device; at `quarantine_after` in a row, shut the worker
    down: a warm shutdown ends the task in hand and gives every message the worker holds back to the queue (a
    worker that only stopped consuming would keep its reserved messages until the visibility timeout)."""
    context.failures += 1
    if context.failures >= context.quarantine_after and not context.quarantined:
        context.quarantined = why
        print(f"consent-audit worker: device {context.slot.name} quarantined after {context.failures} "
              f"infrastructure failures in a row ({why}): the worker stops", flush=True)
        task.app.control.shutdown(destination=[task.request.hostname])


# ------------------------------------------------------------------------------------------------------------
# Submitting and waiting


@dataclass
class Submitted:
    job: Job
    result: Any
    """celery.result.AsyncResult"""


def submit(app: Any, jobs: list[Job], output: str, session: str, settings: TaskSettings,
           visibility_timeout: float) -> list[Submitted]:
    check_limits(jobs, settings, visibility_timeout)
    task = app.tasks[TASK_NAME]
    submitted: list[Submitted] = []
    for job in jobs:
        soft, hard = celery_limits(job, settings.time_limit_s)
        result = task.apply_async(args=[job.model_dump(mode="json"), output, session,
                                        settings.as_dict()],
                                  task_id=f"{session}-{job.key}", soft_time_limit=soft, time_limit=hard)
        submitted.append(Submitted(job, result))
    return submitted


def workers_answering(app: Any, timeout: float = 1.0) -> bool:
    """Some worker answers a ping on the broker (a worker busy with an audit answers too: its main process
    does)."""
    try:
        return bool(app.control.ping(timeout=timeout))
    except Exception:  # noqa: BLE001 - a broker that went away answers nothing either
        return False
