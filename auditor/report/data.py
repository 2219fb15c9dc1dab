"""Everything the report shows, computed from a `RunAnalysis` into plain dataclasses before any markup exists.

The template only lays these out. Every string in them is already in the report's language, and every string
that came from the run (texts the app put on screen, stack frames, process names...) is plain text: the template
escapes it, nothing here produces markup.
"""

from __future__ import annotations

import base64
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import ClassVar

from auditor import __version__
from auditor.analysis import RunAnalysis
from auditor.describe import describe_caller, describe_marker
from auditor.models import (
    SEVERITY_ORDER,
    Caller,
    CatalogEntry,
    ConsentDecision,
    CoverageRecord,
    Finding,
    HookEvent,
    Marker,
    PermissionDecision,
    ProcessEnded,
    ProcessStarted,
    RunEnded,
    RunStarted,
    StepEnded,
    Text,
)
from auditor.report import wording
from auditor.report.checklist import MANUAL_CHECKS
from auditor.report.flagged import FlaggedCalls, distinct_calls
from auditor.report.picture import TimelinePicture, build_picture
from auditor.report.wording import Lang
from auditor.rules import Rule, all_rules
from auditor.store import Verification
from auditor.timeline import Call, CallGroup, Judged, calls_in_order

# Markers that say the scenario could not find or use the privacy dialog: the reader must see them.
_DIALOG_TROUBLE = frozenset({"consent-dialog-missing", "consent-refusal-unavailable"})

# What a run may hold as a screenshot, by file suffix: sandbox and device write PNG; older sandbox runs hold SVG.
IMAGE_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}

EVENT_IDS_SHOWN = 20
"""A finding lists this many event ids; findings.json has them all (a finding may count a million calls)."""


@dataclass(frozen=True)
class RunEnd:
    status: str
    """The RunEnded marker's status, or `missing` when the run has none (it was cut off)."""
    text: str
    message: str
    ok: bool


@dataclass(frozen=True)
class Header:
    app_label: str
    package: str
    version: str
    target: str
    backend: str
    device: str
    android_version: str
    tool_version: str
    frida_version: str
    scenario_name: str
    scenario_path: str
    scenario_sha256: str
    run_id: str
    started_at: str
    run_end: RunEnd
    integrity: Integrity


@dataclass(frozen=True)
class Integrity:
    """The run directory checked against its manifest when the report was made."""

    checked: bool
    manifest_sha256: str
    """Empty when the run has no manifest (or it was not checked)."""
    intact: bool
    text: str
    """`intact: 47 files match`, or what differs."""


@dataclass(frozen=True)
class HeadlineCaller:
    name: str
    data: list[str]
    """What it read against the user's decision, most calls first: `Android ID ×3`."""


@dataclass(frozen=True)
class HeadlinePhase:
    """One line of the verdict's answer: in this phase, these callers read these data."""

    phase: str
    phase_text: str
    callers: list[HeadlineCaller]


@dataclass(frozen=True)
class SeverityCount:
    severity: str
    label: str
    findings: int


@dataclass(frozen=True)
class RuleCount:
    rule: str
    title: str
    severity: str
    severity_label: str
    findings: int
    calls: int


@dataclass(frozen=True)
class CallerCount:
    name: str
    detail: str
    """Vendor and package prefix, when known."""
    origin: str
    findings: int
    calls: int


@dataclass(frozen=True)
class Verdict:
    findings: int
    calls: int
    """Distinct calls the findings rest on (a call judged by two rules counts once)."""
    by_severity: list[SeverityCount]
    by_rule: list[RuleCount]
    by_caller: list[CallerCount]
    rules_run: list[str]
    evidence_complete: bool
    """False when the run was cut off, failed, or left records unread: absent findings then prove nothing."""
    headline: list[HeadlinePhase]
    suppressed: int
    """Findings the rule settings accept: shown apart, not counted above."""


@dataclass(frozen=True)
class Bilingual:
    """A text in the report's language, with the other language alongside for the reader who needs it."""

    text: str
    other: str
    other_lang: str
    """The other text's `lang` attribute value."""


@dataclass(frozen=True)
class CallerView:
    origin: str
    origin_text: str
    name: str
    sdk: str
    vendor: str
    package: str
    frame: str


@dataclass(frozen=True)
class Screenshot:
    path: str
    """Run-dir-relative path of the file, as recorded."""
    data_uri: str
    """The file itself, base64: the report is one file that still shows it when mailed."""


@dataclass(frozen=True)
class Frame:
    text: str
    attributing: bool
    """The frame the caller was attributed from."""


