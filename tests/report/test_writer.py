"""write_reports: findings.json and report.html written into a real run directory, read back through the store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.analysis import RunAnalysis, analyse_run
from auditor.errors import InputError
from auditor.models import FindingsDocument
from auditor.report import ReportPaths, write_reports
from auditor.store import read_run

from .conftest import SampleRun, parse_html, small_catalog, text_of


@pytest.fixture
def analysed(sample: SampleRun, tmp_path: Path) -> RunAnalysis:
    directory = sample.record(tmp_path / "recorded")
    return analyse_run(read_run(directory), packs=["cn-miit"], catalog=small_catalog())


def test_writes_both_files_into_the_run_directory(analysed: RunAnalysis) -> None:
    paths = write_reports(analysed)

    directory = analysed.run.directory
    assert paths == ReportPaths(html=directory / "report.html", findings=directory / "findings.json")
    assert not list(directory.glob("*.tmp"))
    document = parse_html(paths.html.read_text(encoding="utf-8"))
    assert len(document.xpath("//article[contains(@class, 'finding')]")) == 2
    assert document.xpath("//figure[@class='screenshot']/img/@src")[0].startswith("data:image/svg+xml;base64,")


def test_findings_json_round_trips_and_keeps_chinese_readable(analysed: RunAnalysis) -> None:
    paths = write_reports(analysed)

    raw = paths.findings.read_text(encoding="utf-8")
    assert FindingsDocument.model_validate_json(raw) == analysed.findings_document()
    assert "征得用户同意前收集个人信息" in raw  # not \u escapes: people read this file too
    assert json.loads(raw)["findings"][0]["rule"] == "CN-PRECONSENT-COLLECT"
    assert raw.startswith('{\n  "schema_version": 1')


def test_rewriting_replaces_the_derived_files(analysed: RunAnalysis) -> None:
    write_reports(analysed, lang="zh")
    paths = write_reports(analysed, lang="en")

    document = parse_html(paths.html.read_text(encoding="utf-8"))
    assert document.get("lang") == "en"
    assert text_of(document.xpath("//h1")[0]) == "Consent audit evidence report"


def test_an_unknown_language_is_refused(analysed: RunAnalysis) -> None:
    with pytest.raises(InputError, match="unknown report language 'fr'"):
        write_reports(analysed, lang="fr")  # type: ignore[arg-type]
    assert not (analysed.run.directory / "report.html").exists()
