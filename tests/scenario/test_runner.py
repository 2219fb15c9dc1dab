import textwrap
import time

import pytest

from auditor.errors import DeviceError
from auditor.models import (
    AppBackgrounded,
    AppForegrounded,
    AppInfo,
    AppLaunched,
    AppStopped,
    ConsentDecision,
    ConsentDialogMissing,
    ConsentRefusalUnavailable,
    PermissionDecision,
    ScreenshotTaken,
    StepEnded,
    StepStarted,
)
from auditor.scenario import RunnerOptions, ScenarioRunner, load_scenario
from auditor.scenario.hierarchy import Selector, parse_hierarchy
from auditor.testing import android_fixture, fake_rig
from auditor.testing.screens import (
    app_window,
    button,
    consent_dialog,
    launcher_window,
    layout,
    permission_dialog,
    screen,
    text,
    view,
    window,
)

PKG = "com.example.shop"
FINE = "android.permission.ACCESS_FINE_LOCATION"
COARSE = "android.permission.ACCESS_COARSE_LOCATION"
BACKGROUND = "android.permission.ACCESS_BACKGROUND_LOCATION"
FAST = RunnerOptions(default_timeout=0.3, poll_interval=0.01, settle_timeout=0.15, watch_interval=0.01)

HOME = screen(app_window(PKG, "Welcome to Shop", buttons=("Nearby stores",)))
SCREENS = {
    "launcher": screen(launcher_window()),
    "consent": screen(app_window(PKG, "Welcome to Shop"), consent_dialog(PKG)),
    "home": HOME,
    "location-dialog": screen(app_window(PKG, "Welcome to Shop", buttons=("Nearby stores",)), permission_dialog()),
    "stores": screen(app_window(PKG, "Stores near you", buttons=("Back",))),
}


@pytest.fixture
def scenario_file(tmp_path):
    def write(text):
        path = tmp_path / "scenario.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return load_scenario(path)

    return write


@pytest.fixture
def shop():
    """The shop app: a consent dialog on every launch until accepted; "Nearby stores" asks for location."""
    rig = fake_rig(dict(SCREENS), launch_screens=_shop_launch, home_screen="launcher",
                   app=AppInfo(package=PKG, permissions=[FINE, COARSE]))
    rig.accepted = False

    def accept(driver):
        rig.accepted = True

    def refuse_and_exit(driver):
        rig.backend.alive = False
        driver.show("launcher")

    rig.driver.on_tap("consent", "同意", show="home", action=accept)
    rig.driver.on_tap("consent", "不同意", action=refuse_and_exit)
    rig.driver.on_tap("home", "Nearby stores", show="location-dialog")
    rig.driver.on_tap("location-dialog", Selector("id", "permission_allow_foreground_only_button"), show="stores")
    rig.driver.on_tap("location-dialog", Selector("id", "permission_deny_button"), show="home")
    rig.driver.on_back("stores", "home")
    return rig


def _shop_launch(launches, cleared):
    return "consent"


def run(rig, scenario, options=FAST):
    return ScenarioRunner(scenario, rig.backend, rig.recorder, rig.gate, options).run()


def step_markers(rig, index):
    return [m for m in rig.recorder.markers if m.step is not None and m.step.index == index]


# The whole flow --------------------------------------------------------------------------------------------


def test_a_scenario_runs_every_step_in_order_and_records_it(shop, scenario_file):
    scenario = scenario_file("""\
        - launchApp: {clearState: true}
        - waitFor: "个人信息保护指引"
        - consent: accept
        - tapOn: "Nearby stores"
        - permission: allow
        - assertVisible: {textContains: "Stores near"}
        - back
        - screenshot: after-grant
        """)
    outcome = run(shop, scenario)

    assert outcome.status == "completed" and outcome.failed_step is None
    assert shop.backend.calls[:2] == ["reset_app(clear_data=True)", "launch_app"]
    assert [p.name for p in shop.gated] == [PKG]
    assert shop.driver.back_presses == 1
    starts = shop.recorder.of_type(StepStarted)
    ends = shop.recorder.of_type(StepEnded)
    assert [m.step.index for m in starts] == list(range(8)) == [m.step.index for m in ends]
    assert all(m.ok for m in ends)
    assert [m.step.line for m in starts] == list(range(1, 9))
    for index in range(8):
        markers = step_markers(shop, index)
        assert isinstance(markers[0], StepStarted) and isinstance(markers[-1], StepEnded)
        assert isinstance(markers[-2], ScreenshotTaken)
    assert [m.seq for m in shop.recorder.markers] == list(range(len(shop.recorder.markers)))
    assert shop.recorder.step is None
    named = shop.recorder.of_type(ScreenshotTaken)[-1]
    assert named.path == "screenshots/08-after-grant.svg" and named.hierarchy == "hierarchy/08-after-grant.xml"
    assert b"Stores near you" not in shop.recorder.artifacts[named.hierarchy]  # back went home
    assert b"Nearby stores" in shop.recorder.artifacts[named.hierarchy]


def test_the_consent_decision_is_marked_just_before_its_tap(shop, scenario_file):
    scenario = scenario_file("- launchApp\n- consent: accept\n")
    run(shop, scenario)

    journal = shop.journal
    decision_at = journal.index(("mark", "consent"))
    assert journal[decision_at + 1] == ("tap", "同意")
    decision = shop.recorder.of_type(ConsentDecision)[0]
    assert decision.decision == "accepted"
    assert decision.control.text == "同意"
    assert decision.dialog.reject.text == "不同意"
    assert "个人信息保护指引" in decision.dialog.texts
    assert decision.step.name == "consent" and decision.step.line == 2
    # The dialog's hierarchy is kept as evidence, with a screenshot taken before the decision.
    saved = shop.recorder.artifacts[decision.dialog.hierarchy]
    assert "不同意".encode() in saved
    evidence = next(m for m in step_markers(shop, 1) if isinstance(m, ScreenshotTaken))
    assert evidence.seq < decision.seq and evidence.hierarchy == decision.dialog.hierarchy


def test_refusing_taps_the_reject_control(shop, scenario_file):
    outcome = run(shop, scenario_file("- launchApp\n- consent: refuse\n- launchApp\n- consent: accept\n"))
    assert outcome.status == "completed"
    decisions = shop.recorder.of_type(ConsentDecision)
    assert [(d.decision, d.control.text) for d in decisions] == [("refused", "不同意"), ("accepted", "同意")]
    assert [t.label for t in shop.driver.taps] == ["不同意", "同意"]


def test_launch_order_reset_then_marker_then_launch_through_the_gate(shop, scenario_file):
    run(shop, scenario_file("- launchApp: {clearState: true}\n"))
    journal = [entry for entry in shop.journal if entry[0] in ("backend", "gate") or entry == ("mark", "app-launch")]
    assert journal == [
        ("backend", "reset_app(clear_data=True)"), ("mark", "app-launch"), ("backend", "launch_app"),
        ("gate", PKG),
    ]
    assert shop.recorder.of_type(AppLaunched)[0].clear_state is True


# Consent failures ------------------------------------------------------------------------------------------


def test_a_dialog_without_refusal_is_recorded_and_fails_the_step(scenario_file):
    rig = fake_rig(
        {"terms": android_fixture("consent-dialog/toolregfb-fblite-terms-parent-guardian.xml").read_text()},
        launch_screens=("terms",),
    )
    scenario = scenario_file("- launchApp\n- consent: refuse\n- back\n")
    outcome = run(rig, scenario)

    assert outcome.status == "step-failed"
    assert outcome.failed_step.index == 1
    assert outcome.message.startswith(f"{scenario.path}:2: consent refuse: the privacy dialog offers no control to "
                                      "refuse with (only 'I agree')")
    missing = rig.recorder.of_type(ConsentRefusalUnavailable)
    assert len(missing) == 1 and missing[0].dialog.accept.text == "I agree" and missing[0].dialog.reject is None
    assert missing[0].dialog.hierarchy in rig.recorder.artifacts
    assert rig.recorder.of_type(ConsentDecision) == []
    assert rig.driver.taps == []
    end = rig.recorder.of_type(StepEnded)[-1]
    assert end.ok is False and end.step.index == 1 and "no control to refuse" in end.message
    assert rig.driver.back_presses == 0  # the run stopped at the failing step
    assert len(rig.recorder.of_type(StepStarted)) == 2


