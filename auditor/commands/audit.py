"""Audit an app, run the demo, re-render a run: `run`, `demo`, `report`."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.cli import EXIT_CLEAN, EXIT_FINDINGS, EXIT_INCOMPLETE, Command
from auditor.commands.devices import add_android_arguments, android_options, resolve_target
from auditor.commands.scenario import add_env_argument

if TYPE_CHECKING:
    from auditor.analysis import RunAnalysis

DEFAULT_RUNS_ROOT = Path("consent-audit-runs")


def _add_analysis_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rules", metavar="PACKS", help="comma-separated rule packs to run (default: all)")
    parser.add_argument("--lang", choices=["en", "zh"], default="en", help="report language (default: en)")
    parser.add_argument("--reveal", action="store_true",
                        help="show personal-information values unmasked in report.html and events.csv "
                             "(default: masked, e.g. IMEI 3569********809)")
    parser.add_argument("--formats", default="html,json,junit,csv", metavar="LIST",
                        help="derived files to write: html (report.html), json (findings.json), "
                             "junit (findings.junit.xml), csv (events.csv) (default: all)")
    parser.add_argument("--category", help="the app's category, by id, number or name in English or Chinese "
                        "(e.g. shopping, 网上购物, 6): enables the necessary-information rule")
    parser.add_argument("--config", type=Path, metavar="FILE",
                        help="rule settings YAML: thresholds, first-party hosts and packages, SDKs, suppressions "
                        "(docs/rules.md); default for a sandbox app: its folder's consent-audit.yaml, if any")


SANDBOX_SETTINGS = "consent-audit.yaml"
"""A sandbox app folder's own rule settings, used when no --config is given (as its scenario.yaml is)."""


def settings_file(args: argparse.Namespace, target: str) -> Path | None:
    """--config, else a sandbox app folder's `consent-audit.yaml` when it has one."""
    return settings_path(args.config, target)


def settings_path(config: Path | None, target: str) -> Path | None:
    """`config` when given, else a sandbox app folder's `consent-audit.yaml` when it has one."""
    if config is not None:
        return Path(config)
    kind, _, location = target.partition(":")
    candidate = Path(location) / SANDBOX_SETTINGS
    return candidate if kind == "sandbox" and candidate.is_file() else None


def _packs(args: argparse.Namespace) -> list[str] | None:
    return [p.strip() for p in args.rules.split(",") if p.strip()] if args.rules else None


class RunCommand(Command):
    name = "run"
    help = "audit an app: drive it through a scenario with Frida hooks in place, then judge and report"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--target", help="what to audit: sandbox:PATH (a sandbox app folder) or android:PACKAGE "
                            "(an app on an Android device); may be left out with --apk")
        parser.add_argument("--scenario", metavar="FILE_OR_NAME",
                            help="scenario YAML file, or a built-in scenario by name (miit-standard, refuse-only, "
                            "accept-all; see `scenario list`); default for a sandbox app: its folder's scenario.yaml")
        add_env_argument(parser)
        parser.add_argument("--out", type=Path, help="run directory to create (default: consent-audit-runs/PKG-TIME)")
        parser.add_argument("--permission-policy", choices=["deny", "allow", "fail"],
                            help="answer to a permission dialog no step asked for (default: the scenario's "
                            "permissionPolicy, else deny)")
        _add_analysis_arguments(parser)
        add_android_arguments(parser)
        self._parser = parser

    def run(self, args: argparse.Namespace) -> int:
        if args.target is None and args.apk is None:
            self._parser.error("the following arguments are required: --target (or --apk FILE)")
        target = resolve_target(args)
        return audit_and_report(target, args.scenario or default_scenario(target), args.out, args)


def default_scenario(target: str) -> Path:
    """A sandbox app may carry its own scenario; any other target must name one."""
    from auditor.errors import InputError

    kind, _, location = target.partition(":")
    candidate = Path(location) / "scenario.yaml"
    if kind == "sandbox" and candidate.is_file():
        return candidate
    missing = f", and {candidate} does not exist" if kind == "sandbox" else ""
    raise InputError(f"no --scenario given{missing}: name a scenario file, or a built-in one such as "
                     "`--scenario miit-standard` (see `consent-audit scenario list`)")


