"""Each dark-pattern rule: timelines that trigger it, with its measurement, and near misses that must not."""

import pytest

from auditor.models import (
    AppLaunched,
    ConsentDecision,
    ConsentDialogInfo,
    ConsentDialogShown,
    ConsentRefusalUnavailable,
    ConsentSecondLayer,
    ControlColours,
    DialogControl,
    PermissionPromptDecision,
    PermissionPromptInfo,
    PermissionPromptOutcome,
    PermissionPromptShown,
    StepStarted,
)
from auditor.rules import all_rules, analyse
from auditor.rules.settings import RuleSettings
from auditor.scenario.dialogs import detect_consent_dialog
from auditor.scenario.hierarchy import parse_hierarchy
from auditor.testing import android_fixture
from auditor.testing.factories import APP, APP_FRAME, RunBuilder

FINE, COARSE = "android.permission.ACCESS_FINE_LOCATION", "android.permission.ACCESS_COARSE_LOCATION"
AUDIO = "android.permission.RECORD_AUDIO"
AD_NETWORK = "com.adnet.AdNetwork.onLocationGranted(AdNetwork.java:14)"
MOBFOX = "com.adsdk.sdk.Ads.target(Ads.java:3)"
AMAP = "com.amap.api.location.AMapLocationClient.getLastKnownLocation(AMapLocationClient.java:9)"


def findings(run, catalog, rule_id, settings=None):
    rules = [r for r in all_rules() if r.id == rule_id]
    assert rules, rule_id
    return analyse(run.timeline(catalog), rules, settings).findings


def subjects(run, catalog, rule_id, settings=None):
    return {f.subject: f for f in findings(run, catalog, rule_id, settings)}


def consented():
    run = RunBuilder()
    run.mark(AppLaunched, clear_state=True)
    run.consent("accepted")
    return run


def ctl(label, cls="android.widget.Button", bounds=(60, 1000, 1020, 1144)):
    return DialogControl(text=label, cls=cls, bounds=bounds)


def prompt(message, *controls, group="LOCATION", decline=None, grant=None, checkboxes=(), colours=None,
           hierarchy="hierarchy/05-permission-prompt.xml"):
    controls = [c if isinstance(c, DialogControl) else ctl(c) for c in controls]
    return PermissionPromptInfo(
        texts=[*message, *(c.text for c in controls)], message=list(message), group=group, controls=controls,
        grant=grant or next((c for c in controls if c.text != decline), None),
        decline=next((c for c in controls if c.text == decline), None), checkboxes=list(checkboxes),
        window=(60, 700, 1020, 1700), colours=colours, hierarchy=hierarchy, screenshot="screenshots/05.svg")


def decide(run, info, decision, control, outcome, **outcome_fields):
    """A softAsk step: the decision, then what followed."""
    run.step("softAsk")
    marked = run.mark(PermissionPromptDecision, decision=decision, prompt=info, control=control)
    run.mark(PermissionPromptOutcome, decision_seq=marked.seq, outcome=outcome, **outcome_fields)
    return marked


SOFT_ASK = prompt(["Find stores near you", "Shop uses your location to show the stores nearest to you."],
                  "Not now", "Continue", decline="Not now")
TURN_ON = prompt(["提示", "需要相机权限"], "去开启", group="CAMERA")
IMITATION = prompt(["Allow Shop to record audio?"], "While using the app", "Only this time", "Don't allow",
                   group="MICROPHONE", decline="Don't allow")
NAG = prompt(["提示", "必须开启麦克风权限才能继续使用语音搜索"], "取消", "去设置", group="MICROPHONE", decline="取消")


# CN-MISLEAD-SOFTASK ----------------------------------------------------------------------------------------------

def test_a_soft_ask_with_no_way_to_decline_and_no_purpose(catalog):
    run = consented()
    run.step("tapOn")
    run.mark(PermissionPromptShown, prompt=TURN_ON)

    found = subjects(run, catalog, "CN-MISLEAD-SOFTASK")
    assert set(found) == {"CAMERA: no way to decline", "CAMERA: no purpose stated"}
    assert found["CAMERA: no way to decline"].detail.en == "offers only “去开启”"
    assert found["CAMERA: no purpose stated"].detail.en == "says: “提示”; “需要相机权限”"
    assert found["CAMERA: no way to decline"].phase == "consented"


