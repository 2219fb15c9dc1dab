"""A hand-made run with a known story, told on the device clock so the report's times can be checked by hand.

    t=0.0 s  run starts, step 1 "Launch the app", app launched from a clean state, process 1000 starts
    t=0.4 s  screenshot of the privacy dialog (screenshots/0001-dialog.svg)
    t=0.5 s  the Umeng SDK reads the Android ID                          (before consent)
    t=4.6 s  the user taps “Agree”                                       (4.1 s after the read)
    t=4.7 s  the user taps “Don’t allow” on the LOCATION dialog
    t=7.9 s  the app reads the last known location: SecurityException    (3.2 s after the denial)
    t=8.0 s  the app reads it again: returned
    t=8.1 s  run ends, completed
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from auditor.analysis import RunAnalysis, analyse_run
from auditor.catalog import Catalog
from auditor.models import (
    AppLaunched,
    CatalogEntry,
    CoverageRecord,
    FailedHook,
    InstalledHook,
    ProcessStarted,
    RunEnded,
    RunStarted,
    ScreenshotTaken,
    StackRecord,
    StepRef,
    StepStarted,
    Text,
)
from auditor.rules import all_rules
from auditor.sdk import attribute
from auditor.store import RunData, RunWriter
from auditor.testing.factories import APP, APP_FRAME, PLATFORM_FRAME, RunBuilder, run_meta

FINE = "android.permission.ACCESS_FINE_LOCATION"
COARSE = "android.permission.ACCESS_COARSE_LOCATION"
UMENG_FRAME = "com.umeng.commonsdk.UMConfigure.init(UMConfigure.java:88)"
# Names as the SDK table has them today (it grows): the report shows what attribution says.
UMENG = attribute([UMENG_FRAME], APP)
UMENG_NAME = f"The SDK {UMENG.sdk} ({UMENG.vendor})"
RULE_TITLES = {r.id: r.title for r in all_rules()}
SCREENSHOT = "screenshots/0001-dialog.svg"
# A real sandbox screenshot is SVG; this one carries a script too, to prove it is only ever shown through <img>.
SCREENSHOT_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="80"><script>alert(1)</script>'
    b'<rect width="40" height="80" fill="#eee"/><text x="2" y="20">Privacy</text></svg>'
)
# What the Problems section says about the sample's one failed hook.
HOOK_FAILURE = ("process com.example.shop (pid 1000): 1 hook(s) failed to install (clipboard.read): "
                "calls to those APIs went unseen")


def catalog_entry(entry_id: str, cls: str, method: str, pi_type: str, data: str,
                  permissions: tuple[str, ...] = (), description: Text | None = None) -> CatalogEntry:
    return CatalogEntry.model_validate({
        "id": entry_id, "class": cls, "method": method, "pi_type": pi_type, "data": {"en": data, "zh": data},
        "permissions": list(permissions),
        "description": description or Text(en=f"{data} (en)", zh=f"{data}（中文）"),
    })


def small_catalog() -> Catalog:
    return Catalog([
        catalog_entry("settings.android-id", "android.provider.Settings$Secure", "getString", "device-id",
                      "Android ID", description=Text(en="Android ID, a per-app device identifier",
                                                     zh="Android ID，设备标识符")),
        catalog_entry("location.last-known", "android.location.LocationManager", "getLastKnownLocation",
                      "location", "last known location", (FINE, COARSE)),
        catalog_entry("clipboard.read", "android.content.ClipboardManager", "getPrimaryClip", "clipboard",
                      "clipboard contents"),
    ])


def step(index: int, name: str) -> StepRef:
    return StepRef(index=index, name=name, file="scenario.yaml", line=3 + index)


@dataclass
class SampleRun:
    """A run being built: the builder's records plus what a run directory adds (coverage, problems, files)."""

    directory: Path
    builder: RunBuilder = field(default_factory=RunBuilder)
    catalog: Catalog = field(default_factory=small_catalog)
    coverage: list[CoverageRecord] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    meta_overrides: dict[str, Any] = field(default_factory=dict)

    @property
    def start(self) -> float:
        return self.builder.markers[0].ts

    def write_file(self, relative: str, data: bytes) -> None:
        path = self.directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def record(self, directory: Path, *, seal: bool = True) -> Path:
        """Write the run into a fresh run directory the way an audit does: through RunWriter, sealed at the end
        (manifest.json) unless told to leave it like a run that was cut off."""
        writer = RunWriter(directory, run_meta(**self.meta_overrides))
        stacks = [StackRecord(id=stack_id, frames=frames) for stack_id, frames in self.builder.stacks.items()]
        writer.append_events(list(self.builder.events), stacks)
        for marker in self.builder.markers:
            writer.append_marker(marker)
        for record in self.coverage:
            writer.append_coverage(record)
        for path in self.directory.rglob("*"):
            if path.is_file():
                writer.write_artifact(path.relative_to(self.directory).as_posix(), path.read_bytes())
        if seal:
            writer.seal()
        else:
            writer.close()
        return directory

    def run_data(self) -> RunData:
        b = self.builder
        return RunData(self.directory, run_meta(**self.meta_overrides), list(b.events), dict(b.stacks),
                       list(b.markers), list(self.coverage), list(self.problems))

    def analyse(self) -> RunAnalysis:
        return analyse_run(self.run_data(), packs=["cn-miit"], catalog=self.catalog)


