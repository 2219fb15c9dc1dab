"""The dark-pattern rules end to end, both ways: Pushy Shop (tests/apps/dark/pushy) plays every trick and must be
caught with each measurement and screenshot; Fair Shop (tests/apps/dark/fair), its honest twin, goes through the same
attempts and must give none of these findings. Steering Shop (tests/apps/dark/steering) steers by size, style and
colour, measured on the sandbox's PNG screenshots, and ticks a box for the user; Level Shop (steering-honest), its
twin, must give nothing. Dead End Shop (dead-end) has a "Manage options" that leads to no refusal. Each audit's whole
finding set is asserted, whatever the rule. Real JVM sandbox processes, real Frida hooks, the real CLI; each app is
audited once per module."""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from auditor.analysis import analyse_run
from auditor.cli import EXIT_CLEAN, EXIT_FINDINGS, EXIT_INCOMPLETE, main
from auditor.models import (
    ConsentDecision,
    ConsentSecondLayer,
    PermissionDecision,
    PermissionPromptDecision,
    PermissionPromptOutcome,
    PermissionPromptShown,
    RunEnded,
    StepEnded,
)
from auditor.store import RunData, read_run

pytestmark = pytest.mark.integration

APPS = Path(__file__).parents[1] / "apps" / "dark"
DARK_RULES = frozenset({"CN-MISLEAD-SOFTASK", "CN-FAKE-SYSTEM-DIALOG", "CN-CONSENT-UI-ASYMMETRY",
                        "EU-GDPR-CONSENT-UI-VISUAL", "CN-MISLEAD-WORDING", "CN-PURPOSE-MISMATCH", "CN-NAG-LOOP"})
SHAMING = "No thanks, I don't like saving money"
PRIVACY_STEERING = ("accept larger than reject", "reject shown as plain text, accept as a button",
                    "accept highlighted by colour")
STEERING_EXPECTED = {
    *(("CN-CONSENT-UI-ASYMMETRY", f"privacy dialog: {what}", None, "consented") for what in PRIVACY_STEERING),
    *(("EU-GDPR-CONSENT-UI-VISUAL", what, None, "consented") for what in PRIVACY_STEERING),
    ("CN-CONSENT-UI-ASYMMETRY", "LOCATION permission dialog: reject shown as plain text, accept as a button", None,
     "consented"),
    ("CN-CONSENT-UI-ASYMMETRY", "LOCATION permission dialog: accept highlighted by colour", None, "consented"),
    ("CN-CONSENT-UI-ASYMMETRY", "LOCATION permission dialog: box ticked in advance", None, "consented"),
}
"""tests/apps/dark/steering/README.md lists the same."""
DEAD_END_EXPECTED = {
    ("CN-CONSENT-UI", "no way to refuse", None, "pre-consent"),
    ("EU-GDPR-CONSENT-UI", "no reject on the first layer", None, "pre-consent"),
}

PUSHY_EXPECTED = {
    ("CN-CONSENT-UI-ASYMMETRY", "privacy dialog: reject only on a second screen", None, "pre-consent"),
    ("EU-GDPR-CONSENT-UI-VISUAL", "reject only on a second screen", None, "pre-consent"),
    ("CN-CONSENT-UI-ASYMMETRY", "LOCATION permission dialog: accept larger than reject", None, "consented"),
    ("CN-CONSENT-UI-ASYMMETRY", "LOCATION permission dialog: reject shown as plain text, accept as a button", None,
     "consented"),
    ("CN-MISLEAD-WORDING", f"LOCATION permission dialog: shaming refusal “{SHAMING}”", None, "consented"),
    ("CN-PURPOSE-MISMATCH", "location.last-known", "com.adnet", "consented"),
    ("CN-MISLEAD-SOFTASK", "CAMERA: no way to decline", None, "consented"),
    ("CN-MISLEAD-SOFTASK", "CAMERA: no purpose stated", None, "consented"),
    ("CN-FAKE-SYSTEM-DIALOG", "MICROPHONE", None, "consented"),
    ("CN-MISLEAD-SOFTASK", "MICROPHONE: declining led to the system request", None, "consented"),
    ("CN-MISLEAD-SOFTASK", "MICROPHONE: no purpose stated", None, "consented"),
    ("CN-NAG-LOOP", "MICROPHONE", None, "consented"),
    # What the other rules make of the same tricks.
    ("EU-GDPR-CONSENT-UI", "no reject on the first layer", None, "consented"),
    ("CN-NO-PURPOSE", "MICROPHONE", None, "consented"),
}
"""Every finding of the audit, whatever its rule: tests/apps/dark/pushy/README.md lists the same, with the reason for
each."""


