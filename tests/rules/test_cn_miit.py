"""Each CN rule: a timeline that triggers it, and ones that nearly do and must not."""

import hashlib

import pytest

from auditor.models import (
    AppBackgrounded,
    AppForegrounded,
    AppLaunched,
    AppStopped,
    ConsentDecision,
    ConsentDialogInfo,
    ConsentDialogMissing,
    ConsentRefusalUnavailable,
    DialogControl,
    ProcessEnded,
)
from auditor.rules import all_rules, analyse
from auditor.rules.settings import RuleSettings
from auditor.testing.factories import APP, APP_FRAME, PLATFORM_FRAME, SDK_FRAME, RunBuilder, control

FINE, COARSE = "android.permission.ACCESS_FINE_LOCATION", "android.permission.ACCESS_COARSE_LOCATION"
CAMERA, PHONE = "android.permission.CAMERA", "android.permission.READ_PHONE_STATE"


def findings(run, catalog, rule_id, settings=None):
    rules = [r for r in all_rules() if r.id == rule_id]
    return analyse(run.timeline(catalog), rules, settings).findings


def launched(clear=True):
    run = RunBuilder()
    run.mark(AppLaunched, clear_state=clear)
    return run


def request(run, *permissions, frames=None):
    return run.call("permissions.request", frames=frames or [APP_FRAME], args=[f"[{', '.join(permissions)}]", "1"],
                    ret=None)


# CN-PRECONSENT-COLLECT / CN-SDK-PRECONSENT ------------------------------------------------------------------------

def test_preconsent_read_by_the_app_itself(catalog):
    run = launched()
    read = run.call("settings.android-id", frames=[APP_FRAME])
    agreement = run.consent("accepted")
    [finding] = findings(run, catalog, "CN-PRECONSENT-COLLECT")
    assert (finding.caller.origin, finding.phase, finding.event_ids) == ("app", "pre-consent", [read.id])
    assert finding.decision.marker_seq == agreement.seq
    assert findings(run, catalog, "CN-SDK-PRECONSENT") == []


def test_preconsent_read_by_an_sdk_is_the_sdk_rule(catalog):
    run = launched()
    run.call("settings.android-id", frames=[SDK_FRAME])
    [finding] = findings(run, catalog, "CN-SDK-PRECONSENT")
    assert (finding.caller.sdk, finding.decision) == ("com.adsdk", None)
    assert findings(run, catalog, "CN-PRECONSENT-COLLECT") == []


def test_read_just_after_the_agreement_is_not_preconsent(catalog):
    run = launched()
    run.consent("accepted")
    run.call("settings.android-id")
    assert findings(run, catalog, "CN-SDK-PRECONSENT") == []


def test_preconsent_call_made_by_the_platform_itself_is_not_flagged(catalog):
    run = launched()
    run.call("settings.android-id", frames=[PLATFORM_FRAME])
    assert findings(run, catalog, "CN-PRECONSENT-COLLECT") == findings(run, catalog, "CN-SDK-PRECONSENT") == []


def test_permission_requests_are_not_collection(catalog):
    run = launched()
    request(run, FINE)
    assert findings(run, catalog, "CN-PRECONSENT-COLLECT") == []


# CN-POST-REFUSAL ---------------------------------------------------------------------------------------------------

def test_read_after_policy_refusal_is_flagged_against_the_refusal(catalog):
    run = launched()
    refusal = run.consent("refused")
    run.call("settings.android-id")
    [finding] = findings(run, catalog, "CN-POST-REFUSAL")
    assert (finding.phase, finding.decision.marker_seq) == ("refused", refusal.seq)
    assert findings(run, catalog, "CN-SDK-PRECONSENT") == [], "a read after a refusal is not also pre-consent"


def test_blocked_read_after_permission_denial_is_flagged_with_its_outcome(catalog):
    run = launched()
    run.consent("accepted")
    denial = run.permission("denied", "LOCATION", [FINE, COARSE])
    run.call("location.last-known", frames=[APP_FRAME], threw="java.lang.SecurityException")
    [finding] = findings(run, catalog, "CN-POST-REFUSAL")
    assert finding.phase == "permission-denied(LOCATION)"
    assert finding.decision.marker_seq == denial.seq
    assert finding.outcomes == {"java.lang.SecurityException": 1}
    assert finding.explanation.en == (
        "The app's own code read the last-known once after the user denied the LOCATION permission "
        "(tapped “Don’t allow”)."
    )


