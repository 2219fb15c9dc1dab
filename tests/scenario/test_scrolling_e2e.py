"""Scrolling steps on a real sandbox app through the CLI, real Frida included: a privacy policy whose buttons lie
below the fold is scrolled until they show, accepted, and the only collection follows the consent."""

from pathlib import Path

import pytest

from auditor.cli import EXIT_CLEAN, main
from auditor.models import ConsentDecision, StepEnded
from auditor.store import read_run

LONG_POLICY = Path(__file__).resolve().parents[1] / "apps" / "long-policy"

pytestmark = pytest.mark.integration


def test_scroll_until_the_consent_buttons_show_then_accept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = tmp_path / "run"
    code = main(["run", "--target", f"sandbox:{LONG_POLICY}", "--scenario", str(LONG_POLICY / "scenario.yaml"),
                 "--out", str(directory)])
    captured = capsys.readouterr()
    assert code == EXIT_CLEAN, captured.out + captured.err
    run = read_run(directory)
    assert run.markers[-1].status == "completed"
    ends = {m.step.name: m for m in run.markers if isinstance(m, StepEnded) and m.step is not None}
    scrolled = ends["scrollUntilVisible"]
    assert scrolled.ok and scrolled.message.startswith("visible after "), scrolled.message
    assert int(scrolled.message.split()[2]) >= 2, "the buttons were more than one scroll away"
    (decision,) = [m for m in run.markers if isinstance(m, ConsentDecision)]
    assert decision.decision == "accepted"
    assert decision.dialog.accept is not None and decision.dialog.accept.text == "同意"
    assert decision.dialog.reject is not None and decision.dialog.reject.text == "不同意"
    device_log = (directory / "device.log").read_text(encoding="utf-8")
    assert "scrolled android.widget.ScrollView (com.example.longpolicy:id/policy_scroll)" in device_log
    assert "LongPolicy: policy read to the end: Agree enabled" in device_log
    assert [e.api for e in run.events] == ["android.provider.Settings$Secure.getString"]
    assert run.events[0].ts > decision.ts, "the SDK started after the consent"


@pytest.mark.parametrize(("action", "control", "decision"), [("accept", "同意", "accepted"),
                                                             ("refuse", "不同意", "refused")])
def test_a_consent_step_scrolls_a_long_policy_to_its_controls(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                              action: str, control: str, decision: str) -> None:
    """No scrolling step: `consent` itself scrolls the policy down until the control it needs shows and is enabled
    (Agree is greyed out until the end), rather than concluding there is no dialog, or no way to refuse."""
    scenario = tmp_path / "consent.yaml"
    scenario.write_text(f"appId: com.example.longpolicy\nname: {action} a long policy\n---\n"
                        f"- launchApp: {{clearState: true}}\n- consent: {action}\n- sleep: 1\n", encoding="utf-8")
    directory = tmp_path / "run"
    main(["run", "--target", f"sandbox:{LONG_POLICY}", "--scenario", str(scenario), "--out", str(directory)])
    capsys.readouterr()
    run = read_run(directory)
    (chosen,) = [m for m in run.markers if isinstance(m, ConsentDecision)]
    assert chosen.decision == decision and chosen.control.text == control
    consent_end = next(m for m in run.markers if isinstance(m, StepEnded) and m.step and m.step.name == "consent")
    assert consent_end.ok and "scrolled the policy" in consent_end.message, consent_end.message
    device_log = (directory / "device.log").read_text(encoding="utf-8")
    assert "LongPolicy: policy read to the end: Agree enabled" in device_log
    assert [e.api for e in run.events] == (["android.provider.Settings$Secure.getString"]
                                           if action == "accept" else []), "the SDK starts only after Agree"
