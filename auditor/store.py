"""The run directory: everything one audit recorded, appended to disk as it arrives.

    meta.json          RunMeta, written once when the run starts
    events.jsonl       HookEvent per line, personal-information values masked
    values.jsonl       the unmasked values behind masked ones (event id, position, text), for --reveal and matching
    stacks.jsonl       StackRecord per line (each distinct stack once)
    markers.jsonl      Marker per line (user decisions, steps, process starts and ends)
    coverage.jsonl     CoverageRecord per instrumented process
    device.log         the device's log (sandbox log or logcat)
    agent.log          what the Frida agent reported about itself
    scenario/          the scenario file(s) as run
    screenshots/, hierarchy/   evidence files referenced by markers
    findings.json, report.html  derived: re-creatable from the rest with `consent-audit report`

Writers flush every record, so a run that dies keeps everything it had received.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Callable, Iterator, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from auditor.errors import InputError
from auditor.models import CoverageRecord, HookEvent, Marker, RunMeta, StackRecord

META = "meta.json"
EVENTS = "events.jsonl"
VALUES = "values.jsonl"
STACKS = "stacks.jsonl"
MARKERS = "markers.jsonl"
COVERAGE = "coverage.jsonl"
DEVICE_LOG = "device.log"
AGENT_LOG = "agent.log"
FINDINGS = "findings.json"
REPORT = "report.html"

_MARKER_ADAPTER: TypeAdapter[Marker] = TypeAdapter(Marker)
T = TypeVar("T", bound=BaseModel)


class RunWriter:
    """Append-only writer of one run directory. Thread-safe: the Frida worker and the scenario thread both write."""

    def __init__(self, directory: Path, meta: RunMeta) -> None:
        if directory.exists() and any(directory.iterdir()):
            raise InputError("run directory already exists and is not empty", where=str(directory))
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self._lock = threading.Lock()
        self._files: dict[str, IO[str]] = {}
        write_json_atomically(directory / META, meta.model_dump(mode="json"))

    def _append(self, name: str, line: str) -> None:
        with self._lock:
            handle = self._files.get(name)
            if handle is None:
                handle = open(self.directory / name, "a", encoding="utf-8")
                self._files[name] = handle
            handle.write(line)
            handle.write("\n")
            handle.flush()

    def append_events(self, events: list[HookEvent], stacks: list[StackRecord]) -> None:
        # Stacks first: an event never refers to a stack that is not on disk yet.
        for stack in stacks:
            self._append(STACKS, stack.model_dump_json())
        for event in events:
            for position, value in event.values():
                if value.raw is not None:
                    self._append(VALUES, json.dumps({"event": event.id, "position": position, "text": value.raw},
                                                    ensure_ascii=False))
            self._append(EVENTS, event.model_dump_json())

    def append_marker(self, marker: BaseModel) -> None:
        self._append(MARKERS, marker.model_dump_json())

    def append_coverage(self, coverage: CoverageRecord) -> None:
        self._append(COVERAGE, coverage.model_dump_json())

    def append_device_log(self, line: str) -> None:
        self._append(DEVICE_LOG, line)

    def append_agent_log(self, line: str) -> None:
        self._append(AGENT_LOG, line)

    def write_artifact(self, relative: str, data: bytes) -> str:
        path = self.directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            raise FileExistsError(f"{path} already written: run directories are append-only")
        path.write_bytes(data)
        return relative

    def close(self) -> None:
        with self._lock:
            for handle in self._files.values():
                handle.close()
            self._files.clear()


def write_json_atomically(path: Path, data: object) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, path)


@dataclass
class RunData:
    """A run directory read back: what the timeline, the rules and the report are computed from."""

    directory: Path
    meta: RunMeta
    events: list[HookEvent]
    stacks: dict[str, list[str]]
    markers: list[Marker]
    coverage: list[CoverageRecord]
    problems: list[str]
    """Lines that could not be read (a run cut off mid-write leaves at most one per file)."""


def read_run(directory: Path) -> RunData:
    """Read a run directory. Raises InputError if it is not one; tolerates a torn last line."""
    if not directory.is_dir():
        raise InputError("not a directory", where=str(directory))
    meta_path = directory / META
    if not meta_path.is_file():
        raise InputError(f"not a run directory (no {META})", where=str(directory))
    try:
        meta = RunMeta.model_validate_json(meta_path.read_text(encoding="utf-8"))
    except ValidationError as exc:
        raise InputError(f"unreadable run metadata: {exc.errors()[0]['msg']}", where=str(meta_path)) from None
    problems: list[str] = []
    events = list(_read_jsonl(directory / EVENTS, HookEvent.model_validate_json, problems))
    _restore_raw_values(events, directory / VALUES, problems)
    stacks = {s.id: s.frames for s in _read_jsonl(directory / STACKS, StackRecord.model_validate_json, problems)}
    markers = list(_read_jsonl(directory / MARKERS, _MARKER_ADAPTER.validate_json, problems))
    coverage = list(_read_jsonl(directory / COVERAGE, CoverageRecord.model_validate_json, problems))
    markers.sort(key=lambda marker: marker.seq)
    return RunData(directory, meta, events, stacks, markers, coverage, problems)


class _RawValue(BaseModel):
    event: str
    position: str
    text: str


def _restore_raw_values(events: list[HookEvent], path: Path, problems: list[str]) -> None:
    by_place = {(raw.event, raw.position): raw.text
                for raw in _read_jsonl(path, _RawValue.model_validate_json, problems)}
    if not by_place:
        return
    for event in events:
        for position, value in event.values():
            value.raw = by_place.get((event.id, position), value.raw)


def _read_jsonl(path: Path, parse: Callable[[str], T], problems: list[str]) -> Iterator[T]:
    if not path.exists():
        return
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield parse(line)
            except (ValidationError, ValueError) as exc:
                problems.append(f"{path.name}:{number}: unreadable record ({str(exc).splitlines()[0]})")

