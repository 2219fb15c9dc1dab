"""Trust and compare run directories: `verify` (nothing changed since the run, and the report is what the evidence
gives) and `diff` (what a new run fixed)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.cli import EXIT_CLEAN, EXIT_FINDINGS, Command

if TYPE_CHECKING:
    from auditor.report.writer import Rederivation


class VerifyCommand(Command):
    name = "verify"
    help = ("check a run directory: every recorded file against its manifest, and the report and exports made again "
            "from the evidence; exit 0 when intact, 1 when a file changed, is missing or was added, or a derived "
            "file is not what the evidence gives")

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("run_dir", type=Path, metavar="RUN_DIR")
        parser.add_argument("--digests-only", action="store_true",
                            help="check the derived files against derived-manifest.json only, without making them "
                                 "again (fast; proves they did not change after it was written, not what they say)")

    def run(self, args: argparse.Namespace) -> int:
        from auditor.report.writer import rederive
        from auditor.store import verify_run

        result = verify_run(args.run_dir)
        rederived = None if args.digests_only else rederive(args.run_dir)
        for label, names in (("changed", result.changed), ("missing", result.missing), ("added", result.added)):
            for name in names:
                print(f"{label}: {name}")
        for note in result.notes:
            print(f"note: {note}")
        if rederived is not None:
            for name in (n for n in rederived.different if n not in result.changed + result.missing):
                print(f"changed: {name} (it is not what the evidence gives: made again from the evidence, it "
                      "differs)")
            for note in rederived.notes:
                print(f"note: {note}")
        digest = result.manifest_sha256 or "-"
        derived = _derived_line(rederived, result.derived_files)
        if derived:
            print(derived)
        if result.intact and (rederived is None or rederived.proven):
            print(f"intact: {result.evidence_files} recorded and {result.derived_files} derived file(s) match; "
                  f"manifest sha256 {digest}")
            return EXIT_CLEAN
        print(f"NOT INTACT: {args.run_dir} is not as the run recorded it and the report made it (manifest sha256 "
              f"{digest})")
        return EXIT_FINDINGS


def _derived_line(rederived: Rederivation | None, derived_files: int) -> str:
    """What the check of the derived files proves, and the rendering they were made with."""
    if rederived is None:
        return (f"derived: {derived_files} file(s) checked against derived-manifest.json only (--digests-only): not "
                "made again from the evidence") if derived_files else ""
    if rederived.rendering is None or not (rederived.identical or rederived.different):
        return ""
    rendering = rederived.rendering
    packs = ",".join(rendering.packs) if rendering.packs is not None else "all packs"
    category = rendering.settings.get("category") or "none"
    suppressions = len(rendering.settings.get("suppressions") or [])
    shown = "unmasked (--reveal)" if rendering.reveal else "masked"
    verdict = "identical" if not rederived.different else f"{len(rederived.different)} differ"
    return (f"derived: {len(rederived.identical) + len(rederived.different)} file(s) made again from the evidence: "
            f"{verdict} (rules: {packs}; category: {category}; {suppressions} suppression(s); "
            f"lang {rendering.lang}, values {shown})")


class DiffCommand(Command):
    name = "diff"
    help = ("compare two runs of an app: findings fixed, new and persisting; "
            "exit 1 when the new run has findings the old one did not")

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("old_run", type=Path, metavar="OLD_RUN")
        parser.add_argument("new_run", type=Path, metavar="NEW_RUN")
        parser.add_argument("--html", type=Path, metavar="FILE", help="also write the comparison as an HTML file")
        parser.add_argument("--lang", choices=["en", "zh"], default="en", help="language (default: en)")
        parser.add_argument("--rules", metavar="PACKS", help="comma-separated rule packs to judge by (default: all)")
        parser.add_argument("--category", help="the app's category (as for `run`)")
        parser.add_argument("--config", type=Path, metavar="FILE", help="rule settings YAML (as for `run`)")

    def run(self, args: argparse.Namespace) -> int:
        from auditor.analysis import analyse_run, settings_for_run
        from auditor.errors import InputError
        from auditor.report.diff import diff_runs, diff_text, render_diff_html
        from auditor.rules import select_rules
        from auditor.store import read_run, verify_run

        if args.html is not None and not args.html.parent.is_dir():
            raise InputError("the folder for the HTML comparison does not exist", where=str(args.html.parent))
        packs = [p.strip() for p in args.rules.split(",") if p.strip()] if args.rules else None
        select_rules(packs)
        old_run, new_run = read_run(args.old_run), read_run(args.new_run)
        old_check, new_check = verify_run(args.old_run), verify_run(args.new_run)
        old = analyse_run(old_run, packs, settings=settings_for_run(old_run, args.config, args.category))
        new = analyse_run(new_run, packs, settings=settings_for_run(new_run, args.config, args.category))
        diff = diff_runs(old, new, old_check, new_check)
        sys.stdout.write(diff_text(diff, args.lang))
        if args.html:
            temporary = args.html.with_name(args.html.name + ".tmp")
            temporary.write_text(render_diff_html(diff, args.lang), encoding="utf-8")
            temporary.replace(args.html)
            print(f"diff report: {args.html}")
        return EXIT_FINDINGS if diff.has_new_findings else EXIT_CLEAN


COMMANDS: list[type[Command]] = [VerifyCommand, DiffCommand]
