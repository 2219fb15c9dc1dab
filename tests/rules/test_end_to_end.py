"""Every rule proven end to end, both ways: sandbox apps audited through the real CLI, with real JVM processes and
real Frida hooks, each violating app next to an honest twin that offers the same features done right.

A violating app must produce exactly the findings its README lists, as (rule, catalog entry or subject, caller,
phase): no more, no less. Its twin must produce none at all: a false positive is a bug of the same rank as a miss.
Each app is audited once per module; the tests then read its findings.json and its timeline. The twins' tests also
check that what makes each of them a near miss really happened (a third-party URL before consent, a permission
asked for again on the user's tap...), so that their silence means something. The apps live in tests/apps/rules/.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest

from auditor.analysis import analyse_run
from auditor.cli import EXIT_CLEAN, EXIT_FINDINGS, main
from auditor.models import (
    AppForegrounded,
    ConsentDecision,
    ConsentDialogMissing,
    PermissionDecision,
    PIType,
    ProcessEnded,
    RunEnded,
    StepEnded,
)
from auditor.rules import facts
from auditor.rules.engine import all_rules
from auditor.store import RunData, read_run
from auditor.timeline import Call, Timeline

APPS = Path(__file__).parents[1] / "apps" / "rules"
SANDBOX_ANDROID_ID = "3f6b1c2e8d9a4b57"
"""The Android ID every sandbox device reports (docs/sandbox.md)."""

Key = tuple[str, str, "str | None", str]
"""(rule, catalog entry or subject, caller, phase): the caller is `app`, the SDK's name, or None for a moment."""


@dataclass(frozen=True)
class RuleApp:
    folder: str
    category: str
    expected: frozenset[Key]
    config: str | None = None
    """Rule settings (`--config`), relative to tests/apps/rules/."""

    @property
    def path(self) -> Path:
        return APPS / self.folder


