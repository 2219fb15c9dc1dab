"""Write a run's derived files into its run directory: report.html, findings.json, findings.junit.xml, events.csv,
and derived-manifest.json with their digests and how they were made; and make them again to check them
(`rederive`).

The evidence is checked against manifest.json first, and the report says what it found: a report is never made
from records that changed since the run without saying so. Derived files are a pure function of the evidence, the
rendering options and the tool version (no clock, no path, no ordering left to chance), so that `verify` can make
them again from the evidence and compare them byte for byte: a digest alone would only say that nobody changed a
file after its digest was written, and whoever changes a report can write its digest too.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

from auditor import __version__
from auditor.analysis import RunAnalysis, analyse_run
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
    Rendering,
    Verification,
    bulk_allocation,
    read_derived_manifest,
    read_run,
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
        with bulk_allocation():
            _write_format(result, fmt, path, lang, reveal, integrity)
        written[fmt] = path
    assert {path.name for path in written.values()} <= DERIVED_FILES
    rendering = Rendering(lang=lang, reveal=reveal, formats=list(written), packs=result.packs,
                          settings=result.settings.model_dump(mode="json"))
    write_derived_manifest(directory, [path.name for path in written.values()], __version__, rendering)
    return ReportPaths(
        html=written.get("html"),
        findings=written.get("json"),
        junit=written.get("junit"),
        csv=written.get("csv"),
        derived_manifest=directory / DERIVED_MANIFEST,
        integrity=integrity,
    )


def _write_format(result: RunAnalysis, fmt: Format, path: Path, lang: Lang, reveal: bool,
                  integrity: Verification) -> None:
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


@dataclass
class Rederivation:
    """The derived files of a run made again from its evidence, and compared with those in the run directory."""

    rendering: Rendering | None = None
    identical: list[str] = field(default_factory=list)
    different: list[str] = field(default_factory=list)
    """Derived files that are not what the evidence gives: changed after they were made, or made from other
    evidence."""
    notes: list[str] = field(default_factory=list)
    """Why the derived files could not be made again (then none of them is proven)."""

    @property
    def proven(self) -> bool:
        return not (self.different or self.notes)


def rederive(directory: Path) -> Rederivation:
    """Make the derived files of `directory` again, from its evidence and with the rendering its
    derived-manifest.json records, and compare them byte for byte with those there.

    Raises InputError when `directory` is not a run directory or its derived manifest cannot be read."""
    derived = read_derived_manifest(directory)
    checked = Rederivation()
    if derived is None:
        return checked
    checked.rendering = rendering = derived.rendering
    if rendering is None:
        checked.notes.append(f"{DERIVED_MANIFEST} does not say how its files were made (an older consent-audit "
                             "wrote it): they cannot be made again to be compared; `consent-audit report` makes "
                             "them again from the evidence")
        return checked
    if derived.tool_version != __version__:
        checked.notes.append(f"the derived files were made by consent-audit {derived.tool_version}, this is "
                             f"{__version__}: only the same version makes them again byte for byte (verify with "
                             f"consent-audit {derived.tool_version}, or make them again with `consent-audit report`)")
        return checked
    from auditor.rules.settings import RuleSettings

    try:
        settings = RuleSettings.model_validate(rendering.settings)
        formats = parse_formats(",".join(rendering.formats))
        if rendering.lang not in get_args(Lang):
            raise InputError(f"unknown report language {rendering.lang!r}")
        result = analyse_run(read_run(directory), rendering.packs, settings=settings)
    except (InputError, ValueError) as exc:
        checked.notes.append(f"{DERIVED_MANIFEST} records a rendering this consent-audit cannot repeat: "
                             f"{' '.join(str(exc).split())}")
        return checked
    integrity = _check_evidence(directory)
    with tempfile.TemporaryDirectory(prefix="consent-audit-rederive-") as scratch:
        for fmt in formats:
            name = FILE_OF_FORMAT[fmt]
            made = Path(scratch) / name
            with bulk_allocation():
                _write_format(result, fmt, made, rendering.lang, rendering.reveal, integrity)  # type: ignore[arg-type]
            present = directory / name
            same = present.is_file() and _same_bytes(present, made)
            (checked.identical if same else checked.different).append(name)
    return checked


def _same_bytes(first: Path, second: Path) -> bool:
    import filecmp

    return filecmp.cmp(first, second, shallow=False)


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
