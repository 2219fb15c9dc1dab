"""Scenario files before anything runs: `scenario validate`, `scenario schema`, `scenario list`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from auditor.cli import EXIT_CLEAN, EXIT_USAGE, Command


def env_assignment(text: str) -> tuple[str, str]:
    """`--env KEY=VALUE` -> (KEY, VALUE); argparse reports a malformed one as a usage error."""
    from auditor.scenario.model import VARIABLE_NAME

    name, separator, value = text.partition("=")
    if not separator or not VARIABLE_NAME.fullmatch(name):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not KEY=VALUE with KEY made of letters, digits and underscores"
        )
    return name, value


def add_env_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--env", action="append", default=[], type=env_assignment, metavar="KEY=VALUE",
                        help="set a scenario variable (${KEY}), over the header's env; repeatable")


class ScenarioCommand(Command):
    name = "scenario"
    help = "check scenario files, print the scenario language's JSON Schema, list the built-in scenarios"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="scenario_action", metavar="ACTION", required=True)
        validate = actions.add_parser(
            "validate", help="check scenario files (and the files they include) without running anything",
            description="Check scenario files without running anything: every problem is printed on one line as "
            "FILE:LINE:COLUMN: message (hint). Exit 0 when all are valid, 2 otherwise.",
        )
        validate.add_argument("files", nargs="+", metavar="FILE",
                              help="a scenario file, or the name of a built-in scenario")
        add_env_argument(validate)
        schema = actions.add_parser(
            "schema", help="print the JSON Schema of scenario files, for editors",
            description="Print the JSON Schema (draft 2020-12) that each YAML document of a scenario file "
            "matches, generated from the step models. Point your editor's YAML support at it.",
        )
        schema.add_argument("--out", type=Path, metavar="FILE", help="write it to FILE instead of printing it")
        actions.add_parser("list", help="list the built-in scenarios (usable by name with run --scenario)")

    def run(self, args: argparse.Namespace) -> int:
        if args.scenario_action == "validate":
            return validate(args.files, dict(args.env))
        if args.scenario_action == "schema":
            return print_schema(args.out)
        return list_builtins()


def validate(files: list[str], env: dict[str, str]) -> int:
    from auditor.errors import InputError
    from auditor.scenario.loader import check_scenario, resolve_scenario

    invalid = 0
    for spec in files:
        try:
            path = resolve_scenario(spec)
        except InputError as exc:
            print(exc)
            invalid += 1
            continue
        scenario, errors = check_scenario(path, env)
        for error in errors:
            print(error)
        if errors or scenario is None:
            invalid += 1
            print(f"{path}: {len(errors)} problem{'s' if len(errors) != 1 else ''}", file=sys.stderr)
            continue
        steps = len(scenario.walk())
        included = f", {len(scenario.files) - 1} included file(s)" if len(scenario.files) > 1 else ""
        print(f"{path}: ok ({steps} step{'s' if steps != 1 else ''}{included}): {scenario.name}")
    return EXIT_USAGE if invalid else EXIT_CLEAN


def print_schema(out: Path | None) -> int:
    from auditor.errors import InputError
    from auditor.scenario.schema import scenario_json_schema

    text = json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False) + "\n"
    if out is None:
        sys.stdout.write(text)
        return EXIT_CLEAN
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write the schema: {exc.strerror or exc}", where=str(out)) from None
    print(f"schema: {out}")
    return EXIT_CLEAN


def list_builtins() -> int:
    from auditor.scenario.loader import builtin_scenarios, load_scenario

    for name, path in builtin_scenarios().items():
        scenario = load_scenario(path)
        print(f"{name}: {scenario.name}")
    return EXIT_CLEAN


COMMANDS: list[type[Command]] = [ScenarioCommand]