def test_no_consent_dialog_is_recorded_and_fails_unless_optional(shop, scenario_file):
    shop.backend.launch_screens = lambda launches, cleared: "home"
    outcome = run(shop, scenario_file("- launchApp\n- consent: {action: accept, timeout: 0.1}\n"))
    assert outcome.status == "step-failed"
    assert outcome.message.endswith("consent accept: no privacy/consent dialog appeared within 0.1s")
    missing = shop.recorder.of_type(ConsentDialogMissing)
    assert missing[0].wanted == "accept" and "Welcome to Shop" in missing[0].texts


def test_an_optional_consent_step_goes_on_without_a_dialog(shop, scenario_file):
    shop.backend.launch_screens = lambda launches, cleared: "home"
    scenario = scenario_file("- launchApp\n- consent: {action: refuse, timeout: 0.1, optional: true}\n- back\n")
    outcome = run(shop, scenario)
    assert outcome.status == "completed"
    assert len(shop.recorder.of_type(ConsentDialogMissing)) == 1
    end = shop.recorder.of_type(StepEnded)[1]
    assert end.ok and "optional" in end.message
    assert shop.driver.back_presses == 1


def test_a_dialog_that_stays_after_the_tap_fails_the_step(shop, scenario_file):
    shop.driver.clear_tap_rules()  # taps change nothing: the dialog wants its checkbox ticked, say
    outcome = run(shop, scenario_file("- launchApp\n- consent: accept\n"))
    assert outcome.status == "step-failed"
    assert "still shown" in outcome.message and "'同意'" in outcome.message
    assert len(shop.recorder.of_type(ConsentDecision)) == 1


# Permission steps -------------------------------------------------------------------------------------------


def dialog_rig(fixture, dismissed="after"):
    """A rig showing a real permission dialog fixture; any of its buttons dismisses it."""
    rig = fake_rig(
        {"dialog": android_fixture(f"perm-dialog/{fixture}").read_text(encoding="utf-8"), "after": HOME},
        launch_screens=("dialog",),
        app=AppInfo(package=PKG, permissions=[FINE, COARSE, "android.permission.READ_CONTACTS"]),
    )
    for suffix in ("permission_allow_button", "permission_allow_foreground_only_button",
                   "permission_allow_one_time_button", "permission_deny_button",
                   "permission_deny_and_dont_ask_again_button"):
        rig.driver.on_tap("dialog", Selector("id", suffix), show=dismissed)
    return rig


def decision_of(rig):
    decisions = rig.recorder.of_type(PermissionDecision)
    assert len(decisions) == 1
    return decisions[0]


def test_deny_taps_the_deny_button_after_marking_the_decision(scenario_file):
    rig = dialog_rig("chaosmonkey-google-camera-location.xml")
    outcome = run(rig, scenario_file("- launchApp\n- permission: deny\n"))
    assert outcome.status == "completed"
    decision = decision_of(rig)
    assert (decision.decision, decision.group, decision.by_policy) == ("denied", "LOCATION", False)
    assert decision.permissions == [FINE, COARSE]  # the group, as far as the app asks for it
    assert decision.message == "Allow Camera to access this device\u2019s location?"
    assert decision.control.resource_id.endswith(":id/permission_deny_button")
    at = rig.journal.index(("mark", "permission"))
    assert rig.journal[at + 1] == ("tap", "Don\u2019t allow")


def test_allow_taps_while_using_the_app_and_leaves_background_out(scenario_file):
    rig = dialog_rig("buccancs-location-precise-approx.xml")
    rig.backend.app = AppInfo(package=PKG, permissions=[FINE, COARSE, BACKGROUND])
    run(rig, scenario_file(f"- launchApp\n- permission: {{action: allow, permission: {FINE}}}\n"))
    decision = decision_of(rig)
    assert decision.decision == "granted"
    assert decision.control.text == "While using the app"
    assert decision.permissions == [FINE, COARSE]


def test_allow_once_taps_only_this_time(scenario_file):
    rig = dialog_rig("buccancs-camera.xml")
    run(rig, scenario_file("- launchApp\n- permission: allow-once\n"))
    decision = decision_of(rig)
    assert (decision.decision, decision.control.text, decision.group) == ("granted-once", "Only this time", "CAMERA")
    assert decision.permissions == ["android.permission.CAMERA"]  # the manifest is silent on it: the whole group


def test_allow_once_where_not_offered_fails(scenario_file):
    rig = dialog_rig("toolregfb-packageinstaller-contacts-fblite.xml")
    outcome = run(rig, scenario_file("- launchApp\n- permission: allow-once\n"))
    assert outcome.status == "step-failed"
    assert "offers no 'Only this time' (offers: deny 'DENY', allow 'ALLOW')" in outcome.message
    assert rig.recorder.of_type(PermissionDecision) == []


def test_deny_on_android_6_to_9_unticks_a_ticked_dont_ask_again_first(scenario_file):
    rig = dialog_rig("justdial-packageinstaller-location-dont-ask-again-1of3.xml")
    ticked = rig.driver.screens["dialog"]
    rig.driver.add_screen("dialog-unticked", ticked.replace(
        'checkable="true" checked="true"', 'checkable="true" checked="false"'))
    rig.driver.on_tap("dialog", Selector("id", "do_not_ask_checkbox"), show="dialog-unticked")
    rig.driver.on_tap("dialog-unticked", Selector("id", "permission_deny_button"), show="after")

    outcome = run(rig, scenario_file("- launchApp\n- permission: deny\n"))
    assert outcome.status == "completed", outcome.message
    assert [t.label for t in rig.driver.taps] == ["Don't ask again", "DENY"]
    decision = decision_of(rig)
    assert decision.decision == "denied"
    assert decision.control.text == "DENY"
    assert rig.journal.index(("tap", "Don't ask again")) < rig.journal.index(("mark", "permission"))
    assert rig.journal[rig.journal.index(("mark", "permission")) + 1] == ("tap", "DENY")


def test_deny_forever_on_android_6_to_9_uses_the_ticked_box(scenario_file):
    rig = dialog_rig("justdial-packageinstaller-location-dont-ask-again-1of3.xml")
    run(rig, scenario_file("- launchApp\n- permission: deny-forever\n"))
    decision = decision_of(rig)
    assert (decision.decision, decision.control.text) == ("denied-forever", "DENY")
    assert [t.label for t in rig.driver.taps] == ["DENY"]  # already ticked


def test_deny_forever_taps_dont_ask_again_on_newer_android(scenario_file):
    rig = fake_rig({"dialog": screen(app_window(PKG, "Home"), permission_dialog(
        controls=("allow-foreground-only", "allow-one-time", "deny-and-dont-ask-again"))), "after": HOME},
        launch_screens=("dialog",))
    rig.driver.on_tap("dialog", Selector("id", "permission_deny_and_dont_ask_again_button"), show="after")
    run(rig, scenario_file("- launchApp\n- permission: deny-forever\n"))
    decision = decision_of(rig)
    assert decision.decision == "denied-forever"
    assert decision.control.resource_id.endswith("permission_deny_and_dont_ask_again_button")


