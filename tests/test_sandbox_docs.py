"""docs/sandbox.md is a page someone can write and audit a sandbox app from: its example app, taken from the page's
own code blocks, builds and is audited (real JVM, real Frida) with exactly the findings the page announces; its
class reference (docs/sandbox-api.md) is the runtime's; the system services it lists are the ones the runtime has."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from auditor.cli import EXIT_FINDINGS, main
from auditor.devices.sandbox_build import runtime_sources
from auditor.resources import SOURCE_ROOT
from auditor.store import read_run
from tests.sandbox_reference import render

DOCS = SOURCE_ROOT / "docs"
PAGE = DOCS / "sandbox.md"
EXAMPLE = "weather"
_BLOCK = re.compile(r"^```(?P<lang>\w+)\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)
_FILE_LINE = re.compile(rf"^(?:<!--|//|#) (?P<path>{EXAMPLE}/\S+)(?: -->)?$")


def page() -> str:
    return PAGE.read_text(encoding="utf-8")


def example_files() -> dict[str, str]:
    """The example app's files: every code block whose first line names a file under `weather/`."""
    files = {}
    for block in _BLOCK.finditer(page()):
        first, _, rest = block["body"].partition("\n")
        named = _FILE_LINE.match(first)
        if named:
            files[named["path"].removeprefix(f"{EXAMPLE}/")] = rest
    return files


def announced_findings() -> set[tuple[str, str, str, str]]:
    """(rule, call, caller, phase) of the table the page says the audit finds."""
    section = page().split("## A complete example", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([A-Z0-9-]+)` \| `([^`]+)` \| `([^`]+)` \| `([^`]+)` \|$", section, re.MULTILINE)
    return set(rows)


def test_the_page_gives_every_file_of_the_example() -> None:
    files = example_files()
    assert set(files) == {"AndroidManifest.xml", "scenario.yaml", "src/com/skystats/Stats.java",
                          "src/com/example/weather/MainActivity.java"}
    assert len(announced_findings()) == 3


def test_the_page_links_the_scenario_language_and_the_built_in_scenarios() -> None:
    text = page()
    assert "(scenarios.md)" in text and "--scenario miit-standard" in text and "(sandbox-api.md)" in text


def test_the_class_reference_is_the_runtimes() -> None:
    on_disk = (DOCS / "sandbox-api.md").read_text(encoding="utf-8")
    assert on_disk == render(), "docs/sandbox-api.md is stale: .venv/bin/python -m tests.sandbox_reference > docs/sandbox-api.md"


def test_the_system_services_listed_are_the_ones_the_runtime_serves() -> None:
    context_impl = (runtime_sources() / "android" / "app" / "ContextImpl.java").read_text(encoding="utf-8")
    served = set(re.findall(r"case (\w+_SERVICE):", context_impl))
    services_row = next(line for line in page().splitlines() if line.startswith("| system services |"))
    assert set(re.findall(r"`(\w+_SERVICE)`", services_row)) == served


def caller_name(caller: dict[str, str] | None) -> str:
    if caller is None:
        return "-"
    return caller["sdk"] if caller["origin"] == "sdk" else caller["origin"]


@pytest.mark.integration
def test_the_example_app_is_audited_as_the_page_says(tmp_path: Path) -> None:
    app = tmp_path / EXAMPLE
    for relative, content in example_files().items():
        path = app / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    run = tmp_path / "weather-run"

    assert main(["run", "--target", f"sandbox:{app}", "--out", str(run)]) == EXIT_FINDINGS

    findings = json.loads((run / "findings.json").read_text(encoding="utf-8"))["findings"]
    found = {(f["rule"], f["entry"] or f["subject"], caller_name(f["caller"]), f["phase"]) for f in findings}
    assert found == announced_findings()
    assert (run / "report.html").is_file()
    # The compliant half: location read after the grant, recorded and not judged.
    data = read_run(run)
    location = [event.entry for event in data.events if event.entry and event.entry.startswith("location.")]
    assert {"location.last-known", "location.latitude", "location.longitude"} <= set(location)
    assert not any(f["entry"] and f["entry"].startswith("location.") for f in findings)
