"""Rules: short pure functions over a Timeline, with their metadata in one decorator.

A rule yields a `Violation` per offending call; the engine groups them into findings (one per rule, API,
caller and phase, with counts, first and last occurrence and every event id), attaches the evidence and
isolates a rule that raises so that one broken rule never hides the others' findings.
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
from auditor.timeline import Call, Timeline

RULE_ID = re.compile(r"^[A-Z]{2,4}(-[A-Z0-9]+)+$")
DOC_SECTIONS = ("What it detects", "Why it matters", "Example evidence", "Remediation", "References")


@dataclass(frozen=True)
class Violation:
    call: Call
    decision: Marker | None = None
    """The user decision the call went against (the refusal, the denial), or that it preceded (the later consent)."""


RuleFunction = Callable[[Timeline], Iterable[Violation]]


@dataclass(frozen=True)
class Rule:
    id: str
    pack: str
    severity: Severity
    title: Text
    explanation: Text
    """One sentence for a non-engineer. Placeholders: {caller} {data} {count} {times} {decision}
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


def analyse(timeline: Timeline, rules: Iterable[Rule]) -> Analysis:
    findings: list[Finding] = []
    rules_run: list[str] = []
    failures: list[RuleFailure] = []
    for current in rules:
        rules_run.append(current.id)
        try:
            violations = list(current.check(timeline))
        except Exception:  # a broken rule must not hide the others' findings
            failures.append(RuleFailure(current.id, traceback.format_exc(limit=3).strip().splitlines()[-1]))
            continue
        findings.extend(_group(current, violations, timeline))
    findings.sort(key=lambda f: (SEVERITY_ORDER[f.severity], f.first_ts, f.rule))
    return Analysis(findings, rules_run, failures)


def _group(current: Rule, violations: list[Violation], timeline: Timeline) -> Iterator[Finding]:
    groups: dict[tuple[str, str, str], list[Violation]] = {}
    for violation in violations:
        call = violation.call
        key = (call.event.entry, call.caller.sdk or call.caller.origin, call.phase)
        groups.setdefault(key, []).append(violation)
    for (entry_id, caller_key, phase), members in groups.items():
        members.sort(key=lambda v: v.call.event.ts)
        first = members[0].call
        last = members[-1].call
        decision = members[0].decision
        screenshot = timeline.screenshot_for(first)
        count = len(members)
        data = first.entry.data if first.entry else Text(en=first.event.api, zh=first.event.api)
        caller = describe_caller(first.caller)
        times = Text(en="once" if count == 1 else f"{count} times", zh=f"{count}次")
        yield Finding(
            id=_finding_id(current.id, entry_id, caller_key, phase),
            rule=current.id,
            pack=current.pack,
            severity=current.severity,
            title=current.title,
            explanation=_explain(current.explanation, caller, data, count, times, decision),
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
            event_ids=[v.call.event.id for v in members],
            marker_seqs=sorted({v.decision.seq for v in members if v.decision is not None}),
            screenshot=screenshot.path if screenshot else None,
            outcomes=dict(Counter(v.call.outcome for v in members)),
        )


def _explain(template: Text, caller: Text, data: Text, count: int, times: Text, decision: Marker | None) -> Text:
    said = describe_marker(decision) if decision is not None else Text(en="a decision", zh="用户决定")
    english = template.en.format(caller=caller.en, data=data.en, count=count, times=times.en,
                                 decision=said.en[:1].lower() + said.en[1:])
    chinese = template.zh.format(caller=caller.zh, data=data.zh, count=count, times=times.zh, decision=said.zh)
    return Text(en=english[:1].upper() + english[1:], zh=chinese)


def _finding_id(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:12]


def _decision_ref(marker: Marker) -> DecisionRef:
    return DecisionRef(marker_seq=marker.seq, kind=marker.kind, ts=marker.ts, summary=describe_marker(marker))