def test_deny_forever_where_not_offered_fails(scenario_file):
    rig = dialog_rig("buccancs-camera.xml")
    outcome = run(rig, scenario_file("- launchApp\n- permission: deny-forever\n"))
    assert outcome.status == "step-failed"
    assert "offers no \"don't ask again\"" in outcome.message


def test_a_vendor_dialog_without_the_standard_ids_is_answered_by_its_labels(scenario_file):
    vendor = window("com.coloros.securitypermission", layout(
        text("是否允许“购物”访问您的通讯录？"), button("本次运行允许"), button("仅在使用中允许"), button("禁止")),
        bounds=(0, 1200, 1080, 2400))
    rig = fake_rig({"asked": screen(app_window(PKG, "首页"), vendor), "home": HOME}, launch_screens=("asked",))
    rig.driver.on_tap("asked", "禁止", show="home")
    outcome = run(rig, scenario_file("- launchApp\n- permission: deny\n"))
    assert outcome.status == "completed", outcome.message
    decision = decision_of(rig)
    assert (decision.decision, decision.group, decision.control.text) == ("denied", "CONTACTS", "禁止")
    assert decision.message == "是否允许“购物”访问您的通讯录？"
    assert "recognised by its buttons" in ended(rig)[1][2]


def test_a_named_permission_must_be_what_the_dialog_asks(scenario_file):
    rig = dialog_rig("toolregfb-packageinstaller-contacts-fblite.xml")
    outcome = run(rig, scenario_file(f"- launchApp\n- permission: {{action: deny, permission: {FINE}}}\n"))
    assert outcome.status == "step-failed"
    assert outcome.message.endswith(
        f"the dialog asks for CONTACTS ('Allow Lite to access your contacts?'), which does not include {FINE}"
    )
    assert rig.driver.taps == []


def test_no_permission_dialog_fails_the_step(shop, scenario_file):
    shop.backend.launch_screens = lambda launches, cleared: "home"
    outcome = run(shop, scenario_file("- launchApp\n- permission: {action: deny, timeout: 0.05}\n"))
    assert outcome.status == "step-failed"
    assert outcome.message.endswith("permission deny: no permission dialog appeared within 0.05s")


# Dialogs no step asked for ----------------------------------------------------------------------------------


def test_an_unasked_dialog_is_denied_by_policy_while_a_step_waits(shop, scenario_file):
    shop.backend.launch_screens = lambda launches, cleared: "location-dialog"
    outcome = run(shop, scenario_file("- launchApp\n- tapOn: Nearby stores\n- assertVisible: Nearby stores\n"))
    assert outcome.status == "completed"
    decisions = shop.recorder.of_type(PermissionDecision)
    assert [(d.decision, d.by_policy, d.group, d.step.name) for d in decisions] == [
        ("denied", True, "LOCATION", "tapOn"), ("denied", True, "LOCATION", "assertVisible")]
    # The tap asked again: the next step's look denied that one too.
    assert [t.label for t in shop.driver.taps] == ["Don\u2019t allow", "Nearby stores", "Don\u2019t allow"]


def test_the_policy_can_allow(shop, scenario_file):
    shop.backend.launch_screens = lambda launches, cleared: "location-dialog"
    options = RunnerOptions(permission_policy="allow", default_timeout=0.3, poll_interval=0.01,
                            settle_timeout=0.15)
    outcome = run(shop, scenario_file("- launchApp\n- waitFor: Stores near you\n"), options)
    assert outcome.status == "completed"
    decision = decision_of(shop)
    assert (decision.decision, decision.by_policy, decision.control.text) == ("granted", True, "While using the app")


def test_the_policy_can_fail_the_step(shop, scenario_file):
    shop.backend.launch_screens = lambda launches, cleared: "location-dialog"
    options = RunnerOptions(permission_policy="fail", default_timeout=0.3, poll_interval=0.01, settle_timeout=0.15)
    outcome = run(shop, scenario_file("- launchApp\n- tapOn: Nearby stores\n"), options)
    assert outcome.status == "step-failed"
    assert "a permission dialog no step asked for appeared (LOCATION: 'Allow Shop to access this device\u2019s " \
           "location?') and the permission policy is 'fail'" in outcome.message
    assert shop.recorder.of_type(PermissionDecision) == [] and shop.driver.taps == []


def test_a_dialog_shown_after_a_tap_waits_for_the_permission_step(shop, scenario_file):
    # launchApp, tapOn, screenshot and sleep leave the dialog alone; the permission step answers it.
    shop.backend.launch_screens = lambda launches, cleared: "home"
    outcome = run(shop, scenario_file("""\
        - launchApp
        - tapOn: Nearby stores
        - sleep: 0.01
        - screenshot
        - permission: deny
        """))
    assert outcome.status == "completed"
    decision = decision_of(shop)
    assert decision.by_policy is False and decision.step.name == "permission"


def test_a_dialog_that_appears_late_is_answered_by_policy_during_consent(shop, scenario_file):
    # The app asks for location first, then shows its privacy dialog.
    shop.driver.add_screen("location-then-consent", SCREENS["location-dialog"])
    shop.backend.launch_screens = lambda launches, cleared: "home"
    shop.driver.show_after("home", 2, "location-then-consent")
    shop.driver.on_tap("location-then-consent", Selector("id", "permission_deny_button"), show="consent")
    outcome = run(shop, scenario_file("- launchApp\n- consent: accept\n"))
    assert outcome.status == "completed", outcome.message
    kinds = [k for k in shop.recorder.kinds() if k in ("permission", "consent")]
    assert kinds == ["permission", "consent"]
    assert shop.recorder.of_type(PermissionDecision)[0].by_policy is True


def test_back_answers_a_pending_dialog_first(shop, scenario_file):
    shop.backend.launch_screens = lambda launches, cleared: "location-dialog"
    run(shop, scenario_file("- launchApp\n- back\n"))
    assert decision_of(shop).by_policy is True
    assert shop.journal.index(("mark", "permission")) < next(
        i for i, entry in enumerate(shop.journal) if entry[0] == "back")


def late_dialog_rig(after_dumps=3):
    """The shop past its privacy dialog, asking for location a little after it comes up."""
    rig = home_rig()
    rig.driver.show_after("home", after_dumps, "location-dialog")
    return rig


def test_a_dialog_shown_during_sleep_is_answered_by_policy_and_recorded_when_it_showed(scenario_file):
    rig = late_dialog_rig()
    outcome = run(rig, scenario_file("- launchApp\n- sleep: 0.3\n- stopApp\n"))
    assert outcome.status == "completed", outcome.message
    decision = decision_of(rig)
    assert (decision.decision, decision.by_policy, decision.step.name) == ("denied", True, "sleep")
    sleep_start, sleep_end = (m for m in rig.recorder.markers if m.step is not None and m.step.name == "sleep"
                              and m.kind in ("step-start", "step-end"))
    assert sleep_start.seq < decision.seq < sleep_end.seq
    assert sleep_end.ts - sleep_start.ts >= 300  # the sleep still lasted its time
    assert sleep_end.message == "1 permission dialog shown meanwhile answered by the policy"


def test_sleep_with_dialogs_leave_only_watches(scenario_file):
    rig = home_rig()
    outcome = run(rig, scenario_file("- launchApp\n- tapOn: Nearby stores\n- sleep: {seconds: 0.1, dialogs: leave}\n"
                                     "- sleep: {seconds: 0.05, dialogs: leave}\n"))
    assert outcome.status == "completed"
    assert rig.recorder.of_type(PermissionDecision) == [] and [t.label for t in rig.driver.taps] == ["Nearby stores"]
    assert rig.driver.current == "location-dialog"


def test_a_dialog_on_screen_when_the_app_is_stopped_is_answered_first(scenario_file):
    rig = home_rig()
    outcome = run(rig, scenario_file("- launchApp\n- tapOn: Nearby stores\n- stopApp\n"))
    assert outcome.status == "completed"
    assert decision_of(rig).step.name == "stopApp"
    assert rig.journal.index(("mark", "permission")) < rig.journal.index(("backend", "stop_app"))


