"""`verify` and `diff` through the CLI: exit codes, what they print, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from auditor.cli import EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, main
from auditor.models import AppLaunched, ProcessStarted, RunEnded, RunStarted, StackRecord
from auditor.store import DERIVED_MANIFEST, RunWriter, digest_file
from auditor.testing.factories import APP_FRAME, SDK_FRAME, RunBuilder, run_meta


def record(directory: Path, *, sdk_reads_before_consent: bool, app_reads_after_refusal: bool = False) -> Path:
    """A sealed run of the shop: the ad SDK reads the Android ID before or after the user agrees."""
    b = RunBuilder()
    b.mark(RunStarted)
    b.mark(AppLaunched, clear_state=True)
    b.mark(ProcessStarted, pid=b.pid, process=b.process)
    if sdk_reads_before_consent:
        b.call("settings.android-id", frames=[SDK_FRAME])
    if app_reads_after_refusal:
        b.consent("refused")
        b.call("telephony.imei", frames=[APP_FRAME])
    b.consent("accepted")
    if not sdk_reads_before_consent:
        b.call("settings.android-id", frames=[SDK_FRAME])
    b.mark(RunEnded, status="completed")
    writer = RunWriter(directory, run_meta())
    writer.append_events(b.events, [StackRecord(id=k, frames=v) for k, v in b.stacks.items()])
    for marker in b.markers:
        writer.append_marker(marker)
    writer.write_artifact("screenshots/0001.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    writer.seal()
    return directory


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_verify_says_intact_and_exits_0(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    run = record(tmp_path / "run", sdk_reads_before_consent=True)
    assert main(["report", str(run)]) == EXIT_FINDINGS
    capsys.readouterr()

    code, out, err = run_cli(capsys, "verify", str(run))

    assert code == EXIT_CLEAN and err == ""
    derived, intact = out.splitlines()
    assert derived == ("derived: 4 file(s) made again from the evidence: identical (rules: all packs; category: "
                       "none; 0 suppression(s); lang en, values masked)")
    assert intact.startswith("intact: 5 recorded and 4 derived file(s) match; manifest sha256 ")


def test_verify_names_a_one_byte_change_and_exits_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    run = record(tmp_path / "run", sdk_reads_before_consent=True)
    screenshot = run / "screenshots" / "0001.svg"
    data = bytearray(screenshot.read_bytes())
    data[-3] ^= 0x20
    screenshot.write_bytes(bytes(data))
    (run / "notes.txt").write_text("added later")

    code, out, _ = run_cli(capsys, "verify", str(run))

    assert code == EXIT_FINDINGS
    lines = out.splitlines()
    assert lines[:2] == ["changed: screenshots/0001.svg", "added: notes.txt"]
    assert lines[-1].startswith(f"NOT INTACT: {run} is not as the run recorded it and the report made it "
                                "(manifest sha256 ")


def test_verify_of_a_report_edited_by_hand(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    run = record(tmp_path / "run", sdk_reads_before_consent=True)
    main(["report", str(run)])
    report = run / "report.html"
    report.write_text(report.read_text(encoding="utf-8").replace("CN-SDK-PRECONSENT", "CN-NOTHING"), encoding="utf-8")
    capsys.readouterr()

    code, out, _ = run_cli(capsys, "verify", str(run))

    assert code == EXIT_FINDINGS and out.splitlines()[0] == "changed: report.html"


def _edit_with_its_digest(run: Path, name: str, old: str, new: str) -> None:
    """Edit a derived file and write its new digest into derived-manifest.json, as someone hiding the edit would."""
    path = run / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    manifest = json.loads((run / DERIVED_MANIFEST).read_text(encoding="utf-8"))
    manifest["files"][name] = digest_file(path).model_dump()
    (run / DERIVED_MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


@pytest.mark.parametrize(("name", "old", "new"), [
    ("report.html", ">3 high<", ">0 high<"),
    ("findings.json", '"severity": "high"', '"severity": "info"'),
    ("findings.junit.xml", 'failures="3"', 'failures="0"'),
])
def test_verify_catches_a_derived_file_edited_with_its_digest_rewritten(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, old: str, new: str) -> None:
    run = record(tmp_path / "run", sdk_reads_before_consent=True)
    main(["report", str(run)])
    _edit_with_its_digest(run, name, old, new)
    capsys.readouterr()

    code, out, _ = run_cli(capsys, "verify", "--digests-only", str(run))
    assert code == EXIT_CLEAN, "the digests agree: that alone proves nothing about what the file says"
    assert "not made again from the evidence" in out

    code, out, _ = run_cli(capsys, "verify", str(run))
    assert code == EXIT_FINDINGS
    lines = out.splitlines()
    assert lines[0] == f"changed: {name} (it is not what the evidence gives: made again from the evidence, it differs)"
    assert lines[-1].startswith("NOT INTACT: ")


def test_verify_of_a_report_rendered_again_with_other_options_is_intact_and_says_how(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    run = record(tmp_path / "run", sdk_reads_before_consent=True)
    main(["report", str(run), "--lang", "zh", "--reveal", "--rules", "eu-gdpr", "--formats", "html,json"])
    capsys.readouterr()

    code, out, _ = run_cli(capsys, "verify", str(run))

    assert code == EXIT_CLEAN, out
    assert out.splitlines()[0] == ("derived: 2 file(s) made again from the evidence: identical (rules: eu-gdpr; "
                                   "category: none; 0 suppression(s); lang zh, values unmasked (--reveal))")


@pytest.mark.parametrize(("edit", "note"), [
    (lambda manifest: manifest.update(tool_version="0.0.1"), "made by consent-audit 0.0.1, this is"),
    (lambda manifest: manifest.pop("rendering"), "does not say how its files were made"),
    (lambda manifest: manifest["rendering"].update(packs=["no-such-pack"]), "cannot repeat: unknown rule pack"),
])
def test_verify_of_derived_files_it_cannot_make_again_is_not_intact(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, edit: Callable[[dict[str, Any]], object],
        note: str) -> None:
    """Whoever edits a report cannot escape the comparison by making derived-manifest.json unrepeatable."""
    run = record(tmp_path / "run", sdk_reads_before_consent=True)
    main(["report", str(run)])
    manifest = json.loads((run / DERIVED_MANIFEST).read_text(encoding="utf-8"))
    edit(manifest)
    (run / DERIVED_MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    capsys.readouterr()

    code, out, _ = run_cli(capsys, "verify", str(run))

    assert code == EXIT_FINDINGS
    assert any(line.startswith("note: ") and note in line for line in out.splitlines()), out


def test_verify_of_something_that_is_not_a_run_is_a_usage_error(capsys: pytest.CaptureFixture[str],
                                                                tmp_path: Path) -> None:
    code, out, err = run_cli(capsys, "verify", str(tmp_path))

    assert code == EXIT_USAGE and out == ""
    assert err.strip() == f"consent-audit: error: {tmp_path}: not a run directory (no meta.json)"


def test_diff_of_a_fixed_app_exits_0_and_names_the_fix(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    old = record(tmp_path / "old", sdk_reads_before_consent=True)
    new = record(tmp_path / "new", sdk_reads_before_consent=False)
    html = tmp_path / "diff.html"

    code, out, err = run_cli(capsys, "diff", str(old), str(new), "--rules", "cn-miit", "--html", str(html))

    assert code == EXIT_CLEAN, err
    lines = out.splitlines()
    assert lines[-2] == "1 fixed, 0 new, 0 persisting"
    assert any(line.startswith("  - [high] CN-SDK-PRECONSENT (before the user agreed to the privacy policy): ")
               for line in lines)
    assert lines[-1] == f"diff report: {html}"
    assert "CN-SDK-PRECONSENT" in html.read_text(encoding="utf-8")


def test_diff_with_a_new_finding_exits_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    old = record(tmp_path / "old", sdk_reads_before_consent=False)
    new = record(tmp_path / "new", sdk_reads_before_consent=False, app_reads_after_refusal=True)

    code, out, _ = run_cli(capsys, "diff", str(old), str(new), "--rules", "cn-miit", "--lang", "zh")

    assert code == EXIT_FINDINGS
    assert out.splitlines()[-1] == "已整改 0 个，新增 1 个，仍存在 0 个"
    assert any(line.startswith("  + [high] CN-POST-REFUSAL (用户拒绝隐私政策之后): ") for line in out.splitlines())


def test_diff_errors_are_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    old = record(tmp_path / "old", sdk_reads_before_consent=False)

    code, _, err = run_cli(capsys, "diff", str(old), str(tmp_path / "missing"))
    assert code == EXIT_USAGE and err.strip() == f"consent-audit: error: {tmp_path / 'missing'}: not a run directory (no such folder)"

    code, _, err = run_cli(capsys, "diff", str(old), str(old), "--html", str(tmp_path / "no" / "such" / "d.html"))
    assert code == EXIT_USAGE
    assert err.strip() == (f"consent-audit: error: {tmp_path / 'no' / 'such'}: "
                           "the folder for the HTML comparison does not exist")


def test_report_writes_every_export_and_prints_the_manifest(capsys: pytest.CaptureFixture[str],
                                                            tmp_path: Path) -> None:
    run = record(tmp_path / "run", sdk_reads_before_consent=True)

    code, out, _ = run_cli(capsys, "report", str(run), "--formats", "junit,csv")

    assert code == EXIT_FINDINGS
    assert f"junit: {run / 'findings.junit.xml'}" in out.splitlines()
    assert f"events: {run / 'events.csv'}" in out.splitlines()
    assert not (run / "report.html").exists()
    assert any(line.startswith("manifest: sha256 ") and line.endswith("(5 recorded files, intact)")
               for line in out.splitlines())

    code, _, err = run_cli(capsys, "report", str(run), "--formats", "pdf")
    assert code == EXIT_USAGE and "unknown export format(s) pdf" in err


def test_derived_files_do_not_depend_on_the_process_that_made_them(tmp_path: Path) -> None:
    """Made in one process and made again in another with another string-hash seed (set and dict orders differ),
    the derived files are the same bytes: verify's comparison never fails an untouched report."""
    run = record(tmp_path / "run", sdk_reads_before_consent=True, app_reads_after_refusal=True)

    def cli(seed: str, *argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "auditor.cli", *argv], capture_output=True, text=True,
                              env={**os.environ, "PYTHONHASHSEED": seed})

    assert cli("1", "report", str(run), "--reveal").returncode == EXIT_FINDINGS
    checked = cli("2", "verify", str(run))
    assert checked.returncode == EXIT_CLEAN, checked.stdout + checked.stderr