def test_an_honest_soft_ask_is_not_flagged(catalog):
    run = consented()
    decide(run, SOFT_ASK, "declined", SOFT_ASK.decline, "closed")
    decide(run, SOFT_ASK, "accepted", SOFT_ASK.grant, "system-request", system_group="LOCATION",
           system_message="Allow Shop to access this device’s location?")
    run.permission("granted", "LOCATION", [FINE, COARSE])

    assert findings(run, catalog, "CN-MISLEAD-SOFTASK") == []


def test_pressing_back_on_a_dialog_without_decline_is_said_in_the_measurement(catalog):
    run = consented()
    decide(run, TURN_ON, "declined", None, "closed")

    found = subjects(run, catalog, "CN-MISLEAD-SOFTASK")
    assert found["CAMERA: no way to decline"].detail.en == "offers only “去开启”; Back closed it"


def test_an_explanation_after_a_denial_with_only_ok_is_not_a_soft_ask_without_decline(catalog):
    run = consented()
    run.permission("denied", "MICROPHONE", [AUDIO])
    info = prompt(["Voice search is off", "You can turn on the microphone for Shop in Settings at any time."], "OK",
                  group="MICROPHONE")
    decide(run, info, "declined", None, "closed")

    assert findings(run, catalog, "CN-MISLEAD-SOFTASK") == []


def test_an_ok_only_dialog_that_leads_to_the_system_request_offers_no_way_to_decline(catalog):
    run = consented()
    info = prompt(["We need your location permission."], "OK")
    decide(run, info, "accepted", info.grant, "system-request", system_group="LOCATION", system_message="Allow?")
    run.permission("granted", "LOCATION", [FINE, COARSE])

    found = subjects(run, catalog, "CN-MISLEAD-SOFTASK")
    assert set(found) == {"LOCATION: no way to decline", "LOCATION: no purpose stated"}


def test_declining_that_leads_to_the_system_request_anyway(catalog):
    run = consented()
    decision = decide(run, IMITATION, "declined", IMITATION.decline, "system-request", system_group="MICROPHONE",
                      system_message="Allow Shop to record audio?", hierarchy="hierarchy/06-after.xml")
    run.step("permission")
    denial = run.permission("denied", "MICROPHONE", [AUDIO])

    finding = subjects(run, catalog, "CN-MISLEAD-SOFTASK")["MICROPHONE: declining led to the system request"]
    assert finding.detail.en.startswith("declined with “Don't allow”; the system dialog “Allow Shop to record "
                                        "audio?” came up ")
    assert finding.decision.marker_seq == denial.seq
    assert decision.seq + 1 in finding.marker_seqs


def test_a_dialog_that_only_names_a_subject_and_never_led_anywhere_is_not_judged(catalog):
    run = consented()
    loose = prompt(["Stores nearby"], "Not now", "Open", decline="Not now")
    run.mark(PermissionPromptShown, prompt=loose)

    assert findings(run, catalog, "CN-MISLEAD-SOFTASK") == []
    assert findings(run, catalog, "CN-CONSENT-UI-ASYMMETRY") == []


def test_a_soft_ask_seen_and_then_answered_is_one_showing(catalog):
    run = consented()
    run.step("tapOn")
    run.mark(PermissionPromptShown, prompt=TURN_ON)
    decide(run, TURN_ON, "declined", None, "closed")

    assert {f.count for f in findings(run, catalog, "CN-MISLEAD-SOFTASK")} == {1}


# CN-FAKE-SYSTEM-DIALOG -------------------------------------------------------------------------------------------

def test_an_imitation_of_the_system_dialog_with_both_dumps(catalog):
    run = consented()
    decide(run, IMITATION, "declined", IMITATION.decline, "system-request", system_group="MICROPHONE",
           system_message="Allow Shop to record audio?", hierarchy="hierarchy/06-after-permission-prompt.xml")
    run.step("permission")
    denial = run.permission("denied", "MICROPHONE", [AUDIO])

    [finding] = findings(run, catalog, "CN-FAKE-SYSTEM-DIALOG")
    assert finding.subject == "MICROPHONE"
    assert "question “Allow Shop to record audio?”" in finding.detail.en
    assert "“While using the app”, “Only this time”, “Don't allow”" in finding.detail.en
    assert "the app's dialog: hierarchy/05-permission-prompt.xml" in finding.detail.en
    assert "the system dialog that followed: hierarchy/06-after-permission-prompt.xml" in finding.detail.en
    assert finding.decision.marker_seq == denial.seq


