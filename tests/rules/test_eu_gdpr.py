"""EU pack: each rule triggered, and nearly triggered."""

from auditor.models import AppLaunched, ConsentDialogInfo, ConsentRefusalUnavailable
from auditor.rules import all_rules, analyse
from auditor.testing.factories import APP_FRAME, PLATFORM_FRAME, RunBuilder, control

FINE = "android.permission.ACCESS_FINE_LOCATION"


def findings(run, catalog, rule_id):
    return analyse(run.timeline(catalog), [r for r in all_rules() if r.id == rule_id]).findings


def launched():
    run = RunBuilder()
    run.mark(AppLaunched, clear_state=True)
    return run


def test_prior_consent_covers_the_app_and_sdks_alike(catalog):
    run = launched()
    run.call("apps.installed-packages")
    run.call("location.last-known", frames=[APP_FRAME])
    run.call("settings.android-id", frames=[PLATFORM_FRAME])
    run.consent("accepted")
    run.call("apps.installed-packages")
    found = findings(run, catalog, "EU-GDPR-PRIOR-CONSENT")
    assert sorted((f.entry, f.caller.origin) for f in found) == [
        ("apps.installed-packages", "sdk"), ("location.last-known", "app")]


def test_eprivacy_is_about_device_identifiers_only_and_also_after_a_refusal(catalog):
    run = launched()
    run.call("settings.android-id")
    run.call("apps.installed-packages")
    run.consent("refused")
    run.call("telephony.imei")
    run.consent("accepted")
    run.call("settings.android-id")
    found = findings(run, catalog, "EU-EPRIV-5-3")
    assert sorted((f.entry, f.phase) for f in found) == [
        ("settings.android-id", "pre-consent"), ("telephony.imei", "refused")]


def test_reject_honored_is_about_the_consent_rejection(catalog):
    run = launched()
    run.consent("accepted")
    run.permission("denied", "LOCATION", [FINE])
    run.call("location.last-known", frames=[APP_FRAME], threw="java.lang.SecurityException")
    assert findings(run, catalog, "EU-GDPR-REJECT-HONORED") == [], "a permission denial is not a consent rejection"
    run.consent("refused")
    run.call("apps.installed-packages")
    [finding] = findings(run, catalog, "EU-GDPR-REJECT-HONORED")
    assert finding.entry == "apps.installed-packages"


def test_consent_ui_without_reject_is_flagged_and_a_fair_dialog_is_not(catalog):
    run = launched()
    run.consent("refused")
    assert findings(run, catalog, "EU-GDPR-CONSENT-UI") == []
    run.mark(ConsentRefusalUnavailable, dialog=ConsentDialogInfo(texts=["Accept all"], accept=control("Accept all")))
    [finding] = findings(run, catalog, "EU-GDPR-CONSENT-UI")
    assert finding.subject == "no reject on the first layer"
