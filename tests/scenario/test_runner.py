import textwrap

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
from auditor.scenario.hierarchy import Selector
from auditor.testing import android_fixture, fake_rig
from auditor.testing.screens import (
    app_window,
    consent_dialog,
    launcher_window,
    permission_dialog,
    screen,
)

PKG = "com.example.shop"
FINE = "android.permission.ACCESS_FINE_LOCATION"
COARSE = "android.permission.ACCESS_COARSE_LOCATION"
BACKGROUND = "android.permission.ACCESS_BACKGROUND_LOCATION"
FAST = RunnerOptions(default_timeout=0.3, poll_interval=0.01, settle_timeout=0.15)

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
    outcome = run(shop, scenario_file("- launchApp\n- tapOn: Nearby stores\n"))
    assert outcome.status == "completed"
    decision = decision_of(shop)
    assert (decision.decision, decision.by_policy, decision.group) == ("denied", True, "LOCATION")
    assert decision.step.name == "tapOn"
    assert [t.label for t in shop.driver.taps] == ["Don\u2019t allow", "Nearby stores"]


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
    assert outcome.message.endswith("the app is not running 0.05s after launch (did it crash? see the device log)")


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
