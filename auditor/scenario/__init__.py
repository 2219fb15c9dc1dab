"""Scenarios: the YAML language (`model`, `loader`, `schema`), the screen (`hierarchy`, `dialogs`) and the `runner`."""

from auditor.scenario.loader import (
    ScenarioInvalid,
    builtin_scenarios,
    check_scenario,
    load_scenario,
    parse_scenario,
    resolve_scenario,
)
from auditor.scenario.model import Scenario, ScenarioStep, Step
from auditor.scenario.runner import RunnerOptions, RunOutcome, ScenarioRunner

__all__ = [
    "RunOutcome", "RunnerOptions", "Scenario", "ScenarioInvalid", "ScenarioRunner", "ScenarioStep", "Step",
    "builtin_scenarios", "check_scenario", "load_scenario", "parse_scenario", "resolve_scenario",
]
