"""Audit an app, run the demo, re-render a run: `run`, `demo`, `report`."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.cli import EXIT_CLEAN, EXIT_FINDINGS, EXIT_INCOMPLETE, Command

if TYPE_CHECKING:
    from auditor.analysis import RunAnalysis

DEFAULT_RUNS_ROOT = Path("consent-audit-runs")


def _add_analysis_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rules", metavar="PACKS", help="comma-separated rule packs to run (default: all)")
    parser.add_argument("--lang", choices=["en", "zh"], default="en", help="report language (default: en)")


def _packs(args: argparse.Namespace) -> list[str] | None:
    return [p.strip() for p in args.rules.split(",") if p.strip()] if args.rules else None


class RunCommand(Command):
    name = "run"
    help = "audit an app: drive it through a scenario with Frida hooks in place, then judge and report"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--target", required=True, help="what to audit: sandbox:PATH (a sandbox app folder)")
        parser.add_argument("--scenario", type=Path,
                            help="scenario YAML file (default for a sandbox app: its folder's scenario.yaml)")
        parser.add_argument("--out", type=Path, help="run directory to create (default: consent-audit-runs/PKG-TIME)")
        parser.add_argument("--permission-policy", choices=["deny", "allow", "fail"], default="deny",
                            help="answer to a permission dialog no step asked for (default: deny)")
        _add_analysis_arguments(parser)

    def run(self, args: argparse.Namespace) -> int:
        return audit_and_report(args.target, args.scenario or default_scenario(args.target), args.out, args)


def default_scenario(target: str) -> Path:
    """A sandbox app may carry its own scenario; any other target must name one."""
    from auditor.errors import InputError

    kind, _, location = target.partition(":")
    candidate = Path(location) / "scenario.yaml"
    if kind == "sandbox" and candidate.is_file():
        return candidate
    raise InputError("no --scenario given" + (f", and {candidate} does not exist" if kind == "sandbox" else ""))


class DemoCommand(Command):
    name = "demo"
    help = "audit the bundled sandbox shop app with its scenario, ending in a report"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--out", type=Path, help="run directory to create (default: consent-audit-runs/PKG-TIME)")
        _add_analysis_arguments(parser)

    def run(self, args: argparse.Namespace) -> int:
        from auditor.resources import demo_app

        args.permission_policy = "deny"
        code = audit_and_report(f"sandbox:{demo_app()}", demo_app() / "scenario.yaml", args.out, args)
        # The demo app misbehaves on purpose: findings are the expected result, not a failure of the demo.
        return EXIT_CLEAN if code == EXIT_FINDINGS else code


class ReportCommand(Command):
    name = "report"
    help = "re-analyse a run directory and render its report again (no device needed)"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("run_dir", type=Path, metavar="RUN_DIR")
        _add_analysis_arguments(parser)

    def run(self, args: argparse.Namespace) -> int:
        from auditor.analysis import analyse_run
        from auditor.store import read_run

        result = analyse_run(read_run(args.run_dir), _packs(args))
        return report_and_summarise(result, args.lang)


def audit_and_report(target: str, scenario_path: Path, out: Path | None, args: argparse.Namespace) -> int:
    from auditor.analysis import analyse_run
    from auditor.audit import AuditOptions, default_run_directory, run_audit
    from auditor.devices import open_backend
    from auditor.errors import InputError
    from auditor.rules import select_rules
    from auditor.scenario import RunnerOptions, load_scenario
    from auditor.store import read_run

    packs = _packs(args)
    select_rules(packs)  # an unknown pack is a usage error before anything runs
    scenario = load_scenario(scenario_path)
    backend = open_backend(target)
    try:
        directory = out or default_run_directory(DEFAULT_RUNS_ROOT, backend.app_info().package)
        if directory.exists() and any(directory.iterdir()):
            raise InputError("run directory already exists and is not empty", where=str(directory))
        print(f"auditing {target} with {scenario_path} into {directory}", file=sys.stderr)
        options = AuditOptions(packs=packs, runner=RunnerOptions(permission_policy=args.permission_policy))
        outcome = run_audit(backend, scenario, directory, target=target, options=options)
    finally:
        backend.close()
    result = analyse_run(read_run(directory), packs)
    code = report_and_summarise(result, args.lang)
    if outcome.status != "completed":
        print(f"consent-audit: the scenario did not complete: {outcome.message}", file=sys.stderr)
        return EXIT_INCOMPLETE
    return code


def report_and_summarise(result: RunAnalysis, lang: str) -> int:
    from auditor.report import write_reports

    paths = write_reports(result, lang=lang)  # type: ignore[arg-type]
    findings = result.analysis.findings
    for failure in result.analysis.failures:
        print(f"consent-audit: rule {failure.rule} failed: {failure.error}", file=sys.stderr)
    for problem in result.run.problems:
        print(f"consent-audit: {problem}", file=sys.stderr)
    if findings:
        by_severity = Counter(f.severity for f in findings)
        summary = ", ".join(f"{n} {s}" for s, n in sorted(by_severity.items()))
        print(f"{len(findings)} finding(s): {summary}")
        for finding in findings:
            print(f"  [{finding.severity}] {finding.rule}: {finding.explanation.en}")
    else:
        print("no findings")
    print(f"findings: {paths.findings}")
    print(f"report: {paths.html}")
    return EXIT_FINDINGS if findings else EXIT_CLEAN


COMMANDS: list[type[Command]] = [DemoCommand, RunCommand, ReportCommand]
