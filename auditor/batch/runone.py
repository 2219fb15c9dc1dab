"""`consent-audit run-one`: one app into one run directory, and one word on how it ended.

Whatever the app did (findings, a crash, an exit as soon as it saw Frida, an APK the device refused, a scenario it
did not allow) is the result of its audit: recorded, exit 0. A device or host that failed (offline, frida-server
mismatch, disk full) is exit 75: try again elsewhere. A bug of this tool is exit 1: no retry. A result record
(JobResult JSON) says which, with the verdict and findings, for the scheduler and the batch index.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from auditor.batch.jobs import RUN, JobResult, now_iso
from auditor.outcomes import Classification, classify_exception, classify_run


@dataclass
class RunOneRequest:
    target: str
    scenario: Path
    out: Path
    result: Path | None = None
    env: dict[str, str] = field(default_factory=dict)
    key: str = ""
    category: str | None = None
    packs: list[str] | None = None
    lang: str = "en"
    formats: str = "html,json,junit,csv"
    permission_policy: str | None = None
    config: Path | None = None
    """The rule settings file (--config); None: the sandbox app folder's consent-audit.yaml, if any."""
    reveal: bool = False
    android: object = None
    """AndroidOptions of an android: target."""


class Terminated(KeyboardInterrupt):
    """SIGTERM (the scheduler's hard timeout, a worker shutting down): end the audit as an interruption does, so the
    run directory is sealed with what it recorded."""


def die_with_parent() -> None:
    """End this process when the scheduler that started it dies (Linux PR_SET_PDEATHSIG), so that no audit runs on
    with nobody to record its end. The parent's pid comes from the environment: if it is already gone, end now."""
    expected = os.environ.get("CONSENT_AUDIT_PARENT_PID")
    if not expected or not sys.platform.startswith("linux"):
        return
    import ctypes

    pr_set_pdeathsig = 1
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    except OSError:
        return
    if str(os.getppid()) != expected:
        os._exit(75)


def run_one(request: RunOneRequest) -> tuple[Classification, JobResult]:
    """Audit one app; returns how it ended and the result record (also written to `request.result`). Raises only
    usage errors found before anything ran (a scenario that does not load, a run directory that exists)."""
    from auditor.analysis import analyse_run
    from auditor.audit import AuditOptions, run_audit
    from auditor.commands.audit import settings_path
    from auditor.devices import open_backend
    from auditor.errors import InputError
    from auditor.report import parse_formats, write_reports
    from auditor.rules import select_rules
    from auditor.rules.settings import load_settings
    from auditor.scenario import RunnerOptions, load_scenario
    from auditor.store import read_run

    select_rules(request.packs)
    formats = parse_formats(request.formats)
    config = settings_path(request.config, request.target)
    settings = load_settings(config, request.category)
    scenario = load_scenario(request.scenario, env=request.env)
    if request.out.exists() and any(request.out.iterdir()):
        raise InputError("run directory already exists and is not empty", where=str(request.out))
    policy = request.permission_policy or scenario.permission_policy or "deny"
    started_at, started = now_iso(), time.monotonic()
    result = JobResult(key=request.key, target=request.target, package=request.target.partition(":")[2],
                       scenario=scenario.name, category=settings.category, kind="app", reason="",
                       verdict="not-audited", started_at=started_at)

    def finish(outcome: Classification) -> tuple[Classification, JobResult]:
        result.kind, result.reason, result.message = outcome.kind, outcome.reason, outcome.message
        result.duration_s = round(time.monotonic() - started, 3)
        if request.result is not None:
            from auditor.store import write_json_atomically

            request.result.parent.mkdir(parents=True, exist_ok=True)
            write_json_atomically(request.result, result.model_dump(mode="json"))
        return outcome, result

    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        try:
            backend = open_backend(request.target, android=request.android)  # type: ignore[arg-type]
            app = backend.app_info()
        except BaseException as exc:  # noqa: BLE001 - every end is classified; nothing escapes unexplained
            return finish(classify_exception(exc, opening_app=True))
        result.package, result.label, result.version_code = app.package, app.label, app.version_code
        try:
            outcome = run_audit(backend, scenario, request.out, target=request.target,
                                options=AuditOptions(packs=request.packs, category=settings.category, settings_file=config,
                                                 runner=RunnerOptions(permission_policy=policy)))  # type: ignore[arg-type]
        except BaseException as exc:  # noqa: BLE001 - classified; the run directory was sealed by run_audit
            if request.out.exists():
                result.run = RUN
            return finish(classify_exception(exc))
        finally:
            backend.close()
        result.run = RUN
        try:
            run = read_run(request.out)
            analysis = analyse_run(run, request.packs, settings=settings)
            paths = write_reports(analysis, lang=request.lang, reveal=request.reveal, formats=formats)  # type: ignore[arg-type]
        except BaseException as exc:  # noqa: BLE001 - the audit is recorded; failing to judge it is ours
            return finish(classify_exception(exc))
        findings = analysis.analysis.active_findings
        result.findings = len(findings)
        result.findings_by_rule = dict(sorted(Counter(f.rule for f in findings).items()))
        result.findings_by_severity = dict(sorted(Counter(str(f.severity) for f in findings).items()))
        result.sdks = sorted({group.caller.sdk for group in analysis.timeline.groups
                              if group.caller.origin == "sdk" and group.caller.sdk})
        result.verdict = "findings" if findings else "clean"
        result.report = f"{RUN}/{paths.html.name}" if paths.html is not None else None
        result.manifest_sha256 = paths.integrity.manifest_sha256
        ends = [(m.reason, m.crash or "") for m in run.markers if m.kind == "process-end"
                and m.reason != "killed"]
        return finish(classify_run(outcome.status, outcome.message, ends))
    finally:
        signal.signal(signal.SIGTERM, previous)


def _raise_terminated(_number: int, _frame: FrameType | None) -> None:
    raise Terminated()