def test_a_dialog_shown_at_the_very_end_is_answered_in_a_last_look(scenario_file):
    rig = home_rig()
    outcome = run(rig, scenario_file("- launchApp\n- tapOn: Nearby stores\n"))
    assert outcome.status == "completed"
    decision = decision_of(rig)
    assert (decision.by_policy, decision.step.name) == (True, "tapOn")
    assert rig.recorder.of_type(StepEnded)[-1].seq > decision.seq  # within the last step


def test_a_dialog_shown_while_in_the_background_is_answered(scenario_file):
    rig = home_rig()
    rig.driver.add_screen("launcher-asked", screen(launcher_window(), permission_dialog()))
    rig.driver.on_tap("launcher-asked", Selector("id", "permission_deny_button"), show="launcher")
    rig.driver.show_after("launcher", 1, "launcher-asked")
    outcome = run(rig, scenario_file("- launchApp\n- background: 0.2\n"))
    assert outcome.status == "completed", outcome.message
    decision = decision_of(rig)
    assert decision.step.name == "background"
    assert rig.journal.index(("backend", "move_to_background")) < rig.journal.index(("mark", "permission")) < \
        rig.journal.index(("backend", "move_to_foreground"))


def test_a_late_request_during_the_last_sleep_gives_its_decision(scenario_file):
    """The end of miit-standard: a dialog after the relaunch's look, shown while the scenario only waits."""
    rig = late_dialog_rig(after_dumps=6)
    outcome = run(rig, scenario_file("""\
        - launchApp
        - repeat:
            while: {visible: {id: permission_message}, timeout: 0.02}
            times: 20
            commands:
              - permission: deny
        - sleep: 0.3
        - stopApp
        """))
    assert outcome.status == "completed", outcome.message
    assert decision_of(rig).step.name == "sleep"


# Selectors, failures --------------------------------------------------------------------------------------


def test_a_missing_view_fails_the_run_with_the_steps_position(shop, scenario_file):
    shop.backend.launch_screens = lambda launches, cleared: "home"
    options = RunnerOptions(default_timeout=0.1, poll_interval=0.01, settle_timeout=0.1, screenshot_each_step=False)
    scenario = scenario_file("- launchApp\n- tapOn: Checkout\n- back\n")
    outcome = run(shop, scenario, options)
    assert outcome.status == "step-failed"
    assert outcome.failed_step == scenario.steps[1].ref
    assert outcome.message == f"{scenario.path}:2: tapOn text 'Checkout': nothing matching text 'Checkout' " \
                              "appeared within 0.1s"
    end = shop.recorder.of_type(StepEnded)[-1]
    assert (end.ok, end.step.index) == (False, 1)
    # Without per-step screenshots, the failing step still gets one.
    shots = shop.recorder.of_type(ScreenshotTaken)
    assert [s.step.index for s in shots] == [1]
    assert shop.driver.back_presses == 0


def test_optional_selectors_do_not_fail(shop, scenario_file):
    shop.backend.launch_screens = lambda launches, cleared: "home"
    outcome = run(shop, scenario_file("""\
        - launchApp
        - tapOn: {text: Checkout, optional: true, timeout: 0.05}
        - waitFor: {id: banner, optional: true, timeout: 0.05}
        - tapOn: {id: nearby_stores, optional: true, timeout: 0.05}
        """))
    assert outcome.status == "completed"
    ends = shop.recorder.of_type(StepEnded)
    assert all(e.ok for e in ends)
    assert "optional, skipped" in ends[1].message and "optional, skipped" in ends[2].message
    assert shop.driver.taps == []


def test_selectors_find_views_by_id_regex_and_description(shop, scenario_file):
    shop.backend.launch_screens = lambda launches, cleared: "home"
    outcome = run(shop, scenario_file("""\
        - launchApp
        - assertVisible: {regex: "Welcome to \\\\w+"}
        - tapOn: {textContains: "Nearby"}
        - permission: deny
        - assertNotVisible: {id: permission_message}
        """))
    assert outcome.status == "completed", outcome.message


def test_assert_not_visible_fails_while_the_view_stays(shop, scenario_file):
    shop.backend.launch_screens = lambda launches, cleared: "home"
    outcome = run(shop, scenario_file("- launchApp\n- assertNotVisible: Nearby stores\n"))
    assert outcome.status == "step-failed"
    assert outcome.message.endswith("text 'Nearby stores' was still visible after 0.3s")


# App life cycle ---------------------------------------------------------------------------------------------


def test_stop_background_and_foreground_are_marked_around_the_backend(shop, scenario_file):
    shop.backend.launch_screens = lambda launches, cleared: "home"
    outcome = run(shop, scenario_file("""\
        - launchApp
        - background: 0.01
        - background
        - foreground
        - stopApp
        """))
    assert outcome.status == "completed"
    relevant = [e for e in shop.journal if e[0] == "backend" or e[1] in (
        "app-background", "app-foreground", "app-stop")]
    assert relevant[2:] == [
        ("mark", "app-background"), ("backend", "move_to_background"),
        ("mark", "app-foreground"), ("backend", "move_to_foreground"),
        ("mark", "app-background"), ("backend", "move_to_background"),
        ("mark", "app-foreground"), ("backend", "move_to_foreground"),
        ("mark", "app-stop"), ("backend", "stop_app"),
    ]
    assert [m.step.index for m in shop.recorder.of_type(AppBackgrounded)] == [1, 2]
    assert [m.step.index for m in shop.recorder.of_type(AppForegrounded)] == [1, 3]
    assert [m.step.index for m in shop.recorder.of_type(AppStopped)] == [4]
    assert not shop.backend.alive


def test_an_app_that_does_not_come_up_fails_launch(shop, scenario_file):
    shop.backend.launch_fails = True
    outcome = run(shop, scenario_file("- launchApp: {timeout: 0.05}\n- back\n"))
    assert outcome.status == "step-failed"
    assert outcome.message.endswith("the app is not running 0.05s after launch (did it crash? see the process-end "
                                    "marker and the device log)")


def test_an_app_that_died_in_background_fails_foreground(shop, scenario_file):
    shop.backend.launch_screens = lambda launches, cleared: "home"
    scenario = scenario_file("- launchApp\n- background\n- foreground\n")
    original = shop.backend.move_to_background

    def die():
        original()
        shop.backend.alive = False

    shop.backend.move_to_background = die
    outcome = run(shop, scenario)
    assert outcome.status == "step-failed" and outcome.failed_step.index == 2
    assert "the app is not running" in outcome.message


def test_a_device_error_ends_the_step_and_propagates(shop, scenario_file):
    shop.backend.launch_screens = lambda launches, cleared: "home"

    def gone():
        raise DeviceError("device emulator-5554 went away")

    shop.driver.dump_hierarchy = gone
    with pytest.raises(DeviceError):
        run(shop, scenario_file("- launchApp\n- tapOn: Nearby stores\n"))
    end = shop.recorder.of_type(StepEnded)[-1]
    assert (end.ok, end.message) == (False, "device emulator-5554 went away")
    assert shop.recorder.step is None


def test_launch_ends_when_a_permission_dialog_covers_the_app(shop, scenario_file):
    # On a device the permission controller's window is in front: the app is not the foreground app.
    shop.backend.launch_screens = lambda launches, cleared: "location-dialog"
    launch = shop.backend.launch_app

    def launch_behind_dialog(gate):
        launch(gate)
        shop.backend.foreground = False

    shop.backend.launch_app = launch_behind_dialog
    outcome = run(shop, scenario_file("- launchApp\n- permission: deny\n"))
    assert outcome.status == "completed", outcome.message
    assert decision_of(shop).by_policy is False


