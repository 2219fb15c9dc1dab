"""Scenarios: the YAML language (`model`, `loader`), the screen (`hierarchy`, `dialogs`) and the `runner`."""

from auditor.scenario.loader import load_scenario, parse_scenario
from auditor.scenario.model import Scenario, ScenarioStep, Step
from auditor.scenario.runner import RunnerOptions, RunOutcome, ScenarioRunner

__all__ = [
    "RunOutcome", "RunnerOptions", "Scenario", "ScenarioRunner", "ScenarioStep", "Step", "load_scenario",
    "parse_scenario",
]
