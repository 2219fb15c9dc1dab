"""write_reports: the derived files written into a real run directory, read back through the store, with their
digests in derived-manifest.json and the evidence checked against manifest.json."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from auditor.analysis import RunAnalysis, analyse_run
from auditor.errors import InputError
from auditor.models import FindingsDocument, RecordedValue
from auditor.report import parse_formats, write_reports
from auditor.store import DerivedManifest, read_run, verify_run

from .conftest import RULE_TITLES, SampleRun, parse_html, small_catalog, text_of

CLIPBOARD_TEXT = "=HYPERLINK(\"http://example.invalid\",\"coupon\")"


@pytest.fixture
def analysed(sample: SampleRun, tmp_path: Path) -> RunAnalysis:
    directory = sample.record(tmp_path / "recorded")
    return analyse_run(read_run(directory), packs=["cn-miit"], catalog=small_catalog())


def test_writes_every_format_into_the_run_directory(analysed: RunAnalysis) -> None:
    paths = write_reports(analysed)

    directory = analysed.run.directory
    assert (paths.html, paths.findings, paths.junit, paths.csv, paths.derived_manifest) == (
        directory / "report.html", directory / "findings.json", directory / "findings.junit.xml",
        directory / "events.csv", directory / "derived-manifest.json",
    )
    assert not list(directory.glob("*.tmp"))
    document = parse_html(paths.html.read_text(encoding="utf-8"))
    assert len(document.xpath("//article[contains(@class, 'finding')]")) == 2
    assert document.xpath("//figure[@class='screenshot']/img/@src")[0].startswith("data:image/svg+xml;base64,")


def test_the_derived_files_are_recorded_and_the_run_verifies_intact(analysed: RunAnalysis) -> None:
    paths = write_reports(analysed)

    manifest = DerivedManifest.model_validate_json(paths.derived_manifest.read_text(encoding="utf-8"))
    assert sorted(manifest.files) == ["events.csv", "findings.json", "findings.junit.xml", "report.html"]
    checked = verify_run(analysed.run.directory)
    assert checked.intact and checked.derived_files == 4
    assert manifest.evidence_manifest_sha256 == checked.manifest_sha256 == paths.integrity.manifest_sha256


def test_the_report_shows_the_manifest_digest_and_that_the_evidence_is_intact(analysed: RunAnalysis) -> None:
    paths = write_reports(analysed)

    document = parse_html(paths.html.read_text(encoding="utf-8"))
    [digest] = document.xpath("//code[contains(@class, 'manifest-digest')]/text()")
    assert digest == verify_run(analysed.run.directory).manifest_sha256
    status = text_of(document.xpath("//span[@class='integrity-status']")[0])
    assert status == f"intact: the {paths.integrity.evidence_files} recorded files match the manifest"


def test_a_report_made_from_changed_evidence_says_so(analysed: RunAnalysis) -> None:
    directory = analysed.run.directory
    with open(directory / "events.jsonl", "a", encoding="utf-8") as handle:
        handle.write("\n")

    paths = write_reports(analysed)

    document = parse_html(paths.html.read_text(encoding="utf-8"))
    [status] = document.xpath("//dd[contains(@class, 'integrity')]")
    assert "problem" in status.get("class")
    assert "the run directory does not match its manifest (changed: events.jsonl)" in text_of(status)
    problems = [[text_of(td) for td in row.xpath("./td")] for row in document.xpath("//section[@id='problems']//tbody/tr")]
    assert ["integrity", "the run directory does not match its manifest (changed: events.jsonl)"] in problems
    assert document.xpath("//section[@id='verdict']/p[@class='warning']")
    # The report does not bless what changed: the evidence manifest is left as the run wrote it.
    assert verify_run(directory).changed == ["events.jsonl"]


def test_a_run_that_was_cut_off_has_no_manifest_and_the_report_says_so(sample: SampleRun, tmp_path: Path) -> None:
    directory = sample.record(tmp_path / "cut-off", seal=False)
    result = analyse_run(read_run(directory), packs=["cn-miit"], catalog=small_catalog())

    paths = write_reports(result)

    document = parse_html(paths.html.read_text(encoding="utf-8"))
    assert document.xpath("//code[contains(@class, 'manifest-digest')]") == []
    assert text_of(document.xpath("//span[@class='integrity-status']")[0]).startswith("no manifest.json")
    assert not verify_run(directory).intact


def test_only_the_formats_asked_for_are_written_and_stale_ones_removed(analysed: RunAnalysis) -> None:
    write_reports(analysed)
    paths = write_reports(analysed, formats=parse_formats("json,junit"))

    directory = analysed.run.directory
    assert (paths.html, paths.csv) == (None, None)
    assert not (directory / "report.html").exists() and not (directory / "events.csv").exists()
    assert verify_run(directory).intact


def test_formats_are_parsed_and_checked() -> None:
    assert parse_formats(" csv, html ,csv") == ("html", "csv")
    with pytest.raises(InputError, match=r"unknown export format\(s\) pdf \(known: html, json, junit, csv\)"):
        parse_formats("html,pdf")
    with pytest.raises(InputError, match=r"\(none given\)"):
        parse_formats(" , ")


def test_findings_json_round_trips_and_keeps_chinese_readable(analysed: RunAnalysis) -> None:
    paths = write_reports(analysed)

    assert paths.findings is not None
    raw = paths.findings.read_text(encoding="utf-8")
    assert FindingsDocument.model_validate_json(raw) == analysed.findings_document()
    assert RULE_TITLES["CN-SDK-PRECONSENT"].zh in raw  # not \u escapes: people read this file too
    assert json.loads(raw)["findings"][0]["rule"] == "CN-SDK-PRECONSENT"
    assert raw.startswith('{\n  "schema_version": 1')


def test_rewriting_replaces_the_derived_files(analysed: RunAnalysis) -> None:
    write_reports(analysed, lang="zh")
    paths = write_reports(analysed, lang="en")

    assert paths.html is not None
    document = parse_html(paths.html.read_text(encoding="utf-8"))
    assert document.get("lang") == "en"
    assert document.xpath("//h1")[0].text.strip() == "Consent audit evidence report"
    assert verify_run(analysed.run.directory).intact


def test_reveal_unmasks_values_in_the_report_and_the_csv_only(sample: SampleRun, tmp_path: Path) -> None:
    masked = RecordedValue(type="java.lang.String", text="3f6b*********b57", masked=True, raw="3f6b1c2e8d9a4b57")
    sample.builder.events[0] = sample.builder.events[0].model_copy(update={"ret": masked})
    directory = sample.record(tmp_path / "values")
    result = analyse_run(read_run(directory), packs=["cn-miit"], catalog=small_catalog())

    write_reports(result)
    assert "3f6b1c2e8d9a4b57" not in (directory / "report.html").read_text(encoding="utf-8")
    assert "3f6b1c2e8d9a4b57" not in (directory / "events.csv").read_text(encoding="utf-8-sig")
    write_reports(result, reveal=True)
    assert "3f6b1c2e8d9a4b57" in (directory / "report.html").read_text(encoding="utf-8")
    assert "3f6b1c2e8d9a4b57" in (directory / "events.csv").read_text(encoding="utf-8-sig")
    for name in ("findings.json", "findings.junit.xml"):
        assert "3f6b1c2e8d9a4b57" not in (directory / name).read_text(encoding="utf-8")


def test_the_csv_has_a_row_per_call_with_its_phase_and_findings(analysed: RunAnalysis) -> None:
    paths = write_reports(analysed)

    assert paths.csv is not None
    with open(paths.csv, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["event_id"], r["entry"], r["phase"], r["outcome"]) for r in rows] == [
        ("1000-0", "settings.android-id", "pre-consent", "returned"),
        ("1000-1", "location.last-known", "permission-denied(LOCATION)", "java.lang.SecurityException"),
        ("1000-2", "location.last-known", "permission-denied(LOCATION)", "returned"),
    ]
    findings = {f.id: f.rule for f in analysed.analysis.findings}
    assert [findings[r["findings"]] for r in rows] == ["CN-SDK-PRECONSENT", "CN-POST-REFUSAL", "CN-POST-REFUSAL"]
    assert rows[0]["offset_ms"] == "500.0"


def test_an_unknown_language_is_refused(analysed: RunAnalysis) -> None:
    with pytest.raises(InputError, match="unknown report language 'fr'"):
        write_reports(analysed, lang="fr")  # type: ignore[arg-type]
    assert not (analysed.run.directory / "report.html").exists()


def test_the_rendering_is_recorded_and_makes_the_same_files_again(sample: SampleRun, tmp_path: Path) -> None:
    """Derived files are a function of the evidence and the recorded rendering: made again in another folder and
    another process state, they are the same bytes; an edit is found even when its digest was rewritten."""
    from auditor.report.writer import rederive
    from auditor.rules.settings import RuleSettings

    directory = sample.record(tmp_path / "recorded")
    settings = RuleSettings(category="shopping", first_party_hosts=["shop.example"])
    write_reports(analyse_run(read_run(directory), packs=["cn-miit", "eu-gdpr"], settings=settings), "zh",
                  reveal=True)
    manifest = DerivedManifest.model_validate_json((directory / "derived-manifest.json").read_text("utf-8"))
    assert manifest.rendering is not None
    assert (manifest.rendering.lang, manifest.rendering.reveal, manifest.rendering.packs) == (
        "zh", True, ["cn-miit", "eu-gdpr"])
    assert RuleSettings.model_validate(manifest.rendering.settings) == settings

    moved = tmp_path / "elsewhere"
    directory.rename(moved)
    checked = rederive(moved)
    assert checked.proven and sorted(checked.identical) == sorted(manifest.files)

    csv_path = moved / "events.csv"
    csv_path.write_bytes(csv_path.read_bytes().replace(b"pre-consent", b"consented", 1))
    assert rederive(moved).different == ["events.csv"]