def test_an_unrecognised_dialog_takes_the_named_permission(scenario_file):
    rig = fake_rig({"dialog": screen(app_window(PKG, "Home"), permission_dialog(
        "Shop möchte auf deinen Standort zugreifen", controls=("allow", "deny"))), "after": HOME},
        launch_screens=("dialog",))
    rig.driver.on_tap("dialog", Selector("id", "permission_deny_button"), show="after")
    outcome = run(rig, scenario_file(f"- launchApp\n- permission: {{action: deny, permission: {FINE}}}\n"))
    assert outcome.status == "completed"
    decision = decision_of(rig)
    assert decision.group == "LOCATION" and FINE in decision.permissions
    assert "wording not recognised" in rig.recorder.of_type(StepEnded)[-1].message


# Conditions, repeat, runFlow --------------------------------------------------------------------------------


def home_rig():
    """The shop, already past its privacy dialog: launches show the home screen."""
    rig = fake_rig(dict(SCREENS), launch_screens=("home",), home_screen="launcher",
                   app=AppInfo(package=PKG, permissions=[FINE, COARSE]))
    rig.driver.on_tap("home", "Nearby stores", show="location-dialog")
    rig.driver.on_tap("location-dialog", Selector("id", "permission_deny_button"), show="home")
    rig.driver.on_tap("location-dialog", Selector("id", "permission_allow_foreground_only_button"), show="stores")
    rig.driver.on_back("stores", "home")
    return rig


def ended(rig):
    return [(m.step.name, m.ok, m.message) for m in rig.recorder.of_type(StepEnded)]


def test_a_step_runs_only_when_its_condition_holds_and_looking_touches_nothing(scenario_file):
    rig = home_rig()
    outcome = run(rig, scenario_file("""\
        - launchApp
        - tapOn: {text: Skip, when: {visible: Skip}}
        - tapOn: {text: Nearby stores, when: {notVisible: Skip}}
        - permission: deny
        - back: {when: {visible: {id: permission_message}}}
        """))
    assert outcome.status == "completed", outcome.message
    assert ended(rig)[1] == ("tapOn", True, "skipped: visible text 'Skip' did not hold")
    assert ended(rig)[4] == ("back", True, "skipped: visible id 'permission_message' did not hold")
    assert [t.label for t in rig.driver.taps] == ["Nearby stores", "Don\u2019t allow"]
    assert rig.driver.back_presses == 0
    # A skipped step takes no screenshot: nothing happened.
    assert {m.step.index for m in rig.recorder.of_type(ScreenshotTaken)} == {0, 2, 3}


def test_a_condition_can_wait_for_what_it_looks_for(scenario_file):
    rig = home_rig()
    rig.driver.show_after("home", 3, "stores")
    outcome = run(rig, scenario_file("""\
        - launchApp
        - back: {when: {visible: {textContains: Stores near}, timeout: 0.5}}
        """))
    assert outcome.status == "completed"
    assert ended(rig)[1][1:] == (True, "")
    assert rig.driver.back_presses == 1


def test_repeat_runs_its_steps_the_given_number_of_times(scenario_file):
    rig = home_rig()
    outcome = run(rig, scenario_file("""\
        - launchApp
        - repeat:
            times: 2
            commands:
              - tapOn: Nearby stores
              - permission: deny
        """))
    assert outcome.status == "completed", outcome.message
    decisions = rig.recorder.of_type(PermissionDecision)
    assert [d.step.name for d in decisions] == ["permission", "permission"]
    assert ended(rig)[-1] == ("repeat", True, "2 rounds")
    # Markers of the inner steps carry the inner step; the repeat's own end carries the repeat.
    assert rig.recorder.of_type(StepEnded)[-1].step.name == "repeat"
    assert rig.recorder.step is None


def test_repeat_while_ends_when_its_condition_no_longer_holds(scenario_file):
    # Three permission dialogs in a row, each answered: the repeat ends when none is left.
    rig = fake_rig({
        "first": screen(app_window(PKG, "Home"), permission_dialog(counter="1 of 3")),
        "second": screen(app_window(PKG, "Home"), permission_dialog(
            "Allow Shop to take pictures and record video?", counter="2 of 3")),
        "third": screen(app_window(PKG, "Home"), permission_dialog(
            "Allow Shop to record audio?", counter="3 of 3")),
        "home": HOME,
    }, launch_screens=("first",))
    deny = Selector("id", "permission_deny_button")
    rig.driver.on_tap("first", deny, show="second")
    rig.driver.on_tap("second", deny, show="third")
    rig.driver.on_tap("third", deny, show="home")
    outcome = run(rig, scenario_file("""\
        - launchApp
        - repeat:
            while: {visible: {id: permission_message}, timeout: 0.1}
            commands:
              - permission: deny
        """))
    assert outcome.status == "completed", outcome.message
    assert [d.group for d in rig.recorder.of_type(PermissionDecision)] == ["LOCATION", "CAMERA", "MICROPHONE"]
    assert ended(rig)[-1] == ("repeat", True, "3 rounds")


def test_a_failing_step_inside_a_flow_stops_the_run_and_names_the_inner_step(tmp_path):
    rig = home_rig()
    (tmp_path / "open-stores.yaml").write_text("- tapOn: Nearby stores\n- tapOn: {text: Checkout, timeout: 0.05}\n")
    main_file = tmp_path / "main.yaml"
    main_file.write_text("- launchApp\n- runFlow: open-stores.yaml\n- back\n")
    scenario = load_scenario(main_file)
    outcome = run(rig, scenario)
    assert outcome.status == "step-failed"
    assert outcome.failed_step.name == "tapOn" and outcome.failed_step.file == str(tmp_path / "open-stores.yaml")
    assert outcome.message == (f"{tmp_path / 'open-stores.yaml'}:2: tapOn text 'Checkout': nothing matching text "
                               "'Checkout' appeared within 0.05s")
    run_flow_end = rig.recorder.of_type(StepEnded)[-1]
    assert (run_flow_end.step.name, run_flow_end.ok) == ("runFlow", False)
    assert run_flow_end.message.startswith("a step inside failed: ")
    assert rig.driver.back_presses == 0


def test_a_flow_that_may_fail_lets_the_run_go_on(scenario_file):
    rig = home_rig()
    outcome = run(rig, scenario_file("""\
        - launchApp
        - runFlow:
            onFailure: continue
            commands:
              - tapOn: {text: Checkout, timeout: 0.05}
              - tapOn: Never reached
        - tapOn: Nearby stores
        """))
    assert outcome.status == "completed"
    assert [(name, ok) for name, ok, _ in ended(rig)] == [
        ("launchApp", True), ("tapOn", False), ("runFlow", False), ("tapOn", True)]


# Failures, and the app going away ---------------------------------------------------------------------------


def test_on_failure_continue_records_the_failure_with_evidence_and_goes_on(scenario_file):
    rig = home_rig()
    options = RunnerOptions(default_timeout=0.1, poll_interval=0.01, settle_timeout=0.1, screenshot_each_step=False)
    outcome = run(rig, scenario_file("""\
        - launchApp
        - tapOn: {text: Checkout, onFailure: continue}
        - assertVisible: Nearby stores
        """), options)
    assert outcome.status == "completed"
    assert ended(rig)[1] == ("tapOn", False, "nothing matching text 'Checkout' appeared within 0.1s")
    shots = rig.recorder.of_type(ScreenshotTaken)
    assert [s.step.index for s in shots] == [1]  # the failure's evidence, per-step screenshots being off
    assert shots[0].hierarchy in rig.recorder.artifacts


