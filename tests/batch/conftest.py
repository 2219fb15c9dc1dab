"""Helpers for the batch tests that run real audits: app lists of the tiny test apps, and reading a batch's folder."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.batch.jobs import AttemptRecord, FolderJobStore

APPS = Path(__file__).resolve().parents[1] / "apps"
MINI = APPS / "batch-mini"
CRASH = APPS / "batch-crash"


def write_list(path: Path, minis: int, *, crash: bool = False, start: int = 1) -> Path:
    """A YAML app list: `minis` distinct jobs of batch-mini (scenario variables make their keys differ), and
    batch-crash when asked."""
    lines = [f"- app: sandbox:{MINI}\n  env: {{RUN: {n}}}\n" for n in range(start, start + minis)]
    if crash:
        lines.append(f"- sandbox:{CRASH}\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


def attempts_by_key(out: Path) -> dict[str, list[AttemptRecord]]:
    store = FolderJobStore(out)
    return {folder.name: store.attempts(folder.name) for folder in sorted((out / "state").iterdir())}


def committed(out: Path) -> dict[str, dict[str, object]]:
    """Each done job's result.json, by key. (In an S3 store, a job folder without one holds an upload cut short.)"""
    return {path.parent.name: json.loads(path.read_text()) for path in sorted((out / "apps").glob("*/result.json"))}


def running_audits(out: str | Path) -> list[int]:
    """Pids of `run-one` processes writing below `out` (read from /proc)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            command = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"run-one" in command and any(str(out).encode() in part for part in command):
            found.append(int(proc.name))
    return found


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An S3-compatible server for the session (see tests/batch/s3.py)."""
    pytest.importorskip("moto", reason="the S3 tests need moto[s3] and flask (in the test extra)")
    from tests.batch.s3 import start_server

    process, endpoint = start_server(tmp_path_factory.mktemp("s3") / "server.log")
    try:
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def s3_url(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> str:
    """A new bucket's prefix, s3://BUCKET/lab/batch, with this process's environment (and so its children's)
    pointed at the server."""
    from tests.batch.s3 import CREDENTIALS, client

    for name, value in {**CREDENTIALS, "AWS_ENDPOINT_URL": s3_endpoint}.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)
    bucket = "ca-" + re.sub(r"[^a-z0-9]+", "-", request.node.name.lower())[:40].strip("-") + f"-{os.getpid()}"
    client(s3_endpoint).create_bucket(Bucket=bucket)
    return f"s3://{bucket}/lab/batch"
