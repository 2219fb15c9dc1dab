"""`miit-standard` run unchanged through the CLI, real JVM processes and real Frida hooks included, on sandbox apps
that test what the runner must notice: a refusal that loops through an "are you sure?" dialog back to the privacy
dialog, and a permission re-request that shows while the scenario only waits."""

import json
from pathlib import Path

import pytest

from auditor.cli import main
from auditor.models import ConsentDecision, ConsentRefusalIneffective, PermissionDecision, StepEnded
from auditor.store import read_run

APPS = Path(__file__).resolve().parents[1] / "apps"

pytestmark = pytest.mark.integration


def audit(app: str, observe: str, directory: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["run", "--target", f"sandbox:{APPS / app}", "--scenario", "miit-standard", "--env", f"OBSERVE={observe}",
          "--out", str(directory)])
    captured = capsys.readouterr()
    assert (directory / "findings.json").is_file(), captured.out + captured.err


def findings(directory: Path) -> list[dict[str, object]]:
    found: list[dict[str, object]] = json.loads((directory / "findings.json").read_text(encoding="utf-8"))["findings"]
    return found


def test_a_refusal_that_loops_back_through_are_you_sure_is_recorded(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    directory = tmp_path / "run"
    audit("refusal-loop", "1", directory, capsys)
    run = read_run(directory)
    assert run.markers[-1].status == "completed"
    markers = run.markers
    (loop,) = [m for m in markers if isinstance(m, ConsentRefusalIneffective)]
    assert loop.control.text == "不同意" and [c.text for c in loop.via] == ["再想想"]
    assert "个人信息保护指引" in loop.dialog.texts
    assert (directory / loop.dialog.hierarchy).is_file()
    refusing = next(m for m in markers if isinstance(m, StepEnded) and m.step is not None
                    and m.step.name == "consent" and m.step.line == loop.step.line)
    assert not refusing.ok and "refusing leads back to the privacy dialog" in refusing.message
    # One refusal (再想想 decides nothing), then the acceptance the scenario went on to.
    assert [(m.decision, m.control.text) for m in markers if isinstance(m, ConsentDecision)] == [
        ("refused", "不同意"), ("accepted", "同意")]
    assert [(f["rule"], f["subject"]) for f in findings(directory) if f["rule"] == "CN-DENY-EXIT"] == [
        ("CN-DENY-EXIT", "showed the privacy dialog again")]
    accepted = next(m for m in markers if isinstance(m, ConsentDecision) and m.decision == "accepted")
    assert run.events and all(e.ts > accepted.ts for e in run.events), "the SDK starts only after 同意"


def test_a_re_request_shown_while_the_scenario_waits_is_denied_and_recorded(tmp_path: Path,
                                                                           capsys: pytest.CaptureFixture[str]) -> None:
    directory = tmp_path / "run"
    audit("late-request", "3", directory, capsys)
    run = read_run(directory)
    assert run.markers[-1].status == "completed"
    decisions = [m for m in run.markers if isinstance(m, PermissionDecision)]
    assert [(d.group, d.by_policy, d.step.name) for d in decisions] == [
        ("LOCATION", False, "permission"), ("LOCATION", True, "sleep")]
    assert decisions[1].decision in ("denied", "denied-forever")
    last_launch = [m for m in run.markers if m.kind == "app-launch"][-1]
    assert decisions[1].ts - last_launch.ts >= 4000, "shown after the relaunch's look, while the scenario waited"
    assert "CN-FREQ-REQUEST" in {f["rule"] for f in findings(directory)}
