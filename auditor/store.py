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
    manifest.json      written once, when the run ends: the SHA-256 and size of every file above
    findings.json, report.html, findings.junit.xml, events.csv   derived: re-creatable with `consent-audit report`
    derived-manifest.json   the SHA-256 of the derived files, and of the manifest.json they were made from

Writers flush every record, so a run that dies keeps everything it had received.

Integrity is split in two because the two kinds of file live differently: the evidence is written once and never
changes, so its manifest is written once too (`RunWriter.seal`) and nothing rewrites it; derived files are made
again whenever the run is re-rendered, so their manifest is rewritten with them. `verify_run` checks both and names
every file that changed, is missing, or was added. The SHA-256 of manifest.json identifies the evidence.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, Callable, Iterator, Literal, TypeVar

import orjson
from pydantic import BaseModel, TypeAdapter, ValidationError

from auditor.errors import InputError
from auditor.models import CoverageRecord, HookEvent, Marker, Model, RunMeta, StackRecord

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
MANIFEST = "manifest.json"
DERIVED_MANIFEST = "derived-manifest.json"
JUNIT = "findings.junit.xml"
EVENTS_CSV = "events.csv"
DERIVED_FILES = frozenset({FINDINGS, REPORT, JUNIT, EVENTS_CSV})
"""What `consent-audit report` writes: made again from the evidence, so never part of it."""

_MARKER_ADAPTER: TypeAdapter[Marker] = TypeAdapter(Marker)
T = TypeVar("T", bound=BaseModel)
Record = TypeVar("Record")


class RunWriter:
    """Append-only writer of one run directory. Thread-safe: the Frida worker and the scenario thread both write."""

    def __init__(self, directory: Path, meta: RunMeta) -> None:
        if directory.exists() and any(directory.iterdir()):
            raise InputError("run directory already exists and is not empty", where=str(directory))
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.meta = meta
        self._lock = threading.Lock()
        self._files: dict[str, IO[str]] = {}
        self._sealed = False
        write_json_atomically(directory / META, meta.model_dump(mode="json"))

    def _append(self, name: str, line: str) -> None:
        with self._lock:
            if self._sealed:
                raise RuntimeError(f"{name}: the run directory is sealed (manifest.json written): nothing more is recorded")
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
        if self._sealed:
            raise RuntimeError(f"{relative}: the run directory is sealed (manifest.json written)")
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

    def seal(self) -> str:
        """Close the files and write manifest.json, the digest of everything recorded; returns the manifest's own
        SHA-256. Called once, when the run ends (however it ends): the run directory records nothing after it."""
        self.close()
        with self._lock:
            self._sealed = True
            path = self.directory / MANIFEST
            if path.exists():
                raise FileExistsError(f"{path} already written: run directories are append-only")
            manifest = EvidenceManifest(
                run_id=self.meta.run_id,
                tool_version=self.meta.tool_version,
                sealed_at=datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
                files={name: digest_file(self.directory / name) for name in _files_under(self.directory)},
            )
            write_json_atomically(path, manifest.model_dump(mode="json"))
            return digest_file(path).sha256


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
    if not directory.exists():
        raise InputError("not a run directory (no such folder)", where=str(directory))
    if not directory.is_dir():
        raise InputError("not a run directory (not a folder)", where=str(directory))
    meta_path = directory / META
    if not meta_path.is_file():
        raise InputError(f"not a run directory (no {META})", where=str(directory))
    try:
        meta = RunMeta.model_validate_json(meta_path.read_text(encoding="utf-8"))
    except ValidationError as exc:
        raise InputError(f"unreadable run metadata: {exc.errors()[0]['msg']}", where=str(meta_path)) from None
    problems: list[str] = []
    value_problems: list[str] = []
    with bulk_allocation():
        raw_values = _read_raw_values(directory / VALUES, value_problems)
        events = _read_events(directory / EVENTS, raw_values, problems)
        problems += value_problems
        stacks = {s.id: s.frames for s in _read_jsonl(directory / STACKS, StackRecord.model_validate_json, problems)}
        markers = list(_read_jsonl(directory / MARKERS, _MARKER_ADAPTER.validate_json, problems))
        coverage = list(_read_jsonl(directory / COVERAGE, CoverageRecord.model_validate_json, problems))
    markers.sort(key=lambda marker: marker.seq)
    return RunData(directory, meta, events, stacks, markers, coverage, problems)


