"""The output directory: attempts numbered once across processes, one result per key however many completions,
lost attempts told apart, and a result counted as done only when its run verifies."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.batch.jobs import FolderJobStore, JobResult, open_store
from auditor.outcomes import Classification
from auditor.store import write_json_atomically

KEY = "org.batch.mini-4-0123456789abcdef"


def _claim_many(root: str, count: int, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    store = FolderJobStore(Path(root))
    numbers = [store.claim_attempt(KEY, session="s", mode="celery", device=f"d{os.getpid()}").attempt
               for _ in range(count)]
    queue.put(numbers)


def test_attempt_numbers_are_never_given_twice(tmp_path: Path) -> None:
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    workers = [multiprocessing.Process(target=_claim_many, args=(str(tmp_path), 15, queue)) for _ in range(4)]
    for worker in workers:
        worker.start()
    numbers = [n for _ in workers for n in queue.get(timeout=60)]
    for worker in workers:
        worker.join()
    assert sorted(numbers) == list(range(1, 61))
    assert len(FolderJobStore(tmp_path).attempts(KEY)) == 60


def _finished_work(store: FolderJobStore, attempt: int, text: str) -> Path:
    work = store.work_dir(KEY, attempt)
    work.mkdir(parents=True)
    result = JobResult(key=KEY, target="sandbox:/x", package="org.batch.mini", kind="app", reason="completed",
                       verdict="clean", attempt=attempt, message=text)
    write_json_atomically(work / "result.json", result.model_dump(mode="json"))
    return work


def test_a_second_completion_finds_the_job_done(tmp_path: Path) -> None:
    store = FolderJobStore(tmp_path)
    first, second = _finished_work(store, 1, "first"), _finished_work(store, 2, "second")
    assert store.commit(KEY, first) is True
    assert store.commit(KEY, second) is False
    result = store.read_result(KEY)
    assert result is not None and result.message == "first"
    duplicates = list((tmp_path / "state" / KEY / "duplicates").iterdir())
    assert len(duplicates) == 1 and json.loads((duplicates[0] / "result.json").read_text())["message"] == "second"
    assert [p.name for p in (tmp_path / "apps").iterdir()] == [KEY]


@pytest.mark.parametrize("kind", ["folder", "s3"])
def test_status_follows_attempts_and_results(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    store = FolderJobStore(tmp_path) if kind == "folder" else open_store(request.getfixturevalue("s3_url"))
    store.prepare()
    assert store.status(KEY, poison_after=2).state == "pending"
    record = store.claim_attempt(KEY, session="s1", mode="local", device="sandbox-1")
    assert store.status(KEY, poison_after=2).state == "running"
    store.end_attempt(KEY, record, Classification("infrastructure", "timeout", "stuck"), -15)
    status = store.status(KEY, poison_after=2)
    assert (status.state, status.killed) == ("pending", 1)
    record = store.claim_attempt(KEY, session="s1", mode="local", device="sandbox-2")
    store.end_attempt(KEY, record, Classification("infrastructure", "worker-killed", "signal 9"), -9)
    poisoned = store.status(KEY, poison_after=2)
    assert (poisoned.state, poisoned.killed) == ("poisoned", 2)
    assert [a.attempt for a in poisoned.attempts] == [1, 2]


def test_lost_attempts_are_told_apart(tmp_path: Path) -> None:
    store = FolderJobStore(tmp_path)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    dead_pid = int(gone.stdout)
    local = store.claim_attempt(KEY, session="old", mode="local", device="sandbox-1")
    celery = store.claim_attempt(KEY, session="old", mode="celery", device="sandbox-2")
    alive = store.claim_attempt(KEY, session="old", mode="celery", device="sandbox-3")
    for record in (local, celery):
        path = store.attempts_dir(KEY) / f"{record.attempt:03d}.json"
        data = json.loads(path.read_text())
        data["pid"] = dead_pid
        path.write_text(json.dumps(data))
    alive_path = store.attempts_dir(KEY) / f"{alive.attempt:03d}.json"
    data = json.loads(alive_path.read_text())
    data["pid"] = os.getppid()  # a live process of this host that is not us
    alive_path.write_text(json.dumps(data))
    running = store.settle_lost_attempts(KEY, own_pid=os.getpid())
    assert [r.attempt for r in running] == [alive.attempt]
    reasons = {a.attempt: a.reason for a in store.attempts(KEY)}
    assert reasons == {local.attempt: "interrupted", celery.attempt: "worker-lost", alive.attempt: None}
    status = store.status(KEY, poison_after=5)
    assert status.killed == 1, "a batch stopped under a job is not the job's doing; a lost worker may be"


def test_a_result_whose_run_does_not_verify_is_not_done(tmp_path: Path) -> None:
    from auditor.models import AppInfo, DeviceInfo, RunMeta, ScenarioInfo
    from auditor.store import RunWriter

    store = FolderJobStore(tmp_path)
    work = _finished_work(store, 1, "sealed")
    meta = RunMeta(run_id="r1", tool_version="t", frida_version="f", started_at="now", target="sandbox:/x",
                   app=AppInfo(package="org.batch.mini"), device=DeviceInfo(backend="sandbox"),
                   scenario=ScenarioInfo(name="s", path="s.yaml", sha256="0", copy_path="scenario/s.yaml"))
    writer = RunWriter(work / "run", meta)
    writer.append_device_log("a line")
    writer.seal()
    result = json.loads((work / "result.json").read_text())
    result["run"] = "run"
    (work / "result.json").write_text(json.dumps(result))
    assert store.commit(KEY, work)
    assert store.status(KEY, poison_after=3).state == "done"
    (store.result_dir(KEY) / "run" / "device.log").write_text("edited\n")
    status = store.status(KEY, poison_after=3)
    assert status.state == "pending"
    assert "does not verify" in status.note and "device.log" in status.note
    aside = store.set_aside(KEY, status.note)
    assert not store.result_dir(KEY).exists()
    assert "device.log" in (Path(aside) / "REJECTED.txt").read_text()


@pytest.mark.parametrize("missing", ["result", "run"])
def test_half_results_are_not_done(tmp_path: Path, missing: str) -> None:
    store = FolderJobStore(tmp_path)
    folder = store.result_dir(KEY)
    folder.mkdir(parents=True)
    if missing == "run":
        (folder / "result.json").write_text(JobResult(
            key=KEY, target="t", package="p", kind="app", reason="completed", verdict="clean",
            run="run").model_dump_json())
    assert store.status(KEY, poison_after=3).state == "pending"
