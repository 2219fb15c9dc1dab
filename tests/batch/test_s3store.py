"""The batch store in an S3-compatible bucket keeps the folder's guarantees: attempt numbers given once across
processes, one result per key however many completions, lost attempts told apart by the store's clock, a result
done only when its run verifies, one batch at a time on a prefix, and a store that would break exactness refused."""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from pathlib import Path
from typing import Any

import pytest

from auditor.batch import jobs
from auditor.batch.jobs import JobResult, open_store
from auditor.batch.s3store import S3JobStore
from auditor.errors import EnvironmentProblem, InputError
from auditor.store import write_json_atomically
from tests.batch.s3 import client, mirror, names

KEY = "org.batch.mini-4-0123456789abcdef"


def _store(url: str) -> S3JobStore:
    store = open_store(url)
    assert isinstance(store, S3JobStore)
    store.prepare()
    return store


def _claim_many(url: str, count: int, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    store = _store(url)
    queue.put([store.claim_attempt(KEY, session="s", mode="celery", device=f"d{os.getpid()}").attempt
               for _ in range(count)])


def test_attempt_numbers_are_never_given_twice(s3_url: str) -> None:
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    workers = [multiprocessing.Process(target=_claim_many, args=(s3_url, 8, queue)) for _ in range(3)]
    for worker in workers:
        worker.start()
    numbers = [n for _ in workers for n in queue.get(timeout=120)]
    for worker in workers:
        worker.join()
    assert sorted(numbers) == list(range(1, 25))
    assert len(_store(s3_url).attempts(KEY)) == 24


def _finished_work(store: S3JobStore, attempt: int, text: str, *, sealed: bool = False) -> Path:
    work = store.work_dir(KEY, attempt)
    work.mkdir(parents=True)
    result = JobResult(key=KEY, target="sandbox:/x", package="org.batch.mini", kind="app", reason="completed",
                       verdict="clean", attempt=attempt, message=text)
    if sealed:
        from auditor.models import AppInfo, DeviceInfo, RunMeta, ScenarioInfo
        from auditor.store import RunWriter

        meta = RunMeta(run_id="r1", tool_version="t", frida_version="f", started_at="now", target="sandbox:/x",
                       app=AppInfo(package="org.batch.mini"), device=DeviceInfo(backend="sandbox"),
                       scenario=ScenarioInfo(name="s", path="s.yaml", sha256="0", copy_path="scenario/s.yaml"))
        writer = RunWriter(work / "run", meta)
        writer.append_device_log("a line")
        writer.seal()
        result.run, result.report = "run", "run/report.html"
    write_json_atomically(work / "result.json", result.model_dump(mode="json"))
    return work


def test_a_second_completion_finds_the_job_done(s3_url: str, tmp_path: Path) -> None:
    store = _store(s3_url)
    first, second = _finished_work(store, 1, "first", sealed=True), _finished_work(store, 2, "second", sealed=True)
    assert store.commit(KEY, first) is True
    assert store.commit(KEY, second) is False
    assert not first.exists() and not second.exists(), "the local copies go once uploaded"
    result = store.read_result(KEY)
    assert result is not None and result.message == "first"
    assert (result.run, result.report) == ("001/run", "001/run/report.html")
    stored = names(client(os.environ["AWS_ENDPOINT_URL"]), s3_url)
    assert not [n for n in stored if n.startswith(f"apps/{KEY}/002/")], "the second completion is not the job's"
    local = mirror(client(os.environ["AWS_ENDPOINT_URL"]), s3_url, tmp_path / "mirror")
    duplicates = list((local / "state" / KEY / "duplicates").iterdir())
    assert len(duplicates) == 1
    assert json.loads((duplicates[0] / "result.json").read_text())["message"] == "second"
    assert (duplicates[0] / "run" / "manifest.json").is_file()
    status = store.status(KEY, poison_after=3)
    assert status.state == "done" and status.result is not None and status.result.message == "first"


def _rewrite_record(store: S3JobStore, attempt: int, **fields: Any) -> None:
    name = f"state/{KEY}/attempts/{attempt:03d}.json"
    got = store._get(name)
    assert got is not None
    store._put(name, json.dumps({**json.loads(got[0]), **fields}).encode())


def test_attempts_of_other_hosts_are_lost_when_their_record_goes_stale(s3_url: str,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "STALE_AFTER_S", 3.0)
    store = _store(s3_url)
    silent = store.claim_attempt(KEY, session="old", mode="celery", device="sandbox-a")
    beating = store.claim_attempt(KEY, session="old", mode="celery", device="sandbox-b")
    _rewrite_record(store, silent.attempt, host="another-host", pid=1)
    _rewrite_record(store, beating.attempt, host="another-host", pid=1)
    for _ in range(5):  # 5 s: the silent one's record ages past 3 s; the other is rewritten every second
        time.sleep(1)
        _rewrite_record(store, beating.attempt, host="another-host", pid=1)
    running = store.settle_lost_attempts(KEY, own_pid=os.getpid())
    assert [r.attempt for r in running] == [beating.attempt]
    reasons = {a.attempt: a.reason for a in store.attempts(KEY)}
    assert reasons == {silent.attempt: "worker-lost", beating.attempt: None}


def test_a_result_whose_run_does_not_verify_is_not_done(s3_url: str, tmp_path: Path) -> None:
    store = _store(s3_url)
    assert store.commit(KEY, _finished_work(store, 1, "sealed", sealed=True))
    assert store.status(KEY, poison_after=3).state == "done"
    s3 = client(os.environ["AWS_ENDPOINT_URL"])
    bucket, prefix = s3_url[len("s3://"):].split("/", 1)
    s3.put_object(Bucket=bucket, Key=f"{prefix}/apps/{KEY}/001/run/device.log", Body=b"edited\n")
    status = _store(s3_url).status(KEY, poison_after=3)  # a new process: nothing remembered
    assert status.state == "pending"
    assert "does not verify" in status.note and "device.log" in status.note
    assert f"{s3_url}/apps/{KEY}/001/run" in status.note, "the problem names the run where it is"
    aside = store.set_aside(KEY, status.note)
    assert aside.startswith(f"{s3_url}/state/{KEY}/rejected-")
    assert not store.has_result_folder(KEY)
    assert not [n for n in names(s3, s3_url) if n.startswith("apps/")]
    local = mirror(s3, s3_url, tmp_path / "mirror")
    rejected = next((local / "state" / KEY).glob("rejected-*"))
    assert "device.log" in (rejected / "REJECTED.txt").read_text()
    assert store.status(KEY, poison_after=3).state == "pending"
    assert store.commit(KEY, _finished_work(store, 2, "again", sealed=True)), "the job can be done again"


def _take(store: S3JobStore, *, resume: bool) -> None:
    with store.lock(resume=resume):
        pass


def test_one_batch_at_a_time_on_a_prefix(s3_url: str) -> None:
    first = _store(s3_url)
    with first.lock(resume=False):
        with pytest.raises(InputError, match="another batch is running on this prefix"):
            _take(_store(s3_url), resume=True)
        first.claim_attempt(KEY, session="s", mode="local", device="d")
    with pytest.raises(InputError, match="holds a batch already"):
        _take(_store(s3_url), resume=False)
    _take(_store(s3_url), resume=True)


def test_a_prefix_holding_other_files_is_not_taken(s3_url: str) -> None:
    s3 = client(os.environ["AWS_ENDPOINT_URL"])
    bucket, prefix = s3_url[len("s3://"):].split("/", 1)
    s3.put_object(Bucket=bucket, Key=f"{prefix}/notes.txt", Body=b"mine\n")
    with pytest.raises(InputError, match="not a batch's"):
        _take(_store(s3_url), resume=False)


def test_a_lock_left_by_a_killed_batch_is_taken_over(s3_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from auditor.batch import s3store

    monkeypatch.setattr(s3store, "STALE_AFTER_S", 2.0)
    store = _store(s3_url)
    store._put(s3store.LOCK_OBJECT, b"pid 1 on a-host-that-died\n")
    with pytest.raises(InputError, match="a-host-that-died"):
        _take(store, resume=True)
    time.sleep(3)
    with store.lock(resume=True):
        got = store._get(s3store.LOCK_OBJECT)
        assert got is not None and str(os.getpid()).encode() in got[0]
    assert store._get(s3store.LOCK_OBJECT) is None, "the lock goes with its batch"


class _IgnoresConditions:
    """A client for a store that ignores If-None-Match, as some S3-compatible stores do."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def put_object(self, **arguments: Any) -> Any:
        arguments.pop("IfNoneMatch", None)
        return self.real.put_object(**arguments)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def test_a_store_ignoring_conditional_writes_is_refused(s3_url: str) -> None:
    store = S3JobStore(s3_url, client=_IgnoresConditions(client(os.environ["AWS_ENDPOINT_URL"])))
    with pytest.raises(EnvironmentProblem, match="ignores conditional writes"):
        store.prepare()
    assert not names(client(os.environ["AWS_ENDPOINT_URL"]), s3_url), "the probe is removed"


def test_an_unreachable_store_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("boto3")
    from tests.batch.s3 import CREDENTIALS, free_port

    for name, value in {**CREDENTIALS, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}",
                        "AWS_MAX_ATTEMPTS": "1"}.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(EnvironmentProblem) as raised:
        open_store("s3://nowhere/lab").prepare()
    message = str(raised.value)
    assert message.startswith("S3 store s3://nowhere/lab: put_object") and "\n" not in message


@pytest.mark.parametrize("url", ["s3://", "s3:///prefix"])
def test_an_s3_url_names_its_bucket(url: str) -> None:
    with pytest.raises(InputError, match="name the bucket"):
        open_store(url)


def test_other_schemes_are_refused() -> None:
    with pytest.raises(InputError, match="give a folder or an s3://"):
        open_store("gs://bucket/prefix")


def test_an_upload_cut_short_is_not_a_result(s3_url: str) -> None:
    """A host killed while uploading leaves an attempt's files but no result.json: the job is still to do, nothing
    is set aside, and the next attempt commits beside them."""
    store = _store(s3_url)
    work = _finished_work(store, 1, "cut short", sealed=True)
    store._upload_folder(work, f"apps/{KEY}/001", skip=frozenset({"result.json"}))
    status = store.status(KEY, poison_after=3)
    assert (status.state, status.note) == ("pending", "")
    assert not store.has_result_folder(KEY)
    assert store.commit(KEY, _finished_work(store, 2, "whole", sealed=True))
    result = store.read_result(KEY)
    assert result is not None and (result.message, result.run) == ("whole", "002/run")
    assert store.status(KEY, poison_after=3).state == "done"


def test_what_a_killed_process_staged_is_kept_by_the_next(s3_url: str, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker killed mid-audit leaves its partial run in its staging folder on its host; the next process of that
    host opening the store keeps it where a folder store would have it (state/KEY/work/NNN/)."""
    import subprocess
    import sys

    from auditor.batch import s3store

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(s3store.tempfile, "tempdir", None)  # read TMPDIR again
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    staged = tmp_path / f"{s3store.STAGING_PREFIX}{gone.stdout.strip()}-abc"
    (staged / KEY / "003" / "run").mkdir(parents=True)
    (staged / s3store.STAGING_LABEL).write_text(s3_url + "\n")
    (staged / KEY / "003" / "run-one.log").write_text("killed mid-audit\n")
    (staged / KEY / "003" / "run" / "markers.jsonl").write_text('{"kind": "run-start"}\n')
    other = tmp_path / f"{s3store.STAGING_PREFIX}{gone.stdout.strip()}-def"
    (other / KEY / "001").mkdir(parents=True)
    (other / s3store.STAGING_LABEL).write_text("s3://another-bucket/elsewhere\n")
    alive = tmp_path / f"{s3store.STAGING_PREFIX}{os.getpid()}-ghi"
    (alive / KEY / "002").mkdir(parents=True)
    (alive / s3store.STAGING_LABEL).write_text(s3_url + "\n")

    store = _store(s3_url)
    stored = names(client(os.environ["AWS_ENDPOINT_URL"]), s3_url)
    assert f"state/{KEY}/work/003/run-one.log" in stored
    assert f"state/{KEY}/work/003/run/markers.jsonl" in stored
    assert not staged.exists(), "kept in the store, the local copy goes"
    assert other.exists(), "another store's staging is not ours to move"
    assert alive.exists(), "a live process's staging is its own"
    assert store.scratch.name.startswith(f"{s3store.STAGING_PREFIX}{os.getpid()}-")
    assert (store.scratch / s3store.STAGING_LABEL).read_text().strip() == s3_url