def start_run(sample: SampleRun) -> None:
    b = sample.builder
    b.mark(RunStarted)
    b.mark(StepStarted, step=step(0, "Launch the app"))
    b.mark(AppLaunched, clear_state=True, step=step(0, "Launch the app"))
    b.mark(ProcessStarted, pid=b.pid, process=b.process, step=step(0, "Launch the app"))


def tell_the_story(sample: SampleRun) -> None:
    """The run in this module's docstring."""
    b = sample.builder
    start_run(sample)
    sample.write_file(SCREENSHOT, SCREENSHOT_SVG)
    b.mark(ScreenshotTaken, path=SCREENSHOT)
    b.call("settings.android-id", api="android.provider.Settings$Secure.getString",
           frames=[UMENG_FRAME, PLATFORM_FRAME])
    b.tick(4000)
    b.consent("accepted")
    b.permission("denied", "LOCATION", [FINE, COARSE])
    b.tick(3100)
    location_frames = [APP_FRAME, PLATFORM_FRAME]
    b.call("location.last-known", api="android.location.LocationManager.getLastKnownLocation",
           frames=location_frames, threw="java.lang.SecurityException")
    b.call("location.last-known", api="android.location.LocationManager.getLastKnownLocation",
           frames=location_frames)
    b.mark(RunEnded, status="completed")
    sample.coverage.append(CoverageRecord(
        pid=b.pid, process=b.process, ts=sample.start + 300,
        installed=[
            InstalledHook(entry="settings.android-id", cls="android.provider.Settings$Secure", method="getString",
                          sigs=["(android.content.ContentResolver,java.lang.String)"]),
            InstalledHook(entry="location.last-known", cls="android.location.LocationManager",
                          method="getLastKnownLocation", sigs=["(java.lang.String)"]),
        ],
        failed=[FailedHook(entry="clipboard.read", cls="android.content.ClipboardManager", method="getPrimaryClip",
                           error="java.lang.ClassNotFoundException: android.content.ClipboardManager")],
    ))


@pytest.fixture
def sample(tmp_path: Path) -> SampleRun:
    run = SampleRun(tmp_path / "run")
    run.directory.mkdir()
    tell_the_story(run)
    return run


@pytest.fixture
def empty_sample(tmp_path: Path) -> SampleRun:
    """A run directory being filled by the test itself: nothing recorded yet."""
    run = SampleRun(tmp_path / "run")
    run.directory.mkdir()
    return run


def parse_html(text: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(text)


def text_of(element: lxml.html.HtmlElement) -> str:
    """An element's text as a reader sees it: whitespace runs collapsed."""
    return " ".join(str(element.text_content()).split())


# ------------------------------------------------------------------------------------------------ browser tests

REQUIRE_BROWSER = "CONSENT_AUDIT_REQUIRE_BROWSER"
"""Set to 1 (CI does, in .ci/run): a browser test that cannot run fails instead of skipping."""
_BROWSER_SKIPS: list[str] = []


def browser_unavailable(reason: str) -> None:
    """A browser test cannot run here: it fails when the browser is required, else skips, and the skip is named
    at the end of the run (a skipped browser test is an untested report, not a pass)."""
    import os

    if os.environ.get(REQUIRE_BROWSER) == "1":
        pytest.fail(f"{reason} ({REQUIRE_BROWSER}=1: the browser tests must run)", pytrace=False)
    _BROWSER_SKIPS.append(reason)
    pytest.skip(reason)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _BROWSER_SKIPS:
        terminalreporter.write_sep("=", "the report was NOT tested in a browser", yellow=True, bold=True)
        for reason in dict.fromkeys(_BROWSER_SKIPS):
            terminalreporter.write_line(f"skipped: {reason}")
        terminalreporter.write_line(f"(set {REQUIRE_BROWSER}=1 to make this a failure, as CI does)")
