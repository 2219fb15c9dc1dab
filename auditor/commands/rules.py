"""`consent-audit rules`: every rule the packs define."""

from __future__ import annotations

import argparse
import json

from auditor.cli import EXIT_CLEAN, Command


class RulesCommand(Command):
    name = "rules"
    help = "list every rule (id, pack, severity, title); --format json for machines"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--format", choices=["table", "json"], default="table")
        parser.add_argument("--rules", metavar="PACKS", help="only these comma-separated packs")
        parser.add_argument("--lang", choices=["en", "zh"], default="en", help="title language of the table")

    def run(self, args: argparse.Namespace) -> int:
        from auditor.rules import select_rules

        packs = [p.strip() for p in args.rules.split(",") if p.strip()] if args.rules else None
        rules = select_rules(packs)
        if args.format == "json":
            print(json.dumps([
                {
                    "id": r.id, "pack": r.pack, "severity": r.severity,
                    "title": r.title.model_dump(), "explanation": r.explanation.model_dump(),
                    "clauses": list(r.clauses),
                    "detects": r.section("What it detects"), "remediation": r.section("Remediation"),
                }
                for r in rules
            ], ensure_ascii=False, indent=2))
            return EXIT_CLEAN
        rows = [("ID", "PACK", "SEVERITY", "TITLE")] + [(r.id, r.pack, r.severity, r.title.get(args.lang))
                                                         for r in rules]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for row in rows:
            print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[3])
        return EXIT_CLEAN


COMMANDS: list[type[Command]] = [RulesCommand]