def test_an_imitation_only_seen_takes_the_system_dialogs_dump_from_its_screenshot(catalog):
    run = consented()
    run.step("tapOn")
    run.mark(PermissionPromptShown, prompt=IMITATION)
    run.step("tapOn")
    run.step("permission")
    run.screen({APP: ["Welcome"], "com.android.permissioncontroller": ["Allow Shop to record audio?"]})
    run.permission("denied", "MICROPHONE", [AUDIO])

    [finding] = findings(run, catalog, "CN-FAKE-SYSTEM-DIALOG")
    assert finding.detail.en.endswith("the system dialog that followed: hierarchy/01.xml")


def test_the_apps_own_style_is_no_imitation(catalog):
    run = consented()
    decide(run, SOFT_ASK, "accepted", SOFT_ASK.grant, "system-request", system_group="LOCATION", system_message="?")
    run.mark(PermissionPromptShown, prompt=NAG)

    assert findings(run, catalog, "CN-FAKE-SYSTEM-DIALOG") == []


NOTIFY = "android.permission.POST_NOTIFICATIONS"


@pytest.mark.parametrize("info", [
    prompt(["Allow notifications to get delivery updates?"], "Allow", "Don't allow", group="NOTIFICATIONS",
           decline="Don't allow"),
    prompt(["允许接收通知以获取物流提醒？"], "允许", "拒绝", group="NOTIFICATIONS", decline="拒绝"),
], ids=["en", "zh"])
def test_an_honest_notification_soft_ask_with_allow_and_dont_allow_is_no_imitation(catalog, info):
    run = consented()
    run.step("tapOn")
    run.mark(PermissionPromptShown, prompt=info)
    decide(run, info, "accepted", info.grant, "system-request", system_group="NOTIFICATIONS",
           system_message="Allow Shop to send you notifications?")
    run.screen({APP: ["Welcome"], "com.android.permissioncontroller": ["Allow Shop to send you notifications?"]})
    run.permission("granted", "NOTIFICATIONS", [NOTIFY])

    assert findings(run, catalog, "CN-FAKE-SYSTEM-DIALOG") == []
    assert findings(run, catalog, "CN-MISLEAD-SOFTASK") == []
    assert findings(run, catalog, "CN-NO-PURPOSE") == []


@pytest.mark.parametrize(("info", "stated"), [(IMITATION, False), (TURN_ON, False), (SOFT_ASK, True)],
                         ids=["imitation", "turn-on", "soft-ask"])
def test_the_two_purpose_rules_agree_on_the_same_dialog(catalog, info, stated):
    """CN-MISLEAD-SOFTASK (the app's dialog) and CN-NO-PURPOSE (the system dialog it led to) read one list of words:
    a request is never "no purpose stated" in one finding and explained in the other."""
    permissions = {"MICROPHONE": [AUDIO], "CAMERA": ["android.permission.CAMERA"], "LOCATION": [FINE, COARSE]}
    run = consented()
    run.step("tapOn")
    run.screen({APP: info.texts})
    run.mark(PermissionPromptShown, prompt=info)
    decide(run, info, "accepted", info.grant, "system-request", system_group=info.group, system_message="?")
    run.screen({APP: ["Welcome"], "com.android.permissioncontroller": ["?"]})
    run.permission("granted", info.group, permissions[info.group])

    soft_ask = f"{info.group}: no purpose stated" in subjects(run, catalog, "CN-MISLEAD-SOFTASK")
    system = [f.subject for f in findings(run, catalog, "CN-NO-PURPOSE")] == [info.group]
    assert (soft_ask, system) == (not stated, not stated)


# CN-CONSENT-UI-ASYMMETRY / EU-GDPR-CONSENT-UI-VISUAL ---------------------------------------------------------

BIG_ACCEPT = ctl("同意并继续", bounds=(60, 1000, 1020, 1288))
TEXT_REJECT = ctl("不同意", cls="android.widget.TextView", bounds=(60, 1288, 1020, 1393))


def consent_marker(run, accept, reject, colours=None, kind=ConsentDecision, **fields):
    dialog = ConsentDialogInfo(texts=["《隐私政策》", accept.text, *( [reject.text] if reject else [])],
                               accept=accept, reject=reject, colours=colours)
    if kind is ConsentDecision:
        fields.setdefault("decision", "accepted")
        fields.setdefault("control", accept)
    return run.mark(kind, dialog=dialog, **fields)