@contextmanager
def bulk_allocation() -> Iterator[None]:
    """Pause the cyclic garbage collector while the records of a run, its timeline and its findings are made.

    A run of a million calls is tens of millions of objects that all stay alive: the collector, started every few
    hundred allocations and going over every live object at each full pass, took twice as long as the work itself
    and found nothing to free (records hold no cycles). Reference counting frees everything as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _RawValue(BaseModel):
    event: str
    position: str
    text: str


RawValues = dict[str, dict[str, str]]
"""values.jsonl by event id: position -> unmasked text."""


def _read_raw_values(path: Path, problems: list[str]) -> RawValues:
    found: RawValues = {}

    def parse(line: bytes) -> _RawValue | tuple[str, str, str]:
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError:
            record = None
        if type(record) is dict and record.keys() == _RAW_VALUE_KEYS and \
                all(type(value) is str for value in record.values()):
            return record["event"], record["position"], record["text"]
        return _RawValue.model_validate_json(line)  # anything unusual is validated, and explained, in full

    for raw in _read_jsonl(path, parse, problems):
        event, position, text = (raw.event, raw.position, raw.text) if isinstance(raw, _RawValue) else raw
        found.setdefault(event, {})[position] = text
    return found


_RAW_VALUE_KEYS = frozenset({"event", "position", "text"})


def _read_events(path: Path, raw_values: RawValues, problems: list[str]) -> list[HookEvent]:
    """`_read_jsonl` for events.jsonl, in a loop of its own: it runs once per call of the run."""
    events: list[HookEvent] = []
    if not path.exists():
        return events
    read = _EventReader(raw_values).read
    append = events.append
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                append(read(line))
            except (ValidationError, ValueError) as exc:
                if line.strip():
                    problems.append(_unreadable(path, number, exc))
    return events


class _EventReader:
    """HookEvents from events.jsonl lines, each validated in full or known to be valid.

    A run's calls repeat themselves: the same API by the same caller with the same (masked) values, differing in
    their id, sequence number and time alone. A line is validated by the model in full the first time its other
    fields (and its unmasked values) are seen; a later line with the same ones has only those three checked, and
    becomes an event sharing the validated one's values. A run of a million calls is then read in a third of the
    time and held in half the memory, and every line is still checked. Shared values are never written to: the
    unmasked ones are part of what makes two lines the same."""

    def __init__(self, raw_values: RawValues) -> None:
        self.raw_values = raw_values
        self.validated: dict[bytes | tuple[bytes, tuple[tuple[str, str], ...]], HookEvent] = {}

    def read(self, line: bytes) -> HookEvent:
        try:
            fields = orjson.loads(line)
        except orjson.JSONDecodeError:
            return self._validate(line)  # the model says what is wrong with it
        if type(fields) is not dict:
            return self._validate(line)
        event_id, seq, ts = fields.pop("id", None), fields.pop("seq", None), fields.pop("ts", None)
        if type(event_id) is not str or type(seq) is not int or type(ts) not in (float, int):
            return self._validate(line)
        raw = self.raw_values.get(event_id)
        key = (orjson.dumps(fields), tuple(sorted(raw.items()))) if raw else orjson.dumps(fields)
        known = self.validated.get(key)
        if known is None:
            event = self._validate(line)
            if len(self.validated) < _DISTINCT_CALLS_KEPT:
                self.validated[key] = event
            return event
        return _with_place(known, event_id, seq, float(ts))

    def _validate(self, line: bytes) -> HookEvent:
        event = HookEvent.model_validate_json(line)
        raw = self.raw_values.get(event.id)
        if raw:
            for position, value in event.values():
                value.raw = raw.get(position, value.raw)
        return event


_DISTINCT_CALLS_KEPT = 200_000
"""Validated lines kept to compare later ones with: a run whose calls all differ is read line by line, in bounded
memory."""


def _with_place(event: HookEvent, event_id: str, seq: int, ts: float) -> HookEvent:
    """`event` with another id, sequence number and time: the model's own construction without validation
    (BaseModel.model_construct's steps), at a third of model_construct's cost, which it spends on defaults and
    aliases that a validated event has already."""
    made = _new_object(HookEvent)
    fields = event.__dict__.copy()
    fields["id"], fields["seq"], fields["ts"] = event_id, seq, ts
    _set_fields(made, fields)
    # Shared too: the set changes only when a field that was absent is assigned, which nothing does to an event
    # read back (and it would only change what `exclude_unset` leaves out); a copy each would be half a gigabyte.
    _set_fields_set(made, event.__pydantic_fields_set__)
    _set_extra(made, None)
    _set_private(made, None)
    return made


_new_object = object.__new__
# The model's slots, set through their descriptors (BaseModel.__setattr__ would validate).
_set_fields = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def _read_jsonl(path: Path, parse: Callable[[bytes], Record], problems: list[str]) -> Iterator[Record]:
    if not path.exists():
        return
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield parse(line)
            except (ValidationError, ValueError) as exc:
                problems.append(_unreadable(path, number, exc))


def _unreadable(path: Path, number: int, exc: Exception) -> str:
    return f"{path.name}:{number}: unreadable record ({str(exc).splitlines()[0]})"



# ------------------------------------------------------------------------------------------------------ integrity


class FileDigest(Model):
    sha256: str
    size: int


class EvidenceManifest(Model):
    """manifest.json: every file the run recorded, written once when the run ends."""

    schema_version: Literal[1] = 1
    kind: Literal["evidence"] = "evidence"
    run_id: str
    tool_version: str
    sealed_at: str
    """ISO 8601, host clock."""
    files: dict[str, FileDigest]
    """Run-dir-relative path (with `/`) -> digest."""


class Rendering(Model):
    """How derived files were made from the evidence: with these, the same tool version makes them again byte for
    byte, which is how `verify` proves a report says what its evidence says."""

    lang: str
    reveal: bool
    formats: list[str]
    packs: list[str] | None
    """The rule packs asked for; None: every pack."""
    settings: dict[str, Any]
    """The rule settings the run was judged by (category, thresholds, suppressions), as JSON."""


class DerivedManifest(Model):
    """derived-manifest.json: the files `consent-audit report` made, rewritten each time it makes them."""

    schema_version: Literal[1] = 1
    kind: Literal["derived"] = "derived"
    tool_version: str
    generated_at: str
    evidence_manifest_sha256: str | None
    """SHA-256 of the manifest.json these files were made from; None when the run has none (it was cut off)."""
    files: dict[str, FileDigest]
    rendering: Rendering | None = None
    """None in manifests written before renderings were recorded: their files cannot be re-derived."""


_HASH_CHUNK = 1 << 20
_MANIFESTS = frozenset({MANIFEST, DERIVED_MANIFEST})


def digest_file(path: Path) -> FileDigest:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return FileDigest(sha256=digest.hexdigest(), size=size)


def _files_under(directory: Path) -> list[str]:
    """Every file of a run directory but the manifests, as sorted run-dir-relative paths."""
    names = (path.relative_to(directory).as_posix() for path in directory.rglob("*") if path.is_file())
    return sorted(name for name in names if name not in _MANIFESTS)


def _read_manifest(path: Path, model: type[T]) -> T:
    try:
        return model.model_validate_json(path.read_bytes())
    except (ValidationError, ValueError) as exc:
        raise InputError(f"unreadable manifest ({str(exc).splitlines()[0]})", where=str(path)) from None


def evidence_manifest_digest(directory: Path) -> str | None:
    """SHA-256 of the run's manifest.json, or None when it has none."""
    path = directory / MANIFEST
    return digest_file(path).sha256 if path.is_file() else None


def read_derived_manifest(directory: Path) -> DerivedManifest | None:
    """The run's derived-manifest.json, or None when it has none. Raises InputError when it cannot be read."""
    path = directory / DERIVED_MANIFEST
    return _read_manifest(path, DerivedManifest) if path.is_file() else None


def write_derived_manifest(directory: Path, names: list[str], tool_version: str,
                           rendering: Rendering | None = None) -> None:
    """Record the digests of the derived files `names` (run-dir-relative) and how they were made, replacing the
    previous record."""
    manifest = DerivedManifest(
        tool_version=tool_version,
        generated_at=datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
        evidence_manifest_sha256=evidence_manifest_digest(directory),
        files={name: digest_file(directory / name) for name in sorted(names)},
        rendering=rendering,
    )
    write_json_atomically(directory / DERIVED_MANIFEST, manifest.model_dump(mode="json"))


@dataclass
class Verification:
    """A run directory checked against its manifests."""

    directory: Path
    manifest_sha256: str | None
    """SHA-256 of manifest.json: what identifies the evidence (None: there is no manifest)."""
    evidence_files: int = 0
    derived_files: int = 0
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What else stands in the way of trusting the run (no manifest, derived files made from another one)."""

    @property
    def intact(self) -> bool:
        return self.manifest_sha256 is not None and not (self.changed or self.missing or self.added or self.notes)


def verify_run(directory: Path, *, evidence_only: bool = False) -> Verification:
    """Check every file of a run directory against manifest.json and derived-manifest.json.

    `evidence_only` checks the recorded files alone and leaves derived files out (the report does, about to make
    them again). Raises InputError when `directory` is not a run directory or a manifest cannot be read."""
    if not (directory / META).is_file():
        raise InputError(f"not a run directory (no {META})", where=str(directory))
    manifest_path = directory / MANIFEST
    present = set(_files_under(directory))
    if not manifest_path.is_file():
        result = Verification(directory, None)
        result.notes.append(f"no {MANIFEST}: the run did not end normally, so its files were never sealed")
        return result
    evidence = _read_manifest(manifest_path, EvidenceManifest)
    result = Verification(directory, digest_file(manifest_path).sha256, evidence_files=len(evidence.files))
    expected: dict[str, FileDigest] = dict(evidence.files)
    derived_path = directory / DERIVED_MANIFEST
    if evidence_only:
        listed = _read_manifest(derived_path, DerivedManifest).files if derived_path.is_file() else {}
        present -= (DERIVED_FILES | listed.keys()) - expected.keys()
    elif derived_path.is_file():
        derived = _read_manifest(derived_path, DerivedManifest)
        result.derived_files = len(derived.files)
        if derived.evidence_manifest_sha256 != result.manifest_sha256:
            result.notes.append(f"{DERIVED_MANIFEST} was made from another {MANIFEST} "
                                f"(sha256 {derived.evidence_manifest_sha256})")
        for name, digest in derived.files.items():
            if name in expected:
                result.notes.append(f"{DERIVED_MANIFEST} lists {name}, which is evidence")
            else:
                expected[name] = digest
    for name, digest in sorted(expected.items()):
        if name not in present:
            result.missing.append(name)
            continue
        found = digest_file(directory / name)
        if found != digest:
            result.changed.append(name)
    result.added = sorted(present - expected.keys())
    return result