def test_optional_turns_any_failure_into_a_recorded_one(shop, scenario_file):
    shop.driver.clear_tap_rules()  # the privacy dialog stays whatever is tapped
    outcome = run(shop, scenario_file("- launchApp\n- consent: {action: accept, optional: true}\n- back\n"))
    assert outcome.status == "completed"
    assert ended(shop)[1][:2] == ("consent", False) and "still shown" in ended(shop)[1][2]
    assert shop.driver.back_presses == 1


def test_a_step_notices_the_app_has_gone_instead_of_waiting_out_its_timeout(scenario_file):
    rig = home_rig()

    def crash(driver):
        rig.backend.alive = False
        driver.show("launcher")

    rig.driver.on_tap("home", "Paste coupon", action=crash)
    rig.driver.add_screen("home", screen(app_window(PKG, "Welcome", buttons=("Paste coupon",))))
    options = RunnerOptions(default_timeout=30, poll_interval=0.01, settle_timeout=0.1, app_check_interval=0.05)
    scenario = scenario_file("- launchApp\n- tapOn: Paste coupon\n- waitFor: Coupon applied\n- back\n")
    runner = ScenarioRunner(scenario, rig.backend, rig.recorder, rig.gate, options)
    started = time.monotonic()
    outcome = runner.run()
    assert time.monotonic() - started < 10, "the 30 s timeout was waited out"
    assert outcome.status == "step-failed" and outcome.failed_step.index == 2
    assert outcome.message.endswith("waitFor text 'Coupon applied': the app is not running (its process ended: "
                                    "see the process-end marker and the device log)")


def test_on_failure_relaunch_brings_the_app_back_and_goes_on(scenario_file):
    rig = home_rig()

    def crash(driver):
        rig.backend.alive = False
        driver.show("launcher")

    rig.driver.add_screen("home", screen(app_window(PKG, "Welcome", buttons=("Paste coupon",))))
    rig.driver.on_tap("home", "Paste coupon", action=crash)
    options = RunnerOptions(default_timeout=5, poll_interval=0.01, settle_timeout=0.1, app_check_interval=0.01)
    outcome = run(rig, scenario_file("""\
        - launchApp
        - tapOn: Paste coupon
        - waitFor: {text: Coupon applied, onFailure: relaunch}
        - assertVisible: Welcome
        """), options)
    assert outcome.status == "completed", outcome.message
    assert ended(rig)[2] == ("waitFor", False, "the app is not running (its process ended: see the process-end "
                                               "marker and the device log); the app was relaunched (onFailure: relaunch)")
    launches = rig.recorder.of_type(AppLaunched)
    assert [(m.step.index, m.clear_state) for m in launches] == [(0, False), (2, False)]
    assert rig.backend.launches == 2 and rig.backend.alive


def test_a_relaunch_that_fails_stops_the_run(scenario_file):
    rig = home_rig()
    rig.driver.add_screen("home", screen(app_window(PKG, "Welcome")))
    options = RunnerOptions(default_timeout=0.05, poll_interval=0.01, settle_timeout=0.1, app_check_interval=0.01)
    scenario = scenario_file("- launchApp\n- tapOn: {text: Missing, onFailure: relaunch}\n- back\n")
    original_launch = rig.backend.launch_app

    def launch_once(gate):
        original_launch(gate)
        rig.backend.launch_fails = True

    rig.backend.launch_app = launch_once
    outcome = run(rig, scenario, options)
    assert outcome.status == "step-failed" and outcome.failed_step.index == 1
    assert "; relaunching the app failed: the app stopped running" in outcome.message
    assert rig.driver.back_presses == 0


# Life cycle -------------------------------------------------------------------------------------------------


def test_relaunch_stops_then_launches_keeping_data_and_home_stays_out(scenario_file):
    rig = home_rig()
    outcome = run(rig, scenario_file("- launchApp: {clearState: true}\n- relaunch\n- home\n"))
    assert outcome.status == "completed"
    relevant = [e for e in rig.journal if e[0] in ("backend", "gate") or e[1] in (
        "app-launch", "app-stop", "app-background")]
    assert relevant == [
        ("backend", "reset_app(clear_data=True)"), ("mark", "app-launch"), ("backend", "launch_app"), ("gate", PKG),
        ("mark", "app-stop"), ("backend", "stop_app"),
        ("backend", "reset_app(clear_data=False)"), ("mark", "app-launch"), ("backend", "launch_app"), ("gate", PKG),
        ("mark", "app-background"), ("backend", "move_to_background"),
    ]
    assert [m.clear_state for m in rig.recorder.of_type(AppLaunched)] == [True, False]
    assert not rig.backend.foreground and rig.backend.alive


# Consent: observing, refusing through layers, loops ---------------------------------------------------------


def test_consent_none_records_the_dialog_and_touches_nothing_not_even_a_permission_dialog(scenario_file):
    from auditor.models import ConsentDialogShown

    rig = fake_rig({"both": screen(app_window(PKG, "Welcome"), consent_dialog(PKG, statement="我已阅读并同意",
                                                                               statement_checked=True),
                                   permission_dialog())},
                   launch_screens=("both",))
    outcome = run(rig, scenario_file("- launchApp\n- consent: none\n"))
    assert outcome.status == "completed"
    assert rig.driver.taps == []
    (shown,) = rig.recorder.of_type(ConsentDialogShown)
    assert (shown.dialog.accept.text, shown.dialog.reject.text, shown.dialog.prechecked) == ("同意", "不同意", True)
    assert shown.dialog.hierarchy in rig.recorder.artifacts
    assert ended(rig)[1] == ("consent", True, "privacy dialog: accept '同意', reject '不同意', a box ticked in advance")
    assert rig.recorder.of_type(ConsentDecision) == [] and rig.recorder.of_type(PermissionDecision) == []


def test_consent_none_without_a_dialog_records_its_absence(shop, scenario_file):
    shop.backend.launch_screens = lambda launches, cleared: "home"
    outcome = run(shop, scenario_file("- launchApp\n- consent: {action: none, timeout: 0.05, optional: true}\n"))
    assert outcome.status == "completed"
    (missing,) = shop.recorder.of_type(ConsentDialogMissing)
    assert missing.wanted == "none" and "Welcome to Shop" in missing.texts


def test_a_refusal_that_brings_the_same_dialog_back_is_recorded_as_ineffective(shop, scenario_file):
    from auditor.models import ConsentRefusalIneffective

    shop.driver.clear_tap_rules()
    # Refusing closes the dialog, and the app shows it again a moment later.
    shop.driver.add_screen("closed", SCREENS["home"])
    shop.driver.on_tap("consent", "不同意", show="closed")
    shop.driver.show_after("closed", 2, "consent")
    outcome = run(shop, scenario_file("- launchApp\n- consent: refuse\n"))
    assert outcome.status == "step-failed"
    assert outcome.message.endswith("consent refuse: the privacy dialog is shown again 0.15s after tapping '不同意': "
                                    "refusing leads back to it; recorded as consent-refusal-ineffective")
    (decision,) = shop.recorder.of_type(ConsentDecision)
    (ineffective,) = shop.recorder.of_type(ConsentRefusalIneffective)
    assert decision.decision == "refused" and decision.seq < ineffective.seq
    assert ineffective.control.text == "不同意" and "个人信息保护指引" in ineffective.dialog.texts
    assert ineffective.dialog.hierarchy != decision.dialog.hierarchy  # the later screen, saved on its own
    assert ineffective.dialog.hierarchy in shop.recorder.artifacts