def test_a_bigger_accept_button_next_to_a_line_of_text(catalog):
    run = RunBuilder()
    run.mark(AppLaunched, clear_state=True)
    consent_marker(run, BIG_ACCEPT, TEXT_REJECT)

    found = subjects(run, catalog, "CN-CONSENT-UI-ASYMMETRY")
    assert set(found) == {"privacy dialog: accept larger than reject",
                          "privacy dialog: reject shown as plain text, accept as a button"}
    assert found["privacy dialog: accept larger than reject"].detail.en == (
        "accept “同意并继续” 960×288 px, reject “不同意” 960×105 px: 2.74 times the area (limit 1.5)")
    assert "a line of text (android.widget.TextView)" in (
        found["privacy dialog: reject shown as plain text, accept as a button"].detail.en)
    eu = subjects(run, catalog, "EU-GDPR-CONSENT-UI-VISUAL")
    assert set(eu) == {"accept larger than reject", "reject shown as plain text, accept as a button"}


@pytest.mark.parametrize(("reject_height", "flagged"), [(96, False), (95, True)])
def test_the_area_threshold_is_a_strict_more_than(catalog, reject_height, flagged):
    run = RunBuilder()
    accept = ctl("Agree", bounds=(0, 0, 960, 144))
    reject = ctl("Disagree", bounds=(0, 200, 960, 200 + reject_height))
    consent_marker(run, accept, reject)

    found = subjects(run, catalog, "CN-CONSENT-UI-ASYMMETRY")
    assert ("privacy dialog: accept larger than reject" in found) is flagged


def test_the_area_threshold_is_a_setting(catalog):
    run = RunBuilder()
    consent_marker(run, BIG_ACCEPT, TEXT_REJECT)

    found = subjects(run, catalog, "CN-CONSENT-UI-ASYMMETRY", RuleSettings(choice_area_ratio=3.0))
    assert set(found) == {"privacy dialog: reject shown as plain text, accept as a button"}


def test_equal_buttons_are_fair(catalog):
    run = RunBuilder()
    consent_marker(run, ctl("同意", bounds=(540, 1500, 1020, 1644)), ctl("不同意", bounds=(60, 1500, 540, 1644)))

    assert findings(run, catalog, "CN-CONSENT-UI-ASYMMETRY") == []
    assert findings(run, catalog, "EU-GDPR-CONSENT-UI-VISUAL") == []


HIGHLIGHTED = ControlColours(accept="#1a73e8", accept_around="#ffffff", accept_contrast=4.5, accept_delta_e=67.0,
                             reject="#ffffff", reject_around="#ffffff", reject_contrast=1.0, reject_delta_e=0.0)


def test_an_accept_highlighted_by_colour(catalog):
    run = RunBuilder()
    consent_marker(run, ctl("Accept all", bounds=(540, 1500, 1020, 1644)),
                   ctl("Reject", bounds=(60, 1500, 540, 1644)), colours=HIGHLIGHTED)

    found = subjects(run, catalog, "EU-GDPR-CONSENT-UI-VISUAL")
    assert set(found) == {"accept highlighted by colour", "reject shown as plain text, accept as a button"}
    assert found["accept highlighted by colour"].detail.en == (
        "accept “Accept all” filled #1a73e8 on #ffffff (contrast 4.5:1, ΔE 67); reject “Reject” #ffffff on #ffffff "
        "(1.0:1, ΔE 0)")
    assert found["reject shown as plain text, accept as a button"].detail.en == (
        "accept “Accept all” is drawn as a button (filled #1a73e8 on #ffffff; android.widget.Button), reject “Reject” "
        "as plain text (no fill of its own on #ffffff; android.widget.Button)"), "a Button drawn without a fill"
    assert "privacy dialog: accept highlighted by colour" in subjects(run, catalog, "CN-CONSENT-UI-ASYMMETRY")


@pytest.mark.parametrize(("colours", "settings"), [
    (HIGHLIGHTED.model_copy(update={"reject": "#1a73e8", "reject_contrast": 4.5, "reject_delta_e": 67.0}), None),
    (HIGHLIGHTED.model_copy(update={"reject": "#e0e0e0", "reject_contrast": 1.3, "reject_delta_e": 12.0}), None),
    (HIGHLIGHTED.model_copy(update={"accept_contrast": 1.2, "accept_delta_e": 20.0}), None),
    (HIGHLIGHTED, RuleSettings(highlight_min_contrast=5.0, plain_max_contrast=1.5)),
])
def test_colours_that_do_not_favour_accept(catalog, colours, settings):
    run = RunBuilder()
    consent_marker(run, ctl("Accept all", bounds=(540, 1500, 1020, 1644)),
                   ctl("Reject", bounds=(60, 1500, 540, 1644)), colours=colours)

    if settings is not None:  # a contrast of 4.5 is under the raised threshold, but ΔE 67 still stands out
        assert "accept highlighted by colour" in subjects(run, catalog, "EU-GDPR-CONSENT-UI-VISUAL", settings)
    else:
        assert "accept highlighted by colour" not in subjects(run, catalog, "EU-GDPR-CONSENT-UI-VISUAL")