@dataclass(frozen=True)
class Stack:
    event_id: str
    thread: str
    frames: list[Frame]


@dataclass(frozen=True)
class ValueView:
    position: str
    """`this`, `arg0`..., `return`."""
    type: str
    text: str
    masked: bool
    """The value is personal information and `text` is its masked form."""
    revealed: bool
    """The value is personal information and `text` is the unmasked value (--reveal)."""


@dataclass(frozen=True)
class Outcome:
    text: str
    count: int
    blocked: bool
    """The call ended in an exception (the platform refused it, or it failed)."""


@dataclass(frozen=True)
class FindingView:
    id: str
    anchor: str
    rule: str
    title: Bilingual
    severity: str
    severity_label: str
    explanation: str
    api: str
    entry: str
    data: str
    data_description: str
    pi_type: str
    permissions: list[str]
    caller: CallerView | None
    phase: str
    phase_text: str
    timing: str
    """The first call against the user decision: `+3.2 s after the user denied ...`, or why there is none."""
    count: int
    first: str
    last: str
    outcomes: list[Outcome]
    screenshot: Screenshot | None
    screenshot_problem: str
    stack: Stack | None
    event_ids: list[str]
    """The first EVENT_IDS_SHOWN."""
    more_events: int
    values: list[ValueView]
    subject: str
    detail: str
    suppressed: str
    """Why the rule settings accept this finding; empty for a finding that counts."""
    clauses: list[str]
    remediation: str


@dataclass(frozen=True)
class MarkerRow:
    """A record of the run on the timeline: a user decision, a step, a launch, a process start or end..."""

    row: ClassVar[str] = "marker"
    at: str
    kind: str
    text: str
    step: str
    decision: bool
    problem: bool


@dataclass(frozen=True)
class CallsRow:
    """Calls of one API by one caller in one phase, between two records of the run."""

    row: ClassVar[str] = "calls"
    at: str
    until: str
    data: str
    api: str
    caller: str
    phase: str
    phase_text: str
    count: int
    outcomes: list[Outcome]
    finding: str
    """Anchor of the finding these calls are evidence of, or empty."""


TimelineRow = MarkerRow | CallsRow


@dataclass(frozen=True)
class PhaseRow:
    phase: str
    phase_text: str
    calls: int
    data: list[str]
    """`Android ID ×3`, most frequent first."""
    callers: list[str]
    first: str
    last: str


@dataclass(frozen=True)
class InstalledHookRow:
    entry: str
    api: str
    signatures: list[str]


@dataclass(frozen=True)
class FailedHookRow:
    entry: str
    api: str
    signature: str
    error: str


@dataclass(frozen=True)
class ProcessCoverage:
    pid: int
    process: str
    at: str
    installed: list[InstalledHookRow]
    failed: list[FailedHookRow]
    unreported: list[str]
    """Catalog entries the agent reported neither installed nor failed in this process."""
    pending: list[str]
    """App-bundled classes no class loader had brought by the end (`entry (class)`): their calls could not happen."""
    absent: list[FailedHookRow]
    """Hooks for functions this platform does not have (bionic's system properties on a desktop JVM): not a gap."""


@dataclass(frozen=True)
class Problem:
    source: str
    source_text: str
    message: str


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    title: str
    how: str
    basis: list[str]


@dataclass(frozen=True)
class NotEvaluated:
    rule: str
    reason: str


@dataclass(frozen=True)
class ReportData:
    lang: Lang
    html_lang: str
    generator_version: str
    revealed: bool
    """Personal-information values are shown unmasked (--reveal)."""
    header: Header
    verdict: Verdict
    findings: list[FindingView]
    """Findings that count, most severe first."""
    suppressed: list[FindingView]
    picture: TimelinePicture
    timeline: list[TimelineRow]
    phases: list[PhaseRow]
    coverage: list[ProcessCoverage]
    checklist: list[ChecklistItem]
    not_evaluated: list[NotEvaluated]
    problems: list[Problem]


def build_report(result: RunAnalysis, lang: Lang = "en", *, reveal: bool = False,
                 integrity: Verification | None = None) -> ReportData:
    """The report's content for `result`, in `lang`. Reads the screenshots it embeds; writes nothing.

    `reveal` shows personal-information values unmasked; `integrity` is the run directory checked against its
    manifest (`store.verify_run`), shown in the header (None: not checked)."""
    return _ReportBuilder(result, lang, reveal, integrity).build()


