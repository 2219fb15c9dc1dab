"""Batch auditing: `run-one` (one app, one run directory, exit 0 / 75 / 1), `batch` (an app list on a device pool or
through a broker, resumable) and `worker` (a Celery worker for one device). See docs/batch.md."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from auditor.cli import Command
from auditor.commands.devices import add_server_arguments
from auditor.commands.scenario import add_env_argument


def _add_analysis_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rules", metavar="PACKS", help="comma-separated rule packs to run (default: all)")
    parser.add_argument("--lang", choices=["en", "zh"], default="en", help="report language (default: en)")
    parser.add_argument("--formats", default="html,json,junit,csv", metavar="LIST",
                        help="derived files of each run: html, json, junit, csv (default: all)")
    parser.add_argument("--config", type=Path, metavar="FILE",
                        help="rule settings YAML for every app (docs/rules.md); default for a sandbox app: its "
                             "folder's consent-audit.yaml, if any")
    parser.add_argument("--reveal", action="store_true",
                        help="show personal-information values unmasked in each report.html and events.csv")


def _analysis_arguments(args: argparse.Namespace) -> list[str]:
    """What `batch` hands every `run-one` of the judging: the same for every app of the list."""
    forwarded = ["--lang", args.lang, "--formats", args.formats]
    if args.rules:
        forwarded += ["--rules", args.rules]
    if args.config is not None:
        forwarded += ["--config", str(Path(args.config).resolve())]  # a worker may run elsewhere than here
    return forwarded + (["--reveal"] if args.reveal else [])


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number")
    return value


class RunOneCommand(Command):
    name = "run-one"
    help = ("audit one app into one run directory for a scheduler: exit 0 when the audit is done whatever the app "
            "did, 75 when the device or host failed (retry elsewhere), 1 for a bug of this tool")

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--target", required=True, help="sandbox:PATH or android:PACKAGE")
        parser.add_argument("--scenario", required=True, metavar="FILE_OR_NAME",
                            help="scenario YAML file, or a built-in scenario by name")
        parser.add_argument("--out", type=Path, required=True, help="run directory to create")
        parser.add_argument("--result", type=Path, metavar="FILE",
                            help="write the result record (JSON: outcome, verdict, findings by rule) here")
        parser.add_argument("--job-key", default="", help="the batch job's key, kept in the result record")
        parser.add_argument("--category", help="the app's category (enables the necessary-information rule)")
        parser.add_argument("--permission-policy", choices=["deny", "allow", "fail"])
        add_env_argument(parser)
        _add_analysis_arguments(parser)
        group = parser.add_argument_group("Android targets")
        group.add_argument("--serial", help="the device: adb serial or HOST:PORT")
        group.add_argument("--apk", type=Path, metavar="FILE", help="install this APK for the audit")
        add_server_arguments(group)

    def run(self, args: argparse.Namespace) -> int:
        from auditor.batch.runone import RunOneRequest, die_with_parent, run_one
        from auditor.commands.devices import android_options
        from auditor.errors import AuditError
        from auditor.outcomes import EXIT_INFRASTRUCTURE, EXIT_TOOL_BUG
        from auditor.scenario.loader import resolve_scenario

        die_with_parent()
        args.reinstall = False
        request = RunOneRequest(
            target=args.target, scenario=resolve_scenario(args.scenario), out=args.out, result=args.result,
            env=dict(args.env), key=args.job_key, category=args.category,
            packs=[p.strip() for p in args.rules.split(",") if p.strip()] if args.rules else None,
            lang=args.lang, formats=args.formats, permission_policy=args.permission_policy,
            config=args.config, reveal=args.reveal, android=android_options(args) if args.target.startswith("android:") else None,
        )
        try:
            outcome, result = run_one(request)
        except AuditError:
            raise  # a usage error found before anything ran: exit 2
        except KeyboardInterrupt:
            print("consent-audit: run-one interrupted before the audit started", file=sys.stderr)
            return EXIT_INFRASTRUCTURE
        except Exception as exc:  # noqa: BLE001 - a bug of this tool: exit 1, never the CLI's generic 70
            print(f"consent-audit: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
            return EXIT_TOOL_BUG
        verdict = f", {result.verdict}" + (f" ({result.findings} finding(s))" if result.findings else "")
        print(f"{outcome.kind}: {outcome.reason}{verdict if result.run else ''}"
              + (f": {outcome.message}" if outcome.message else ""), file=sys.stderr)
        return outcome.exit_code


class BatchCommand(Command):
    name = "batch"
    help = "audit every app of a list (CSV or YAML) on a pool of devices, or through a Celery broker; resumable"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("app_list", type=Path, metavar="APP_LIST", help="the apps: a .csv or .yaml file")
        parser.add_argument("--out", required=True, metavar="DIR|s3://BUCKET/PREFIX",
                            help="the batch's folder, or an S3-compatible store: one result per app, index.html, "
                                 "batch.json, junit.xml")
        parser.add_argument("--resume", action="store_true",
                            help="continue the batch in --out: done apps are skipped, unfinished ones run again")
        parser.add_argument("--scenario", metavar="FILE_OR_NAME",
                            help="scenario for apps whose row names none (a sandbox app may bring its own)")
        add_env_argument(parser)
        where = parser.add_mutually_exclusive_group()
        where.add_argument("--devices", metavar="all|SERIAL,...|sandbox:N",
                           help="the local pool's devices: every attached Android device (all, the default), "
                                "these adb serials (HOST:PORT for remote ones), or N sandbox slots")
        where.add_argument("--broker", metavar="redis://HOST:PORT/DB",
                           help="submit to `consent-audit worker`s through this Redis broker instead, and wait")
        parser.add_argument("--max-attempts", type=_positive, default=3,
                            help="attempts per app when they fail for infrastructure (default: 3)")
        parser.add_argument("--poison-after", type=_positive, default=3,
                            help="an app whose audit took its worker down (timeout, killed) this often is not "
                                 "tried again, across resumes too (default: 3)")
        parser.add_argument("--quarantine-after", type=_positive, default=3,
                            help="a device failing this many times in a row is set aside (default: 3)")
        parser.add_argument("--timeout", type=float, metavar="SECONDS",
                            help="hard limit of one audit (default: sized from each app's scenario)")
        parser.add_argument("--visibility-timeout", type=float, metavar="SECONDS",
                            help="with --broker: the broker's visibility timeout, as the workers have it "
                                 "(default: 10800)")
        parser.add_argument("--no-worker-timeout", type=float, default=300.0, metavar="SECONDS",
                            help="with --broker: stop waiting when no worker has answered for this long; the "
                                 "apps not done are left to --resume (default: 300)")
        _add_analysis_arguments(parser)
        add_server_arguments(parser.add_argument_group("Android devices (local pool)"))

    def run(self, args: argparse.Namespace) -> int:
        from auditor.batch.devices import server_arguments
        from auditor.batch.pool import PoolSettings
        from auditor.batch.progress import Progress
        from auditor.batch.session import BatchOptions, run_batch, summary_lines
        from auditor.errors import AuditError, InputError
        from auditor.outcomes import EXIT_INFRASTRUCTURE
        from auditor.report import parse_formats

        parse_formats(args.formats)
        if args.config is not None:
            from auditor.rules.settings import load_settings

            load_settings(args.config)  # a bad settings file is one usage error now, not a failure of every app
        options = BatchOptions(
            app_list=args.app_list, out=args.out, devices=args.devices, broker=args.broker, resume=args.resume,
            scenario=args.scenario, env=dict(args.env),
            pool=PoolSettings(max_attempts=args.max_attempts, poison_after=args.poison_after,
                              quarantine_after=args.quarantine_after, analysis_args=_analysis_arguments(args),
                              time_limit_s=args.timeout),
            visibility_timeout=args.visibility_timeout, no_worker_timeout=args.no_worker_timeout,
            android_arguments=server_arguments(args.frida_server_name, args.frida_port, args.no_server_setup),
        )
        try:
            report = run_batch(options, Progress())
        except AuditError as exc:
            if isinstance(exc, InputError):
                raise
            # No device, no broker: nothing was lost, and the same command later (with --resume) goes on.
            print(f"consent-audit: error: {exc}", file=sys.stderr)
            return EXIT_INFRASTRUCTURE
        for line in summary_lines(report):
            print(line)
        return report.exit_code


class WorkerCommand(Command):
    name = "worker"
    help = "run a Celery worker for one device: it takes batch jobs from the broker one at a time"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--device", required=True, metavar="SERIAL|sandbox[:NAME]",
                            help="the device this worker audits on: an adb serial (HOST:PORT for a remote one) or "
                                 "a sandbox slot of this host")
        parser.add_argument("--broker", required=True, metavar="redis://HOST:PORT/DB")
        parser.add_argument("--output", type=Path, metavar="DIR",
                            help="where this host mounts the batches' shared output folder, when not at the path "
                                 "the batch was given (an s3:// output is reached as it is)")
        parser.add_argument("--quarantine-after", type=_positive, default=3,
                            help="quarantine the device and stop the worker after this many infrastructure "
                                 "failures in a row (default: 3)")
        parser.add_argument("--visibility-timeout", type=float, metavar="SECONDS",
                            help="the broker's visibility timeout; above every job's time limit (default: 10800)")
        parser.add_argument("--loglevel", default="INFO", help="Celery's log level (default: INFO)")
        add_server_arguments(parser.add_argument_group("Android devices"))

    def run(self, args: argparse.Namespace) -> int:
        import os

        from auditor.batch import distributed
        from auditor.batch.devices import AndroidSlot, DeviceSlot, SandboxSlot, server_arguments
        from auditor.errors import InputError

        device = args.device.strip()
        slot: DeviceSlot
        if device == "sandbox" or device.startswith("sandbox:"):
            label = device.partition(":")[2] or f"{os.uname().nodename}-{os.getpid()}"
            slot = SandboxSlot(f"sandbox-{label}")
        elif device and "," not in device and device != "all":
            slot = AndroidSlot(device, server_arguments=server_arguments(
                args.frida_server_name, args.frida_port, args.no_server_setup))
        else:
            raise InputError(f"--device {device!r}: one device per worker (an adb serial or sandbox[:NAME])")
        visibility = args.visibility_timeout or distributed.DEFAULT_VISIBILITY_TIMEOUT_S
        app = distributed.make_app(args.broker, visibility_timeout=visibility)
        distributed.check_broker(app)
        distributed.WORKER = distributed.WorkerContext(slot, args.output, args.quarantine_after)
        print(f"consent-audit worker for device {slot.name} on {args.broker}", file=sys.stderr, flush=True)
        app.worker_main([
            "worker", "--pool=prefork", "--concurrency=1", "--prefetch-multiplier=1", "-Q", distributed.QUEUE,
            "-n", f"{slot.name}@%h", f"--loglevel={args.loglevel}", "--without-gossip", "--without-mingle",
        ])
        return 0


COMMANDS: list[type[Command]] = [RunOneCommand, BatchCommand, WorkerCommand]
