"""Kill the batch process with -9 in the middle, resume: the audits it had running die with it, what it had done is
kept and not done again, what it had not finished is done once, and nothing is counted twice. With the results in
a folder, and in an S3-compatible store."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.batch.conftest import attempts_by_key, committed, running_audits, write_list

pytestmark = pytest.mark.integration


def _batch(listing: Path, out: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "auditor.cli", "batch", str(listing), "--devices", "sandbox:2", "--out", out,
            *extra]


def _wait_for(condition: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def batch_env() -> Iterator[dict[str, str]]:
    """The batches' environment, with a TMPDIR of their own: the audits killed with the first batch leave their
    temporary folders there (nobody is left to remove them), and they go with it. Short, in the system's temporary
    folder: sockets are bound below it."""
    folder = tempfile.mkdtemp(prefix="ca-batch-")
    try:
        yield {**os.environ, "TMPDIR": folder}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Place:
    """Where a batch puts its results, and how a test reads them: `view()` is a folder with the batch's layout
    (the folder itself, or a fresh copy of the store's objects)."""

    out: str
    audits_marker: str
    """Part of the command line of every `run-one` of the batch (where it records)."""
    view: Callable[..., Path]


@pytest.fixture(params=["folder", "s3"])
def place(request: pytest.FixtureRequest, tmp_path: Path, batch_env: dict[str, str]) -> Place:
    if request.param == "folder":
        out = tmp_path / "out"
        return Place(str(out), str(out), lambda **_: out)
    url: str = request.getfixturevalue("s3_url")
    batch_env.update({name: os.environ[name] for name in os.environ if name.startswith("AWS_")})
    from tests.batch.s3 import client, mirror

    s3 = client(os.environ["AWS_ENDPOINT_URL"])
    return Place(url, os.path.join(batch_env["TMPDIR"], "consent-audit-staging-"),
                 lambda only=(): mirror(s3, url, tmp_path / "view", only=only))


def test_resume_after_kill_9(tmp_path: Path, batch_env: dict[str, str], place: Place) -> None:
    listing = write_list(tmp_path / "apps.yaml", 4)
    log = open(tmp_path / "first.log", "wb")
    first = subprocess.Popen(_batch(listing, place.out), stdout=log, stderr=subprocess.STDOUT, env=batch_env)

    def one_done_one_running() -> bool:
        out = place.view(only=(".json",))
        if not (out / "apps").is_dir() or not any((out / "apps").glob("*/result.json")):
            return False
        return any(a.ended_at is None for records in attempts_by_key(out).values() for a in records)

    try:
        _wait_for(one_done_one_running, 180, "a job done and another running")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
        log.close()
    out = place.view()
    before = committed(out)
    attempts_before = attempts_by_key(out)
    interrupted = {key for key, records in attempts_before.items() if any(a.ended_at is None for a in records)}
    assert before and interrupted
    _wait_for(lambda: not running_audits(place.audits_marker), 15, "the killed batch's audits to end with it")

    second = subprocess.run(_batch(listing, place.out), capture_output=True, text=True, env=batch_env)
    assert second.returncode == 2 and "--resume" in second.stderr, "a place holding a batch is resumed on purpose"

    resumed = subprocess.run(_batch(listing, place.out, "--resume"), capture_output=True, text=True, timeout=300,
                             env=batch_env)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "already done" in resumed.stderr
    assert f"index: {place.out}/index.html" in resumed.stdout
    out = place.view()
    after = committed(out)
    assert len(after) == 4
    for key, result in before.items():
        assert after[key] == result, "a job done before the kill is not done again"
    attempts = attempts_by_key(out)
    for key in before:
        assert len(attempts[key]) == len(attempts_before[key])
    for key in interrupted:
        reasons = [a.reason for a in attempts[key]]
        assert reasons[-2:] == ["interrupted", "completed"], reasons
        assert after[key]["attempt"] == len(reasons)
    assert not any((out / "state" / key / "duplicates").exists() for key in attempts)
    document = json.loads((out / "batch.json").read_text())
    assert [app["state"] for app in document["apps"]] == ["done"] * 4
    for app in document["apps"]:
        assert (out / app["report"]).is_file(), f"the index links to {app['report']}, which is there"
        check = subprocess.run([sys.executable, "-m", "auditor.cli", "verify", str(out / app["run"])],
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    index = (out / "index.html").read_text()
    assert all(f'href="{app["report"]}"' in index for app in document["apps"])

    again = subprocess.run(_batch(listing, place.out, "--resume"), capture_output=True, text=True, timeout=120,
                           env=batch_env)
    assert again.returncode == 0 and "4 already done, 0 to audit" in again.stderr
    assert attempts_by_key(place.view()) == attempts