def test_every_dark_pattern_rule_is_proven_here_and_every_other_rule_in_the_rule_apps() -> None:
    """Each rule has its end-to-end proof: the dark-pattern rules on these apps, the others on tests/apps/rules/
    (test_end_to_end.RULES_PROVEN_HERE). EU-GDPR-CONSENT-UI-VISUAL is a rule of its own by design (docs/rules.md)."""
    from auditor.rules import all_rules
    from tests.rules.test_end_to_end import RULES_PROVEN_HERE

    proven = {key[0] for key in PUSHY_EXPECTED | STEERING_EXPECTED | DEAD_END_EXPECTED}
    assert proven >= DARK_RULES
    assert {r.id for r in all_rules()} == DARK_RULES | RULES_PROVEN_HERE


class Audit:
    def __init__(self, directory: Path, exit_code: int) -> None:
        self.directory = directory
        self.exit_code = exit_code

    @cached_property
    def findings(self) -> list[dict[str, Any]]:
        document = json.loads((self.directory / "findings.json").read_text(encoding="utf-8"))
        return list(document["findings"])

    @cached_property
    def run(self) -> RunData:
        return read_run(self.directory)

    def keys(self, rules: frozenset[str] | None = DARK_RULES) -> set[tuple[str, str, str | None, str]]:
        return {(f["rule"], f["entry"] or f["subject"], (f["caller"]["sdk"] or f["caller"]["origin"])
                 if f["caller"] else None, f["phase"]) for f in self.findings if rules is None or f["rule"] in rules}

    def finding(self, rule: str, entry_or_subject: str) -> dict[str, Any]:
        [found] = [f for f in self.findings if f["rule"] == rule and entry_or_subject in (f["entry"], f["subject"])]
        return found


def _audit(tmp_path_factory: pytest.TempPathFactory, app: str) -> Audit:
    directory = tmp_path_factory.mktemp(app) / "run"
    code = main(["run", "--target", f"sandbox:{APPS / app}", "--scenario", str(APPS / app / "scenario.yaml"),
                 "--out", str(directory), "--category", "shopping"])
    return Audit(directory, code)


@pytest.fixture(scope="module")
def pushy(tmp_path_factory: pytest.TempPathFactory) -> Audit:
    return _audit(tmp_path_factory, "pushy")


@pytest.fixture(scope="module")
def fair(tmp_path_factory: pytest.TempPathFactory) -> Audit:
    return _audit(tmp_path_factory, "fair")


@pytest.fixture(scope="module")
def steering(tmp_path_factory: pytest.TempPathFactory) -> Audit:
    return _audit(tmp_path_factory, "steering")


@pytest.fixture(scope="module")
def level(tmp_path_factory: pytest.TempPathFactory) -> Audit:
    return _audit(tmp_path_factory, "steering-honest")


@pytest.fixture(scope="module")
def dead_end(tmp_path_factory: pytest.TempPathFactory) -> Audit:
    return _audit(tmp_path_factory, "dead-end")


