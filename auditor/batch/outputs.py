"""What a batch leaves besides each app's own report: `batch.json` (every app, its outcome and verdict, and the
aggregate picture), `index.html` (one row per app with a link to its report; jinja2, autoescaped, self-contained)
and `junit.xml` (one test case per app, for CI dashboards).

Everything is made from the output directory alone (`apps/*/result.json` and the attempt records), so the outputs
of a resumed or distributed batch are the same as those of a batch that ran in one go.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Literal

import jinja2
from lxml import etree
from pydantic import Field

from auditor import __version__
from auditor.batch.applist import Job
from auditor.batch.jobs import JobResult, JobStore
from auditor.models import Model

BATCH_JSON = "batch.json"
INDEX_HTML = "index.html"
JUNIT_XML = "junit.xml"
CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'"

AppState = Literal["done", "failed", "poisoned", "not-run"]


class AppRow(Model):
    key: str
    where: str
    """The app's row in the list (file:line)."""
    package: str
    label: str = ""
    version_code: int | None = None
    target: str
    scenario: str
    state: AppState
    reason: str = ""
    message: str = ""
    verdict: Literal["findings", "clean", "not-audited"] = "not-audited"
    findings: int = 0
    findings_by_rule: dict[str, int] = Field(default_factory=dict)
    sdks: list[str] = Field(default_factory=list)
    duration_s: float | None = None
    device: str = ""
    attempts: int = 0
    report: str | None = None
    """Path of the app's report.html relative to the batch folder."""
    run: str | None = None
    manifest_sha256: str | None = None


class RankedItem(Model):
    name: str
    apps: int
    """How many apps of the list it concerns."""
    share: float
    """apps / apps audited."""


class Aggregate(Model):
    apps: int
    audited: int
    """Apps whose audit is done (whatever the app did)."""
    with_findings: int
    clean: int
    not_done: int
    outcomes: dict[str, int]
    """Done apps by how their audit ended (completed, app-crashed, install-refused...)."""
    rules: list[RankedItem]
    """Rules by the number of apps they found something in, most common first."""
    sdks: list[RankedItem]
    """Third-party SDKs by the number of apps they were seen in, most common first."""


class BatchDocument(Model):
    schema_version: Literal[1] = 1
    tool_version: str
    generated_at: str
    app_list: str
    devices: list[str]
    quarantined: dict[str, str] = Field(default_factory=dict)
    aggregate: Aggregate
    apps: list[AppRow]


@dataclass
class Settled:
    """How a job stands at the end of a batch run, as the scheduler saw it (results are read from the store)."""

    state: AppState
    reason: str = ""
    message: str = ""


def collect_rows(store: JobStore, jobs: list[Job], settled: dict[str, Settled], poison_after: int) -> list[AppRow]:
    rows: list[AppRow] = []
    for job in jobs:
        status = store.status(job.key, poison_after=poison_after)
        result = status.result
        row = AppRow(key=job.key, where=job.where, package=job.package, label=job.label,
                     version_code=job.version_code, target=job.target, scenario=job.scenario_name,
                     state="not-run", attempts=len(status.attempts))
        if result is not None:
            _fill_from_result(row, result, f"apps/{job.key}")
        else:
            seen = settled.get(job.key)
            last = status.attempts[-1] if status.attempts else None
            row.state = "poisoned" if status.state == "poisoned" else seen.state if seen else "not-run"
            row.reason = seen.reason if seen else (last.reason or "") if last else ""
            row.message = seen.message if seen else (last.message if last else status.note)
            row.device = last.device if last else ""
        rows.append(row)
    return rows


def _fill_from_result(row: AppRow, result: JobResult, folder: str) -> None:
    row.state = "done"
    row.reason, row.message, row.verdict = result.reason, result.message, result.verdict
    row.findings, row.findings_by_rule, row.sdks = result.findings, result.findings_by_rule, result.sdks
    row.duration_s, row.device = result.duration_s, result.device
    row.label = result.label or row.label
    row.version_code = result.version_code if result.version_code is not None else row.version_code
    row.report = f"{folder}/{result.report}" if result.report else None
    row.run = f"{folder}/{result.run}" if result.run else None
    row.manifest_sha256 = result.manifest_sha256


