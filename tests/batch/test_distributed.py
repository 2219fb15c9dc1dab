"""Celery mode against a real Redis (Debian's redis-server, started here on a private port in a temporary folder):
two worker processes, twenty jobs, one worker child killed with -9 in the middle of an audit. Every job ends done
exactly once: the killed task goes back to the queue (reject on worker lost), its lost attempt is recorded, and no
key gets two results."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from celery.exceptions import Retry

from auditor.batch import distributed
from auditor.batch.applist import load_app_list
from auditor.batch.devices import SandboxSlot
from auditor.batch.distributed import TaskSettings, WorkerContext, audit_job, make_app
from tests.batch.conftest import attempts_by_key, committed, write_list

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (`make test` installs Debian's redis-server when run as root)")
    port = _free_port()
    folder = tmp_path / "redis"
    folder.mkdir()
    process = subprocess.Popen([server, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(folder),
                                "--save", "", "--appendonly", "no", "--daemonize", "no"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                if connection.recv(16).startswith(b"+PONG"):
                    break
        except OSError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            pytest.fail("redis-server did not start")
        time.sleep(0.1)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _start_worker(redis_url: str, name: str, log_path: Path, *extra: str,
                  env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    with open(log_path, "wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "auditor.cli", "worker", "--device", f"sandbox:{name}", "--broker", redis_url,
             "--loglevel", "WARNING", *extra], stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, **(env or {})})


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture
def worker_tmp() -> Iterator[Path]:
    """The workers' TMPDIR: their attempts' temporary folders go there, and what a killed attempt leaves is removed
    with it. A short folder of its own in the system's temporary folder, not under tmp_path: sockets are bound
    below it (their paths must fit in 108 bytes), and pytest's folders grow with the session number."""
    folder = Path(tempfile.mkdtemp(prefix="ca-workers-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def workers(redis_url: str, tmp_path: Path, worker_tmp: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    started = [_start_worker(redis_url, name, tmp_path / f"worker-{name}.log", env={"TMPDIR": str(worker_tmp)})
               for name in ("w1", "w2")]
    try:
        yield started
    finally:
        _stop(started)


def test_worker_settings() -> None:
    app = make_app("redis://127.0.0.1:1/0", visibility_timeout=7200)
    conf = app.conf
    assert (conf.task_acks_late, conf.task_reject_on_worker_lost, conf.worker_prefetch_multiplier,
            conf.worker_concurrency) == (True, True, 1, 1)
    assert conf.broker_transport_options["visibility_timeout"] == 7200


class _Task:
    """What `audit_job` uses of a bound Celery task: its delivery's retries, retry(), the app's control."""

    def __init__(self) -> None:
        self.request = SimpleNamespace(retries=0, hostname="sandbox-w@host")
        self.retried = 0
        self.app = SimpleNamespace(control=SimpleNamespace(shutdown=lambda **_: None))

    def retry(self, **_: Any) -> Retry:
        self.retried += 1
        return Retry()


@pytest.mark.parametrize(("failure", "retried", "answer"), [
    (OSError(errno.ENOSPC, "No space left on device"), True, None),
    (TypeError("'NoneType' object is not subscriptable"), False, ("failed", "internal-error")),
])
def test_a_task_whose_attempt_fails_unexpectedly_is_retried_or_failed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: Exception, retried: bool,
        answer: tuple[str, str] | None) -> None:
    """A full disk (infrastructure) sends the job back to the queue; a bug of this tool answers failed: either
    way the batch gets an answer, not a task that died with an exception nobody classified."""
    (job,) = load_app_list(write_list(tmp_path / "apps.yaml", 1))

    def attempt(*_: Any, **__: Any) -> Any:
        raise failure

    monkeypatch.setattr(distributed, "run_attempt", attempt)
    monkeypatch.setattr(SandboxSlot, "preflight", lambda self, output: None)
    context = WorkerContext(SandboxSlot("sandbox-w"))
    monkeypatch.setattr(distributed, "WORKER", context)
    task = _Task()
    arguments = (job.model_dump(mode="json"), str(tmp_path / "out"), "session", TaskSettings().as_dict())
    if retried:
        with pytest.raises(Retry):
            audit_job(task, *arguments)
        assert task.retried == 1 and context.failures == 1, "counted against the device"
    else:
        result = audit_job(task, *arguments)
        assert (result["state"], result["reason"]) == answer
        assert "TypeError" in result["message"] and task.retried == 0