@pytest.mark.parametrize("app", ["pushy", "fair", "steering", "level"])
def test_each_audit_completes_with_every_step_done(app: str, request: pytest.FixtureRequest) -> None:
    audited: Audit = request.getfixturevalue(app)

    assert [m.status for m in audited.run.markers if isinstance(m, RunEnded)] == ["completed"]
    assert [m.message for m in audited.run.markers if isinstance(m, StepEnded) and not m.ok] == []


# Pushy Shop: every pattern, with its measurement and its screenshot ------------------------------------------------


def test_pushy_shop_gives_exactly_the_documented_findings(pushy: Audit) -> None:
    assert pushy.exit_code == EXIT_FINDINGS
    found = pushy.keys(rules=None)
    assert found - PUSHY_EXPECTED == set(), "findings Pushy Shop was not written to commit"
    assert PUSHY_EXPECTED - found == set(), "tricks Pushy Shop plays that were not found"


def test_every_pushy_finding_shows_its_screen(pushy: Audit) -> None:
    for finding in pushy.findings:
        if finding["rule"] in DARK_RULES:
            assert finding["screenshot"], finding["rule"]
            assert (pushy.directory / finding["screenshot"]).is_file()


def test_the_unequal_soft_ask_is_measured_on_the_sandboxs_layout(pushy: Audit) -> None:
    larger = pushy.finding("CN-CONSENT-UI-ASYMMETRY", "LOCATION permission dialog: accept larger than reject")
    assert larger["detail"]["en"] == (f"accept “Allow” 960×288 px, reject “{SHAMING}” 960×162 px: 1.78 times the "
                                      "area (limit 1.5)")
    text = pushy.finding("CN-CONSENT-UI-ASYMMETRY",
                         "LOCATION permission dialog: reject shown as plain text, accept as a button")
    assert text["detail"]["en"] == (f"accept “Allow” is drawn as a button (filled #d6d7d7 on #ffffff; "
                                    f"android.widget.Button), reject “{SHAMING}” as plain text (no fill of its own on "
                                    "#ffffff; android.widget.TextView)")


def test_the_refusal_behind_the_second_screen_was_found_and_taken(pushy: Audit) -> None:
    layer = [m for m in pushy.run.markers if isinstance(m, ConsentSecondLayer)]
    refusal = [m for m in pushy.run.markers if isinstance(m, ConsentDecision) and m.decision == "refused"]
    assert [m.control.text for m in layer] == ["Manage options"]
    assert [m.control.text for m in refusal] == ["Reject all"]
    detail = pushy.finding("EU-GDPR-CONSENT-UI-VISUAL", "reject only on a second screen")["detail"]["en"]
    assert detail == ("the first screen offers “Accept all” and “Manage options”, no reject; the refusal "
                      "“Reject all” is behind “Manage options”")


def test_the_imitation_is_shown_with_both_dumps(pushy: Audit) -> None:
    finding = pushy.finding("CN-FAKE-SYSTEM-DIALOG", "MICROPHONE")
    detail = finding["detail"]["en"]
    assert detail.startswith("question “Allow Pushy Shop to record audio?”, buttons “While using the app”, "
                             "“Only this time”, “Don't allow”; the app's dialog: hierarchy/")
    app_dump, system_dump = detail.split("the app's dialog: ")[1].split("; the system dialog that followed: ")
    app_xml = (pushy.directory / app_dump).read_text(encoding="utf-8")
    system_xml = (pushy.directory / system_dump).read_text(encoding="utf-8")
    assert 'package="com.example.pushy"' in app_xml and "permission_message" not in app_xml
    assert "com.android.permissioncontroller:id/permission_message" in system_xml
    assert finding["decision"]["summary"]["en"].startswith("The user denied the MICROPHONE permission")


