"""Write a run's derived files into its run directory: report.html, findings.json, findings.junit.xml, events.csv,
and derived-manifest.json with their digests.

The evidence is checked against manifest.json first, and the report says what it found: a report is never made
from records that changed since the run without saying so.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from auditor import __version__
from auditor.analysis import RunAnalysis
from auditor.errors import InputError
from auditor.report.data import build_report
from auditor.report.exports import junit_xml, write_events_csv
from auditor.report.html import render_html
from auditor.report.wording import Lang
from auditor.store import (
    DERIVED_FILES,
    DERIVED_MANIFEST,
    EVENTS_CSV,
    FINDINGS,
    JUNIT,
    REPORT,
    Verification,
    verify_run,
    write_derived_manifest,
    write_json_atomically,
)

Format = Literal["html", "json", "junit", "csv"]
FORMATS: tuple[Format, ...] = get_args(Format)
FILE_OF_FORMAT: dict[Format, str] = {"html": REPORT, "json": FINDINGS, "junit": JUNIT, "csv": EVENTS_CSV}


@dataclass(frozen=True)
class ReportPaths:
    """What was written; None for a format not asked for."""

    html: Path | None
    findings: Path | None
    junit: Path | None
    csv: Path | None
    derived_manifest: Path
    integrity: Verification
    """The evidence checked against manifest.json before writing."""


def parse_formats(text: str) -> tuple[Format, ...]:
    """`html,json` -> the formats, in a stable order. Raises InputError for an unknown one."""
    wanted = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [part for part in wanted if part not in FORMATS]
    if unknown or not wanted:
        raise InputError(f"unknown export format(s) {', '.join(unknown) or '(none given)'} "
                         f"(known: {', '.join(FORMATS)})")
    return tuple(f for f in FORMATS if f in wanted)


def write_reports(result: RunAnalysis, lang: Lang = "en", *, reveal: bool = False,
                  formats: tuple[Format, ...] = FORMATS) -> ReportPaths:
    """Write the derived files of `formats` into the run directory, replacing earlier ones, and record their
    digests in derived-manifest.json. Derived files of other formats left by an earlier rendering are removed:
    they may no longer agree with these.

    Each file is replaced atomically, so a reader never sees half a report. `reveal` shows personal-information
    values unmasked in report.html and events.csv (findings.json and the JUnit file hold no values)."""
    if lang not in get_args(Lang):
        raise InputError(f"unknown report language {lang!r} (known: {', '.join(get_args(Lang))})")
    directory = result.run.directory
    integrity = _check_evidence(directory)
    written: dict[Format, Path] = {}
    for fmt in FORMATS:
        path = directory / FILE_OF_FORMAT[fmt]
        if fmt not in formats:
            path.unlink(missing_ok=True)
            continue
        if fmt == "json":
            write_json_atomically(path, result.findings_document().model_dump(mode="json"))
        elif fmt == "html":
            _write_atomically(path, render_html(build_report(result, lang, reveal=reveal,
                                                             integrity=integrity)).encode("utf-8"))
        elif fmt == "junit":
            _write_atomically(path, junit_xml(result, integrity.manifest_sha256))
        else:
            temporary = path.with_name(path.name + ".tmp")
            write_events_csv(result, temporary, reveal=reveal)
            os.replace(temporary, path)
        written[fmt] = path
    assert {path.name for path in written.values()} <= DERIVED_FILES
    write_derived_manifest(directory, [path.name for path in written.values()], __version__)
    return ReportPaths(
        html=written.get("html"),
        findings=written.get("json"),
        junit=written.get("junit"),
        csv=written.get("csv"),
        derived_manifest=directory / DERIVED_MANIFEST,
        integrity=integrity,
    )


def _check_evidence(directory: Path) -> Verification:
    try:
        return verify_run(directory, evidence_only=True)
    except InputError as exc:  # an unreadable manifest is a finding about the evidence, not a reason to stop
        checked = Verification(directory, None)
        checked.notes.append(str(exc))
        return checked


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
