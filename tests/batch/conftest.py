"""Helpers for the batch tests that run real audits: app lists of the tiny test apps, and reading a batch's folder."""

from __future__ import annotations

import json
from pathlib import Path

from auditor.batch.jobs import AttemptRecord, JobStore

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
    store = JobStore(out)
    return {folder.name: store.attempts(folder.name) for folder in sorted((out / "state").iterdir())}


def committed(out: Path) -> dict[str, dict[str, object]]:
    """Each done job's result.json, by key."""
    return {folder.name: json.loads((folder / "result.json").read_text()) for folder in sorted((out / "apps").iterdir())}


def running_audits(out: Path) -> list[int]:
    """Pids of `run-one` processes writing into `out` (read from /proc)."""
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