class _ReportBuilder:
    def __init__(self, result: RunAnalysis, lang: Lang, reveal: bool = False,
                 integrity: Verification | None = None) -> None:
        self.result = result
        self.run = result.run
        self.lang: Lang = lang
        self.reveal = reveal
        self.verification = integrity
        self.caller_names: dict[tuple[str, str | None, str | None, str | None], str] = {}
        self.rules: dict[str, Rule] = {r.id: r for r in all_rules()}
        self.evidence = _evidence(result)
        self.calls: dict[str, Call] = {f.event_ids[0]: self.evidence[f.id][0].calls[0]
                                       for f in result.analysis.findings if self.evidence.get(f.id)}
        self.events: dict[str, HookEvent] = {event_id: call.event for event_id, call in self.calls.items()}
        self.marker_index: dict[int, int] = {m.seq: i for i, m in enumerate(result.timeline.markers)}
        self.start = _run_start(self.run.markers, self.run.events)
        self.problems: list[Problem] = []
        self.screenshots: dict[str, Screenshot | str] = {}
        # Which finding each call is evidence of, so that the timeline can point at it (a call of two findings
        # points at the first).
        active = self.active
        self.flagged = FlaggedCalls(result.timeline.groups, active, self.evidence, {f.id: _anchor(f) for f in active})

    @property
    def active(self) -> list[Finding]:
        return [f for f in self.result.analysis.findings if f.suppressed is None]

    def caller_name(self, caller: Caller) -> str:
        """`The SDK Umeng (Alibaba)`, computed once per caller: a run may have a million calls and a few callers."""
        key = (caller.origin, caller.sdk, caller.package, caller.vendor)
        name = self.caller_names.get(key)
        if name is None:
            name = self.caller_names[key] = _sentence(self.text(describe_caller(caller)))
        return name

    def text(self, text: Text) -> str:
        return text.get(self.lang)

    def at(self, ts: float) -> str:
        return wording.offset(ts - self.start, self.lang)

    def problem(self, source: str, message: Text | str) -> None:
        text = message if isinstance(message, str) else self.text(message)
        self.problems.append(Problem(source, wording.problem_source_text(source, self.lang), text))

    def build(self) -> ReportData:
        # Problems are gathered while the sections are built: the run end first, then what each section finds.
        run_end = self.run_end()
        if not run_end.ok:
            colon = wording.LABELS["colon"].get(self.lang)
            message = f"{run_end.text}{colon}{run_end.message}" if run_end.message else run_end.text
            self.problem("run-end", message)
        for line in self.run.problems:
            self.problem("run-data", line)
        for failure in self.result.analysis.failures:
            self.problem("rule", f"{failure.rule}: {failure.error}")
        integrity = self.integrity()
        findings = [self.finding(f) for f in self.result.analysis.findings]
        groups = _aggregate(self.result.timeline.groups, self.flagged)
        timeline = self.timeline(groups)
        phases = self.phases(groups)
        coverage = self.coverage()
        self.missing_stacks()
        self.unknown_entries()
        verdict = self.verdict()  # last: it says whether any problem makes the evidence incomplete
        return ReportData(
            lang=self.lang,
            html_lang=wording.html_lang(self.lang),
            generator_version=__version__,
            revealed=self.reveal,
            header=self.header(run_end, integrity),
            verdict=verdict,
            findings=[f for f in findings if not f.suppressed],
            suppressed=[f for f in findings if f.suppressed],
            picture=build_picture(self.result.timeline, self.start, self.flagged, self.lang),
            timeline=timeline,
            phases=phases,
            coverage=coverage,
            checklist=[ChecklistItem(c.id, self.text(c.title), self.text(c.how), list(c.basis))
                       for c in MANUAL_CHECKS],
            not_evaluated=[NotEvaluated(rule, reason)
                           for rule, reason in sorted(self.result.analysis.not_evaluated.items())],
            problems=self.problems,
        )

    def integrity(self) -> Integrity:
        checked = self.verification
        if checked is None:
            return Integrity(False, "", False, wording.LABELS["integrity_not_checked"].get(self.lang))
        digest = checked.manifest_sha256 or ""
        if checked.intact:
            count = checked.evidence_files
            text = Text(en=f"intact: the {count} recorded files match the manifest",
                        zh=f"完整：{count} 个记录文件均与清单一致")
            return Integrity(True, digest, True, self.text(text))
        differences = _differences(checked)
        self.problem("integrity", differences)
        return Integrity(True, digest, False, self.text(differences))

    # ---------------------------------------------------------------------------------------------- header

    def run_end(self) -> RunEnd:
        ended = next((m for m in reversed(self.run.markers) if isinstance(m, RunEnded)), None)
        status = ended.status if ended else "missing"
        return RunEnd(status, wording.run_end_text(status, self.lang), ended.message if ended else "",
                      ok=status == "completed")

    def header(self, run_end: RunEnd, integrity: Integrity) -> Header:
        meta = self.run.meta
        app = meta.app
        version = app.version_name
        if app.version_code is not None:
            version = f"{version} ({app.version_code})" if version else str(app.version_code)
        device = meta.device
        api_level = f"API {device.api_level}" if device.api_level is not None else ""
        android = f"Android {device.android_version}" if device.android_version else ""
        device_text = ", ".join(p for p in (device.model, device.abi, device.runtime, device.serial) if p)
        android_version = " · ".join(p for p in (android, api_level) if p)
        return Header(
            app_label=app.label,
            package=app.package,
            version=version,
            target=meta.target,
            backend=device.backend,
            device=device_text,
            android_version=android_version,
            tool_version=meta.tool_version,
            frida_version=meta.frida_version,
            scenario_name=meta.scenario.name,
            scenario_path=meta.scenario.path,
            scenario_sha256=meta.scenario.sha256,
            run_id=meta.run_id,
            started_at=meta.started_at,
            run_end=run_end,
            integrity=integrity,
        )

    def verdict(self) -> Verdict:
        findings = self.active
        severities = Counter(f.severity for f in findings)
        by_severity = [
            SeverityCount(s, wording.severity_text(s, self.lang), severities[s])
            for s in sorted(severities, key=SEVERITY_ORDER.__getitem__)
        ]
        rule_groups: dict[str, list[Finding]] = {}
        caller_groups: dict[str, list[Finding]] = {}
        for finding in findings:
            rule_groups.setdefault(finding.rule, []).append(finding)
            key = (finding.caller.sdk or finding.caller.origin) if finding.caller else ""
            caller_groups.setdefault(key, []).append(finding)
        by_rule = [
            RuleCount(rule, self.text(group[0].title), group[0].severity,
                      wording.severity_text(group[0].severity, self.lang), len(group), sum(f.count for f in group))
            for rule, group in rule_groups.items()
        ]
        by_caller = []
        for group in caller_groups.values():
            caller = group[0].caller or Caller(origin="unknown")
            detail = " · ".join(p for p in (caller.vendor, caller.package) if p)
            # A finding without a caller is about what the app showed (a dialog, a request), not about a call.
            name = self.caller_name(caller) if group[0].caller else wording.LABELS["interface_caller"].get(self.lang)
            by_caller.append(CallerCount(name, detail, caller.origin, len(group), self.calls_in(group)))
        by_caller.sort(key=lambda c: (-c.findings, -c.calls, c.name))
        return Verdict(
            findings=len(findings),
            calls=self.calls_in(findings),
            by_severity=by_severity,
            by_rule=by_rule,
            by_caller=by_caller,
            rules_run=list(self.result.analysis.rules_run),
            evidence_complete=not self.problems,
            headline=self.headline(findings),
            suppressed=len(self.result.analysis.findings) - len(findings),
        )

    def headline(self, findings: Sequence[Finding]) -> list[HeadlinePhase]:
        """The answer to "what did the app read against my decision, and who": per phase, per caller, the data."""
        grouped: dict[str, dict[str, dict[str, list[Finding]]]] = {}
        for finding in findings:
            if finding.caller is None or finding.data is None or finding.pi_type is None:
                continue  # not a read of personal information (a dialog, a request): it is in the tables below
            callers = grouped.setdefault(finding.phase, {})
            data = callers.setdefault(self.caller_name(finding.caller), {})
            data.setdefault(self.text(finding.data), []).append(finding)
        # Several rules may judge the same read (a Chinese and a European rule): a read is counted once.
        phases = {phase: {caller: Counter({name: self.calls_in(group) for name, group in data.items()})
                          for caller, data in callers.items()}
                  for phase, callers in grouped.items()}
        return [
            HeadlinePhase(
                phase=phase,
                phase_text=_capitalised(wording.phase_text(phase, self.lang)),
                callers=[HeadlineCaller(name, [f"{data} ×{count}" for data, count in _most_common(data_counts)])
                         for name, data_counts in sorted(callers.items(), key=lambda item: -sum(item[1].values()))],
            )
            for phase, callers in sorted(phases.items(), key=lambda item: _phase_rank(item[0]))
        ]

    # ---------------------------------------------------------------------------------------------- findings

    def finding(self, finding: Finding) -> FindingView:
        rule = self.rules.get(finding.rule)
        other = wording.other_lang(self.lang)
        entry = self.result.catalog.get(finding.entry) if finding.entry else None
        first_event = self.events.get(finding.event_ids[0]) if finding.event_ids else None
        if finding.event_ids and first_event is None:
            self.problem("evidence", Text(
                en=f"finding {finding.id}: event {finding.event_ids[0]} is not in the run's events",
                zh=f"问题 {finding.id}：运行记录中没有事件 {finding.event_ids[0]}",
            ))
        screenshot, screenshot_problem = self.screenshot(finding.screenshot)
        detail = self.text(finding.detail) if finding.detail else ""
        return FindingView(
            id=finding.id,
            anchor=_anchor(finding),
            rule=finding.rule,
            title=Bilingual(finding.title.get(self.lang), finding.title.get(other), wording.html_lang(other)),
            severity=finding.severity,
            severity_label=wording.severity_text(finding.severity, self.lang),
            explanation=_sentence(self.text(finding.explanation)),
            api=finding.api or "",
            entry=finding.entry or "",
            data=self.text(finding.data) if finding.data else "",
            data_description=self.text(entry.description) if entry else "",
            pi_type=finding.pi_type.value if finding.pi_type else "",
            permissions=list(entry.permissions) if entry else [],
            caller=self.caller(finding.caller) if finding.caller else None,
            phase=finding.phase,
            phase_text=wording.phase_text(finding.phase, self.lang),
            timing=self.timing(finding),
            count=finding.count,
            first=self.at(finding.first_ts),
            last=self.at(finding.last_ts),
            outcomes=self.outcomes(Counter(finding.outcomes)),
            screenshot=screenshot,
            screenshot_problem=screenshot_problem,
            stack=self.stack(first_event, finding.caller) if first_event else None,
            event_ids=list(finding.event_ids[:EVENT_IDS_SHOWN]),
            more_events=max(len(finding.event_ids) - EVENT_IDS_SHOWN, 0),
            values=self.values(first_event, entry) if first_event else [],
            subject=finding.subject or "",
            detail=detail,
            suppressed=finding.suppressed or "",
            clauses=list(rule.clauses) if rule else [],
            remediation=_capitalised(rule.section("Remediation")) if rule else "",
        )

    def values(self, event: HookEvent, entry: CatalogEntry | None) -> list[ValueView]:
        """What the call passed and got back, masked where it is personal information unless revealing."""
        shown = []
        for position, value in event.values():
            reveal = self.reveal and value.masked and value.raw is not None
            shown.append(ValueView(position, value.type, value.raw if reveal and value.raw is not None else value.text,
                                   masked=value.masked and not reveal, revealed=reveal))
        return shown

    def caller(self, caller: Caller) -> CallerView:
        return CallerView(
            origin=caller.origin,
            origin_text=wording.origin_text(caller.origin, self.lang),
            name=self.caller_name(caller),
            sdk=caller.sdk or "",
            vendor=caller.vendor or "",
            package=caller.package or "",
            frame=caller.frame or "",
        )

    def timing(self, finding: Finding) -> str:
        decision = finding.decision
        if decision is None:
            return wording.without_decision(finding.phase, self.lang)
        call = self.calls.get(finding.event_ids[0]) if finding.event_ids else None
        index = self.marker_index.get(decision.marker_seq)
        if call is not None and index is not None:
            after = index < call.markers_before
        else:  # the call or the marker is not on the timeline: device time is the best evidence left
            after = finding.first_ts >= decision.ts
        return wording.relative_to_decision(finding.first_ts, decision, after, self.lang)

    def outcomes(self, counts: Counter[str]) -> list[Outcome]:
        ordered = sorted(counts.items(), key=lambda item: (item[0] != wording.RETURNED, -item[1], item[0]))
        return [Outcome(wording.outcome_text(outcome, self.lang), count, outcome != wording.RETURNED)
                for outcome, count in ordered]

    def screenshot(self, relative: str | None) -> tuple[Screenshot | None, str]:
        """The screenshot embedded, or why it cannot be (also listed under Problems, once per file)."""
        if relative is None:
            return None, ""
        if relative not in self.screenshots:
            loaded = _load_image(self.run.directory, relative)
            if isinstance(loaded, Text):
                self.problem("evidence", loaded)
                self.screenshots[relative] = self.text(loaded)
            else:
                self.screenshots[relative] = loaded
        cached = self.screenshots[relative]
        return (None, cached) if isinstance(cached, str) else (cached, "")

    def stack(self, event: HookEvent, caller: Caller | None) -> Stack | None:
        if event.stack is None:
            return None
        frames = self.run.stacks.get(event.stack)
        if frames is None:  # listed under Problems by missing_stacks()
            return None
        attributing = caller.frame if caller else None
        return Stack(event.id, event.thread, [Frame(f, f == attributing) for f in frames])

    # ---------------------------------------------------------------------------------------------- timeline

    def timeline(self, groups: _Groups) -> list[TimelineRow]:
        markers = self.result.timeline.markers
        segments: dict[int, list[_CallGroup]] = {}
        for (markers_before, *_), group in groups.rows.items():
            segments.setdefault(markers_before, []).append(group)
        rows: list[TimelineRow] = []
        for index in range(len(markers) + 1):
            rows.extend(self.calls_row(group) for group in segments.get(index, []))
            if index < len(markers):
                rows.append(self.marker_row(markers[index]))
        return rows

    def marker_row(self, marker: Marker) -> MarkerRow:
        text = self.text(describe_marker(marker))
        if isinstance(marker, ProcessEnded) and marker.crash and marker.crash.strip():
            text = f"{text}: {marker.crash.strip().splitlines()[0]}"
        if isinstance(marker, RunEnded) and marker.message:
            text = f"{text}: {marker.message}"
        problem = (
            (isinstance(marker, StepEnded) and not marker.ok)
            or (isinstance(marker, ProcessEnded) and _ended_badly(marker))
            or (isinstance(marker, RunEnded) and marker.status != "completed")
            or marker.kind in _DIALOG_TROUBLE
        )
        return MarkerRow(
            at=self.at(marker.ts),
            kind=marker.kind,
            text=text,
            step=marker.step.name if marker.step else "",
            decision=isinstance(marker, (ConsentDecision, PermissionDecision)),
            problem=problem,
        )

    def data_name(self, call: Call) -> str:
        return self.text(call.entry.data) if call.entry else call.event.api

    def calls_row(self, group: _CallGroup) -> CallsRow:
        first = group.first
        return CallsRow(
            at=self.at(first.event.ts),
            until=self.at(group.last_ts),
            data=self.data_name(first),
            api=first.event.api,
            caller=self.caller_name(first.caller),
            phase=group.phase,
            phase_text=wording.phase_text(group.phase, self.lang),
            count=group.count,
            outcomes=self.outcomes(group.outcomes),
            finding=group.finding,
        )

    def phases(self, groups: _Groups) -> list[PhaseRow]:
        rows = []
        for phase, group in groups.phases.items():
            data: Counter[str] = Counter()
            for call, count in group.data.values():
                data[self.data_name(call)] += count
            callers: Counter[str] = Counter()
            for call, count in group.callers.values():
                callers[self.caller_name(call.caller)] += count
            rows.append(PhaseRow(
                phase=phase,
                phase_text=wording.phase_text(phase, self.lang),
                calls=group.count,
                data=[f"{name} ×{count}" for name, count in _most_common(data)],
                callers=[f"{name} ×{count}" for name, count in _most_common(callers)],
                first=self.at(group.first_ts),
                last=self.at(group.last_ts),
            ))
        return rows

    # ---------------------------------------------------------------------------------------------- coverage

    def coverage(self) -> list[ProcessCoverage]:
        catalog = self.result.catalog
        catalog_ids = [entry.id for entry in catalog.entries] + [entry.id for entry in catalog.native]
        # One record per process: later records add the hooks of app-bundled classes as their loaders appeared.
        records = CoverageRecord.merged(self.run.coverage)
        processes = [self.process_coverage(record, catalog_ids) for record in records]
        for record in records:
            if record.failed:
                entries = ", ".join(sorted({hook.entry for hook in record.failed}))
                self.problem("coverage", Text(
                    en=f"process {record.process} (pid {record.pid}): {len(record.failed)} hook(s) failed to install "
                       f"({entries}): calls to those APIs went unseen",
                    zh=f"进程 {record.process}（pid {record.pid}）：{len(record.failed)} 个 Hook 安装失败（{entries}）："
                       "对这些接口的调用未被记录",
                ))
        covered = {record.pid for record in self.run.coverage}
        seen: dict[int, str] = {}
        for marker in self.run.markers:
            if isinstance(marker, ProcessStarted):
                seen.setdefault(marker.pid, marker.process)
        for pid, process in dict.fromkeys(map(_PROCESS, self.run.events)):
            seen.setdefault(pid, process)
        for pid, process in seen.items():
            if pid not in covered:
                self.problem("coverage", Text(
                    en=f"process {process} (pid {pid}) never reported its hook coverage: "
                       "which hooks were in place there is unknown",
                    zh=f"进程 {process}（pid {pid}）未报告 Hook 覆盖情况：无法确认其中安装了哪些 Hook",
                ))
        return processes

    def process_coverage(self, record: CoverageRecord, catalog_ids: Iterable[str]) -> ProcessCoverage:
        reported = ({hook.entry for hook in record.installed} | {hook.entry for hook in record.failed}
                    | {hook.entry for hook in record.pending} | {hook.entry for hook in record.absent})
        return ProcessCoverage(
            pid=record.pid,
            process=record.process,
            at=self.at(record.ts),
            installed=[InstalledHookRow(h.entry, f"{h.cls}.{h.method}", list(h.sigs)) for h in record.installed],
            failed=[FailedHookRow(h.entry, f"{h.cls}.{h.method}", h.sig or "", h.error) for h in record.failed],
            unreported=[entry for entry in catalog_ids if entry not in reported],
            pending=[f"{h.entry} ({h.cls})" for h in record.pending],
            absent=[FailedHookRow(h.entry, f"{h.cls}.{h.method}", h.sig or "", h.error) for h in record.absent],
        )

    def calls_in(self, findings: Iterable[Finding]) -> int:
        """How many calls `findings` rest on, each counted once however many rules judged it."""
        findings = list(findings)
        resting = [self.evidence[f.id] for f in findings if self.evidence.get(f.id)]
        return (distinct_calls(resting, self.result.timeline.groups)
                + sum(f.count for f in findings if not self.evidence.get(f.id)))

    def missing_stacks(self) -> None:
        """Events whose stack never reached stacks.jsonl: their caller is unknown, so no rule could blame anyone."""
        missing = calls_in_order([group for group in self.result.timeline.groups
                                  if group.event.stack is not None and group.event.stack not in self.run.stacks])
        if missing:
            ids = ", ".join(c.event.id for c in missing[:10]) + (", ..." if len(missing) > 10 else "")
            self.problem("evidence", Text(
                en=f"{len(missing)} event(s) refer to a stack that is not in stacks.jsonl ({ids}): "
                   "their callers are unknown",
                zh=f"{len(missing)} 个事件的调用栈不在 stacks.jsonl 中（{ids}）：无法确定其调用方",
            ))

    def unknown_entries(self) -> None:
        unknown: Counter[str] = Counter()
        for group in self.result.timeline.groups:
            if group.entry is None:
                unknown[group.entry_id] += len(group)
        for entry, count in sorted(unknown.items()):
            self.problem("catalog", Text(
                en=f"{count} call(s) of hook entry {entry!r}, which the catalog does not know: rules did not judge them",
                zh=f"接口目录中没有条目 {entry!r}，其 {count} 次调用未经规则判定",
            ))