def test_read_after_the_permission_was_granted_is_not_flagged(catalog):
    run = launched()
    run.consent("accepted")
    run.permission("denied", "LOCATION", [FINE, COARSE])
    run.permission("granted", "LOCATION", [FINE, COARSE])
    run.call("location.last-known", frames=[APP_FRAME])
    assert findings(run, catalog, "CN-POST-REFUSAL") == []


def test_denial_of_an_unrelated_permission_does_not_taint_other_data(catalog):
    run = launched()
    run.consent("accepted")
    run.permission("denied", "CAMERA", [CAMERA])
    run.call("settings.android-id")
    run.call("location.last-known", frames=[APP_FRAME])
    assert findings(run, catalog, "CN-POST-REFUSAL") == []


def test_read_before_any_decision_is_not_post_refusal(catalog):
    run = launched()
    run.call("settings.android-id")
    assert findings(run, catalog, "CN-POST-REFUSAL") == []


# CN-BACKGROUND -----------------------------------------------------------------------------------------------------

def test_read_in_the_background_is_flagged(catalog):
    run = launched()
    run.consent("accepted")
    home = run.mark(AppBackgrounded)
    run.call("settings.android-id")
    [finding] = findings(run, catalog, "CN-BACKGROUND")
    assert (finding.phase, finding.decision.marker_seq) == ("background", home.seq)


def test_read_after_coming_back_or_after_the_app_stopped_is_not_background(catalog):
    run = launched()
    run.consent("accepted")
    run.mark(AppBackgrounded)
    run.mark(AppForegrounded)
    run.call("settings.android-id")
    run.mark(AppStopped)
    assert findings(run, catalog, "CN-BACKGROUND") == []


# CN-OVERFREQ -------------------------------------------------------------------------------------------------------

def reads(run, entry, count, every_ms, frames=None):
    for _ in range(count):
        run.call(entry, frames=frames)
        run.tick(every_ms - 100)


def test_reads_beyond_the_limit_in_the_window_are_flagged(catalog):
    run = launched()
    run.consent("accepted")
    reads(run, "settings.android-id", 8, 2000)  # default limit for identifiers: 5 per 30 s
    [finding] = findings(run, catalog, "CN-OVERFREQ")
    assert finding.count == 3
    assert finding.detail.en == "up to 8 reads in 30 s (limit 5)"


def test_reads_at_exactly_the_limit_are_not_flagged(catalog):
    run = launched()
    run.consent("accepted")
    reads(run, "settings.android-id", 5, 2000)
    assert findings(run, catalog, "CN-OVERFREQ") == []


def test_reads_spread_beyond_the_window_are_not_flagged_and_limits_are_settings(catalog):
    run = launched()
    run.consent("accepted")
    reads(run, "settings.android-id", 12, 7000)  # at most 5 in any 30 s
    assert findings(run, catalog, "CN-OVERFREQ") == []
    strict = RuleSettings.model_validate({"overfreq": {"window_s": 30, "max_calls": {"device-id": 2}}})
    assert findings(run, catalog, "CN-OVERFREQ", strict)[0].detail.en == "up to 5 reads in 30 s (limit 2)"


def test_two_callers_each_under_the_limit_are_not_added_up(catalog):
    run = launched()
    run.consent("accepted")
    for _ in range(4):
        run.call("settings.android-id", frames=[SDK_FRAME])
        run.call("settings.android-id", frames=[APP_FRAME])
    assert findings(run, catalog, "CN-OVERFREQ") == []


def test_one_sdk_reading_from_two_call_sites_in_turn_is_one_series_judged_read_by_read(catalog):
    """Two call sites polling in turn make two groups of like calls whose calls interleave: the series is their
    calls merged in time order, and the reads beyond the limit are exactly those a read-by-read sliding window
    finds, split by phase at the refusal."""
    other_site = SDK_FRAME.replace(".java:", "Poller.java:")
    run = launched()
    for index in range(14):
        run.call("settings.android-id", frames=[SDK_FRAME if index % 2 else other_site])
        run.tick(1500)
        if index == 6:
            run.consent("refused")
    timeline = run.timeline(catalog)
    series = [c for c in timeline.collections() if c.caller.origin == "sdk"]
    assert len({(c.event.stack, c.markers_before) for c in series}) == 4, "two sites, each before and after"
    expected = [c.event.id for number, c in enumerate(series)
                if sum(1 for earlier in series[:number + 1] if earlier.event.ts >= c.event.ts - 30_000) > 5]

    found = findings(run, catalog, "CN-OVERFREQ")

    assert sorted((event for f in found for event in f.event_ids), key=lambda e: int(e.split("-")[1])) == expected
    assert {f.phase for f in found} == {"pre-consent", "refused"}
    for finding in found:
        assert finding.count == len(finding.event_ids)
        assert finding.event_ids == sorted(finding.event_ids, key=lambda e: int(e.split("-")[1])), "in time order"
    assert all(f.detail.en == "up to 14 reads in 30 s (limit 5)" for f in found)


