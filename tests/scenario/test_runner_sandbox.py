"""The runner driving the real JVM sandbox (the bundled demo shop), without Frida: dialogs as the sandbox draws
them are found and answered, and the app's life cycle follows the steps."""

import pytest

from auditor.devices.sandbox import SandboxBackend
from auditor.models import AppBackgrounded, AppForegrounded, ConsentDecision, PermissionDecision, StepEnded
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
