"""Rules: short pure functions over a Timeline, with their metadata in one decorator.

A rule is a function of the inputs it names (`timeline`, `settings`) that yields a `Violation` per offending call
(or group of like calls, which it judged at once) or moment; the engine groups them into findings (one per rule,
API, caller and phase, or per rule and subject for moments, with counts, first and last occurrence and the
evidence), applies the settings' suppressions, and isolates a rule that raises so that one broken rule never hides
the others' findings.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import pkgutil
import re
import traceback
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from auditor.describe import describe_caller, describe_marker
from auditor.errors import InputError
from auditor.models import SEVERITY_ORDER, DecisionRef, Finding, Marker, Severity, Text
from auditor.rules.settings import RuleSettings
from auditor.timeline import Judged, Timeline, phase_of

RULE_ID = re.compile(r"^[A-Z]{2,4}(-[A-Z0-9]+)+$")
DOC_SECTIONS = ("What it detects", "Why it matters", "Example evidence", "Remediation", "References")


@dataclass(frozen=True)
class Violation:
    """One piece of evidence a rule found: a call the app made (or a group of like calls, judged at once), or a
    moment of the run (a dialog it showed, an exit)."""

    call: Judged | None = None
    decision: Marker | None = None
    """The user decision the call went against (the refusal, the denial), or that it preceded (the later consent)."""
    marker: Marker | None = None
    """For evidence that is not a call: the marker that shows it (a dialog answered, a process that ended)."""
    subject: str = ""
    """What a marker violation concerns (a permission group, `privacy-dialog`): findings are grouped by it."""
    detail: Text | None = None
    """The measurement behind it, in words: shown with the finding."""

    def __post_init__(self) -> None:
        if (self.call is None) == (self.marker is None):
            raise ValueError("a violation is either a call or a marker")


class RuleSkipped(Exception):
    """Raised by a rule that cannot judge this run (it lacks an input, such as the app category); the reason is shown."""


RuleFunction = Callable[..., Iterable[Violation]]
RULE_INPUTS = ("timeline", "settings")
"""What a rule function may ask for, by parameter name."""


@dataclass(frozen=True)
class Rule:
    id: str
    pack: str
    severity: Severity
    title: Text
    explanation: Text
    """One sentence for a non-engineer. Placeholders: {caller} {data} {count} {times} {subject} {decision}
    (the user decision in words, e.g. "the user refused the privacy policy (tapped “Disagree”)")."""
    clauses: tuple[str, ...]
    check: RuleFunction
    doc: str

    def section(self, name: str) -> str:
        """One section of the rule's docstring (What it detects, Why it matters, ...)."""
        pattern = rf"{re.escape(name)}:\s*(.*?)(?=\n\s*(?:{'|'.join(map(re.escape, DOC_SECTIONS))}):|\Z)"
        match = re.search(pattern, self.doc, re.S)
        text = " ".join(match.group(1).split()) if match else ""
        return text[:1].upper() + text[1:]


_REGISTRY: dict[str, Rule] = {}


def rule(
    *, id: str, pack: str, severity: Severity, title: Text, explanation: Text, clauses: Iterable[str]
) -> Callable[[RuleFunction], RuleFunction]:
    def register(check: RuleFunction) -> RuleFunction:
        doc = inspect.getdoc(check) or ""
        problems = []
        if not RULE_ID.match(id):
            problems.append(f"id {id!r} does not match {RULE_ID.pattern}")
        if id in _REGISTRY:
            problems.append(f"id {id!r} is registered twice")
        problems += [f"docstring lacks section {name!r}" for name in DOC_SECTIONS if f"{name}:" not in doc]
        unknown = [p for p in inspect.signature(check).parameters if p not in RULE_INPUTS]
        if unknown:
            problems.append(f"asks for {', '.join(unknown)}; a rule may ask for {', '.join(RULE_INPUTS)}")
        if problems:
            raise RuntimeError(f"rule {check.__module__}.{check.__name__}: " + "; ".join(problems))
        _REGISTRY[id] = Rule(id, pack, severity, title, explanation, tuple(clauses), check, doc)
        return check

    return register