# First-party code packages ----------------------------------------------------------------------------------------

def test_code_in_a_declared_first_party_package_is_the_apps_own(catalog):
    common = "com.example.common.DeviceInfo.collect(DeviceInfo.java:20)"
    run = launched()
    run.call("settings.android-id", frames=[common])
    [sdk] = findings(run, catalog, "CN-SDK-PRECONSENT")
    assert sdk.caller.sdk == "com.example", "undeclared, another package is an unknown SDK"
    settings = RuleSettings(first_party_packages=["com.example.common"])
    timeline = run.timeline(catalog, attribution=settings.attribution())
    by_rule = {f.rule: f for f in analyse(timeline, [r for r in all_rules() if r.id.endswith("PRECONSENT-COLLECT")
                                                      or r.id == "CN-SDK-PRECONSENT"], settings).findings}
    assert set(by_rule) == {"CN-PRECONSENT-COLLECT"} and by_rule["CN-PRECONSENT-COLLECT"].caller.origin == "app"


# CN-UNNECESSARY-PI -------------------------------------------------------------------------------------------------

def test_information_outside_the_category_is_flagged(catalog):
    run = launched()
    run.consent("accepted")
    run.call("apps.installed-packages")
    run.call("location.last-known", frames=[APP_FRAME])
    shopping = RuleSettings(category="网上购物")
    found = findings(run, catalog, "CN-UNNECESSARY-PI", shopping)
    assert [f.entry for f in found] == ["apps.installed-packages", "location.last-known"]
    assert "Online shopping" in found[0].detail.en


def test_necessary_information_and_blocked_attempts_are_not_flagged(catalog):
    run = launched()
    run.consent("accepted")
    run.call("location.last-known", frames=[APP_FRAME])
    run.call("apps.installed-packages", threw="java.lang.SecurityException")
    assert findings(run, catalog, "CN-UNNECESSARY-PI", RuleSettings(category="maps")) == []


def test_a_read_during_a_tap_is_opted_into_only_when_the_apps_code_made_it(catalog):
    shopping = RuleSettings(category="shopping")
    run = launched()
    run.consent("accepted")
    run.step("tapOn")
    run.call("apps.installed-packages", frames=[APP_FRAME])  # the app's own feature: the user's doing
    run.call("apps.installed-packages", frames=[SDK_FRAME, APP_FRAME])  # an SDK the app called on that tap
    assert findings(run, catalog, "CN-UNNECESSARY-PI", shopping) == []
    timer = "com.adsdk.Beacon$1.run(Beacon.java:40)"
    run.call("apps.installed-packages", frames=[SDK_FRAME, timer, "java.util.TimerThread.run(Timer.java:516)"])
    [finding] = findings(run, catalog, "CN-UNNECESSARY-PI", shopping)
    assert (finding.caller.sdk, finding.count) == ("com.adsdk", 1), "an SDK's own timer firing during the tap"


def test_without_a_category_the_rule_says_it_was_not_evaluated(catalog):
    run = launched()
    run.call("apps.installed-packages")
    rules = [r for r in all_rules() if r.id == "CN-UNNECESSARY-PI"]
    analysis = analyse(run.timeline(catalog), rules)
    assert analysis.findings == []
    assert analysis.not_evaluated == {"CN-UNNECESSARY-PI": "needs the app's category (--category)"}


# CN-CONSENT-UI -----------------------------------------------------------------------------------------------------

def test_dialog_without_a_reject_control_is_flagged(catalog):
    run = launched()
    run.mark(ConsentRefusalUnavailable, dialog=ConsentDialogInfo(texts=["隐私政策", "同意并继续"],
                                                                  accept=control("同意并继续")))
    [finding] = findings(run, catalog, "CN-CONSENT-UI")
    assert finding.subject == "no way to refuse"


