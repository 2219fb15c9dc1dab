"""Each rule: a timeline that triggers it, and ones that nearly do and must not."""

from auditor.models import AppLaunched
from auditor.rules import all_rules, analyse
from auditor.testing.factories import APP_FRAME, PLATFORM_FRAME, RunBuilder

FINE, COARSE = "android.permission.ACCESS_FINE_LOCATION", "android.permission.ACCESS_COARSE_LOCATION"


def findings(run, catalog, rule_id):
    rules = [r for r in all_rules() if r.id == rule_id]
    return analyse(run.timeline(catalog), rules).findings


# CN-PRECONSENT-COLLECT ---------------------------------------------------------------------------------------

def test_preconsent_sdk_read_is_flagged_with_the_later_consent_as_reference(catalog):
    run = RunBuilder()
    run.mark(AppLaunched, clear_state=True)
    read = run.call("settings.android-id")
    agreement = run.consent("accepted")
    [finding] = findings(run, catalog, "CN-PRECONSENT-COLLECT")
    assert (finding.caller.sdk, finding.phase, finding.event_ids) == ("com.adsdk", "pre-consent", [read.id])
    assert finding.decision.marker_seq == agreement.seq
    assert "agreed" in finding.decision.summary.en


def test_preconsent_read_when_the_user_never_agreed_has_no_decision(catalog):
    run = RunBuilder()
    run.mark(AppLaunched, clear_state=True)
    run.call("settings.android-id")
    [finding] = findings(run, catalog, "CN-PRECONSENT-COLLECT")
    assert finding.decision is None


def test_read_just_after_the_agreement_is_not_preconsent(catalog):
    run = RunBuilder()
    run.mark(AppLaunched, clear_state=True)
    run.consent("accepted")
    run.call("settings.android-id")
    assert findings(run, catalog, "CN-PRECONSENT-COLLECT") == []


def test_preconsent_call_made_by_the_platform_itself_is_not_flagged(catalog):
    run = RunBuilder()
    run.mark(AppLaunched, clear_state=True)
    run.call("settings.android-id", frames=[PLATFORM_FRAME])
    assert findings(run, catalog, "CN-PRECONSENT-COLLECT") == []


def test_permission_requests_are_not_collection(catalog):
    run = RunBuilder()
    run.mark(AppLaunched, clear_state=True)
    run.call("permissions.request", frames=[APP_FRAME])
    assert findings(run, catalog, "CN-PRECONSENT-COLLECT") == []


# CN-POST-REFUSAL ---------------------------------------------------------------------------------------------

def test_read_after_policy_refusal_is_flagged_against_the_refusal(catalog):
    run = RunBuilder()
    run.mark(AppLaunched, clear_state=True)
    refusal = run.consent("refused")
    run.call("settings.android-id")
    [finding] = findings(run, catalog, "CN-POST-REFUSAL")
    assert (finding.phase, finding.decision.marker_seq) == ("refused", refusal.seq)
    assert "refused" in finding.decision.summary.en


def test_blocked_read_after_permission_denial_is_flagged_with_its_outcome(catalog):
    run = RunBuilder()
    run.mark(AppLaunched, clear_state=True)
    run.consent("accepted")
    denial = run.permission("denied", "LOCATION", [FINE, COARSE])
    run.call("location.last-known", frames=[APP_FRAME], threw="java.lang.SecurityException")
    [finding] = findings(run, catalog, "CN-POST-REFUSAL")
    assert finding.phase == "permission-denied(LOCATION)"
    assert finding.decision.marker_seq == denial.seq
    assert finding.caller.origin == "app"
    assert finding.outcomes == {"java.lang.SecurityException": 1}


def test_read_after_the_permission_was_granted_is_not_flagged(catalog):
    run = RunBuilder()
    run.mark(AppLaunched, clear_state=True)
    run.consent("accepted")
    run.permission("denied", "LOCATION", [FINE, COARSE])
    run.permission("granted", "LOCATION", [FINE, COARSE])
    run.call("location.last-known", frames=[APP_FRAME])
    assert findings(run, catalog, "CN-POST-REFUSAL") == []


def test_denial_of_an_unrelated_permission_does_not_taint_other_data(catalog):
    run = RunBuilder()
    run.mark(AppLaunched, clear_state=True)
    run.consent("accepted")
    run.permission("denied", "CAMERA", ["android.permission.CAMERA"])
    run.call("settings.android-id")
    run.call("location.last-known", frames=[APP_FRAME])
    assert findings(run, catalog, "CN-POST-REFUSAL") == []


def test_read_before_any_decision_is_not_post_refusal(catalog):
    run = RunBuilder()
    run.mark(AppLaunched, clear_state=True)
    run.call("settings.android-id")
    assert findings(run, catalog, "CN-POST-REFUSAL") == []


def test_post_refusal_explanation_names_the_decision(catalog):
    run = RunBuilder()
    run.mark(AppLaunched, clear_state=True)
    run.consent("accepted")
    run.permission("denied", "LOCATION", [FINE, COARSE])
    run.call("location.last-known", frames=[APP_FRAME], threw="java.lang.SecurityException")
    [finding] = findings(run, catalog, "CN-POST-REFUSAL")
    assert finding.explanation.en == (
        "The app's own code read the last-known once after the user denied the LOCATION permission "
        "(tapped “Don’t allow”)."
    )