@pytest.mark.parametrize(("accept", "reject", "colours", "expected"), [
    # A TextView with a fill of its own is drawn as a button: two buttons.
    (ctl("Accept all"), ctl("Reject", cls="android.widget.TextView"),
     HIGHLIGHTED.model_copy(update={"accept_contrast": 1.2, "accept_delta_e": 20.0, "reject": "#e0e0e0",
                                    "reject_contrast": 1.3, "reject_delta_e": 12.0}), set()),
    # A Button without one (a borderless button) is drawn as text.
    (ctl("Accept all"), ctl("Reject"), HIGHLIGHTED.model_copy(update={"accept_contrast": 1.2, "accept_delta_e": 20.0}),
     {"reject shown as plain text, accept as a button"}),
    # A clickable layout with a fill is a button; without pixels its look is unknown.
    (ctl("Accept all", cls="android.widget.LinearLayout"), ctl("Reject", cls="android.widget.TextView"),
     HIGHLIGHTED.model_copy(update={"accept_contrast": 1.2, "accept_delta_e": 20.0}),
     {"reject shown as plain text, accept as a button"}),
    (ctl("Accept all", cls="android.widget.LinearLayout"), ctl("Reject", cls="android.widget.TextView"), None, set()),
], ids=["filled-text", "borderless-button", "filled-layout", "layout-unseen"])
def test_button_or_text_is_read_from_the_pixels_when_there_are_some(catalog, accept, reject, colours, expected):
    run = RunBuilder()
    consent_marker(run, accept.model_copy(update={"bounds": (540, 1500, 1020, 1644)}),
                   reject.model_copy(update={"bounds": (60, 1500, 540, 1644)}), colours=colours)

    assert set(subjects(run, catalog, "EU-GDPR-CONSENT-UI-VISUAL")) == expected


def test_a_yellow_accept_stands_out_by_hue(catalog):
    run = RunBuilder()
    yellow = HIGHLIGHTED.model_copy(update={"accept": "#ffeb3b", "accept_contrast": 1.2, "accept_delta_e": 80.0})
    consent_marker(run, ctl("Accept all", bounds=(540, 1500, 1020, 1644)),
                   ctl("Reject", bounds=(60, 1500, 540, 1644)), colours=yellow)

    assert "accept highlighted by colour" in subjects(run, catalog, "EU-GDPR-CONSENT-UI-VISUAL")


def test_wrap_content_buttons_differ_by_their_labels_not_by_design(catalog):
    run = RunBuilder()
    run.mark(AppLaunched, clear_state=True)
    consent_marker(run, ctl("同意并继续", bounds=(450, 1500, 780, 1644)), ctl("不同意", bounds=(240, 1500, 450, 1644)))
    assert findings(run, catalog, "CN-CONSENT-UI-ASYMMETRY") == [], "1.57 times the area, 1.12 for the label"

    run = RunBuilder()
    run.mark(AppLaunched, clear_state=True)
    consent_marker(run, ctl("同意并继续", bounds=(450, 1500, 780, 1788)), ctl("不同意", bounds=(240, 1500, 450, 1644)))
    [finding] = findings(run, catalog, "CN-CONSENT-UI-ASYMMETRY")
    assert finding.detail.en == ("accept “同意并继续” 330×288 px, reject “不同意” 210×144 px: 3.14 times the area, 2.24 "
                                 "once the longer label is allowed for (limit 1.5)")


def test_a_reject_hidden_behind_a_second_screen(catalog):
    run = RunBuilder()
    run.mark(AppLaunched, clear_state=True)
    first = ConsentDialogInfo(texts=["Your privacy", "Accept all", "Manage options"], accept=ctl("Accept all"),
                              more_options=ctl("Manage options", cls="android.widget.TextView"))
    run.mark(ConsentSecondLayer, dialog=first, control=first.more_options)
    second = ConsentDialogInfo(texts=["Privacy choices", "Reject all", "Accept all"], accept=ctl("Accept all"),
                               reject=ctl("Reject all"))
    run.mark(ConsentDecision, decision="refused", dialog=second, control=second.reject)

    detail = ("the first screen offers “Accept all” and “Manage options”, no reject; the refusal “Reject all” is "
              "behind “Manage options”")
    assert subjects(run, catalog, "CN-CONSENT-UI-ASYMMETRY")[
        "privacy dialog: reject only on a second screen"].detail.en == detail
    [eu] = findings(run, catalog, "EU-GDPR-CONSENT-UI-VISUAL")
    assert (eu.subject, eu.detail.en, eu.phase) == ("reject only on a second screen", detail, "pre-consent")