def test_prechecked_box_is_flagged_with_what_was_ticked(catalog):
    run = launched()
    box = DialogControl(text="我已阅读并同意隐私政策", bounds=(0, 0, 10, 10), checked=True)
    dialog = ConsentDialogInfo(texts=["隐私政策"], accept=control("同意"), reject=control("不同意"),
                               checkboxes=[box], prechecked=True)
    run.mark(ConsentDecision, decision="accepted", dialog=dialog, control=control("同意"))
    [finding] = findings(run, catalog, "CN-CONSENT-UI")
    assert finding.subject == "consent box ticked in advance"
    assert "我已阅读并同意隐私政策" in finding.detail.zh


def test_dialog_with_both_choices_and_no_ticked_box_is_fine(catalog):
    run = launched()
    run.consent("refused")
    assert findings(run, catalog, "CN-CONSENT-UI") == []


# CN-NO-POLICY-PROMPT -----------------------------------------------------------------------------------------------

def test_first_run_without_a_policy_dialog_while_collecting_is_flagged(catalog):
    run = launched()
    run.call("settings.android-id")
    run.call("apps.installed-packages")
    run.mark(ConsentDialogMissing, wanted="accept")
    [finding] = findings(run, catalog, "CN-NO-POLICY-PROMPT")
    assert finding.count == 2


def test_missing_dialog_with_no_collection_or_after_a_relaunch_of_a_consented_app_is_not_flagged(catalog):
    run = launched()
    run.mark(ConsentDialogMissing, wanted="accept")
    assert findings(run, catalog, "CN-NO-POLICY-PROMPT") == []
    run = launched()
    run.consent("accepted")
    run.mark(AppLaunched, clear_state=False)
    run.call("settings.android-id")
    run.mark(ConsentDialogMissing, wanted="accept")
    assert findings(run, catalog, "CN-NO-POLICY-PROMPT") == []


# CN-NO-PURPOSE -----------------------------------------------------------------------------------------------------

def test_permission_dialog_with_no_purpose_on_screen_is_flagged(catalog):
    run = launched()
    run.consent("accepted")
    run.screen({APP: ["Welcome to Shop", "Nearby stores"], "com.android.permissioncontroller": [
        "Allow Shop to access this device’s location?"]})
    run.permission("denied", "LOCATION", [FINE, COARSE])
    [finding] = findings(run, catalog, "CN-NO-PURPOSE")
    assert finding.subject == "LOCATION"


def test_purpose_in_the_apps_own_words_satisfies_the_rule_in_either_language(catalog):
    for words in (["To show stores near you, Shop needs your location."], ["开启定位以推荐附近门店"]):
        run = launched()
        run.consent("accepted")
        run.screen({APP: words})
        run.screen({APP: ["Welcome"], "com.android.permissioncontroller": ["Allow Shop to access location?"]})
        run.permission("granted", "LOCATION", [FINE, COARSE])
        assert findings(run, catalog, "CN-NO-PURPOSE") == [], words


def test_the_system_dialogs_own_text_is_not_a_purpose_and_uncaptured_dialogs_are_not_judged(catalog):
    run = launched()
    run.consent("accepted")
    run.permission("denied", "LOCATION", [FINE, COARSE])  # no screen saved
    assert findings(run, catalog, "CN-NO-PURPOSE") == []
    run.screen({"com.android.permissioncontroller": ["Allow Shop to access this device’s location?"]})
    run.permission("denied", "LOCATION", [FINE, COARSE])
    assert len(findings(run, catalog, "CN-NO-PURPOSE")) == 1


AUDIO = "android.permission.RECORD_AUDIO"


@pytest.mark.parametrize(("group", "permissions", "texts"), [
    ("MICROPHONE", [AUDIO], ["Allow Pushy Shop to record audio?"]),
    ("CAMERA", [CAMERA], ["提示", "需要相机权限"]),
    ("CAMERA", [CAMERA], ["Camera unavailable. Use another device"]),
    ("LOCATION", [FINE, COARSE], ["Shop needs access to your location"]),
    ("LOCATION", [FINE, COARSE], ["Location", "Tap Allow to continue to the app"]),
    ("LOCATION", [FINE, COARSE], ["Location permission needed to unlock all features"]),
    ("LOCATION", [FINE, COARSE], ["必须开启定位权限才能继续使用本应用"]),
    ("CAMERA", [CAMERA], ["您可以在设置中开启相机权限"]),
])
def test_asking_naming_or_requiring_the_data_is_no_purpose(catalog, group, permissions, texts):
    """What the app drew (an imitation of the system question, a demand, a notice) says what is wanted, not why."""
    run = launched()
    run.consent("accepted")
    run.screen({APP: texts})
    run.permission("denied", group, permissions)
    assert [f.subject for f in findings(run, catalog, "CN-NO-PURPOSE")] == [group], texts