def test_refusing_goes_through_a_second_are_you_sure_dialog(shop, scenario_file):
    shop.driver.add_screen("are-you-sure", screen(app_window(PKG, "Welcome to Shop"), consent_dialog(
        PKG, title="温馨提示", message="您需要同意《隐私政策》后才能使用全部功能。", accept="同意并继续",
        reject="不同意并退出")))
    shop.driver.clear_tap_rules()
    shop.driver.on_tap("consent", "不同意", show="are-you-sure")
    shop.driver.on_tap("are-you-sure", "不同意并退出", show="launcher")
    outcome = run(shop, scenario_file("- launchApp\n- consent: refuse\n"))
    assert outcome.status == "completed", outcome.message
    decisions = shop.recorder.of_type(ConsentDecision)
    assert [(d.decision, d.control.text) for d in decisions] == [("refused", "不同意"), ("refused", "不同意并退出")]
    assert "温馨提示" in decisions[1].dialog.texts
    assert "a further privacy dialog followed" in ended(shop)[1][2]


def are_you_sure(*buttons, message="您需要同意《隐私政策》后才能使用全部功能。", title="温馨提示"):
    """The "are you sure?" dialog an app shows after 不同意, with its buttons in order."""
    return screen(app_window(PKG, "Welcome to Shop"), window(PKG, layout(
        text(title), text(message), layout(*(button(label) for label in buttons))), bounds=(60, 600, 1020, 1800)))


def test_the_are_you_sure_dialogs_real_refusal_is_tapped_not_its_reconsider(shop, scenario_file):
    shop.driver.add_screen("are-you-sure", are_you_sure("再想想", "仍然拒绝"))
    shop.driver.clear_tap_rules()
    shop.driver.on_tap("consent", "不同意", show="are-you-sure")
    shop.driver.on_tap("are-you-sure", "再想想", show="consent")
    shop.driver.on_tap("are-you-sure", "仍然拒绝", show="launcher")
    outcome = run(shop, scenario_file("- launchApp\n- consent: refuse\n"))
    assert outcome.status == "completed", outcome.message
    decisions = shop.recorder.of_type(ConsentDecision)
    assert [(d.decision, d.control.text) for d in decisions] == [("refused", "不同意"), ("refused", "仍然拒绝")]
    assert decisions[1].dialog.go_back.text == "再想想" and decisions[1].dialog.accept is None
    assert [t.label for t in shop.driver.taps] == ["不同意", "仍然拒绝"]


def test_a_refusal_that_loops_through_an_are_you_sure_dialog_is_recorded_as_ineffective(shop, scenario_file):
    """A, 不同意, B offers only 同意 or 再想想, 再想想 leads back to A: the refusal leads nowhere."""
    from auditor.models import ConsentRefusalIneffective

    shop.driver.add_screen("are-you-sure", are_you_sure("再想想", "同意并继续"))
    shop.driver.clear_tap_rules()
    shop.driver.on_tap("consent", "不同意", show="are-you-sure")
    shop.driver.on_tap("are-you-sure", "再想想", show="consent")
    outcome = run(shop, scenario_file("- launchApp\n- consent: refuse\n"))
    assert outcome.status == "step-failed"
    assert outcome.message.endswith("consent refuse: refusing leads back to the privacy dialog: tapped '不同意' then "
                                    "'再想想', and it is shown again; recorded as consent-refusal-ineffective")
    (decision,) = shop.recorder.of_type(ConsentDecision)
    assert (decision.decision, decision.control.text) == ("refused", "不同意")
    (loop,) = shop.recorder.of_type(ConsentRefusalIneffective)
    assert loop.control.text == "不同意" and [c.text for c in loop.via] == ["再想想"]
    assert "个人信息保护指引" in loop.dialog.texts and loop.dialog.hierarchy in shop.recorder.artifacts
    assert decision.seq < loop.seq
    assert [t.label for t in shop.driver.taps] == ["不同意", "再想想"]  # 同意并继续 never touched


def test_a_refusal_whose_confirmation_leads_back_is_recorded_as_ineffective(shop, scenario_file):
    from auditor.models import ConsentRefusalIneffective

    shop.driver.add_screen("are-you-sure", are_you_sure("不同意并退出", "同意并继续"))
    shop.driver.clear_tap_rules()
    shop.driver.on_tap("consent", "不同意", show="are-you-sure")
    shop.driver.on_tap("are-you-sure", "不同意并退出", show="consent")
    outcome = run(shop, scenario_file("- launchApp\n- consent: refuse\n"))
    assert outcome.status == "step-failed" and "tapped '不同意' then '不同意并退出'" in outcome.message
    assert [d.control.text for d in shop.recorder.of_type(ConsentDecision)] == ["不同意", "不同意并退出"]
    (loop,) = shop.recorder.of_type(ConsentRefusalIneffective)
    assert [c.text for c in loop.via] == ["不同意并退出"]


def test_a_confirmation_without_policy_words_is_the_next_layer_and_its_yes_refuses(shop, scenario_file):
    shop.driver.add_screen("sure", are_you_sure("取消", "确定", message="确定不同意吗？不同意将无法使用本应用。",
                                                title="提示"))
    shop.driver.clear_tap_rules()
    shop.driver.on_tap("consent", "不同意", show="sure")
    shop.driver.on_tap("sure", "取消", show="consent")
    shop.driver.on_tap("sure", "确定", show="launcher")
    outcome = run(shop, scenario_file("- launchApp\n- consent: refuse\n"))
    assert outcome.status == "completed", outcome.message
    decisions = shop.recorder.of_type(ConsentDecision)
    assert [(d.decision, d.control.text) for d in decisions] == [("refused", "不同意"), ("refused", "确定")]
    assert decisions[1].dialog.go_back.text == "取消"


def test_accepting_an_are_you_sure_dialog_without_agree_goes_back_and_agrees(shop, scenario_file):
    shop.driver.add_screen("are-you-sure", are_you_sure("再想想", "退出应用"))
    shop.backend.launch_screens = lambda launches, cleared: "are-you-sure"
    shop.driver.on_tap("are-you-sure", "再想想", show="consent")
    outcome = run(shop, scenario_file("- launchApp\n- consent: accept\n"))
    assert outcome.status == "completed", outcome.message
    assert [t.label for t in shop.driver.taps] == ["再想想", "同意"]
    assert [d.decision for d in shop.recorder.of_type(ConsentDecision)] == ["accepted"]


def test_accepting_ticks_an_unticked_agreement_box_first(scenario_file):
    rig = fake_rig({"dialog": screen(app_window(PKG, "Welcome"), consent_dialog(
        PKG, statement="我已阅读并同意《用户协议》和《隐私政策》", statement_checked=False)), "home": HOME},
        launch_screens=("dialog",))
    rig.driver.on_tap("dialog", "同意", show="home")
    outcome = run(rig, scenario_file("- launchApp\n- consent: accept\n"))
    assert outcome.status == "completed", outcome.message
    assert [t.label for t in rig.driver.taps] == ["我已阅读并同意《用户协议》和《隐私政策》", "同意"]
    (decision,) = rig.recorder.of_type(ConsentDecision)
    assert decision.dialog.prechecked is False  # the dialog as the user found it
    assert rig.journal.index(("mark", "consent")) < rig.journal.index(("tap", "同意"))
    assert "ticked '我已阅读并同意《用户协议》和《隐私政策》' first" in ended(rig)[1][2]


def test_refusing_an_acknowledgement_only_dialog_is_recorded_as_unavailable(scenario_file):
    notice = window(PKG, layout(text("温馨提示"), text("我们会依据《隐私政策》收集和使用您的个人信息。"),
                                button("我知道了", id="btn_ok")), bounds=(60, 600, 1020, 1800))
    rig = fake_rig({"notice": screen(app_window(PKG, "Welcome"), notice)}, launch_screens=("notice",))
    outcome = run(rig, scenario_file("- launchApp\n- consent: refuse\n"))
    assert outcome.status == "step-failed"
    (unavailable,) = rig.recorder.of_type(ConsentRefusalUnavailable)
    assert unavailable.dialog.acknowledge_only is True and unavailable.dialog.accept.text == "我知道了"


# Text, gestures ---------------------------------------------------------------------------------------------


