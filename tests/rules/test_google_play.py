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
