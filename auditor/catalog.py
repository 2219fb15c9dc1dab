"""The hook catalog: which Java methods are sensitive, and what they mean. Data in `hooks/catalog/*.yaml`.

One file per area; each file is `entries: [...]` of `CatalogEntry`. Adding an API to watch is one entry.
An entry with `functions:` is a native one (`NativeCatalogEntry`, hooked with Frida's Interceptor; `native.yaml`):
`Catalog.entries` holds the Java entries, `Catalog.native` the native ones, and `get()` finds both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from pydantic import ValidationError

from auditor.errors import InputError
from auditor.models import CatalogEntry, HookKind, NativeCatalogEntry
from auditor.resources import data_dir
from auditor.yamlfile import load_documents, load_plain, position_of, to_plain, validation_error


@dataclass
class Catalog:
    entries: list[CatalogEntry]
    _by_id: dict[str, CatalogEntry] = field(init=False, repr=False)
    native: list[NativeCatalogEntry] = field(default_factory=list)
    """Native entries (C library calls), hooked by the agent's Interceptor layer."""

    def __post_init__(self) -> None:
        self._by_id = {entry.id: entry for entry in [*self.entries, *self.native]}

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[CatalogEntry]:
        return iter(self.entries)

    def get(self, entry_id: str) -> CatalogEntry | None:
        return self._by_id.get(entry_id)

    def __getitem__(self, entry_id: str) -> CatalogEntry:
        return self._by_id[entry_id]

    def collecting(self) -> list[CatalogEntry]:
        return [entry for entry in self.entries if entry.kind is HookKind.COLLECT]

    def agent_config(self) -> list[dict[str, Any]]:
        """What the agent needs to install the hooks: the catalog, minus the prose."""
        return [
            {
                "id": entry.id,
                "cls": entry.class_name,
                "method": entry.method,
                "overloads": entry.overloads,
                "match": entry.match.model_dump(exclude_none=True) if entry.match else None,
                "receiver": entry.receiver,
                "bundled": entry.bundled,
                "capture": entry.capture,
                "wraps": entry.wraps,
            }
            for entry in self.entries
        ]

    def native_config(self) -> list[dict[str, Any]]:
        """What the agent needs to install the native hooks."""
        return [
            {
                "id": entry.id,
                "cls": entry.class_name,
                "functions": [function.model_dump() for function in entry.functions],
                "match": entry.match.model_dump(exclude_none=True) if entry.match else None,
            }
            for entry in self.native
        ]


def load_catalog(directory: Path | None = None) -> Catalog:
    """Load and check every `*.yaml` in `directory` (default: the shipped catalog). Raises InputError naming the
    file and line of the first problem."""
    directory = directory or data_dir("catalog")
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise InputError("no catalog files (*.yaml) found", where=str(directory))
    entries: list[CatalogEntry] = []
    native: list[NativeCatalogEntry] = []
    seen: dict[str, tuple[Path, int]] = {}
    for path in files:
        for index, entry in enumerate(_load_file(path)):
            if entry.id in seen:
                first = _entry_position(*seen[entry.id])
                raise InputError(f"duplicate catalog id {entry.id!r} (first at {first})",
                                 where=_entry_position(path, index))
            if entry.kind is HookKind.COLLECT and entry.pi_type is None:
                raise InputError(f"entry {entry.id!r} collects data but names no pi_type",
                                 where=_entry_position(path, index))
            seen[entry.id] = (path, index)
            if isinstance(entry, NativeCatalogEntry):
                native.append(entry)
            else:
                entries.append(entry)
    java_ids = {entry.id for entry in entries}
    for entry in entries:
        for wrapped in entry.wraps:
            if wrapped not in java_ids or wrapped == entry.id:
                raise InputError(f"entry {entry.id!r} wraps {wrapped!r}, which is no other Java entry of the catalog",
                                 where=_entry_position(*seen[entry.id]))
    return Catalog(entries, native=native)


def _load_file(path: Path) -> list[CatalogEntry]:
    """The entries of one file. Read fast; only a file with a problem is read again to say where it is."""
    documents = load_plain(path)
    try:
        if len(documents) == 1 and isinstance(documents[0], dict) and isinstance(documents[0].get("entries"), list):
            return [_validate(item) for item in documents[0]["entries"]]
    except ValidationError:
        pass
    _raise_with_position(path)
    raise AssertionError("unreachable: a file that failed validation validated on the second reading")


def _validate(item: Any) -> CatalogEntry:
    model = NativeCatalogEntry if isinstance(item, dict) and "functions" in item else CatalogEntry
    return model.model_validate(item)


def _raise_with_position(path: Path) -> None:
    documents = load_documents(path)
    if len(documents) != 1 or not isinstance(documents[0], dict) or "entries" not in documents[0]:
        raise InputError("a catalog file is one YAML document with a top-level `entries:` list", where=str(path))
    node = documents[0]["entries"]
    if not isinstance(node, list):
        raise InputError("`entries` must be a list", where=str(position_of(documents[0], ["entries"], str(path))))
    for index, item in enumerate(node):
        try:
            _validate(to_plain(item))
        except ValidationError as exc:
            raise validation_error(exc, node, str(path), base=[index]) from None


def _entry_position(path: Path, index: int) -> str:
    node = load_documents(path)[0]["entries"]
    return str(position_of(node, [index], str(path)))