@dataclass
class _CallGroup:
    """Calls of one API by one caller in one phase between two records of the run: one timeline row."""

    first: Call
    phase: str
    last_ts: float
    count: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    finding: str = ""


@dataclass
class _PhaseGroup:
    first_ts: float
    last_ts: float
    count: int = 0
    data: dict[str, tuple[Call, int]] = field(default_factory=dict)
    """Entry id -> a call of it (for its name) and how many."""
    callers: dict[str, tuple[Call, int]] = field(default_factory=dict)
    """Caller (SDK, else origin) -> a call by it (for its name) and how many."""


@dataclass
class _Groups:
    rows: dict[tuple[int, str, str, str], _CallGroup]
    """(markers before, entry, caller, phase) -> group, in the order the groups began."""
    phases: dict[str, _PhaseGroup]


def _aggregate(groups: Sequence[CallGroup], flagged: FlaggedCalls) -> _Groups:
    """The timeline's rows, from the groups of like calls (a run of a million calls is a few dozen); the per-phase
    totals are then summed from the rows."""
    rows: dict[tuple[int, str, str, str], _CallGroup] = {}
    first_flagged: dict[tuple[int, str, str, str], int] = {}
    for like in groups:
        first = like.calls[0]
        key = (like.markers_before, like.entry_id, like.caller.sdk or like.caller.origin, like.phase)
        group = rows.get(key)
        if group is None:
            group = rows[key] = _CallGroup(first, like.phase, like.calls[-1].event.ts)
        group.count += len(like.calls)
        group.last_ts = max(group.last_ts, like.calls[-1].event.ts)
        group.outcomes[like.outcome] += len(like.calls)
        first_of_finding = flagged.first(like)
        if first_of_finding is not None and first_of_finding[0] < first_flagged.get(key, first_of_finding[0] + 1):
            first_flagged[key], group.finding = first_of_finding
    phases: dict[str, _PhaseGroup] = {}
    for (_, entry, caller, phase), group in rows.items():
        totals = phases.get(phase)
        if totals is None:
            totals = phases[phase] = _PhaseGroup(group.first.event.ts, group.last_ts)
        totals.count += group.count
        totals.first_ts = min(totals.first_ts, group.first.event.ts)
        totals.last_ts = max(totals.last_ts, group.last_ts)
        for mapping, name in ((totals.data, entry), (totals.callers, caller)):
            seen = mapping.get(name)
            mapping[name] = (group.first, group.count) if seen is None else (seen[0], seen[1] + group.count)
    return _Groups(rows, phases)


