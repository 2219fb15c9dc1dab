"""The built-in scenarios (`scenarios/`): valid, runnable by name, and `miit-standard` run unchanged on the sandbox
demo app through the CLI, real JVM processes and real Frida hooks included."""

import json

import pytest

from auditor.cli import EXIT_FINDINGS, main
from auditor.models import ConsentDecision, ConsentDialogShown, PermissionDecision, StepEnded
from auditor.resources import demo_app
from auditor.scenario.loader import builtin_scenarios, load_scenario
from auditor.scenario.model import Explore, Permission, Repeat
from auditor.store import read_run


def test_the_three_built_ins_exist_and_load():
    assert set(builtin_scenarios()) == {"miit-standard", "refuse-only", "accept-all"}
    for path in builtin_scenarios().values():
        scenario = load_scenario(path)
        assert "built-in" in scenario.tags and scenario.app_id is None


def test_no_built_in_names_an_apps_text_or_id():
    """Runnable on any app: no selector at all; the only condition is the system's permission dialog, as the
    permission step recognises it (an app's own view with the id `permission_message` is not one)."""
    for path in builtin_scenarios().values():
        for planned in load_scenario(path).walk():
            action = planned.action
            conditions = [action.when] if action.when else []
            if isinstance(action, Repeat) and action.while_ is not None:
                conditions.append(action.while_)
            for condition in conditions:
                assert (condition.visible, condition.not_visible, condition.permission_dialog) == (None, None, True)
            assert not hasattr(action, "selector"), f"{planned.where}: {action.describe()}"


@pytest.mark.parametrize("name", ["miit-standard", "refuse-only", "accept-all"])
def test_only_the_first_launch_of_a_built_in_may_end_the_run(name):
    """One surprise of the app (no dialog where one was expected, a step that fails) must not cost the rest of the
    audit: every step after the first launch goes on after a failure, and so do the steps inside a repeat."""
    steps = load_scenario(builtin_scenarios()[name]).walk()
    assert steps[0].action.step == "launchApp" and steps[0].action.failure_action == "stop"
    stopping = [f"{s.where}: {s.action.describe()}" for s in steps[1:] if s.action.failure_action == "stop"]
    assert stopping == []


def test_the_observation_before_any_answer_touches_nothing():
    for name in ("miit-standard", "refuse-only"):
        walked = [s.action for s in load_scenario(builtin_scenarios()[name]).walk()]
        observed = next(i for i, a in enumerate(walked) if a.step == "consent" and a.action == "none")
        assert walked[observed + 1].step == "sleep" and walked[observed + 1].dialogs == "leave"


def test_miit_standard_denies_every_permission_and_refuses_before_it_accepts():
    scenario = load_scenario(builtin_scenarios()["miit-standard"])
    assert scenario.permission_policy == "deny"
    walked = [step.action for step in scenario.walk()]
    consents = [a.action for a in walked if a.step == "consent"]
    assert consents == ["none", "refuse", "accept"]
    assert {a.action for a in walked if isinstance(a, Permission)} == {"deny"}
    assert any(isinstance(a, Explore) for a in walked)
    assert [a.step for a in walked].count("relaunch") == 2


@pytest.mark.integration
def test_miit_standard_runs_unchanged_on_the_demo_app_through_the_cli(tmp_path, capsys):
    directory = tmp_path / "run"
    code = main(["run", "--target", f"sandbox:{demo_app()}", "--scenario", "miit-standard", "--env", "OBSERVE=1.5",
                 "--out", str(directory)])
    captured = capsys.readouterr()
    assert code == EXIT_FINDINGS, captured.err
    run = read_run(directory)
    assert run.meta.scenario.name == "MIIT standard procedure"
    assert run.markers[-1].status == "completed"
    markers = run.markers
    # Observed first, then refused, then accepted.
    (shown,) = [m for m in markers if isinstance(m, ConsentDialogShown)]
    assert shown.dialog.accept.text == "Agree" and shown.dialog.reject.text == "Disagree"
    assert [m.decision for m in markers if isinstance(m, ConsentDecision)] == ["refused", "accepted"]
    # The location asked right after the agreement is denied by the step, the one asked again while the app is
    # used is denied by the scenario's policy.
    permissions = [(m.decision, m.group, m.by_policy, m.step.name) for m in markers
                   if isinstance(m, PermissionDecision)]
    assert permissions == [("denied", "LOCATION", False, "permission"),
                           ("denied-forever", "LOCATION", True, "explore")]
    explore_end = next(m for m in markers if isinstance(m, StepEnded) and m.step.name == "explore")
    assert explore_end.ok and "'Nearby stores', 'Paste coupon code'" in explore_end.message
    launches = [m.clear_state for m in markers if m.kind == "app-launch"]
    assert launches == [True, False, False]
    assert [m.kind for m in markers].count("app-background") == 1
    findings = json.loads((directory / "findings.json").read_text(encoding="utf-8"))["findings"]
    # Each stage produced its evidence: reads before any answer, after the refusal, after the denial (the rule
    # packs decide the rule ids; the phases are the scenario's doing).
    found = {(f["entry"], f["caller"]["sdk"] or f["caller"]["origin"], f["phase"])
             for f in findings if f.get("entry") and f["rule"].startswith("CN-")}
    assert {
        ("settings.android-id", "AdSDK", "pre-consent"),  # the SDKs as the demo's consent-audit.yaml names them
        ("apps.installed-packages", "TrackMetrics", "pre-consent"),
        ("clipboard.read", "TrackMetrics", "refused"),
        ("location.last-known", "app", "permission-denied(LOCATION)"),
    } <= found