@pytest.mark.parametrize(("group", "permissions", "texts"), [
    ("MICROPHONE", [AUDIO], ["Search by voice", "Shop uses the microphone so that you can search by voice"]),
    ("CAMERA", [CAMERA], ["扫码功能需要使用相机"]),
    ("LOCATION", [FINE, COARSE], ["Location helps us find the stores nearest to you"]),
    ("LOCATION", [FINE, COARSE], ["开启定位权限才能使用附近门店功能"]),
])
def test_a_purpose_about_the_permission_on_screen_satisfies_the_rule(catalog, group, permissions, texts):
    run = launched()
    run.consent("accepted")
    run.screen({APP: texts})
    run.permission("granted", group, permissions)
    assert findings(run, catalog, "CN-NO-PURPOSE") == [], texts


def test_a_purpose_about_other_data_does_not_explain_this_permission(catalog):
    run = launched()
    run.consent("accepted")
    run.screen({APP: ["Turn on notifications to get delivery updates"]})
    run.permission("denied", "LOCATION", [FINE, COARSE])
    assert [f.subject for f in findings(run, catalog, "CN-NO-PURPOSE")] == ["LOCATION"]


# CN-FREQ-REQUEST ---------------------------------------------------------------------------------------------------

def test_dialog_shown_again_on_relaunch_after_a_denial_is_flagged(catalog):
    run = launched()
    run.consent("accepted")
    request(run, FINE, COARSE)
    denial = run.permission("denied", "LOCATION", [FINE, COARSE])
    run.mark(AppStopped)
    run.mark(AppLaunched, clear_state=False)
    request(run, FINE, COARSE)
    again = run.permission("denied", "LOCATION", [FINE, COARSE])
    [finding] = findings(run, catalog, "CN-FREQ-REQUEST")
    assert finding.subject == "LOCATION"
    assert finding.decision.marker_seq == denial.seq and again.seq in finding.marker_seqs


def test_a_request_the_user_triggers_from_the_feature_is_not_frequent(catalog):
    run = launched()
    run.consent("accepted")
    request(run, FINE, COARSE)
    run.permission("denied", "LOCATION", [FINE, COARSE])
    run.step("tapOn")
    request(run, FINE, COARSE)
    run.step("permission")
    run.permission("granted", "LOCATION", [FINE, COARSE])
    assert findings(run, catalog, "CN-FREQ-REQUEST") == []


def test_outside_the_window_a_new_request_is_not_frequent(catalog):
    run = launched()
    run.consent("accepted")
    request(run, FINE)
    run.permission("denied", "LOCATION", [FINE, COARSE])
    run.tick(49 * 3_600_000)
    request(run, FINE)
    run.permission("denied", "LOCATION", [FINE, COARSE])
    assert findings(run, catalog, "CN-FREQ-REQUEST") == []
    assert len(findings(run, catalog, "CN-FREQ-REQUEST", RuleSettings(frequent_request_window_h=72))) == 1


# CN-PREMATURE-REQUEST / CN-BUNDLED-PERMS ---------------------------------------------------------------------------

def test_request_right_after_the_agreement_is_premature(catalog):
    run = launched()
    run.step("consent")
    run.consent("accepted")
    request(run, FINE, COARSE)
    [finding] = findings(run, catalog, "CN-PREMATURE-REQUEST")
    assert finding.detail.en == "asked for: LOCATION"
    assert findings(run, catalog, "CN-BUNDLED-PERMS") == [], "fine and coarse location are one question"


def test_request_after_the_user_used_a_feature_is_not_premature(catalog):
    run = launched()
    run.consent("accepted")
    run.step("tapOn")
    run.step("sleep")
    request(run, FINE)
    assert findings(run, catalog, "CN-PREMATURE-REQUEST") == []


def test_several_groups_in_one_request_at_start_up_are_bundled(catalog):
    run = launched()
    request(run, FINE, CAMERA, PHONE)
    [finding] = findings(run, catalog, "CN-BUNDLED-PERMS")
    assert finding.detail.en == "asked for: LOCATION, CAMERA, PHONE"