def form_rig(focused=False, fields=("coupon",)):
    views = [text("Checkout")]
    views += [view("android.widget.EditText", id=name, clickable=True, focused=focused and index == 0)
              for index, name in enumerate(fields)]
    rig = fake_rig({"form": screen(window(PKG, *views))}, launch_screens=("form",))
    return rig


def test_input_text_types_into_the_named_field(scenario_file):
    rig = form_rig(fields=("name", "coupon"))
    outcome = run(rig, scenario_file("- launchApp\n- inputText: {text: SPRING, into: {id: coupon}}\n"))
    assert outcome.status == "completed", outcome.message
    hierarchy = parse_hierarchy(rig.driver.xml)
    (field,) = hierarchy.find(Selector("id", "coupon"))
    assert rig.driver.typed == [(*field.center, "SPRING")]


def test_input_text_without_a_field_uses_the_focused_or_the_only_one(scenario_file):
    rig = form_rig(focused=True, fields=("name", "coupon"))
    run(rig, scenario_file("- launchApp\n- inputText: qa\n"))
    name_field = parse_hierarchy(rig.driver.xml).find_first(Selector("id", "name"))
    assert rig.driver.typed == [(*name_field.center, "qa")]

    only = form_rig(fields=("coupon",))
    run(only, scenario_file("- launchApp\n- inputText: 12345\n"))
    assert [typed for *_, typed in only.driver.typed] == ["12345"]


def test_input_text_with_several_fields_and_none_focused_fails_with_advice(scenario_file):
    rig = form_rig(fields=("name", "coupon"))
    outcome = run(rig, scenario_file("- launchApp\n- inputText: {text: qa, timeout: 0.05}\n"))
    assert outcome.status == "step-failed"
    assert outcome.message.endswith("no text field has focus and the screen has not exactly one: tap the field "
                                    "first, or name it with `into`")
    assert rig.driver.typed == []


def test_swipes_are_made_across_the_screen_as_written(scenario_file):
    rig = home_rig()
    outcome = run(rig, scenario_file("""\
        - launchApp
        - swipe: up
        - swipe: right
        - swipe: {from: "50%,90%", to: "540,100", duration: 0.5}
        """))
    assert outcome.status == "completed", outcome.message
    assert rig.driver.swipes == [
        (540, 1680, 540, 720, 0.3), (216, 1200, 864, 1200, 0.3), (540, 2160, 540, 100, 0.5),
    ]


def test_scroll_until_visible_scrolls_until_the_view_shows(scenario_file):
    rig = home_rig()
    rig.driver.add_screen("more", screen(app_window(PKG, "Settings")))
    rig.driver.on_swipe("home", "up", show="more")
    outcome = run(rig, scenario_file("- launchApp\n- scrollUntilVisible: Settings\n- tapOn: Settings\n"))
    assert outcome.status == "completed", outcome.message
    assert [entry for entry in rig.journal if entry[0] == "swipe"] == [("swipe", "up")]
    assert ended(rig)[1] == ("scrollUntilVisible", True, "visible after 1 scroll")


def test_scroll_until_visible_gives_up_after_its_scrolls(scenario_file):
    rig = home_rig()
    outcome = run(rig, scenario_file("- launchApp\n- scrollUntilVisible: {text: Settings, maxScrolls: 2}\n"))
    assert outcome.status == "step-failed"
    assert outcome.message.endswith("nothing matching text 'Settings' after 2 scrolls down")
    assert len(rig.driver.swipes) == 2


def test_scroll_moves_within_the_scrollable_view(scenario_file):
    rig = fake_rig({"list": screen(window(PKG, text("Title", bounds=(0, 0, 1080, 200)),
                                          view("android.widget.ScrollView", text("Item"), bounds=(0, 200, 1080, 1000),
                                               scrollable=True)))},
                   launch_screens=("list",))
    run(rig, scenario_file("- launchApp\n- scroll\n- scroll: up\n"))
    assert rig.driver.swipes == [(540, 800, 540, 400, 0.3), (540, 400, 540, 800, 0.3)]


# Using the app briefly --------------------------------------------------------------------------------------


def test_explore_taps_the_apps_own_controls_once_each_and_leaves_risky_ones_alone(scenario_file):
    rig = fake_rig({"home": screen(app_window(
        PKG, "Welcome", buttons=("Nearby stores", "Delete account", "Pay now", "同意", "退出登录", "Offers")))},
        launch_screens=("home",))
    outcome = run(rig, scenario_file("- launchApp\n- explore: {taps: 5, wait: 0}\n"))
    assert outcome.status == "completed", outcome.message
    assert [t.label for t in rig.driver.taps] == ["Nearby stores", "Offers"]
    assert ended(rig)[1] == ("explore", True, "tapped 2: 'Nearby stores', 'Offers'; nothing untried left to tap")


def test_explore_follows_the_screens_it_opens_and_answers_dialogs_by_policy(scenario_file):
    rig = home_rig()
    rig.driver.add_screen("home", screen(app_window(PKG, "Welcome", buttons=("Nearby stores", "Offers"))))
    rig.driver.add_screen("offers", screen(app_window(PKG, "Offers", buttons=("Spring sale",))))
    rig.driver.on_tap("home", "Offers", show="offers")
    options = RunnerOptions(default_timeout=0.3, poll_interval=0.01, settle_timeout=0.1)
    outcome = run(rig, scenario_file("- launchApp\n- explore: {taps: 3, wait: 0.05, avoid: [Spring]}\n"), options)
    assert outcome.status == "completed", outcome.message
    assert [t.label for t in rig.driver.taps] == ["Nearby stores", "Don\u2019t allow", "Offers"]
    (decision,) = rig.recorder.of_type(PermissionDecision)
    assert (decision.by_policy, decision.decision, decision.step.name) == (True, "denied", "explore")


def test_explore_stops_at_a_privacy_dialog(shop, scenario_file):
    outcome = run(shop, scenario_file("- launchApp\n- explore: 3\n"))
    assert outcome.status == "completed"
    assert shop.driver.taps == []
    assert ended(shop)[1][2] == "tapped 0: nothing; a privacy dialog covers the app (left for a consent step)"


def test_explore_fails_when_a_tap_ends_the_app(scenario_file):
    rig = home_rig()
    rig.driver.add_screen("home", screen(app_window(PKG, "Welcome", buttons=("Crash me",))))

    def crash(driver):
        rig.backend.alive = False
        driver.show("launcher")

    rig.driver.on_tap("home", "Crash me", action=crash)
    options = RunnerOptions(default_timeout=0.3, poll_interval=0.01, settle_timeout=0.1, app_check_interval=0.01)
    outcome = run(rig, scenario_file("- launchApp\n- explore: {taps: 2, wait: 0.2}\n"), options)
    assert outcome.status == "step-failed"
    assert outcome.message.endswith("explore (2 taps): after tapping 'Crash me': the app is not running (its "
                                    "process ended: see the process-end marker and the device log)")


# The permission policy --------------------------------------------------------------------------------------


def test_the_scenario_header_sets_the_policy_and_the_runner_options_override_it(tmp_path):
    path = tmp_path / "allowing.yaml"
    path.write_text("permissionPolicy: allow\n---\n- launchApp\n- waitFor: Stores near you\n")
    scenario = load_scenario(path)

    rig = home_rig()
    rig.backend.launch_screens = ("location-dialog",)
    assert run(rig, scenario).status == "completed"
    assert decision_of(rig).decision == "granted"

    rig = home_rig()
    rig.backend.launch_screens = ("location-dialog",)
    options = RunnerOptions(permission_policy="deny", default_timeout=0.3, poll_interval=0.01, settle_timeout=0.1)
    assert run(rig, scenario, options).status == "step-failed"
    assert decision_of(rig).decision == "denied"
