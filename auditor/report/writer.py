"""Write a run's derived files, findings.json and report.html, into its run directory."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

from auditor.analysis import RunAnalysis
from auditor.errors import InputError
from auditor.report.data import build_report
from auditor.report.html import render_html
from auditor.report.wording import Lang
from auditor.store import FINDINGS, REPORT, write_json_atomically


@dataclass(frozen=True)
class ReportPaths:
    html: Path
    findings: Path


def write_reports(result: RunAnalysis, lang: Lang = "en") -> ReportPaths:
    """Write findings.json and report.html into the run directory, replacing earlier ones (both are derived).

    Each file is replaced atomically, so a reader never sees half a report."""
    if lang not in get_args(Lang):
        raise InputError(f"unknown report language {lang!r} (known: {', '.join(get_args(Lang))})")
    directory = result.run.directory
    findings = directory / FINDINGS
    write_json_atomically(findings, result.findings_document().model_dump(mode="json"))
    html = directory / REPORT
    _write_text_atomically(html, render_html(build_report(result, lang)))
    return ReportPaths(html=html, findings=findings)


def _write_text_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