def _batch_with_a_child_killed(redis_url: str, listing: Path, out: str, view: Callable[[bool], Path],
                               audits_running: Callable[[str], bool], count: int,
                               workers: list[subprocess.Popen[bytes]]) -> tuple[Path, str]:
    """Run the batch, kill one worker's pool child with -9 in the middle of an audit, and check that every job
    ends done exactly once. Returns the batch's results as a folder, and the key of the job whose audit was
    killed."""
    batch = subprocess.Popen([sys.executable, "-m", "auditor.cli", "batch", str(listing), "--broker", redis_url,
                              "--out", out], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    killed_key = ""
    deadline = time.monotonic() + 240
    while not killed_key and time.monotonic() < deadline and batch.poll() is None:
        folder = view(False)
        if (folder / "state").is_dir():
            for key, records in attempts_by_key(folder).items():
                running = [a for a in records if a.ended_at is None]
                if running and audits_running(key):
                    os.kill(running[0].pid, signal.SIGKILL)
                    killed_key = key
                    break
        time.sleep(0.2)
    assert killed_key, "no audit was seen running"
    output, _ = batch.communicate(timeout=600)
    text = output.decode(errors="replace")
    assert batch.returncode == 0, text
    for process in workers:
        assert process.poll() is None, "both workers live on (only a pool child was killed)"

    folder = view(True)
    results = committed(folder)
    attempts = attempts_by_key(folder)
    assert len(results) == count and sorted(results) == sorted(attempts)
    killed = attempts[killed_key]
    assert [a.reason for a in killed][0] == "worker-lost", [a.reason for a in killed]
    assert killed[-1].reason == "completed" and results[killed_key]["attempt"] == killed[-1].attempt
    done_attempts = [a for records in attempts.values() for a in records if a.kind == "app"]
    assert len(done_attempts) == count, "one completed attempt per job"
    assert {a.device for a in done_attempts} == {"sandbox-w1", "sandbox-w2"}, "both workers took jobs"
    document = json.loads((folder / "batch.json").read_text())
    assert [app["state"] for app in document["apps"]] == ["done"] * count
    assert document["aggregate"]["audited"] == count
    return folder, killed_key


def test_twenty_jobs_two_workers_one_child_killed(tmp_path: Path, redis_url: str, worker_tmp: Path,
                                                  workers: list[subprocess.Popen[bytes]]) -> None:
    out = tmp_path / "shared"

    def recording(key: str) -> bool:  # mid-audit: its run directory is being written
        return any((out / "state" / key / "work").glob("*/run/markers.jsonl"))

    _batch_with_a_child_killed(redis_url, write_list(tmp_path / "apps.yaml", 20), str(out), lambda _whole: out, recording,
                               20, workers)
    left = list(worker_tmp.glob("consent-audit-attempt-*"))
    assert len(left) == 1, f"every attempt removed its temporary folder, but the killed one: {left}"


def test_results_in_an_s3_store(tmp_path: Path, redis_url: str, worker_tmp: Path, s3_url: str) -> None:
    """The same, with the workers sharing an S3-compatible store instead of a folder: what a killed audit had
    recorded stays in its worker's staging folder, and nothing of it reaches the job's result."""
    from tests.batch.s3 import client, mirror

    s3 = client(os.environ["AWS_ENDPOINT_URL"])
    started = [_start_worker(redis_url, name, tmp_path / f"worker-{name}.log", env={"TMPDIR": str(worker_tmp)})
               for name in ("w1", "w2")]
    try:
        def recording(key: str) -> bool:
            return any(worker_tmp.glob(f"consent-audit-staging-*/{key}/*/run/markers.jsonl"))

        folder, killed_key = _batch_with_a_child_killed(
            redis_url, write_list(tmp_path / "apps.yaml", 6), s3_url,
            lambda whole: mirror(s3, s3_url, tmp_path / "view", only=() if whole else (".json",)),
            recording, 6, started)
    finally:
        _stop(started)
    document = json.loads((folder / "batch.json").read_text())
    for app in document["apps"]:
        assert app["run"].startswith(f"apps/{app['key']}/0"), "the run is under the job, in its attempt's folder"
        check = subprocess.run([sys.executable, "-m", "auditor.cli", "verify", str(folder / app["run"])],
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    assert not list((folder / "apps" / killed_key).glob("001")), "the killed attempt left nothing in the results"


def test_a_worker_whose_device_keeps_failing_is_quarantined(tmp_path: Path, redis_url: str,
                                                           worker_tmp: Path) -> None:
    good = _start_worker(redis_url, "good", tmp_path / "good.log", env={"TMPDIR": str(worker_tmp)})
    broken_log = tmp_path / "broken.log"
    broken = _start_worker(redis_url, "broken", broken_log, "--quarantine-after", "2",
                           env={"CONSENT_AUDIT_JAVA_HOME": str(tmp_path / "no-jdk"), "TMPDIR": str(worker_tmp)})
    try:
        listing = write_list(tmp_path / "apps.yaml", 3)
        out = tmp_path / "shared"
        batch = subprocess.run([sys.executable, "-m", "auditor.cli", "batch", str(listing), "--broker", redis_url,
                                "--out", str(out)], capture_output=True, text=True, timeout=300)
        assert batch.returncode == 0, batch.stdout + batch.stderr
        broken.wait(timeout=60)
        assert "device sandbox-broken quarantined after 2 infrastructure failures in a row" in broken_log.read_text()
        assert good.poll() is None
        attempts = attempts_by_key(out)
        assert len(committed(out)) == 3
        assert {a.device for records in attempts.values() for a in records} == {"sandbox-good"}, \
            "a device failing its checks never gets an attempt"
    finally:
        _stop([good, broken])


# ------------------------------------------------------------------------------------------------------------
# --timeout with a broker, and batches whose workers or own process die


def test_the_batch_timeout_sizes_the_task_limits_and_is_checked_against_the_visibility_timeout(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from auditor.batch.distributed import celery_limits, check_limits
    from auditor.cli import main
    from auditor.errors import InputError

    (job,) = load_app_list(write_list(tmp_path / "apps.yaml", 1))
    assert celery_limits(job) == (job.time_limit_s + 45, job.time_limit_s + 75)
    assert celery_limits(job, 600) == (645, 675), "--timeout overrides the limit sized from the scenario"
    check_limits([job], TaskSettings(time_limit_s=600), 676)
    with pytest.raises(InputError, match="a job may run 675 s, longer than the broker's visibility timeout of 675 s"):
        check_limits([job], TaskSettings(time_limit_s=600), 675)
    assert TaskSettings(**TaskSettings(time_limit_s=600).as_dict()).time_limit_s == 600, "it reaches the task"

    code = main(["batch", str(tmp_path / "apps.yaml"), "--broker", "redis://127.0.0.1:1/0", "--timeout", "20000",
                 "--out", str(tmp_path / "out")])
    assert code == 2, "a usage error, said before the broker is contacted"
    assert "a job may run 20075 s, longer than the broker's visibility timeout of 10800 s" in capsys.readouterr().err


def test_a_task_runs_its_attempt_with_the_batch_timeout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (job,) = load_app_list(write_list(tmp_path / "apps.yaml", 1))
    given: dict[str, Any] = {}

    def attempt(*_: Any, **options: Any) -> Any:
        given.update(options)
        raise TypeError("stop here")

    monkeypatch.setattr(distributed, "run_attempt", attempt)
    monkeypatch.setattr(SandboxSlot, "preflight", lambda self, output: None)
    monkeypatch.setattr(distributed, "WORKER", WorkerContext(SandboxSlot("sandbox-w")))
    audit_job(_Task(), job.model_dump(mode="json"), str(tmp_path / "out"), "s", TaskSettings(time_limit_s=42).as_dict())
    assert given["time_limit_s"] == 42


def _batch_command(listing: Path, redis_url: str, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "auditor.cli", "batch", str(listing), "--broker", redis_url, "--out", str(out),
            *extra]


def _done_exactly_once(out: Path, count: int) -> dict[str, list[Any]]:
    results = committed(out)
    attempts = attempts_by_key(out)
    assert len(results) == count and sorted(results) == sorted(attempts)
    for key, records in attempts.items():
        completed = [a for a in records if a.kind == "app"]
        assert len(completed) == 1, f"{key}: {[(a.attempt, a.reason) for a in records]}"
        assert results[key]["attempt"] == completed[0].attempt
    document = json.loads((out / "batch.json").read_text())
    assert [app["state"] for app in document["apps"]] == ["done"] * count
    return attempts


def test_a_batch_with_no_worker_stops_waiting_and_resumes_once_one_is_there(
        tmp_path: Path, redis_url: str, worker_tmp: Path) -> None:
    listing = write_list(tmp_path / "apps.yaml", 2)
    out = tmp_path / "shared"
    alone = subprocess.run(_batch_command(listing, redis_url, out, "--no-worker-timeout", "5"),
                           capture_output=True, text=True, timeout=120)
    assert alone.returncode == 75, alone.stdout + alone.stderr
    assert "no worker is taking jobs from the broker: start `consent-audit worker`s, then run the same batch again " \
           "with --resume" in alone.stdout
    assert "not-run: org.batch.mini" in alone.stdout and "no-worker: no worker answered on the broker for" in alone.stdout
    worker = _start_worker(redis_url, "late", tmp_path / "worker.log", env={"TMPDIR": str(worker_tmp)})
    try:
        again = subprocess.run(_batch_command(listing, redis_url, out, "--resume"), capture_output=True, text=True,
                               timeout=300)
        assert again.returncode == 0, again.stdout + again.stderr
        _done_exactly_once(out, 2)
    finally:
        _stop([worker])


def test_resume_after_kill_9_of_a_batch_waiting_on_its_workers(tmp_path: Path, redis_url: str, worker_tmp: Path,
                                                               workers: list[subprocess.Popen[bytes]]) -> None:
    """The workers go on with what the killed batch submitted; the resumed batch submits what is not done again,
    and the messages delivered twice find their job done or running: each job is done once."""
    listing = write_list(tmp_path / "apps.yaml", 6)
    out = tmp_path / "shared"
    first = subprocess.Popen(_batch_command(listing, redis_url, out), stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and not ((out / "apps").is_dir() and committed(out)):
        time.sleep(0.2)
    assert committed(out), "no job was done"
    first.kill()
    first.wait()
    assert len(committed(out)) < 6, "the batch was killed before the end"
    again = subprocess.run(_batch_command(listing, redis_url, out, "--resume"), capture_output=True, text=True,
                           timeout=400)
    assert again.returncode == 0, again.stdout + again.stderr
    _done_exactly_once(out, 6)


def test_a_whole_worker_killed_mid_job_gives_its_job_back_after_the_visibility_timeout(
        tmp_path: Path, redis_url: str, worker_tmp: Path) -> None:
    """kill -9 of a worker's main process and its children: nobody is left to give the message back, so Redis does,
    once the visibility timeout passed (every worker looks for such messages every 10 s), and another worker does
    the job; the killed attempt is recorded as lost with its worker."""
    visibility = ["--visibility-timeout", "130"]
    started = [_start_worker(redis_url, name, tmp_path / f"worker-{name}.log", *visibility,
                             env={"TMPDIR": str(worker_tmp)}) for name in ("w1", "w2")]
    try:
        listing = write_list(tmp_path / "apps.yaml", 4)
        out = tmp_path / "shared"
        batch = subprocess.Popen(_batch_command(listing, redis_url, out, "--timeout", "50", *visibility),
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        killed_key = ""
        deadline = time.monotonic() + 240
        while not killed_key and time.monotonic() < deadline and batch.poll() is None:
            if (out / "state").is_dir():
                for key, records in attempts_by_key(out).items():
                    running = [a for a in records if a.ended_at is None and a.device == "sandbox-w1"]
                    if running and any((out / "state" / key / "work").glob("*/run/markers.jsonl")):
                        os.killpg(started[0].pid, signal.SIGKILL)
                        killed_key = key
                        break
            time.sleep(0.2)
        assert killed_key, "no audit was seen running on w1"
        output, _ = batch.communicate(timeout=600)
        assert batch.returncode == 0, output.decode(errors="replace")
        attempts = _done_exactly_once(out, 4)
        killed = attempts[killed_key]
        assert killed[0].reason == "worker-lost" and killed[-1].device == "sandbox-w2"
    finally:
        _stop(started)
