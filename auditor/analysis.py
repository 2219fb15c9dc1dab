"""From a run directory to findings: timeline, then rules. No device, no I/O beyond reading the run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from auditor import __version__
from auditor.catalog import Catalog, load_catalog
from auditor.models import FindingsDocument
from auditor.rules import Analysis, analyse, select_rules
from auditor.store import RunData
from auditor.timeline import Timeline, build_timeline


@dataclass
class RunAnalysis:
    run: RunData
    catalog: Catalog
    timeline: Timeline
    analysis: Analysis

    def findings_document(self) -> FindingsDocument:
        return FindingsDocument(
            tool_version=__version__,
            run_id=self.run.meta.run_id,
            app=self.run.meta.app,
            rules_run=self.analysis.rules_run,
            findings=self.analysis.findings,
        )


def analyse_run(run: RunData, packs: Iterable[str] | None = None, catalog: Catalog | None = None) -> RunAnalysis:
    catalog = catalog or load_catalog()
    timeline = build_timeline(run.events, run.markers, run.stacks, catalog, run.meta.app.package)
    return RunAnalysis(run, catalog, timeline, analyse(timeline, select_rules(packs)))
