"""`consent-audit catalog`: the hook catalog, as a table for people or every entry as JSON."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from auditor.cli import EXIT_CLEAN, Command

PERMISSION_PREFIX = "android.permission."


def _levels(since: int | None, until: int | None) -> str:
    """`21+`, or `21-22` for a method the platform removed in 23."""
    if since is None:
        return "-"
    return f"{since}-{until - 1}" if until is not None else f"{since}+"


class CatalogCommand(Command):
    name = "catalog"
    help = "list the hook catalog (id, API, personal-information type, permissions, API levels); --format json"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--format", choices=["table", "json"], default="table",
                            help="table (default) or json: every entry with all its fields")
        parser.add_argument("--pi-type", metavar="TYPE", help="only entries reading this personal-information type")
        parser.add_argument("--lang", choices=["en", "zh"], default="en", help="language of the data column")
        parser.add_argument("--catalog", type=Path, metavar="DIR",
                            help="a catalog folder of *.yaml files (default: the shipped one)")

    def run(self, args: argparse.Namespace) -> int:
        from auditor.catalog import load_catalog
        from auditor.errors import InputError
        from auditor.models import PIType

        catalog = load_catalog(args.catalog)
        entries: list[Any] = [*catalog.entries, *catalog.native]
        if args.pi_type is not None:
            known = [pi.value for pi in PIType]
            if args.pi_type not in known:
                raise InputError(f"unknown personal-information type {args.pi_type!r} (one of: {', '.join(known)})")
            entries = [entry for entry in entries if entry.pi_type is not None and entry.pi_type.value == args.pi_type]
        if args.format == "json":
            print(json.dumps([entry.model_dump(mode="json", by_alias=True, exclude_none=True) for entry in entries],
                             ensure_ascii=False, indent=2))
            return EXIT_CLEAN
        rows = [("ID", "API", "PI TYPE", "PERMISSIONS", "API LEVELS", "DATA")]
        for entry in entries:
            what = entry.pi_type.value if entry.pi_type is not None else f"({entry.kind.value})"
            permissions = ",".join(p.removeprefix(PERMISSION_PREFIX) for p in entry.permissions) or "-"
            if hasattr(entry, "functions"):
                levels = "native"
            elif entry.bundled and entry.since is None:
                levels = "bundled"
            else:
                levels = _levels(entry.since, entry.until)
            rows.append((entry.id, entry.api, what, permissions, levels, entry.data.get(args.lang)))
        widths = [max(len(row[column]) for row in rows) for column in range(5)]
        for row in rows:
            print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[5])
        print(f"\n{len(entries)} entries")
        return EXIT_CLEAN


COMMANDS: list[type[Command]] = [CatalogCommand]