def test_a_compat_wrapper_and_the_platform_call_are_one_request(catalog):
    run = launched()
    request(run, FINE, CAMERA)
    run.now -= 50  # the platform method the wrapper calls, 50 ms later
    request(run, FINE, CAMERA)
    [finding] = findings(run, catalog, "CN-BUNDLED-PERMS")
    assert finding.count == 1


# CN-DENY-EXIT ------------------------------------------------------------------------------------------------------

def test_exit_right_after_refusing_the_policy_is_flagged(catalog):
    run = launched()
    refusal = run.consent("refused")
    run.mark(ProcessEnded, pid=1000, process=APP, reason="exited", exit_code=0)
    [finding] = findings(run, catalog, "CN-DENY-EXIT")
    assert (finding.subject, finding.decision.marker_seq) == ("quit", refusal.seq)


def test_same_permission_dialog_straight_back_after_a_denial_is_flagged(catalog):
    run = launched()
    run.consent("accepted")
    run.permission("denied", "LOCATION", [FINE, COARSE])
    run.permission("denied", "LOCATION", [FINE, COARSE])
    [finding] = findings(run, catalog, "CN-DENY-EXIT")
    assert finding.subject == "asked for the same permission at once"


def test_a_stop_by_the_scenario_or_a_late_exit_is_not_a_punished_refusal(catalog):
    run = launched()
    run.consent("refused")
    run.mark(AppStopped)
    run.mark(ProcessEnded, pid=1000, process=APP, reason="killed", exit_code=137)
    run.mark(AppLaunched, clear_state=False)
    run.consent("refused")
    run.tick(6000)
    run.mark(ProcessEnded, pid=1000, process=APP, reason="exited", exit_code=0)
    assert findings(run, catalog, "CN-DENY-EXIT") == []


@pytest.mark.parametrize(("reason", "ended_by", "flagged"), [
    ("exited", "app", True),
    ("crashed", "app", True),
    ("process-terminated", "app", True),      # Frida saw it end and the device said nothing else
    ("killed", "harness", False),
    ("transport-lost", "lost", False),        # frida-server died: the app may well run on
    ("device-lost", "lost", False),
    # Runs recorded before `ended_by` was kept: Frida's words for this tool's detach and a lost connection.
    ("application-requested", None, False),
    ("connection-terminated", None, False),
    ("device-lost", None, False),
    ("exited", None, True),
])
def test_only_an_end_the_app_caused_is_a_quit_after_refusal(catalog, reason, ended_by, flagged):
    run = launched()
    run.consent("refused")
    run.tick(400)
    run.mark(ProcessEnded, pid=1000, process=APP, reason=reason, ended_by=ended_by)
    assert len(findings(run, catalog, "CN-DENY-EXIT")) == (1 if flagged else 0)


# CN-3P-SHARE -------------------------------------------------------------------------------------------------------

ANDROID_ID = "3f6b1c2e8d9a4b57"


@pytest.mark.parametrize("encode", [lambda v: v, lambda v: hashlib.md5(v.encode()).hexdigest().upper()])
def test_identifier_in_a_url_to_a_third_party_before_consent_is_flagged(catalog, encode):
    run = launched()
    run.call("settings.android-id", ret="3f6b********b57", raw=ANDROID_ID)
    run.call("network.url-open", receiver=f"https://ads.example.net/t?aid={encode(ANDROID_ID)}")
    [finding] = findings(run, catalog, "CN-3P-SHARE")
    assert "ads.example.net" in finding.detail.en


def test_first_party_hosts_and_urls_without_identifiers_and_after_consent_are_not_flagged(catalog):
    run = launched()
    run.call("settings.android-id", ret="3f6b********b57", raw=ANDROID_ID)
    run.call("network.url-open", receiver=f"https://api.example.com/login?aid={ANDROID_ID}")  # com.example.shop
    run.call("network.url-open", receiver="https://ads.example.net/t?aid=unknown")
    run.consent("accepted")
    run.call("network.url-open", receiver=f"https://ads.example.net/t?aid={ANDROID_ID}")
    assert findings(run, catalog, "CN-3P-SHARE") == []
    configured = RuleSettings(first_party_hosts=["cdn.partner.org"])
    run2 = launched()
    run2.call("settings.android-id", ret="x", raw=ANDROID_ID)
    run2.call("network.url-open", receiver=f"https://img.cdn.partner.org/a?aid={ANDROID_ID}")
    assert findings(run2, catalog, "CN-3P-SHARE", configured) == []