def test_a_second_screen_that_never_offers_a_refusal_is_no_way_to_refuse(catalog):
    run = RunBuilder()
    run.mark(AppLaunched, clear_state=True)
    first = ConsentDialogInfo(texts=["Your privacy", "Accept all", "Manage options"], accept=ctl("Accept all"),
                              more_options=ctl("Manage options", cls="android.widget.TextView"))
    run.mark(ConsentSecondLayer, dialog=first, control=first.more_options)
    run.mark(ConsentRefusalUnavailable, dialog=first)

    assert findings(run, catalog, "CN-CONSENT-UI-ASYMMETRY") == []
    assert findings(run, catalog, "EU-GDPR-CONSENT-UI-VISUAL") == []
    [cn] = findings(run, catalog, "CN-CONSENT-UI")
    assert (cn.subject, cn.detail.en) == ("no way to refuse", "“Manage options” leads to no refusal either")
    assert [f.subject for f in findings(run, catalog, "EU-GDPR-CONSENT-UI")] == ["no reject on the first layer"]


def test_a_first_screen_accepted_with_its_refusal_unexplored_is_not_judged_refusable_or_not(catalog):
    run = RunBuilder()
    run.mark(AppLaunched, clear_state=True)
    first = ConsentDialogInfo(texts=["Your privacy", "Accept all", "Manage options"], accept=ctl("Accept all"),
                              more_options=ctl("Manage options", cls="android.widget.TextView"))
    run.mark(ConsentDecision, decision="accepted", dialog=first, control=first.accept)

    assert findings(run, catalog, "CN-CONSENT-UI") == []


def test_a_dialog_only_looked_at_then_answered_is_measured_once(catalog):
    run = RunBuilder()
    run.mark(AppLaunched, clear_state=True)
    consent_marker(run, BIG_ACCEPT, TEXT_REJECT, kind=ConsentDialogShown)
    consent_marker(run, BIG_ACCEPT, TEXT_REJECT)
    run.mark(AppLaunched, clear_state=False)
    consent_marker(run, BIG_ACCEPT, TEXT_REJECT)

    counts = {f.subject: f.count for f in findings(run, catalog, "CN-CONSENT-UI-ASYMMETRY")}
    assert counts == {"privacy dialog: accept larger than reject": 2,
                      "privacy dialog: reject shown as plain text, accept as a button": 2}


def test_a_soft_asks_unequal_choice_and_pre_ticked_box(catalog):
    run = consented()
    allow = ctl("Allow", bounds=(60, 1000, 1020, 1288))
    no = ctl("No thanks, I don't like saving money", cls="android.widget.TextView", bounds=(60, 1288, 1020, 1450))
    ticked = DialogControl(text="Also send me personalised offers", cls="android.widget.CheckBox",
                           bounds=(60, 900, 1020, 1000), checked=True)
    silenced = ticked.model_copy(update={"text": "Don't ask again"})
    info = prompt(["Deals near you", "We use your location to show deals nearby."], allow, no,
                  decline=no.text, checkboxes=[ticked, silenced])
    decide(run, info, "accepted", allow, "system-request", system_group="LOCATION", system_message="?")

    found = subjects(run, catalog, "CN-CONSENT-UI-ASYMMETRY")
    assert set(found) == {"LOCATION permission dialog: accept larger than reject",
                          "LOCATION permission dialog: reject shown as plain text, accept as a button",
                          "LOCATION permission dialog: box ticked in advance"}
    assert found["LOCATION permission dialog: box ticked in advance"].detail.en == (
        "ticked: “Also send me personalised offers”")
    assert findings(run, catalog, "EU-GDPR-CONSENT-UI-VISUAL") == [], "GDPR consent dialogs only"


def test_ebays_real_terms_screen_is_equal_but_its_only_way_out_is_cancel(catalog):
    hierarchy = parse_hierarchy(android_fixture("consent-dialog/droidmate-ebay-terms-of-use-agree.xml").read_bytes())
    dialog = detect_consent_dialog(hierarchy)
    run = RunBuilder()
    run.mark(ConsentDialogShown, dialog=dialog)

    assert findings(run, catalog, "CN-CONSENT-UI-ASYMMETRY") == []
    assert findings(run, catalog, "EU-GDPR-CONSENT-UI-VISUAL") == []
    [wording] = findings(run, catalog, "CN-MISLEAD-WORDING")
    assert wording.subject == "privacy dialog: ambiguous way out “Cancel”"
    assert wording.detail.en.startswith("the dialog: “Terms of Use”; “By clicking Agree")