class DemoCommand(Command):
    name = "demo"
    help = "audit the bundled sandbox shop app with its scenario, ending in a report"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--out", type=Path, help="run directory to create (default: consent-audit-runs/PKG-TIME)")
        _add_analysis_arguments(parser)

    def run(self, args: argparse.Namespace) -> int:
        from auditor.resources import demo_app

        args.permission_policy = "deny"
        # The demo app is a shopping app: judging it against its category shows the necessary-information rule too.
        args.category = args.category or "shopping"
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
        from auditor.analysis import analyse_run, settings_for_run
        from auditor.store import read_run

        run = read_run(args.run_dir)
        result = analyse_run(run, _packs(args), settings=settings_for_run(run, args.config, args.category))
        return report_and_summarise(result, args.lang, reveal=args.reveal, formats=args.formats)


def audit_and_report(target: str, scenario_spec: Path | str, out: Path | None, args: argparse.Namespace) -> int:
    """`scenario_spec` is a scenario file, or a built-in scenario's name."""
    from auditor.analysis import analyse_run
    from auditor.audit import AuditOptions, default_run_directory, run_audit
    from auditor.devices import open_backend
    from auditor.errors import InputError
    from auditor.report import parse_formats
    from auditor.rules import select_rules
    from auditor.rules.settings import load_settings
    from auditor.scenario import RunnerOptions, load_scenario, resolve_scenario
    from auditor.store import read_run

    packs = _packs(args)
    select_rules(packs)  # an unknown pack, category or settings file is a usage error before anything runs
    parse_formats(args.formats)
    config = settings_file(args, target)
    settings = load_settings(config, args.category)
    scenario_path = resolve_scenario(scenario_spec)
    scenario = load_scenario(scenario_path, env=dict(getattr(args, "env", None) or []))
    policy = args.permission_policy or scenario.permission_policy or "deny"
    backend = open_backend(target, android=android_options(args))
    try:
        directory = out or default_run_directory(DEFAULT_RUNS_ROOT, backend.app_info().package)
        if directory.exists() and any(directory.iterdir()):
            raise InputError("run directory already exists and is not empty", where=str(directory))
        print(f"auditing {target} with {scenario_path} into {directory}", file=sys.stderr)
        options = AuditOptions(packs=packs, category=settings.category, settings_file=config,
                               runner=RunnerOptions(permission_policy=policy))
        outcome = run_audit(backend, scenario, directory, target=target, options=options)
    finally:
        backend.close()
    result = analyse_run(read_run(directory), packs, settings=settings)
    code = report_and_summarise(result, args.lang, reveal=args.reveal, formats=args.formats)
    if outcome.status != "completed":
        print(f"consent-audit: the scenario did not complete: {outcome.message}", file=sys.stderr)
        return EXIT_INCOMPLETE
    return code


def report_and_summarise(result: RunAnalysis, lang: str, *, reveal: bool = False,
                         formats: str = "html,json,junit,csv") -> int:
    from auditor.report import parse_formats, write_reports

    paths = write_reports(result, lang=lang, reveal=reveal, formats=parse_formats(formats))  # type: ignore[arg-type]
    findings = result.analysis.active_findings
    suppressed = len(result.analysis.findings) - len(findings)
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
    if suppressed:
        print(f"{suppressed} suppressed finding(s) (see the report for their reasons)")
    for rule_id, reason in result.analysis.not_evaluated.items():
        print(f"not evaluated: {rule_id}: {reason}", file=sys.stderr)
    checked = paths.integrity
    if checked.intact:
        print(f"manifest: sha256 {checked.manifest_sha256} ({checked.evidence_files} recorded files, intact)")
    else:
        print("consent-audit: warning: the run's records do not match its manifest "
              f"(`consent-audit verify {result.run.directory}` says what differs)", file=sys.stderr)
    # The report last: it is what a person opens next.
    for label, path in (("findings", paths.findings), ("junit", paths.junit), ("events", paths.csv),
                        ("report", paths.html)):
        if path is not None:
            print(f"{label}: {path}")
    return EXIT_FINDINGS if findings else EXIT_CLEAN


COMMANDS: list[type[Command]] = [DemoCommand, RunCommand, ReportCommand]
