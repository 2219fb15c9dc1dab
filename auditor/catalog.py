"""The hook catalog: which Java methods are sensitive, and what they mean. Data in `hooks/catalog/*.yaml`.

One file per area; each file is `entries: [...]` of `CatalogEntry`. Adding an API to watch is one entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from pydantic import ValidationError

from auditor.errors import InputError
from auditor.models import CatalogEntry, HookKind
from auditor.resources import data_dir
from auditor.yamlfile import load_documents, position_of, to_plain, validation_error


@dataclass
class Catalog:
    entries: list[CatalogEntry]
    _by_id: dict[str, CatalogEntry] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id = {entry.id: entry for entry in self.entries}

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
            }
            for entry in self.entries
        ]


def load_catalog(directory: Path | None = None) -> Catalog:
    """Load and check every `*.yaml` in `directory` (default: the shipped catalog). Raises InputError."""
    directory = directory or data_dir("catalog")
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise InputError("no catalog files (*.yaml) found", where=str(directory))
    entries: list[CatalogEntry] = []
    seen: dict[str, str] = {}
    for path in files:
        for entry, where in _load_file(path):
            if entry.id in seen:
                raise InputError(f"duplicate catalog id {entry.id!r} (first at {seen[entry.id]})", where=where)
            if entry.kind is HookKind.COLLECT and entry.pi_type is None:
                raise InputError(f"entry {entry.id!r} collects data but names no pi_type", where=where)
            seen[entry.id] = where
            entries.append(entry)
    return Catalog(entries)


def _load_file(path: Path) -> list[tuple[CatalogEntry, str]]:
    documents = load_documents(path)
    if len(documents) != 1 or not isinstance(documents[0], dict) or "entries" not in documents[0]:
        raise InputError("a catalog file is one YAML document with a top-level `entries:` list", where=str(path))
    node = documents[0]["entries"]
    if not isinstance(node, list):
        raise InputError("`entries` must be a list", where=str(position_of(documents[0], ["entries"], str(path))))
    result = []
    for index, item in enumerate(node):
        try:
            entry = CatalogEntry.model_validate(to_plain(item))
        except ValidationError as exc:
            raise validation_error(exc, node, str(path), base=[index]) from None
        result.append((entry, str(position_of(node, [index], str(path)))))
    return result
