"""From a run directory to findings: saved screens and timeline, then rules. No device, only reading the run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from auditor import __version__
from auditor.catalog import Catalog, load_catalog
from auditor.errors import DeviceError
from auditor.models import ConsentDecision, ConsentRefusalUnavailable, FindingsDocument, ScreenshotTaken
from auditor.rules import Analysis, analyse, select_rules
from auditor.rules.settings import RuleSettings
from auditor.scenario.hierarchy import parse_hierarchy
from auditor.store import RunData, bulk_allocation
from auditor.timeline import ScreenText, Timeline, build_timeline


@dataclass
class RunAnalysis:
    run: RunData
    catalog: Catalog
    timeline: Timeline
    analysis: Analysis
    settings: RuleSettings
    packs: list[str] | None = None
    """The rule packs asked for; None: every pack."""

    def findings_document(self) -> FindingsDocument:
        return FindingsDocument(
            tool_version=__version__,
            run_id=self.run.meta.run_id,
            app=self.run.meta.app,
            rules_run=self.analysis.rules_run,
            rules_not_evaluated=self.analysis.not_evaluated,
            findings=self.analysis.findings,
        )


def analyse_run(
    run: RunData,
    packs: Iterable[str] | None = None,
    catalog: Catalog | None = None,
    settings: RuleSettings | None = None,
) -> RunAnalysis:
    catalog = catalog or load_catalog()
    settings = settings or RuleSettings()
    screens = load_screens(run)
    chosen = list(packs) if packs is not None else None
    with bulk_allocation():
        timeline = build_timeline(run.events, run.markers, run.stacks, catalog, run.meta.app.package, screens,
                                  settings.attribution())
        analysis = analyse(timeline, select_rules(chosen), settings)
    return RunAnalysis(run, catalog, timeline, analysis, settings, chosen)


def settings_for_run(run: RunData, config: Path | None, category: str | None) -> RuleSettings:
    """The rule settings a run is judged by: the file and category given, else the settings file and category the
    run was audited with (kept in the run), so that re-rendering a run judges it as its own report did."""
    from auditor.rules.settings import load_settings

    recorded = run.meta.options.get("category")
    kept = run.meta.options.get("settings")
    if config is None and isinstance(kept, str):
        config = run.directory / kept
    return load_settings(config, category or (recorded if isinstance(recorded, str) else None))


def load_screens(run: RunData) -> dict[str, ScreenText]:
    """Every hierarchy dump the markers refer to, as texts per window. A missing or unreadable dump is a problem
    of the run (listed with the others), not a reason to stop."""
    paths: set[str] = set()
    for marker in run.markers:
        if isinstance(marker, ScreenshotTaken) and marker.hierarchy:
            paths.add(marker.hierarchy)
        if isinstance(marker, (ConsentDecision, ConsentRefusalUnavailable)) and marker.dialog.hierarchy:
            paths.add(marker.dialog.hierarchy)
    screens: dict[str, ScreenText] = {}
    for relative in sorted(paths):
        path = run.directory / relative
        try:
            hierarchy = parse_hierarchy(path.read_bytes(), source=relative)
        except (OSError, DeviceError) as exc:
            run.problems.append(f"{relative}: unreadable screen ({exc})")
            continue
        windows = []
        for window in range(hierarchy.window_count):
            nodes = hierarchy.window_nodes(window)
            package = nodes[0].package if nodes else ""
            windows.append((package, tuple(hierarchy.texts(window))))
        screens[relative] = ScreenText(tuple(windows))
    return screens