ADPULSE = "net.adpulse"
TRACKER = RuleApp("tracker", "maps", frozenset({
    ("CN-SDK-PRECONSENT", "settings.android-id", ADPULSE, "pre-consent"),
    ("EU-EPRIV-5-3", "settings.android-id", ADPULSE, "pre-consent"),
    ("EU-GDPR-PRIOR-CONSENT", "settings.android-id", ADPULSE, "pre-consent"),
    ("CN-UNNECESSARY-PI", "settings.android-id", ADPULSE, "pre-consent"),
    ("CN-3P-SHARE", "network.url-open-connection", ADPULSE, "pre-consent"),
    ("CN-AUTOSTART", "components.start-service", ADPULSE, "pre-consent"),
    ("CN-PRECONSENT-COLLECT", "apps.installed-packages", "app", "pre-consent"),
    ("EU-GDPR-PRIOR-CONSENT", "apps.installed-packages", "app", "pre-consent"),
    ("CN-UNNECESSARY-PI", "apps.installed-packages", "app", "pre-consent"),
    ("CN-POST-REFUSAL", "clipboard.read", ADPULSE, "refused"),
    ("EU-GDPR-REJECT-HONORED", "clipboard.read", ADPULSE, "refused"),
    ("CN-UNNECESSARY-PI", "clipboard.read", ADPULSE, "refused"),
    ("CN-OVERFREQ", "settings.android-id", ADPULSE, "consented"),
    ("CN-UNNECESSARY-PI", "settings.android-id", ADPULSE, "consented"),
    ("CN-BACKGROUND", "running.app-processes", ADPULSE, "background"),
    ("CN-UNNECESSARY-PI", "running.app-processes", ADPULSE, "background"),
}))
NAGGING = RuleApp("nagging", "shopping", frozenset({
    ("CN-PRECONSENT-COLLECT", "clipboard.read", "app", "pre-consent"),
    ("EU-GDPR-PRIOR-CONSENT", "clipboard.read", "app", "pre-consent"),
    ("CN-UNNECESSARY-PI", "clipboard.read", "app", "pre-consent"),
    ("CN-PREMATURE-REQUEST", "permissions.request", "app", "pre-consent"),
    ("CN-PREMATURE-REQUEST", "permissions.request", "app", "consented"),
    ("CN-BUNDLED-PERMS", "permissions.request", "app", "pre-consent"),
    ("CN-BUNDLED-PERMS", "permissions.request", "app", "consented"),
    ("CN-NO-PURPOSE", "CAMERA", None, "pre-consent"),
    ("CN-NO-PURPOSE", "LOCATION", None, "pre-consent"),
    ("GP-PROMINENT-DISCLOSURE", "CAMERA", None, "pre-consent"),
    ("GP-PROMINENT-DISCLOSURE", "LOCATION", None, "pre-consent"),
    ("CN-DENY-EXIT", "asked for the same permission at once", None, "pre-consent"),
    ("CN-FREQ-REQUEST", "LOCATION", None, "pre-consent"),
    ("GP-RESPECT-DENIAL", "asked for the LOCATION permission again", None, "pre-consent"),
    ("CN-NO-POLICY-PROMPT", "no privacy dialog on first run", None, "pre-consent"),
    ("CN-POST-REFUSAL", "location.last-known", "app", "permission-denied(LOCATION)"),
    ("CN-FREQ-REQUEST", "CAMERA", None, "consented"),
    ("GP-RESPECT-DENIAL", "asked for the CAMERA permission again", None, "consented"),
}))
DIALOG_SETTINGS = "dialog-tricks/rules.yaml"
DIALOG_TRICKS = RuleApp("dialog-tricks", "utilities", config=DIALOG_SETTINGS, expected=frozenset({
    ("CN-CONSENT-UI", "consent box ticked in advance", None, "refused"),
    ("EU-GDPR-CONSENT-UI", "pre-ticked consent box", None, "refused"),
    ("CN-DENY-EXIT", "quit", None, "refused"),
    ("CN-CONSENT-UI", "no way to refuse", None, "consented"),
    ("EU-GDPR-CONSENT-UI", "no reject on the first layer", None, "consented"),
}))
VIOLATING = (TRACKER, NAGGING, DIALOG_TRICKS)
TWINS = tuple(RuleApp(f"{app.folder}-honest", app.category, frozenset(), config=app.config) for app in VIOLATING)
"""Each violating app's honest twin: its folder with `-honest`, audited the same way, expected to find nothing."""
TRACKER_HONEST, NAGGING_HONEST, DIALOG_TRICKS_HONEST = TWINS
ALL_APPS = VIOLATING + TWINS

KNOWN_RULE_BUGS: dict[tuple[str, str], str] = {}
"""(app folder, rule): a rule that is wrong on that app today, with the exact problem. Fixed rules fail these
tests (strict), and the entry goes."""


@dataclass
class Audit:
    app: RuleApp
    exit_code: int
    directory: Path

    @cached_property
    def document(self) -> dict[str, Any]:
        document: dict[str, Any] = json.loads((self.directory / "findings.json").read_text(encoding="utf-8"))
        return document

    @cached_property
    def findings(self) -> list[dict[str, Any]]:
        return list(self.document["findings"])

    @cached_property
    def keys(self) -> set[Key]:
        return {key_of(finding) for finding in self.findings}

    @cached_property
    def run(self) -> RunData:
        return read_run(self.directory)

    @cached_property
    def timeline(self) -> Timeline:
        return analyse_run(self.run).timeline

    def finding(self, rule: str, entry_or_subject: str, phase: str | None = None) -> dict[str, Any]:
        matching = [f for f in self.findings if f["rule"] == rule and entry_or_subject in (f["entry"], f["subject"])
                    and phase in (None, f["phase"])]
        assert len(matching) == 1, (rule, entry_or_subject, sorted(self.keys, key=str))
        return matching[0]

    def calls(self, entry: str) -> list[Call]:
        return [call for call in self.timeline.calls if call.event.entry == entry]


