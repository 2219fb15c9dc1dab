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
