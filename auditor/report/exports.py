"""Machine-readable exports of an analysed run: JUnit XML for CI dashboards, CSV of every call for spreadsheets.

JUnit: one test case per rule (its id is the name, so CI history follows a rule across runs), one `<failure>` per
finding of that rule, `<error>` for a rule that crashed, `<skipped>` for a rule the run could not evaluate.
CSV: one row per hooked call, in time order, with its phase, caller and the findings it is evidence of.
"""

from __future__ import annotations

import csv
from pathlib import Path

from lxml import etree

from auditor.analysis import RunAnalysis
from auditor.describe import describe_caller
from auditor.models import Finding, HookEvent
from auditor.report import wording
from auditor.report.data import EVENT_IDS_SHOWN
from auditor.rules import all_rules
from auditor.timeline import Call

CSV_COLUMNS = (
    "event_id", "process", "pid", "seq", "device_time_ms", "offset_ms", "entry", "api", "signature", "data",
    "pi_type", "caller_origin", "caller", "caller_vendor", "caller_frame", "phase", "outcome", "thread", "values",
    "stack_id", "findings", "rules",
)
# A spreadsheet runs a cell that starts with one of these as a formula; the app chooses most of these texts.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def junit_xml(result: RunAnalysis, manifest_sha256: str | None = None) -> bytes:
    """The run's rules as a JUnit test suite, as UTF-8 XML."""
    analysis = result.analysis
    meta = result.run.meta
    rules = {r.id: r for r in all_rules()}
    by_rule: dict[str, list[Finding]] = {}
    for finding in analysis.findings:
        by_rule.setdefault(finding.rule, []).append(finding)
    failures = {f.rule: f.error for f in analysis.failures}
    rule_ids = list(dict.fromkeys([*analysis.rules_run, *failures, *analysis.not_evaluated]))

    suites = etree.Element("testsuites", name="consent-audit")
    suite = etree.SubElement(suites, "testsuite", name=f"consent-audit {meta.app.package}",
                             timestamp=meta.started_at, time="0")
    properties = etree.SubElement(suite, "properties")
    for name, value in (
        ("run_id", meta.run_id), ("app", meta.app.package), ("app_version", meta.app.version_name),
        ("target", meta.target), ("scenario", meta.scenario.name), ("scenario_sha256", meta.scenario.sha256),
        ("tool_version", meta.tool_version), ("frida_version", meta.frida_version),
        ("manifest_sha256", manifest_sha256 or ""),
    ):
        etree.SubElement(properties, "property", name=name, value=_xml_text(value))
    failed = errored = skipped = 0
    for rule_id in rule_ids:
        rule = rules.get(rule_id)
        case = etree.SubElement(suite, "testcase", name=rule_id,
                                classname=f"consent-audit.{rule.pack if rule else 'unknown'}", time="0")
        if rule_id in failures:
            errored += 1
            etree.SubElement(case, "error", message=_xml_text(failures[rule_id]), type="rule-failure")
            continue
        if rule_id in analysis.not_evaluated:
            skipped += 1
            etree.SubElement(case, "skipped", message=_xml_text(analysis.not_evaluated[rule_id]))
            continue
        counted = [f for f in by_rule.get(rule_id, []) if f.suppressed is None]
        accepted = [f for f in by_rule.get(rule_id, []) if f.suppressed is not None]
        if counted:
            failed += 1
        for finding in counted:
            failure = etree.SubElement(case, "failure", message=_xml_text(finding.explanation.en),
                                       type=finding.severity)
            failure.text = _xml_text(_finding_details(finding, result))
        if accepted:
            out = etree.SubElement(case, "system-out")
            out.text = _xml_text("\n".join(f"accepted ({f.suppressed}): {f.explanation.en}" for f in accepted))
    for element in (suites, suite):
        element.set("tests", str(len(rule_ids)))
        element.set("failures", str(failed))
        element.set("errors", str(errored))
    suite.set("skipped", str(skipped))
    return bytes(etree.tostring(suites, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _finding_details(finding: Finding, result: RunAnalysis) -> str:
    start = _run_start(result)
    caller = describe_caller(finding.caller).en if finding.caller else ""
    lines = [
        f"finding {finding.id} [{finding.severity}] {finding.title.en} / {finding.title.zh}",
        f"api: {finding.api or ''} ({finding.entry or ''})" if finding.api else f"subject: {finding.subject or ''}",
        f"data: {finding.data.en}" if finding.data else "",
        f"caller: {caller}" + (f" ({finding.caller.frame})" if finding.caller and finding.caller.frame else ""),
        f"phase: {finding.phase} ({wording.phase_text(finding.phase, 'en')})",
        f"decision: {finding.decision.summary.en}" if finding.decision else "",
        f"count: {finding.count}, first {wording.offset(finding.first_ts - start, 'en')}, "
        f"last {wording.offset(finding.last_ts - start, 'en')} (from the start of the run)",
        f"detail: {finding.detail.en}" if finding.detail else "",
        "events: " + " ".join(finding.event_ids[:EVENT_IDS_SHOWN])
        + (f" and {len(finding.event_ids) - EVENT_IDS_SHOWN} more" if len(finding.event_ids) > EVENT_IDS_SHOWN
           else ""),
        f"screenshot: {finding.screenshot}" if finding.screenshot else "",
    ]
    return "\n".join(line for line in lines if line and not line.endswith(": "))


def _xml_text(text: str) -> str:
    """XML 1.0 cannot hold most control characters; an app's text may contain them."""
    return "".join(char if char in "\t\n\r" or (char >= " " and char not in "\ufffe\uffff") else "\ufffd"
                   for char in text)


def _run_start(result: RunAnalysis) -> float:
    markers = result.run.markers
    events = result.run.events
    starts = [m.ts for m in markers if m.kind == "run-start"]
    if starts:
        return starts[0]
    times = [m.ts for m in markers] + [e.ts for e in events[:1]]
    return min(times) if times else 0.0


def write_events_csv(result: RunAnalysis, path: Path, *, reveal: bool = False) -> None:
    """Every hooked call, one row each, into `path` (UTF-8 with a byte-order mark, which spreadsheets need to read
    Chinese correctly). Personal-information values are masked unless `reveal`."""
    start = _run_start(result)
    # Which findings each call is evidence of, as the cells say it: worked out once per set of findings (a million
    # calls are evidence of a few dozen findings, in a few combinations).
    evidence: dict[str, tuple[int, ...]] = {}
    active = [f for f in result.analysis.findings if f.suppressed is None]
    for number, finding in enumerate(active):
        for event_id in finding.event_ids:
            evidence[event_id] = evidence.get(event_id, ()) + (number,)
    cited_cells: dict[tuple[int, ...], tuple[str, str]] = {}
    for combination in set(evidence.values()):
        found = [active[n] for n in combination]
        cited_cells[combination] = (";".join(f.id for f in found), ";".join(dict.fromkeys(f.rule for f in found)))
    # A run may hold a million calls of a few APIs by a few callers: what depends only on the API, the stack (so
    # the caller) and the user's state is worked out once per combination, not once per row; and the values cell
    # once per set of recorded values (calls read alike share them, see store._EventReader; the timeline holds
    # every event, so an object's id stands for it until the file is written).
    static: dict[tuple[str, str, str, str | None, int], tuple[str, ...]] = {}
    texts: dict[str, str] = {}
    value_cells: dict[tuple[int, int, int], str] = {}
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for call in result.timeline.calls:
            event = call.event
            key = (event.entry, event.api, event.sig, event.stack, id(call.state))
            fixed = static.get(key)
            if fixed is None:
                fixed = static[key] = _static_cells(call)
            process = texts.get(event.process) or texts.setdefault(event.process, _inert(event.process))
            thread = texts.get(event.thread) or texts.setdefault(event.thread, _inert(event.thread))
            held = (id(event.args), id(event.ret), id(event.receiver))
            values = value_cells.get(held)
            if values is None:
                values = value_cells[held] = _values_cell(event, reveal)
            cited = evidence.get(event.id)
            ids, rules = cited_cells[cited] if cited else ("", "")
            writer.writerow((
                event.id, process, event.pid, event.seq, event.ts, round(event.ts - start, 3), *fixed,
                _inert(event.threw.cls if event.threw else "returned"), thread, values,
                event.stack or "", ids, rules,
            ))


def _values_cell(event: HookEvent, reveal: bool) -> str:
    return _inert("; ".join(f"{position}={value.raw if reveal and value.raw is not None else value.text}"
                            for position, value in event.values()))


def _static_cells(call: Call) -> tuple[str, ...]:
    """entry, api, signature, data, pi_type, caller origin, caller, vendor, frame, phase: as cells."""
    entry = call.entry
    caller = call.caller
    return tuple(_inert(text) for text in (
        call.event.entry, call.event.api, call.event.sig, entry.data.en if entry else "",
        entry.pi_type.value if entry and entry.pi_type else "", caller.origin, describe_caller(caller).en,
        caller.vendor or "", caller.frame or "", call.phase,
    ))


def _inert(text: str) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