@pytest.mark.parametrize(("form", "encode"), [
    ("SHA-1", lambda v: hashlib.sha1(v.encode()).hexdigest()),
    ("SHA-256", lambda v: hashlib.sha256(v.encode()).hexdigest().upper()),
])
def test_hashed_identifiers_are_recognised_by_their_hash(catalog, form, encode):
    run = launched()
    run.call("settings.android-id", ret="3f6b********b57", raw=ANDROID_ID)
    run.call("network.url-open", receiver=f"https://ads.example.net/t?h={encode(ANDROID_ID)}")
    [finding] = findings(run, catalog, "CN-3P-SHARE")
    assert finding.detail.en.startswith(f"android-id ({form}) sent to ads.example.net")


def test_identifiers_sent_after_a_refusal_are_flagged_in_the_refused_phase(catalog):
    run = launched()
    run.call("settings.android-id", ret="3f6b********b57", raw=ANDROID_ID)
    run.consent("refused")
    run.call("network.url-open", receiver=f"https://ads.example.net/t?aid={ANDROID_ID}")
    [finding] = findings(run, catalog, "CN-3P-SHARE")
    assert finding.phase == "refused"


def test_without_declared_hosts_only_what_sdks_send_is_judged_and_the_finding_says_why(catalog):
    run = launched()
    run.call("settings.android-id", ret="3f6b********b57", raw=ANDROID_ID)
    # The app's own code, to a server whose name the package does not give away (com.example.shop -> example.com).
    run.call("network.url-open", frames=[APP_FRAME], receiver=f"https://api.shopcdn.cn/login?aid={ANDROID_ID}")
    assert findings(run, catalog, "CN-3P-SHARE") == []
    run.call("network.url-open", receiver=f"https://ads.example.net/t?aid={ANDROID_ID}")
    [finding] = findings(run, catalog, "CN-3P-SHARE")
    assert finding.caller.sdk == "com.adsdk"
    assert finding.detail.en == ("android-id (as is) sent to ads.example.net (deemed a third party: not "
                                 "under example.com, the domain the package name reverses to; declare the "
                                 "publisher's own hosts with `first_party_hosts` in --config)")


def test_with_declared_hosts_the_apps_own_code_is_judged_too(catalog):
    run = launched()
    run.call("settings.android-id", ret="3f6b********b57", raw=ANDROID_ID)
    run.call("network.url-open", frames=[APP_FRAME], receiver=f"https://api.shopcdn.cn/login?aid={ANDROID_ID}")
    run.call("network.url-open", frames=[APP_FRAME], receiver=f"https://t.tracker.io/p?aid={ANDROID_ID}")
    declared = RuleSettings(first_party_hosts=["shopcdn.cn"])
    [finding] = findings(run, catalog, "CN-3P-SHARE", declared)
    assert finding.caller.origin == "app"
    assert finding.detail.en == ("android-id (as is) sent to t.tracker.io (deemed a third party: not under "
                                 "the configured first_party_hosts (shopcdn.cn))")


# CN-AUTOSTART ------------------------------------------------------------------------------------------------------

def test_starting_another_apps_service_is_flagged(catalog):
    run = launched()
    run.call("components.start-service", args=["Intent { cmp=com.other.app/.push.PushService }"], ret=None)
    [finding] = findings(run, catalog, "CN-AUTOSTART")
    assert finding.detail.en == "to com.other.app"


SHARE = "Intent { act=android.intent.action.SEND typ=text/plain pkg=com.tencent.mm }"


def test_a_share_the_user_tapped_is_not_autostart_but_an_sdks_own_start_during_the_tap_is(catalog):
    run = launched()
    run.consent("accepted")
    run.step("tapOn")
    run.call("components.start-service", frames=[APP_FRAME], args=[SHARE], ret=None)
    run.call("components.start-service", frames=[SDK_FRAME, APP_FRAME], args=[SHARE], ret=None)
    assert findings(run, catalog, "CN-AUTOSTART") == [], "the app's tap handler, and the SDK it called"
    run.call("components.start-service", frames=[SDK_FRAME, "com.adsdk.Keeper.run(Keeper.java:7)"],
             args=["Intent { cmp=com.other.app/.push.PushService }"], ret=None)
    [finding] = findings(run, catalog, "CN-AUTOSTART")
    assert finding.detail.en == "to com.other.app"