def key_of(finding: dict[str, Any]) -> Key:
    caller = finding["caller"]
    return (finding["rule"], finding["entry"] or finding["subject"],
            (caller["sdk"] or caller["origin"]) if caller else None, finding["phase"])


@pytest.fixture(scope="module")
def audit(tmp_path_factory: pytest.TempPathFactory) -> Callable[[RuleApp], Audit]:
    """Audits an app with the real CLI the first time a test asks for it, then hands out the same run."""
    done: dict[str, Audit] = {}

    def audited(app: RuleApp) -> Audit:
        if app.folder not in done:
            directory = tmp_path_factory.mktemp(app.folder) / "run"
            argv = ["run", "--target", f"sandbox:{app.path}", "--scenario", str(app.path / "scenario.yaml"),
                    "--out", str(directory), "--category", app.category]
            if app.config is not None:
                argv += ["--config", str(APPS / app.config)]
            done[app.folder] = Audit(app, main(argv), directory)
        audited_app = done[app.folder]
        assert audited_app.exit_code in (EXIT_CLEAN, EXIT_FINDINGS), (
            f"the audit of {app.folder} ended with exit code {audited_app.exit_code}: see {audited_app.directory}")
        return audited_app

    return audited


def by_rule(app: RuleApp, rule: str) -> Any:
    """One test case per app and rule; known rule bugs are expected failures (strict: a fix must remove them)."""
    reason = KNOWN_RULE_BUGS.get((app.folder, rule))
    marks = [pytest.mark.integration]
    if reason is not None:
        marks.append(pytest.mark.xfail(strict=True, reason=reason))
    return pytest.param(app, rule, id=f"{app.folder}-{rule}", marks=marks)


RULE_IDS = [r.id for r in all_rules()]
RULES_PROVEN_HERE = frozenset({
    "CN-PRECONSENT-COLLECT", "CN-SDK-PRECONSENT", "CN-POST-REFUSAL", "CN-CONSENT-UI", "CN-NO-POLICY-PROMPT",
    "CN-NO-PURPOSE", "CN-OVERFREQ", "CN-BACKGROUND", "CN-UNNECESSARY-PI", "CN-DENY-EXIT", "CN-FREQ-REQUEST",
    "CN-PREMATURE-REQUEST", "CN-BUNDLED-PERMS", "CN-3P-SHARE", "CN-AUTOSTART",
    "EU-GDPR-PRIOR-CONSENT", "EU-EPRIV-5-3", "EU-GDPR-REJECT-HONORED", "EU-GDPR-CONSENT-UI",
    "GP-PROMINENT-DISCLOSURE", "GP-RESPECT-DENIAL",
})
"""The runtime-checkable MIIT rules and the GDPR and Play rules that reuse their evidence: each must fire on a
violating app here. Every registered rule (these and any other) runs on every app, so every rule must stay silent on
the twins and may add nothing to a violating app's documented findings."""


# ------------------------------------------------------------------------------------------- what the apps cover


def test_every_rule_proven_here_is_made_to_fire_by_a_violating_app() -> None:
    proven = {key[0] for app in VIOLATING for key in app.expected}

    assert set(RULE_IDS) >= RULES_PROVEN_HERE, f"not registered: {sorted(RULES_PROVEN_HERE - set(RULE_IDS))}"
    assert proven == RULES_PROVEN_HERE, f"without an end-to-end proof: {sorted(RULES_PROVEN_HERE - proven)}"


def test_every_app_has_its_scenario_readme_and_manifest() -> None:
    for app in ALL_APPS:
        assert {"AndroidManifest.xml", "scenario.yaml", "README.md", "src"} <= {p.name for p in app.path.iterdir()}
        readme = (app.path / "README.md").read_text(encoding="utf-8")
        for rule, entry_or_subject, caller, phase in app.expected:
            assert f"| {rule} | {entry_or_subject} | {caller or '-'} | {phase} |" in readme, (app.folder, rule)


# ------------------------------------------------------------------------------------------------- every run


