"""`consent-audit`: thin. Parses arguments, calls the layers, maps errors to exit codes.

Each module of `auditor.commands` contributes subcommands (its `COMMANDS` list), so adding a command is adding a
module there, not editing this file.

Exit codes: 0 clean, 1 findings, 2 usage or input error, 3 the audit could not run or complete
(environment, device, a scenario step the app did not allow), 70 a bug in this tool, 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from typing import Sequence

from auditor import __version__
from auditor.errors import AuditError, InputError

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INCOMPLETE, EXIT_BUG, EXIT_INTERRUPTED = 0, 1, 2, 3, 70, 130


class Command:
    """One subcommand: its arguments and what it does. `run` returns the exit code; heavy imports go inside it."""

    name = ""
    help = ""

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        pass

    def run(self, args: argparse.Namespace) -> int:
        raise NotImplementedError


def discover_commands() -> list[Command]:
    from auditor import commands

    found: list[Command] = []
    for module_info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"auditor.commands.{module_info.name}")
        found.extend(command_type() for command_type in getattr(module, "COMMANDS", []))
    names = [command.name for command in found]
    duplicates = {name for name in names if names.count(name) > 1}
    if duplicates:
        raise RuntimeError(f"subcommands defined twice: {', '.join(sorted(duplicates))}")
    return found


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="consent-audit",
        description="Runtime evidence that an Android app collects personal information before consent, "
        "after refusal, or forces permissions.",
        epilog="exit codes: 0 clean, 1 findings, 2 usage or input error, 3 the audit could not run or complete, "
        "70 internal error",
    )
    parser.add_argument("--version", action="version", version=f"consent-audit {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in discover_commands():
        sub = subparsers.add_parser(command.name, help=command.help, description=command.help)
        command.add_arguments(sub)
        sub.set_defaults(handler=command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler.run(args))
    except AuditError as exc:
        print(f"consent-audit: error: {exc}", file=sys.stderr)
        return EXIT_USAGE if isinstance(exc, InputError) else exc.exit_code
    except KeyboardInterrupt:
        print("consent-audit: interrupted; what was recorded so far is kept", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`| head`): not an error, and nothing more to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_CLEAN
    except Exception as exc:  # a bug: say so in one line, keep the traceback for --debug
        if args.debug:
            raise
        print(f"consent-audit: internal error: {type(exc).__name__}: {exc} (rerun with --debug for details)",
              file=sys.stderr)
        return EXIT_BUG


if __name__ == "__main__":
    sys.exit(main())