def test_the_same_share_without_a_tap_is_autostart(catalog):
    run = launched()
    run.consent("accepted")
    run.step("sleep")
    run.call("components.start-service", frames=[APP_FRAME], args=[SHARE], ret=None)
    assert [f.detail.en for f in findings(run, catalog, "CN-AUTOSTART")] == ["to com.tencent.mm"]


@pytest.mark.parametrize("target", ["cmp=com.android.settings/.Settings$AppInfoDashboardActivity",
                                    "cmp=com.google.android.permissioncontroller/.ManagePermissionsActivity",
                                    "pkg=com.android.packageinstaller"])
def test_opening_the_systems_own_screens_is_not_autostart(catalog, target):
    run = launched()
    run.call("components.start-service", frames=[APP_FRAME], args=[f"Intent {{ {target} }}"], ret=None)
    assert findings(run, catalog, "CN-AUTOSTART") == []


def test_starting_the_apps_own_components_is_not_autostart(catalog):
    run = launched()
    run.call("components.start-service", args=[f"Intent {{ cmp={APP}/.PushService }}"], ret=None)
    assert findings(run, catalog, "CN-AUTOSTART") == []


def test_acknowledge_only_dialog_is_its_own_subject(catalog):
    from auditor.models import ConsentDialogShown

    run = launched()
    run.mark(ConsentDialogShown, dialog=ConsentDialogInfo(texts=["隐私政策", "我知道了"], accept=control("我知道了"),
                                                         acknowledge_only=True))
    [finding] = findings(run, catalog, "CN-CONSENT-UI")
    assert finding.subject == "only an acknowledgement to tap"


def test_refusal_that_brings_the_dialog_back_is_forcing(catalog):
    from auditor.models import ConsentRefusalIneffective

    run = launched()
    refusal = run.consent("refused")
    run.mark(ConsentRefusalIneffective, dialog=ConsentDialogInfo(texts=["隐私政策"]), control=control("不同意"))
    [finding] = findings(run, catalog, "CN-DENY-EXIT")
    assert (finding.subject, finding.decision.marker_seq) == ("showed the privacy dialog again", refusal.seq)


def test_non_necessary_data_the_user_opted_into_is_not_flagged(catalog):
    run = launched()
    run.consent("accepted")
    run.permission("granted", "LOCATION", [FINE, COARSE])
    run.call("location.last-known", frames=[APP_FRAME])  # granted: an opt-in to location
    run.step("tapOn")
    run.call("apps.installed-packages", frames=[APP_FRAME])  # read for the feature the user tapped
    assert findings(run, catalog, "CN-UNNECESSARY-PI", RuleSettings(category="shopping")) == []


def test_data_of_a_granted_kind_read_through_an_unguarded_getter_is_opted_into(catalog):
    from auditor.catalog import Catalog
    from auditor.models import CatalogEntry, Text

    getter = CatalogEntry.model_validate({
        "id": "location.latitude", "class": "android.location.Location", "method": "getLatitude",
        "pi_type": "location", "data": {"en": "latitude", "zh": "纬度"}, "description": Text(en="x", zh="x")})
    with_getter = Catalog([*catalog.entries, getter])
    run = launched()
    run.consent("accepted")
    run.permission("granted", "LOCATION", [FINE, COARSE])
    run.call("location.latitude", frames=[APP_FRAME])
    assert findings(run, with_getter, "CN-UNNECESSARY-PI", RuleSettings(category="shopping")) == []


def test_naming_the_data_without_a_reason_is_not_a_purpose(catalog):
    run = launched()
    run.consent("accepted")
    run.screen({APP: ["Location unavailable", "Welcome to Shop"]})
    run.permission("denied", "LOCATION", [FINE, COARSE])
    assert len(findings(run, catalog, "CN-NO-PURPOSE")) == 1


def test_an_exit_the_scenarios_own_back_step_caused_is_not_punishment(catalog):
    run = launched()
    run.consent("refused")
    run.step("back")
    run.mark(ProcessEnded, pid=1000, process=APP, reason="exited", exit_code=0)
    assert findings(run, catalog, "CN-DENY-EXIT") == []
    run = launched()
    run.consent("refused")
    run.step("sleep")
    run.mark(ProcessEnded, pid=1000, process=APP, reason="exited", exit_code=0)
    assert len(findings(run, catalog, "CN-DENY-EXIT")) == 1