_PROCESS = attrgetter("pid", "process")


def _evidence(result: RunAnalysis) -> dict[str, list[Judged]]:
    """The calls each finding rests on, by finding id: as the rules yielded them, or, for a finding the analysis
    did not make (one added to it), the calls its event ids name."""
    evidence: dict[str, list[Judged]] = dict(result.analysis.evidence)
    unknown = [f for f in result.analysis.findings if f.event_ids and f.id not in evidence]
    if unknown:
        wanted = {event_id for f in unknown for event_id in f.event_ids}
        by_id = {c.event.id: c for c in result.timeline.calls if c.event.id in wanted}
        for finding in unknown:
            evidence[finding.id] = [by_id[e] for e in finding.event_ids if e in by_id]
    return evidence


def _phase_rank(phase: str) -> int:
    base = phase.split("(", 1)[0]
    order = wording.PHASE_ORDER
    return order.index(base) if base in order else len(order)


def _differences(checked: Verification) -> Text:
    """What keeps a run directory from matching its manifest, in one sentence."""
    if checked.manifest_sha256 is None:
        if checked.notes and not checked.notes[0].startswith("no manifest.json"):
            return Text(en=f"the run's files cannot be verified: {'; '.join(checked.notes)}",
                        zh=f"无法校验运行文件：{'；'.join(checked.notes)}")
        return Text(en="no manifest.json: the run did not end normally, so its files cannot be verified",
                    zh="缺少 manifest.json：运行未正常结束，无法校验其文件")
    parts_en, parts_zh = [], []
    for names, en, zh in ((checked.changed, "changed", "被修改"), (checked.missing, "missing", "缺失"),
                          (checked.added, "added", "新增")):
        if names:
            listed = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
            parts_en.append(f"{en}: {listed}")
            parts_zh.append(f"{zh}：{listed}")
    parts_en += checked.notes
    parts_zh += checked.notes
    return Text(en="the run directory does not match its manifest (" + "; ".join(parts_en) + ")",
                zh="运行目录与清单不一致（" + "；".join(parts_zh) + "）")