def all_rules() -> list[Rule]:
    """Every registered rule; the packs are the modules of this package, imported on first use."""
    from auditor import rules as package

    for module in pkgutil.iter_modules(package.__path__):
        if not module.name.startswith("_") and module.name != "engine":
            importlib.import_module(f"auditor.rules.{module.name}")
    return sorted(_REGISTRY.values(), key=lambda r: r.id)


def select_rules(packs: Iterable[str] | None = None) -> list[Rule]:
    rules = all_rules()
    if packs is None:
        return rules
    wanted = set(packs)
    known = {r.pack for r in rules}
    unknown = wanted - known
    if unknown:
        raise InputError(f"unknown rule pack(s): {', '.join(sorted(unknown))} (known: {', '.join(sorted(known))})")
    return [r for r in rules if r.pack in wanted]


@dataclass
class RuleFailure:
    rule: str
    error: str


@dataclass
class Analysis:
    findings: list[Finding]
    rules_run: list[str]
    failures: list[RuleFailure] = field(default_factory=list)
    not_evaluated: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, list[Judged]] = field(default_factory=dict)
    """The calls each finding rests on (its `event_ids`), by finding id: as the rule yielded them, calls and groups
    of like calls, in the order of their first calls."""

    @property
    def active_findings(self) -> list[Finding]:
        """Findings that count in the verdict: all but the suppressed ones."""
        return [f for f in self.findings if f.suppressed is None]


def analyse(timeline: Timeline, rules: Iterable[Rule], settings: RuleSettings | None = None) -> Analysis:
    settings = settings or RuleSettings()
    rules = list(rules)
    _check_suppressions(settings, rules)
    inputs = {"timeline": timeline, "settings": settings}
    findings: list[Finding] = []
    rules_run: list[str] = []
    failures: list[RuleFailure] = []
    not_evaluated: dict[str, str] = {}
    evidence: dict[str, list[Judged]] = {}
    for current in rules:
        wanted = {name: inputs[name] for name in inspect.signature(current.check).parameters}
        try:
            violations = list(current.check(**wanted))
        except RuleSkipped as skipped:
            not_evaluated[current.id] = str(skipped)
            continue
        except Exception:  # a broken rule must not hide the others' findings
            failures.append(RuleFailure(current.id, traceback.format_exc(limit=3).strip().splitlines()[-1]))
            continue
        rules_run.append(current.id)
        findings.extend(_suppress(f, settings) for f in _group(current, violations, timeline, evidence))
    findings.sort(key=lambda f: (f.suppressed is not None, SEVERITY_ORDER[f.severity], f.first_ts, f.rule))
    return Analysis(findings, rules_run, failures, not_evaluated, evidence)


def _check_suppressions(settings: RuleSettings, rules: list[Rule]) -> None:
    known = {r.id for r in all_rules()}
    for suppression in settings.suppressions:
        if suppression.rule not in known:
            raise InputError(f"suppression names unknown rule {suppression.rule!r}")


def _suppress(finding: Finding, settings: RuleSettings) -> Finding:
    """The finding marked with the reason of the first suppression that matches it: same rule, and the entry and
    caller when the suppression names them. A caller is `app` for the app's own code, or an SDK by its name or its
    package prefix (`Umeng` or `com.umeng`)."""
    callers: set[str | None] = {None}
    if finding.caller is not None:
        callers |= ({"app"} if finding.caller.origin == "app" else {finding.caller.sdk, finding.caller.package})
    for suppression in settings.suppressions:
        if (suppression.rule == finding.rule
                and suppression.entry in (None, finding.entry)
                and suppression.caller in callers):
            return finding.model_copy(update={"suppressed": suppression.reason})
    return finding


def _group(current: Rule, violations: list[Violation], timeline: Timeline,
           evidence: dict[str, list[Judged]]) -> Iterator[Finding]:
    calls: dict[tuple[str, str, str], list[Violation]] = {}
    moments: dict[str, list[Violation]] = {}
    for violation in violations:
        if violation.call is not None:
            call = violation.call
            key = (call.entry_id, call.caller.sdk or call.caller.origin, call.phase)
            calls.setdefault(key, []).append(violation)
        else:
            moments.setdefault(violation.subject, []).append(violation)
    for (entry_id, caller_key, phase), members in calls.items():
        finding, judged = _call_finding(current, entry_id, caller_key, phase, members, timeline)
        evidence[finding.id] = judged
        yield finding
    for subject, members in moments.items():
        yield _moment_finding(current, subject, members, timeline)