def test_the_purpose_stated_and_the_first_use_side_by_side(pushy: Audit) -> None:
    finding = pushy.finding("CN-PURPOSE-MISMATCH", "location.last-known")
    assert finding["detail"]["en"].startswith(
        "stated purpose: “We use your location to show deals in your neighbourhood.” (the app's permission dialog) "
        "· first use after the grant: the SDK com.adnet read the last known location ")
    reads = [e for e in pushy.run.events if e.entry == "location.last-known"]
    assert len(reads) == 2 and reads[0].id in finding["event_ids"] and reads[1].id not in finding["event_ids"]


def test_the_nag_loop_counts_the_three_attempts(pushy: Audit) -> None:
    finding = pushy.finding("CN-NAG-LOOP", "MICROPHONE")
    assert finding["count"] == 3
    outcomes = [m.outcome for m in pushy.run.markers if isinstance(m, PermissionPromptOutcome)]
    assert outcomes == ["system-request", "closed", "system-request", "shown-again", "shown-again", "shown-again"]


def test_declining_the_camera_dialog_without_a_way_to_decline_pressed_back(pushy: Audit) -> None:
    camera = [m for m in pushy.run.markers if isinstance(m, PermissionPromptDecision) and m.prompt.group == "CAMERA"]
    assert [(m.decision, m.control) for m in camera] == [("declined", None)]
    assert pushy.finding("CN-MISLEAD-SOFTASK", "CAMERA: no way to decline")["detail"]["en"] == (
        "offers only “去开启”; Back closed it")


# Fair Shop: the same attempts, nothing to find -------------------------------------------------------------------


def test_fair_shop_gives_no_finding_at_all(fair: Audit) -> None:
    assert fair.exit_code == EXIT_CLEAN
    assert fair.keys(rules=None) == set()


def test_fairs_near_misses_really_happened(fair: Audit) -> None:
    markers = fair.run.markers
    decisions = [(m.prompt.group, m.decision, m.control.text if m.control else None)
                 for m in markers if isinstance(m, PermissionPromptDecision)]
    assert decisions == [("LOCATION", "declined", "Not now"), ("LOCATION", "accepted", "Continue"),
                         ("MICROPHONE", "accepted", "Continue"), ("MICROPHONE", "declined", None)]
    outcomes = [m.outcome for m in markers if isinstance(m, PermissionPromptOutcome)]
    assert outcomes == ["closed", "system-request", "system-request", "closed"], "the explanation closes at once"
    assert [(m.group, m.decision) for m in markers if isinstance(m, PermissionDecision)] == [
        ("LOCATION", "granted"), ("MICROPHONE", "denied")]
    readers = [call.caller.sdk or call.caller.origin for call in analyse_run(fair.run).timeline.calls
               if call.event.entry == "location.last-known"]
    assert readers == ["app", "AMap Location"], "the app, then the maps SDK its store finder is built on"
    shown = [m for m in markers if isinstance(m, PermissionPromptShown)]
    assert {m.prompt.group for m in shown} == {"LOCATION", "MICROPHONE"}


# Steering Shop: size, style and colour, measured on the screenshot's pixels ----------------------------------------


def test_steering_shop_gives_exactly_the_documented_findings(steering: Audit) -> None:
    assert steering.exit_code == EXIT_FINDINGS
    found = steering.keys(rules=None)
    assert found - STEERING_EXPECTED == set(), "findings Steering Shop was not written to commit"
    assert STEERING_EXPECTED - found == set(), "steering that was not found"


def test_the_privacy_dialogs_size_and_text_link_are_measured(steering: Audit) -> None:
    larger = steering.finding("EU-GDPR-CONSENT-UI-VISUAL", "accept larger than reject")
    assert larger["detail"]["en"] == ("accept “同意并继续” 960×192 px, reject “不同意” 960×105 px: 1.83 times the area "
                                      "(limit 1.5)")
    link = steering.finding("CN-CONSENT-UI-ASYMMETRY", "privacy dialog: reject shown as plain text, accept as a button")
    assert link["detail"]["en"] == ("accept “同意并继续” is drawn as a button (filled #1a73e8 on #ffffff; "
                                    "android.widget.Button), reject “不同意” as plain text (no fill of its own on "
                                    "#ffffff; android.widget.TextView)")