@pytest.mark.integration
@pytest.mark.parametrize("app", ALL_APPS, ids=lambda app: app.folder)
def test_the_audit_completes_with_every_rule_run(app: RuleApp, audit: Callable[[RuleApp], Audit]) -> None:
    audited = audit(app)

    ends = [m for m in audited.run.markers if isinstance(m, RunEnded)]
    assert [m.status for m in ends] == ["completed"], [m.message for m in ends]
    failed = [m.message for m in audited.run.markers if isinstance(m, StepEnded) and not m.ok]
    assert failed == []
    assert audited.document["rules_not_evaluated"] == {}
    assert sorted(audited.document["rules_run"]) == sorted(RULE_IDS)
    assert audited.exit_code == (EXIT_FINDINGS if audited.findings else EXIT_CLEAN)


@pytest.mark.parametrize(("app", "rule"), [by_rule(app, rule) for app in ALL_APPS for rule in RULE_IDS])
def test_findings_of_each_rule_are_exactly_the_documented_ones(app: RuleApp, rule: str,
                                                               audit: Callable[[RuleApp], Audit]) -> None:
    found = {key for key in audit(app).keys if key[0] == rule}

    assert found == {key for key in app.expected if key[0] == rule}


# ------------------------------------------------------------------------------- the evidence behind the findings


@pytest.mark.integration
def test_tracker_shares_the_hashed_android_id_it_read_and_wakes_a_partner_app(
        audit: Callable[[RuleApp], Audit]) -> None:
    tracker = audit(TRACKER)

    share = tracker.finding("CN-3P-SHARE", "network.url-open-connection")
    assert all(words in share["detail"]["en"] for words in ("Android ID", "MD5", "t.adpulse.test"))
    (url_open,) = tracker.calls("network.url-open-connection")
    assert url_open.event.receiver is not None
    assert hashlib.md5(SANDBOX_ANDROID_ID.encode()).hexdigest() in url_open.event.receiver.text
    assert share["event_ids"] == [url_open.event.id]
    assert "com.partner.keepalive" in tracker.finding("CN-AUTOSTART", "components.start-service")["detail"]["en"]


@pytest.mark.integration
def test_tracker_reads_beyond_the_limit_are_the_burst_after_consent(audit: Callable[[RuleApp], Audit]) -> None:
    tracker = audit(TRACKER)

    reads = tracker.calls("settings.android-id")
    assert [c.state.consent for c in reads] == ["none"] + ["accepted"] * 8
    overfreq = tracker.finding("CN-OVERFREQ", "settings.android-id")
    # Nine reads within 30 s against a limit of five: the last three or four of the burst are beyond it.
    assert overfreq["count"] in (3, 4)
    assert set(overfreq["event_ids"]) <= {c.event.id for c in reads[1:]}
    background = tracker.finding("CN-BACKGROUND", "running.app-processes")
    assert background["decision"]["kind"] == "app-background"


@pytest.mark.integration
def test_nagging_is_judged_on_the_dialogs_it_caused(audit: Callable[[RuleApp], Audit]) -> None:
    nagging = audit(NAGGING)

    dialogs = [(m.group, m.decision) for m in nagging.run.markers if isinstance(m, PermissionDecision)]
    assert dialogs == [("CAMERA", "denied"), ("LOCATION", "denied"), ("LOCATION", "denied-forever"),
                       ("CAMERA", "denied-forever")]
    assert nagging.finding("CN-POST-REFUSAL", "location.last-known")["outcomes"] == {
        "java.lang.SecurityException": 1}
    assert nagging.finding("CN-DENY-EXIT", "asked for the same permission at once")["decision"]["kind"] == "permission"
    assert nagging.finding("CN-NO-POLICY-PROMPT", "no privacy dialog on first run")["count"] == 1
    for phase in ("pre-consent", "consented"):
        bundled = nagging.finding("CN-BUNDLED-PERMS", "permissions.request", phase)
        assert "CAMERA" in bundled["detail"]["en"] and "LOCATION" in bundled["detail"]["en"]