# CN-MISLEAD-WORDING ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("reject", "subject"), [
    ("残忍拒绝", "privacy dialog: shaming refusal “残忍拒绝”"),
    ("我不需要优惠", "privacy dialog: shaming refusal “我不需要优惠”"),
    ("取消", "privacy dialog: ambiguous way out “取消”"),
    ("不同意", None),
    ("Decline", None),
    ("暂不同意", None),
])
def test_the_refusal_of_a_privacy_dialog_is_read(catalog, reject, subject):
    run = RunBuilder()
    consent_marker(run, ctl("同意"), ctl(reject))

    found = [f.subject for f in findings(run, catalog, "CN-MISLEAD-WORDING")]
    assert found == ([subject] if subject else [])


def test_a_permission_dialogs_shaming_decline_is_flagged_and_its_cancel_is_not(catalog):
    run = consented()
    shaming = prompt(["We use your location to show deals nearby."], "Allow",
                     "No thanks, I don't like saving money", decline="No thanks, I don't like saving money")
    decide(run, shaming, "declined", shaming.decline, "closed")
    cancel = prompt(["Shop uses your location to show stores near you. Turn on location?"], "Cancel", "Turn on",
                    decline="Cancel")
    decide(run, cancel, "declined", cancel.decline, "closed")

    assert [f.subject for f in findings(run, catalog, "CN-MISLEAD-WORDING")] == [
        "LOCATION permission dialog: shaming refusal “No thanks, I don't like saving money”"]


# CN-PURPOSE-MISMATCH ---------------------------------------------------------------------------------------------

DEALS = prompt(["Deals near you", "We use your location to show deals in your neighbourhood."], "Allow",
               "Not now", decline="Not now")


def granted_after_soft_ask(info=DEALS):
    run = consented()
    run.step("tapOn")
    decide(run, info, "accepted", info.grant, "system-request", system_group="LOCATION", system_message="?")
    run.step("permission")
    grant = run.permission("granted", "LOCATION", [FINE, COARSE])
    return run, grant


def test_an_undisclosed_sdk_reads_the_location_first(catalog):
    run, grant = granted_after_soft_ask()
    read = run.call("location.last-known", frames=[AD_NETWORK])
    run.call("location.last-known", frames=[APP_FRAME])

    [finding] = findings(run, catalog, "CN-PURPOSE-MISMATCH")
    assert (finding.caller.sdk, finding.entry, finding.event_ids, finding.phase) == (
        "com.adnet", "location.last-known", [read.id], "consented")
    assert finding.decision.marker_seq == grant.seq
    assert finding.detail.en == ("stated purpose: “We use your location to show deals in your neighbourhood.” "
                                 "(the app's permission dialog) · first use after the grant: the SDK com.adnet read "
                                 "the last-known 100 ms later")


@pytest.mark.parametrize("frames", [[APP_FRAME], [AMAP]])
def test_the_feature_the_purpose_named_reading_it_is_no_mismatch(catalog, frames):
    run, _ = granted_after_soft_ask()
    run.call("location.last-known", frames=frames)

    assert findings(run, catalog, "CN-PURPOSE-MISMATCH") == []


def test_a_purpose_announcing_ads_covers_an_advertising_sdk_but_not_an_unknown_one(catalog):
    ads = prompt(["We and our advertising partners use your location to show relevant ads."], "Allow", "Not now",
                 decline="Not now")
    run, _ = granted_after_soft_ask(ads)
    run.call("location.last-known", frames=[MOBFOX])
    assert findings(run, catalog, "CN-PURPOSE-MISMATCH") == [], "partners and ads are announced"

    plain = prompt(["We use your location to show relevant deals."], "Allow", "Not now", decline="Not now")
    run, _ = granted_after_soft_ask(plain)
    run.call("location.last-known", frames=[MOBFOX])
    assert [f.caller.sdk for f in findings(run, catalog, "CN-PURPOSE-MISMATCH")] == ["MobFox"]