def test_the_colours_are_measured_on_the_sandboxs_png_screenshot(steering: Audit) -> None:
    finding = steering.finding("CN-CONSENT-UI-ASYMMETRY", "privacy dialog: accept highlighted by colour")
    assert finding["detail"]["en"] == ("accept “同意并继续” filled #1a73e8 on #ffffff (contrast 4.5:1, ΔE 85); "
                                       "reject “不同意” #ffffff on #ffffff (1.0:1, ΔE 0)")
    assert finding["screenshot"].endswith(".png")
    with Image.open(steering.directory / finding["screenshot"]) as shot:
        assert shot.size == (1080, 2400)
        pixels = shot.convert("RGB")
    [decision] = [m for m in steering.run.markers if isinstance(m, ConsentDecision)]
    assert decision.dialog.accept is not None and decision.dialog.reject is not None
    left, top, right, bottom = decision.dialog.accept.bounds
    assert pixels.getpixel(((left + right) // 2, top + 8)) == (0x1A, 0x73, 0xE8), "the colour the app set"
    left, top, right, bottom = decision.dialog.reject.bounds
    assert pixels.getpixel((right - 8, top + 8)) == (255, 255, 255)


def test_a_borderless_button_is_judged_by_how_it_is_drawn(steering: Audit) -> None:
    """“Not now” is an android.widget.Button, drawn white on white: the pixels say it reads as text."""
    [prompt] = [m.prompt for m in steering.run.markers if isinstance(m, PermissionPromptDecision)]
    assert prompt.decline is not None and prompt.decline.cls == "android.widget.Button"
    assert prompt.colours is not None and prompt.colours.reject_contrast == 1.0
    ticked = steering.finding("CN-CONSENT-UI-ASYMMETRY", "LOCATION permission dialog: box ticked in advance")
    assert ticked["detail"]["en"] == "ticked: “Also use my location for personalised offers”"


def test_level_shop_gives_no_finding_at_all(level: Audit) -> None:
    assert level.exit_code == EXIT_CLEAN
    assert level.keys(rules=None) == set()


def test_levels_near_misses_really_happened(level: Audit) -> None:
    """Its choices really were coloured, its box really was there, unticked, and everything was measured."""
    [consent] = [m for m in level.run.markers if isinstance(m, ConsentDecision)]
    [prompt] = [m.prompt for m in level.run.markers if isinstance(m, PermissionPromptDecision)]
    assert consent.dialog.colours is not None and consent.dialog.colours.accept == consent.dialog.colours.reject
    assert prompt.colours is not None and prompt.colours.accept == prompt.colours.reject == "#1a73e8"
    assert [(box.text, box.checked) for box in prompt.checkboxes] == [
        ("Also use my location for personalised offers", False)]
    assert [(m.group, m.decision) for m in level.run.markers if isinstance(m, PermissionDecision)] == [
        ("LOCATION", "granted")]


# Dead End Shop: a second screen that never offers a refusal --------------------------------------------------------


def test_a_manage_options_that_leads_to_no_refusal_is_no_way_to_refuse(dead_end: Audit) -> None:
    assert dead_end.exit_code == EXIT_INCOMPLETE, "the scenario's refusal could not be made"
    assert dead_end.keys(rules=None) == DEAD_END_EXPECTED
    assert dead_end.finding("CN-CONSENT-UI", "no way to refuse")["detail"]["en"] == (
        "“Manage options” leads to no refusal either")
    assert [m.control.text for m in dead_end.run.markers if isinstance(m, ConsentSecondLayer)] == ["Manage options"]
    assert [m.status for m in dead_end.run.markers if isinstance(m, RunEnded)] == ["step-failed"]