@pytest.mark.integration
def test_dialog_tricks_quit_is_the_process_ending_after_the_refusal(audit: Callable[[RuleApp], Audit]) -> None:
    tricks = audit(DIALOG_TRICKS)

    quit_finding = tricks.finding("CN-DENY-EXIT", "quit")
    assert "exited" in quit_finding["detail"]["en"]
    assert quit_finding["decision"]["kind"] == "consent"
    decisions = [m for m in tricks.run.markers if isinstance(m, ConsentDecision)]
    assert [(d.decision, d.dialog.reject is not None, d.dialog.prechecked) for d in decisions] == [
        ("refused", True, True), ("accepted", False, True)]


# ------------------------------------------------------------------------ the twins' near misses really happened


@pytest.mark.integration
def test_tracker_twin_calls_a_third_party_before_consent_with_nothing_identifying(
        audit: Callable[[RuleApp], Audit]) -> None:
    twin = audit(TRACKER_HONEST)

    network = [(facts.hosts_of(c), c.state.consent) for c in twin.calls("network.url-open-connection")]
    assert network == [(["cdn.adpulse.test"], "none"), (["t.adpulse.test"], "accepted")]
    starts = [facts.target_packages(c) for c in twin.calls("components.start-service")]
    assert starts == [["com.example.cityguide"]]
    assert not [c for c in twin.timeline.collections() if c.entry and c.entry.pi_type is PIType.DEVICE_ID]


@pytest.mark.integration
def test_tracker_twin_reads_on_the_users_taps_and_on_its_way_back_to_the_foreground(
        audit: Callable[[RuleApp], Audit]) -> None:
    twin = audit(TRACKER_HONEST)

    pastes = twin.calls("clipboard.read")
    assert len(pastes) == 3 and all(c.state.step and c.state.step.name == "tapOn" for c in pastes)
    back_in_front = [c for c in twin.calls("location.last-known")
                     if c.state.step and c.state.step.name == "background"]
    assert len(back_in_front) == 1 and back_in_front[0].state.foreground
    assert any(isinstance(m, AppForegrounded) for m in twin.timeline.markers[: back_in_front[0].markers_before])


@pytest.mark.integration
def test_nagging_twin_asks_again_only_when_the_user_taps_the_feature(audit: Callable[[RuleApp], Audit]) -> None:
    twin = audit(NAGGING_HONEST)

    dialogs = [(m.group, m.decision) for m in twin.run.markers if isinstance(m, PermissionDecision)]
    assert dialogs == [("CAMERA", "denied"), ("CAMERA", "granted"), ("LOCATION", "granted")]
    requests = facts.permission_requests(twin.timeline)
    assert [(r.groups, r.user_initiated) for r in requests] == [
        (("CAMERA",), True), (("CAMERA",), True), (("LOCATION",), True)]
    missing = [m for m in twin.run.markers if isinstance(m, ConsentDialogMissing)]
    assert len(missing) == 1 and twin.timeline.state_after(missing[0]).consent == "accepted"
    assert [c.outcome for c in twin.calls("camera.open")] == ["returned"]
    assert [c.outcome for c in twin.calls("location.latitude")] == ["returned"]


@pytest.mark.integration
def test_dialog_tricks_twin_offers_a_real_choice_and_stays_after_a_refusal(
        audit: Callable[[RuleApp], Audit]) -> None:
    twin = audit(DIALOG_TRICKS_HONEST)

    decisions = [m for m in twin.run.markers if isinstance(m, ConsentDecision)]
    assert [(d.decision, d.dialog.reject is not None, [c.checked for c in d.dialog.checkboxes]) for d in decisions] \
        == [("refused", True, [False, False]), ("accepted", True, [False, False])]
    ended = [m for m in twin.run.markers if isinstance(m, ProcessEnded)]
    assert [(m.reason, m.step.name if m.step else None) for m in ended] == [("exited", "back"), ("killed", "stopApp")]