def _run_start(markers: Sequence[Marker], events: Sequence[HookEvent]) -> float:
    """The device time all report times are relative to: the run-start marker, else the earliest record."""
    started = next((m for m in markers if isinstance(m, RunStarted)), None)
    if started is not None:
        return started.ts
    times = [m.ts for m in markers] + [e.ts for e in events]
    return min(times) if times else 0.0


def _sentence(text: str) -> str:
    """Shared descriptions are written to sit inside a sentence ("the SDK Umeng"); alone they start one.

    Only our own leading "the" is capitalised: text that starts with what the app wrote is shown as written."""
    return "The " + text[4:] if text.startswith("the ") else text


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _anchor(finding: Finding) -> str:
    return f"finding-{finding.id}"


def _most_common(counts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _load_image(directory: Path, relative: str) -> Screenshot | Text:
    """A run's screenshot as a data: URI. Only files inside the run directory, of a known image type."""
    mime = IMAGE_TYPES.get(Path(relative).suffix.lower())
    if mime is None:
        return Text(en=f"screenshot {relative!r} is not a known image type ({', '.join(IMAGE_TYPES)})",
                    zh=f"截图 {relative!r} 不是支持的图片类型（{', '.join(IMAGE_TYPES)}）")
    root = directory.resolve()
    path = (root / relative).resolve()
    # A path in a marker is data from the run: never let it point outside the run directory.
    if not path.is_relative_to(root):
        return Text(en=f"screenshot path {relative!r} points outside the run directory",
                    zh=f"截图路径 {relative!r} 指向运行目录之外")
    try:
        content = path.read_bytes()
    except OSError as exc:
        return Text(en=f"screenshot {relative!r} cannot be read ({exc.strerror or exc})",
                    zh=f"无法读取截图 {relative!r}（{exc.strerror or exc}）")
    return Screenshot(relative, f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}")


def _ended_badly(end: ProcessEnded) -> bool:
    """A crash, a lost device, or an app that quit with something to say; not the harness stopping the app."""
    if end.cause == "harness":
        return False
    return end.reason == "crashed" or end.cause == "lost" or bool(end.crash and end.crash.strip())