def test_no_stated_purpose_or_a_read_outside_the_window_or_of_other_data_is_not_judged(catalog):
    bare = prompt(["Allow location?"], "Allow", "Not now", decline="Not now")
    run, _ = granted_after_soft_ask(bare)
    run.call("location.last-known", frames=[AD_NETWORK])
    assert findings(run, catalog, "CN-PURPOSE-MISMATCH") == [], "nothing stated: CN-NO-PURPOSE's matter"

    run, _ = granted_after_soft_ask()
    run.call("settings.android-id", frames=[AD_NETWORK])
    run.tick(11_000)
    run.call("location.last-known", frames=[AD_NETWORK])
    assert findings(run, catalog, "CN-PURPOSE-MISMATCH") == []
    assert findings(run, catalog, "CN-PURPOSE-MISMATCH", RuleSettings(purpose_window_s=20)) != []


def test_the_purpose_can_be_stated_on_the_screen_at_the_request(catalog):
    run = consented()
    run.step("tapOn")
    run.screen({APP: ["Nearby stores", "Shop uses your location to show the stores near you."]})
    run.step("permission")
    run.screen({APP: ["Nearby stores"], "com.android.permissioncontroller": ["Allow Shop to access location?"]})
    run.permission("granted", "LOCATION", [FINE, COARSE])
    run.call("location.last-known", frames=[AD_NETWORK])

    [finding] = findings(run, catalog, "CN-PURPOSE-MISMATCH")
    assert "(the app's screen at the request)" in finding.detail.en


# CN-NAG-LOOP -----------------------------------------------------------------------------------------------------

def denied_microphone():
    run = consented()
    decide(run, IMITATION, "declined", IMITATION.decline, "system-request", system_group="MICROPHONE",
           system_message="Allow Shop to record audio?")
    run.step("permission")
    denial = run.permission("denied", "MICROPHONE", [AUDIO])
    return run, denial


def test_a_dialog_back_after_every_attempt_is_a_nag_loop_with_its_count(catalog):
    run, denial = denied_microphone()
    outcomes = []
    for _ in range(3):
        decision = decide(run, NAG, "declined", NAG.decline, "shown-again", prompt=NAG)
        outcomes.append(decision.seq + 1)

    [finding] = findings(run, catalog, "CN-NAG-LOOP")
    assert (finding.subject, finding.count, finding.phase) == ("MICROPHONE", 3, "consented")
    assert finding.decision.marker_seq == denial.seq
    assert set(outcomes) <= set(finding.marker_seqs)
    assert finding.detail.en == "3 attempts in a row were blocked; the dialog: “提示”; “必须开启麦克风权限才能继续使用语音搜索”"
    assert finding.explanation.en == ("Each attempt to go on without granting the MICROPHONE permission was met by "
                                      "the app's dialog again: 3 times in a row.")


def test_the_system_request_again_for_a_denied_permission_counts_as_a_round(catalog):
    run, _ = denied_microphone()
    decide(run, NAG, "declined", NAG.decline, "system-request", system_group="MICROPHONE", system_message="?")
    run.permission("denied", "MICROPHONE", [AUDIO])
    decide(run, NAG, "declined", NAG.decline, "other-prompt", prompt=NAG)

    [finding] = findings(run, catalog, "CN-NAG-LOOP")
    assert finding.count == 2


def test_an_attempt_that_gets_through_ends_the_loop(catalog):
    run, _ = denied_microphone()
    decide(run, NAG, "declined", NAG.decline, "shown-again", prompt=NAG)
    decide(run, NAG, "declined", NAG.decline, "closed")
    decide(run, NAG, "declined", NAG.decline, "shown-again", prompt=NAG)

    assert findings(run, catalog, "CN-NAG-LOOP") == []


def test_a_grant_ends_the_loop_and_the_minimum_is_a_setting(catalog):
    run, _ = denied_microphone()
    decide(run, NAG, "declined", NAG.decline, "shown-again", prompt=NAG)
    run.permission("granted", "MICROPHONE", [AUDIO])
    decide(run, NAG, "declined", NAG.decline, "shown-again", prompt=NAG)
    assert findings(run, catalog, "CN-NAG-LOOP") == []

    run, _ = denied_microphone()
    for _ in range(3):
        decide(run, NAG, "declined", NAG.decline, "shown-again", prompt=NAG)
    assert findings(run, catalog, "CN-NAG-LOOP", RuleSettings(nag_min_rounds=4)) == []


def test_a_first_decline_leading_to_the_request_is_not_a_loop_round(catalog):
    run = consented()
    for _ in range(2):
        run.mark(StepStarted)
        decide(run, IMITATION, "declined", IMITATION.decline, "system-request", system_group="MICROPHONE",
               system_message="?")
        run.permission("granted-once", "MICROPHONE", [AUDIO])

    assert findings(run, catalog, "CN-NAG-LOOP") == []
