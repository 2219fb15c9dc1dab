"""Google Play pack: each rule triggered, and nearly triggered."""

from auditor.models import AppLaunched, AppStopped
from auditor.rules import all_rules, analyse
from auditor.testing.factories import APP_FRAME, RunBuilder

FINE = "android.permission.ACCESS_FINE_LOCATION"


def findings(run, catalog, rule_id):
    return analyse(run.timeline(catalog), [r for r in all_rules() if r.id == rule_id]).findings


def request(run, *permissions):
    return run.call("permissions.request", frames=[APP_FRAME], args=[f"[{', '.join(permissions)}]", "1"], ret=None)


def test_permission_dialog_before_the_disclosure_was_accepted_is_flagged():
    run = RunBuilder()
    run.mark(AppLaunched, clear_state=True)
    run.permission("denied", "LOCATION", [FINE])
    agreement = run.consent("accepted")
    from auditor.catalog import load_catalog

    [finding] = findings(run, load_catalog(), "GP-PROMINENT-DISCLOSURE")
    assert (finding.subject, finding.decision.marker_seq) == ("LOCATION", agreement.seq)


def test_permission_dialog_after_the_disclosure_is_fine(catalog):
    run = RunBuilder()
    run.mark(AppLaunched, clear_state=True)
    run.consent("accepted")
    run.permission("granted", "LOCATION", [FINE])
    assert findings(run, catalog, "GP-PROMINENT-DISCLOSURE") == []


def test_asking_again_after_a_denial_unless_the_user_used_the_feature(catalog):
    run = RunBuilder()
    run.mark(AppLaunched, clear_state=True)
    run.consent("accepted")
    request(run, FINE)
    run.permission("denied", "LOCATION", [FINE])
    run.step("tapOn")
    request(run, FINE)
    run.permission("denied", "LOCATION", [FINE])
    assert findings(run, catalog, "GP-RESPECT-DENIAL") == []
    run.mark(AppStopped)
    run.mark(AppLaunched, clear_state=False)
    run.step("sleep")
    request(run, FINE)
    run.permission("denied", "LOCATION", [FINE])
    [finding] = findings(run, catalog, "GP-RESPECT-DENIAL")
    assert finding.subject == "asked for the LOCATION permission again"


def _soft_ask(run, message, decision="accepted"):
    from auditor.models import (
        DialogControl,
        PermissionPromptDecision,
        PermissionPromptInfo,
        PermissionPromptOutcome,
    )

    grant, decline = (DialogControl(text=t, cls="android.widget.Button", bounds=(0, 0, 10, 10))
                      for t in ("Continue", "Not now"))
    info = PermissionPromptInfo(texts=[*message, "Not now", "Continue"], message=message, group="LOCATION",
                                controls=[decline, grant], grant=grant, decline=decline, window=(0, 0, 100, 100))
    run.step("softAsk")
    marked = run.mark(PermissionPromptDecision, decision=decision, prompt=info,
                      control=grant if decision == "accepted" else decline)
    run.mark(PermissionPromptOutcome, decision_seq=marked.seq, outcome="system-request", system_group="LOCATION")


def test_an_accepted_in_app_disclosure_stating_the_purpose_counts_as_the_disclosure(catalog):
    run = RunBuilder()
    run.mark(AppLaunched, clear_state=True)
    run.step("tapOn")
    _soft_ask(run, ["Find stores near you", "Shop uses your location to show the stores nearest to you."])
    run.permission("granted", "LOCATION", [FINE])
    assert findings(run, catalog, "GP-PROMINENT-DISCLOSURE") == []


def test_a_disclosure_without_a_purpose_or_declined_is_not_one(catalog):
    for message, decision in ((["需要位置权限"], "accepted"),
                              (["Shop uses your location to show the stores nearest to you."], "declined")):
        run = RunBuilder()
        run.mark(AppLaunched, clear_state=True)
        run.step("tapOn")
        _soft_ask(run, message, decision)
        run.permission("granted", "LOCATION", [FINE])
        assert [f.subject for f in findings(run, catalog, "GP-PROMINENT-DISCLOSURE")] == ["LOCATION"], message