def _call_finding(current: Rule, entry_id: str, caller_key: str, phase: str, members: list[Violation],
                  timeline: Timeline) -> tuple[Finding, list[Judged]]:
    members.sort(key=lambda v: _judged(v).calls[0].position)
    judged = [_judged(member) for member in members]
    first = judged[0].calls[0]
    last = max((one.calls[-1] for one in judged), key=lambda call: call.position)
    decision = members[0].decision
    screenshot = timeline.screenshot_for(first)
    count = sum(len(one.calls) for one in judged)
    outcomes: Counter[str] = Counter()
    for one in judged:
        outcomes[one.outcome] += len(one.calls)
    data = first.entry.data if first.entry else Text(en=first.event.api, zh=first.event.api)
    times = Text(en="once" if count == 1 else f"{count} times", zh=f"{count}次")
    finding = Finding(
        id=_finding_id(current.id, entry_id, caller_key, phase),
        rule=current.id,
        pack=current.pack,
        severity=current.severity,
        title=current.title,
        explanation=_explain(current.explanation, caller=describe_caller(first.caller), data=data, count=count,
                             times=times, decision=decision, subject=""),
        entry=entry_id,
        api=first.event.api,
        data=data,
        pi_type=first.entry.pi_type if first.entry else None,
        caller=first.caller,
        phase=phase,
        count=count,
        first_ts=first.event.ts,
        last_ts=last.event.ts,
        decision=_decision_ref(decision) if decision is not None else None,
        event_ids=[],
        marker_seqs=sorted({v.decision.seq for v in members if v.decision is not None}),
        screenshot=screenshot.path if screenshot else None,
        outcomes=dict(outcomes),
        detail=members[0].detail,
    )
    # Ids of validated events: a million of them need not be validated again.
    finding.event_ids = timeline.event_ids(judged)
    return finding, judged


def _moment_finding(current: Rule, subject: str, members: list[Violation], timeline: Timeline) -> Finding:
    members.sort(key=lambda v: v.marker.seq if v.marker else 0)
    first = _marker(members[0])
    last = _marker(members[-1])
    decision = members[0].decision
    state = timeline.state_after(first)
    screenshot = timeline.screenshot_near(first)
    count = len(members)
    times = Text(en="once" if count == 1 else f"{count} times", zh=f"{count}次")
    none = Text(en="", zh="")
    return Finding(
        id=_finding_id(current.id, "", subject, ""),
        rule=current.id,
        pack=current.pack,
        severity=current.severity,
        title=current.title,
        explanation=_explain(current.explanation, caller=none, data=none, count=count, times=times,
                             decision=decision, subject=subject),
        subject=subject,
        phase=phase_of(state),
        count=count,
        first_ts=first.ts,
        last_ts=last.ts,
        decision=_decision_ref(decision) if decision is not None else None,
        marker_seqs=sorted({_marker(v).seq for v in members} | {v.decision.seq for v in members if v.decision}),
        screenshot=screenshot.path if screenshot else None,
        detail=members[0].detail,
    )


def _judged(violation: Violation) -> Judged:
    assert violation.call is not None
    return violation.call


def _marker(violation: Violation) -> Marker:
    assert violation.marker is not None
    return violation.marker


def _explain(template: Text, *, caller: Text, data: Text, count: int, times: Text, decision: Marker | None,
             subject: str) -> Text:
    said = describe_marker(decision) if decision is not None else Text(en="a decision", zh="用户决定")
    english = template.en.format(caller=caller.en, data=data.en, count=count, times=times.en, subject=subject,
                                 decision=said.en[:1].lower() + said.en[1:])
    chinese = template.zh.format(caller=caller.zh, data=data.zh, count=count, times=times.zh, subject=subject,
                                 decision=said.zh)
    return Text(en=english[:1].upper() + english[1:], zh=chinese)


def _finding_id(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:12]


def _decision_ref(marker: Marker) -> DecisionRef:
    return DecisionRef(marker_seq=marker.seq, kind=marker.kind, ts=marker.ts, summary=describe_marker(marker))
