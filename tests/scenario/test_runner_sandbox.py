"""The runner driving the real JVM sandbox (the bundled demo shop), without Frida: dialogs as the sandbox draws
them are found and answered, and the app's life cycle follows the steps."""

from pathlib import Path

import pytest

from auditor.devices.sandbox import SandboxBackend
from auditor.models import (
    AppBackgrounded,
    AppForegrounded,
    AppLaunched,
    ConsentDecision,
    ConsentDialogShown,
    ConsentRefusalIneffective,
    PermissionDecision,
    StepEnded,
)
from auditor.resources import demo_app
from auditor.scenario import RunnerOptions, ScenarioRunner, load_scenario
from auditor.testing import FakeRecorder

pytestmark = pytest.mark.integration

SCENARIO = """\
name: accept, allow, use the feature, background
---
- launchApp: {clearState: true}
- waitFor: "Privacy Policy"
- consent: accept
- permission: allow
- tapOn: "Nearby stores"
- assertVisible: {textContains: "Stores near"}
- background: 0.5
- screenshot: end
- stopApp
"""


def test_the_runner_drives_the_sandbox_demo_app(tmp_path):
    path = tmp_path / "scenario.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    scenario = load_scenario(path)
    recorder = FakeRecorder()
    gated = []
    backend = SandboxBackend(demo_app())
    try:
        outcome = ScenarioRunner(scenario, backend, recorder, gated.append, RunnerOptions()).run()
    finally:
        backend.close()

    assert outcome.status == "completed", outcome.message
    assert [p.name for p in gated] == ["com.example.shop"]
    assert all(m.ok for m in recorder.of_type(StepEnded))
    consent = recorder.of_type(ConsentDecision)[0]
    assert consent.decision == "accepted"
    assert consent.control.text == "Agree" and consent.dialog.reject is not None
    permission = recorder.of_type(PermissionDecision)[0]
    assert (permission.decision, permission.group, permission.by_policy) == ("granted", "LOCATION", False)
    assert permission.control.resource_id.endswith(":id/permission_allow_foreground_only_button")
    assert "android.permission.ACCESS_FINE_LOCATION" in permission.permissions
    assert len(recorder.of_type(AppBackgrounded)) == len(recorder.of_type(AppForegrounded)) == 1
    assert b"Stores near" in recorder.artifacts["hierarchy/08-end.xml"]


FRAGILE = Path(__file__).parent / "apps" / "fragile"

FRAGILE_SCENARIO = """\
name: a privacy dialog that cannot be refused, a text field, a crash
---
- launchApp: {clearState: true}
- consent: none
- consent: {action: refuse, onFailure: continue}
- consent: accept
- tapOn: {id: coupon}
- inputText: SPRING
- tapOn: Apply
- assertVisible: "Applied: SPRING"
- swipe: up
- scroll
- tapOn: Crash
- assertVisible: {text: Fragile home, onFailure: relaunch}
- assertVisible: Fragile home
- explore: {taps: 3, onFailure: continue}
- stopApp
"""


def test_the_runner_survives_an_app_that_loops_its_dialog_and_crashes(tmp_path):
    path = tmp_path / "fragile.yaml"
    path.write_text(FRAGILE_SCENARIO, encoding="utf-8")
    scenario = load_scenario(path)
    recorder = FakeRecorder()
    exits = []
    backend = SandboxBackend(FRAGILE)
    backend.set_listeners(on_exit=exits.append, on_log=lambda _line: None)
    try:
        outcome = ScenarioRunner(scenario, backend, recorder, lambda _process: None, RunnerOptions()).run()
    finally:
        backend.close()

    assert outcome.status == "completed", outcome.message
    ends = {m.step.index: m for m in recorder.of_type(StepEnded)}
    # Observed: the dialog as first shown, its box ticked before the user touched anything.
    (shown,) = recorder.of_type(ConsentDialogShown)
    assert (shown.dialog.accept.text, shown.dialog.reject.text, shown.dialog.prechecked) == ("同意", "不同意", True)
    # Refusing brings the same dialog back: recorded, the step failed, the run went on and accepted.
    (ineffective,) = recorder.of_type(ConsentRefusalIneffective)
    assert ineffective.control.text == "不同意"
    assert not ends[2].ok and "refusing leads back to it" in ends[2].message
    assert [d.decision for d in recorder.of_type(ConsentDecision)] == ["refused", "accepted"]
    # Typed text reached the app's field.
    assert ends[7].ok
    # The crash: noticed by the next step, which relaunched the app (data kept: no dialog again) as told.
    crashed = [e for e in exits if e.reason == "crashed"]
    assert crashed and crashed[0].detail == "java.lang.IllegalStateException: fragile by design"
    assert not ends[11].ok and ends[11].message.startswith("the app is not running")
    assert ends[11].message.endswith("the app was relaunched (onFailure: relaunch)")
    assert [m.clear_state for m in recorder.of_type(AppLaunched)] == [True, False]
    assert ends[12].ok
    # Explore taps the app's own controls in screen order; the crash ends it, the run still completes.
    assert not ends[13].ok and "after tapping 'Crash'" in ends[13].message
    assert len([e for e in exits if e.reason == "crashed"]) == 2
