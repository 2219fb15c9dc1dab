"""Two runs compared: fixed, new and persisting findings, matched by what they are about, in text and HTML."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.analysis import RunAnalysis, analyse_run
from auditor.models import CoverageRecord, FailedHook, InstalledHook, RunEnded, ScenarioInfo
from auditor.report.diff import RunDiff, diff_runs, diff_text, finding_key, render_diff_html
from auditor.store import read_run, verify_run
from auditor.testing.factories import APP_FRAME, PLATFORM_FRAME

from .conftest import COARSE, FINE, UMENG_FRAME, SampleRun, parse_html, small_catalog, start_run, text_of


def recorded(sample: SampleRun, directory: Path) -> tuple[RunAnalysis, Path]:
    sample.record(directory)
    return analyse_run(read_run(directory), packs=["cn-miit"], catalog=small_catalog()), directory


def fixed_story(sample: SampleRun, *, location_hook_failed: bool = False) -> None:
    """The app after its fixes: the SDK starts only after the agreement, nothing reads the denied location."""
    b = sample.builder
    start_run(sample)
    b.tick(4000)
    b.consent("accepted")
    b.call("settings.android-id", api="android.provider.Settings$Secure.getString",
           frames=[UMENG_FRAME, PLATFORM_FRAME])
    b.permission("denied", "LOCATION", [FINE, COARSE])
    b.mark(RunEnded, status="completed")
    hooks = [InstalledHook(entry="settings.android-id", cls="android.provider.Settings$Secure", method="getString",
                           sigs=["(android.content.ContentResolver,java.lang.String)"])]
    failed = []
    location = {"entry": "location.last-known", "cls": "android.location.LocationManager", "method": "getLastKnownLocation"}
    if location_hook_failed:
        failed.append(FailedHook(**location, error="java.lang.ClassNotFoundException"))
    else:
        hooks.append(InstalledHook(**location, sigs=["(java.lang.String)"]))
    hooks.append(InstalledHook(entry="clipboard.read", cls="android.content.ClipboardManager",
                               method="getPrimaryClip", sigs=["()"]))
    sample.coverage.append(CoverageRecord(pid=b.pid, process=b.process, ts=sample.start + 100, installed=hooks,
                                          failed=failed))


@pytest.fixture
def old(sample: SampleRun, tmp_path: Path) -> tuple[RunAnalysis, Path]:
    return recorded(sample, tmp_path / "old")


def new_run(tmp_path: Path, name: str = "new", **story: bool) -> tuple[RunAnalysis, Path]:
    (tmp_path / f"{name}-files").mkdir()
    sample = SampleRun(tmp_path / f"{name}-files")
    fixed_story(sample, **story)
    return recorded(sample, tmp_path / name)


def compare(old: tuple[RunAnalysis, Path], new: tuple[RunAnalysis, Path]) -> RunDiff:
    return diff_runs(old[0], new[0], verify_run(old[1]), verify_run(new[1]))


def test_the_fixed_app_shows_which_findings_were_fixed(old: tuple[RunAnalysis, Path], tmp_path: Path) -> None:
    diff = compare(old, new_run(tmp_path))

    assert sorted((c.key[0], c.key[1]) for c in diff.fixed) == [
        ("CN-POST-REFUSAL", "location.last-known"), ("CN-SDK-PRECONSENT", "settings.android-id"),
    ]
    assert {c.key for c in diff.fixed} == {finding_key(f) for f in old[0].analysis.findings}
    assert diff.added == [] and diff.persisting == [] and not diff.has_new_findings
    assert all(c.unproven == [] for c in diff.fixed)
    assert diff.warnings == []
    assert diff.old.intact and diff.new.intact


def test_matching_is_by_what_a_finding_is_about_not_by_its_id(old: tuple[RunAnalysis, Path]) -> None:
    renamed = old[0]
    for index, finding in enumerate(renamed.analysis.findings):
        renamed.analysis.findings[index] = finding.model_copy(update={"id": f"other-{index}", "count": 7})

    diff = diff_runs(old[0], renamed, verify_run(old[1]), verify_run(old[1]))

    assert diff.fixed == [] and diff.added == []
    assert len(diff.persisting) == len(old[0].analysis.findings)


def test_a_new_finding_is_reported_and_sets_the_outcome(tmp_path: Path) -> None:
    before = new_run(tmp_path, "before")
    (tmp_path / "after-files").mkdir()
    sample = SampleRun(tmp_path / "after-files")
    fixed_story(sample)
    sample.builder.markers.pop()  # the run end: more happens first
    sample.builder.call("location.last-known", frames=[APP_FRAME])  # after the denial: a regression
    sample.builder.mark(RunEnded, status="completed")
    after = recorded(sample, tmp_path / "after")

    diff = compare(before, after)

    assert [(c.key[0], c.key[1], c.key[3]) for c in diff.added] == [
        ("CN-POST-REFUSAL", "location.last-known", "permission-denied(LOCATION)"),
    ]
    assert diff.has_new_findings


def test_a_fix_the_new_run_could_not_see_is_not_proven(old: tuple[RunAnalysis, Path], tmp_path: Path) -> None:
    diff = compare(old, new_run(tmp_path, location_hook_failed=True))

    unproven = {c.key[1]: [u.en for u in c.unproven] for c in diff.fixed}
    assert unproven["location.last-known"] == ["the hook location.last-known was not in place in the new run"]
    assert unproven["settings.android-id"] == []


def test_warnings_for_changed_scenarios_and_evidence(old: tuple[RunAnalysis, Path], tmp_path: Path) -> None:
    new = new_run(tmp_path)
    new[0].run.meta.scenario = ScenarioInfo(name="other", path="other.yaml", sha256="1" * 64, copy_path="x")
    with open(old[1] / "markers.jsonl", "a", encoding="utf-8") as handle:
        handle.write("\n")

    diff = compare(old, new)

    warnings = [w.en for w in diff.warnings]
    assert warnings[0].startswith("the runs followed different scenarios")
    assert warnings[1] == f"the old run's files do not match its manifest (consent-audit verify {old[1]})"
    assert not diff.old.intact


def test_the_text_lists_each_change_with_its_counts(old: tuple[RunAnalysis, Path], tmp_path: Path) -> None:
    text = diff_text(compare(old, new_run(tmp_path)))

    lines = text.splitlines()
    assert lines[0] == "Consent audit comparison"
    assert lines[-1] == "2 fixed, 0 new, 0 persisting"
    fixed = [line for line in lines if line.startswith("  - ")]
    assert len(fixed) == 2
    assert any("CN-POST-REFUSAL" in line and line.endswith("(2 -> –)") for line in fixed)
    assert "New (0):" in lines and "Persisting (0):" in lines


def test_the_text_tells_apart_one_rule_in_two_phases(tmp_path: Path) -> None:
    """The same rule, API and caller before consent and after the refusal are two findings: their lines say which
    is which."""
    from tests.commands.test_evidence import record

    both = record(tmp_path / "old", sdk_reads_before_consent=True, app_reads_after_refusal=True)
    fixed = record(tmp_path / "new", sdk_reads_before_consent=False)
    old, new = analyse_run(read_run(both), ["eu-gdpr"]), analyse_run(read_run(fixed), ["eu-gdpr"])
    text = diff_text(diff_runs(old, new, verify_run(both), verify_run(fixed)))
    lines = [line for line in text.splitlines() if line.startswith("  - [high] EU-EPRIV-5-3 ")]
    assert len(lines) == 2, text
    assert lines[0].startswith("  - [high] EU-EPRIV-5-3 (before the user agreed to the privacy policy): ")
    assert lines[1].startswith("  - [high] EU-EPRIV-5-3 (after the user refused the privacy policy): ")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_html_is_self_contained_and_lists_the_changes(old: tuple[RunAnalysis, Path], tmp_path: Path,
                                                          lang: str) -> None:
    diff = compare(old, new_run(tmp_path))

    document = parse_html(render_diff_html(diff, lang))  # type: ignore[arg-type]

    assert document.xpath("//script | //link | //iframe | //img[not(starts-with(@src, 'data:'))]") == []
    assert document.xpath("//meta[@http-equiv='Content-Security-Policy']/@content") == [
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    ]
    assert len(document.xpath("//section[@id='fixed']//tr[@class='change']")) == 2
    assert document.xpath("//section[@id='new']//tr[@class='change']") == []
    digests = document.xpath("//code[contains(@class, 'manifest-digest')]/text()")
    assert digests == [verify_run(old[1]).manifest_sha256, diff.new.manifest_sha256]
    summary = text_of(document.xpath("//p[contains(@class, 'diff-summary')]")[0])
    assert summary == ("2 fixed, 0 new, 0 persisting" if lang == "en" else "已整改 2 个，新增 0 个，仍存在 0 个")


def test_hostile_texts_in_the_comparison_stay_text(old: tuple[RunAnalysis, Path], tmp_path: Path) -> None:
    payload = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    old[0].run.meta.app.label = payload
    finding = old[0].analysis.findings[0]
    old[0].analysis.findings[0] = finding.model_copy(update={
        "explanation": finding.explanation.model_copy(update={"en": payload}),
    })

    document = parse_html(render_diff_html(compare(old, new_run(tmp_path))))

    assert document.xpath("//script | //img") == []
    assert document.xpath("//@*[starts-with(name(), 'on')]") == []
    assert document.text_content().count(payload) >= 2