def aggregate(rows: list[AppRow], top: int = 20) -> Aggregate:
    done = [row for row in rows if row.state == "done"]
    rules = Counter(rule for row in done for rule in row.findings_by_rule)
    sdks = Counter(sdk for row in done for sdk in set(row.sdks))

    def ranked(counter: Counter[str]) -> list[RankedItem]:
        ordered = sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:top]
        return [RankedItem(name=name, apps=count, share=round(count / len(done), 4) if done else 0.0)
                for name, count in ordered]

    return Aggregate(
        apps=len(rows), audited=len(done),
        with_findings=sum(1 for row in done if row.verdict == "findings"),
        clean=sum(1 for row in done if row.verdict == "clean"),
        not_done=len(rows) - len(done),
        outcomes=dict(sorted(Counter(row.reason for row in done).items())),
        rules=ranked(rules), sdks=ranked(sdks),
    )


def write_outputs(store: JobStore, jobs: list[Job], settled: dict[str, Settled], *, app_list: Path,
                  devices: list[str], quarantined: dict[str, str], poison_after: int) -> BatchDocument:
    rows = collect_rows(store, jobs, settled, poison_after)
    document = BatchDocument(tool_version=__version__,
                             generated_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                             app_list=str(app_list), devices=devices, quarantined=quarantined,
                             aggregate=aggregate(rows), apps=rows)
    data = (json.dumps(document.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    store.publish(BATCH_JSON, data, "application/json")
    store.publish(INDEX_HTML, render_index(document).encode("utf-8"), "text/html; charset=utf-8")
    store.publish(JUNIT_XML, junit_xml(document), "application/xml")
    return document


# ------------------------------------------------------------------------------------------------------------
# HTML


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("auditor.batch", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_index(document: BatchDocument) -> str:
    return _environment().get_template("index.html.j2").render(batch=document, csp=CONTENT_SECURITY_POLICY)


# ------------------------------------------------------------------------------------------------------------
# JUnit


_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("?", text)


def junit_xml(document: BatchDocument) -> bytes:
    """One test case per app: passed when clean, a failure when it has findings, an error when its audit was not
    done (failed, poisoned, not run)."""
    suites = etree.Element("testsuites", name="consent-audit batch")
    suite = etree.SubElement(suites, "testsuite", name="consent-audit batch", timestamp=document.generated_at)
    failures = errors = 0
    total_time = 0.0
    for row in document.apps:
        version = f" ({row.version_code})" if row.version_code is not None else ""
        case = etree.SubElement(suite, "testcase", name=_xml_text(f"{row.package}{version}"),
                                classname=_xml_text(f"consent-audit.batch.{row.scenario}"),
                                time=f"{row.duration_s or 0:.3f}")
        total_time += row.duration_s or 0
        if row.state != "done":
            errors += 1
            error = etree.SubElement(case, "error", type=row.state, message=_xml_text(f"{row.state}: {row.reason}"))
            error.text = _xml_text(row.message)
        elif row.verdict == "findings":
            failures += 1
            by_rule = ", ".join(f"{rule} x{count}" for rule, count in row.findings_by_rule.items())
            failure = etree.SubElement(case, "failure", type="findings",
                                       message=_xml_text(f"{row.findings} finding(s): {by_rule}"))
            failure.text = _xml_text(f"report: {row.report or 'none'}")
        out = etree.SubElement(case, "system-out")
        out.text = _xml_text(f"outcome: {row.reason}; {row.message}\nlist row: {row.where}\nkey: {row.key}"
                             + (f"\nreport: {row.report}" if row.report else ""))
    for name, value in (("tests", len(document.apps)), ("failures", failures), ("errors", errors),
                        ("skipped", 0), ("time", f"{total_time:.3f}")):
        suite.set(name, str(value))
        suites.set(name, str(value))
    return bytes(etree.tostring(suites, xml_declaration=True, encoding="UTF-8", pretty_print=True))
