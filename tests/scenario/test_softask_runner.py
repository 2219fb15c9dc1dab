"""The runner and the app's own permission dialogs: the `softAsk` step (its decision, the tap, what followed), the
recording of every such dialog the runner sees, colours on PNG screenshots, and the refusal behind a second screen
of the privacy dialog. Driven by the fake device."""

import io
import textwrap

import pytest
from PIL import Image, ImageDraw

from auditor.devices.base import Screenshot
from auditor.models import (
    AppInfo,
    ConsentDecision,
    ConsentRefusalUnavailable,
    ConsentSecondLayer,
    PermissionDecision,
    PermissionPromptDecision,
    PermissionPromptOutcome,
    PermissionPromptShown,
    ScreenshotTaken,
    StepEnded,
)
from auditor.scenario import RunnerOptions, ScenarioRunner, load_scenario
from auditor.scenario.dialogs import detect_consent_dialog
from auditor.scenario.hierarchy import Selector, parse_hierarchy
from auditor.testing import fake_rig
from auditor.testing.fakes import FakeDriver
from auditor.testing.screens import (
    app_window,
    button,
    consent_dialog,
    layout,
    permission_dialog,
    screen,
    text,
    window,
)

PKG = "com.example.shop"
FINE, COARSE = "android.permission.ACCESS_FINE_LOCATION", "android.permission.ACCESS_COARSE_LOCATION"
AUDIO = "android.permission.RECORD_AUDIO"
FAST = RunnerOptions(default_timeout=0.3, poll_interval=0.01, settle_timeout=0.15)

ACTIVITY = app_window(PKG, "Welcome to Shop", buttons=("Nearby stores", "Voice search"))


def prompt(*children):
    return window(PKG, layout(*children), bounds=(60, 700, 1020, 1700))


SOFT_ASK = prompt(text("Find stores near you"), text("Shop uses your location to show the stores nearest to you."),
                  button("Not now"), button("Continue"))
ONLY_TURN_ON = prompt(text("提示"), text("需要相机权限"), button("去开启"))
NAG = prompt(text("提示"), text("必须开启麦克风权限才能继续使用语音搜索"), button("取消"), button("去设置"))
IMITATION = prompt(text("Allow Shop to record audio?"), button("While using the app"), button("Only this time"),
                   button("Don’t allow"))

SCREENS = {
    "home": screen(ACTIVITY),
    "soft-ask": screen(ACTIVITY, SOFT_ASK),
    "turn-on": screen(ACTIVITY, ONLY_TURN_ON),
    "nag": screen(ACTIVITY, NAG),
    "imitation": screen(ACTIVITY, IMITATION),
    "location-dialog": screen(ACTIVITY, permission_dialog()),
    "audio-dialog": screen(ACTIVITY, permission_dialog(
        "Allow Shop to record audio?", ("allow-foreground-only", "allow-one-time", "deny"))),
    "launcher": screen(app_window("com.android.launcher3", "Shop")),
}


@pytest.fixture
def scenario_file(tmp_path):
    def write(body):
        path = tmp_path / "scenario.yaml"
        path.write_text(textwrap.dedent(body), encoding="utf-8")
        return load_scenario(path)

    return write


@pytest.fixture
def shop():
    rig = fake_rig(dict(SCREENS), launch_screens=("home",), home_screen="launcher",
                   app=AppInfo(package=PKG, permissions=[FINE, COARSE, AUDIO]))
    driver = rig.driver
    driver.on_tap("home", "Nearby stores", show="soft-ask")
    driver.on_tap("soft-ask", "Not now", show="home")
    driver.on_tap("soft-ask", "Continue", show="location-dialog")
    driver.on_tap("location-dialog", Selector("id", "permission_allow_foreground_only_button"), show="home")
    driver.on_tap("location-dialog", Selector("id", "permission_deny_button"), show="home")
    driver.on_tap("home", "Voice search", show="imitation")
    driver.on_tap("imitation", "Don’t allow", show="audio-dialog")
    driver.on_tap("audio-dialog", Selector("id", "permission_deny_button"), show="nag")
    driver.on_tap("nag", "取消", show="nag")          # shown again: there is no getting past it
    return rig


def run(rig, scenario, options=FAST):
    return ScenarioRunner(scenario, rig.backend, rig.recorder, rig.gate, options).run()


def kinds_after_start(rig, index):
    return [m.kind for m in rig.recorder.markers if m.step is not None and m.step.index == index]


# The softAsk step ------------------------------------------------------------------------------------------


def test_declining_a_soft_ask_marks_the_decision_before_the_tap_and_what_followed(shop, scenario_file):
    outcome = run(shop, scenario_file("""\
        - launchApp
        - tapOn: "Nearby stores"
        - softAsk: decline
        """))

    assert outcome.status == "completed", outcome.message
    decision = shop.recorder.of_type(PermissionPromptDecision)[0]
    assert decision.decision == "declined" and decision.control.text == "Not now"
    assert decision.prompt.group == "LOCATION"
    assert decision.prompt.hierarchy in shop.recorder.artifacts
    assert decision.prompt.screenshot in shop.recorder.artifacts
    assert decision.prompt.colours is None, "the fake device's screenshots are SVG"
    journal = shop.journal
    assert journal.index(("mark", "permission-prompt-decision")) < journal.index(("tap", "Not now"))
    result = shop.recorder.of_type(PermissionPromptOutcome)[0]
    assert (result.outcome, result.decision_seq, result.prompt) == ("closed", decision.seq, None)
    assert "tapped 'Not now'; then the dialog closed" in shop.recorder.of_type(StepEnded)[-1].message


def test_accepting_a_soft_ask_leads_to_the_system_dialog_which_is_left_for_the_next_step(shop, scenario_file):
    outcome = run(shop, scenario_file("""\
        - launchApp
        - tapOn: "Nearby stores"
        - softAsk: accept
        - permission: allow
        """))

    assert outcome.status == "completed", outcome.message
    decision = shop.recorder.of_type(PermissionPromptDecision)[0]
    assert decision.decision == "accepted" and decision.control.text == "Continue"
    result = shop.recorder.of_type(PermissionPromptOutcome)[0]
    assert (result.outcome, result.system_group) == ("system-request", "LOCATION")
    assert result.system_message == "Allow Shop to access this device\u2019s location?"
    assert b"permission_message" in shop.recorder.artifacts[result.hierarchy]
    assert [m.by_policy for m in shop.recorder.of_type(PermissionDecision)] == [False]


def test_a_decline_that_leads_to_the_system_request_anyway(shop, scenario_file):
    run(shop, scenario_file("""\
        - launchApp
        - tapOn: "Voice search"
        - softAsk: decline
        - permission: deny
        """))

    decision = shop.recorder.of_type(PermissionPromptDecision)[0]
    assert decision.control.text == "Don't allow"
    result = shop.recorder.of_type(PermissionPromptOutcome)[0]
    assert (result.outcome, result.system_group) == ("system-request", "MICROPHONE")
    assert shop.recorder.of_type(PermissionDecision)[0].decision == "denied"


def test_no_way_to_decline_presses_back_and_records_whether_it_closed(shop, scenario_file):
    shop.driver.clear_tap_rules()
    shop.driver.on_tap("home", "Nearby stores", show="turn-on")
    shop.driver.on_back("turn-on", "home")

    run(shop, scenario_file("""\
        - launchApp
        - tapOn: "Nearby stores"
        - softAsk: decline
        """))

    decision = shop.recorder.of_type(PermissionPromptDecision)[0]
    assert decision.control is None and decision.prompt.decline is None
    assert shop.driver.back_presses == 1
    assert shop.recorder.of_type(PermissionPromptOutcome)[0].outcome == "closed"
    assert "it offers no way to decline: pressed Back" in shop.recorder.of_type(StepEnded)[-1].message


def test_a_dialog_that_comes_back_on_every_decline(shop, scenario_file):
    outcome = run(shop, scenario_file("""\
        - launchApp
        - tapOn: "Voice search"
        - softAsk: decline
        - permission: deny
        - repeat:
            times: 3
            commands:
              - softAsk: decline
        """))

    assert outcome.status == "completed", outcome.message
    decisions = shop.recorder.of_type(PermissionPromptDecision)
    assert [d.control.text for d in decisions] == ["Don't allow", "取消", "取消", "取消"]
    outcomes = shop.recorder.of_type(PermissionPromptOutcome)
    assert [o.outcome for o in outcomes] == ["system-request", "shown-again", "shown-again", "shown-again"]
    assert outcomes[1].prompt is not None and outcomes[1].prompt.group == "MICROPHONE"
    assert outcomes[1].prompt.hierarchy == outcomes[1].hierarchy


def test_another_dialog_in_its_place_and_the_app_ending_are_outcomes(shop, scenario_file):
    shop.driver.clear_tap_rules()
    shop.driver.on_tap("home", "Nearby stores", show="soft-ask")
    shop.driver.on_tap("soft-ask", "Not now", show="nag")

    run(shop, scenario_file("""\
        - launchApp
        - tapOn: "Nearby stores"
        - softAsk: decline
        """))
    result = shop.recorder.of_type(PermissionPromptOutcome)[0]
    assert result.outcome == "other-prompt" and result.prompt.message[-1] == "必须开启麦克风权限才能继续使用语音搜索"

    def quit_app(driver):
        shop.backend.alive = False
        driver.show("launcher")

    shop.driver.on_tap("nag", "取消", action=quit_app)
    run(shop, scenario_file("""\
        - softAsk: decline
        """), RunnerOptions(default_timeout=0.3, poll_interval=0.01, settle_timeout=0.5, app_check_interval=0.05))
    assert shop.recorder.of_type(PermissionPromptOutcome)[-1].outcome == "app-ended"


def test_none_records_the_dialog_and_touches_nothing(shop, scenario_file):
    run(shop, scenario_file("""\
        - launchApp
        - tapOn: "Nearby stores"
        - softAsk: none
        """))

    shown = shop.recorder.of_type(PermissionPromptShown)
    assert len(shown) == 1 and shown[0].step.index == 1, "recorded once: when the tapOn step's screen showed it"
    assert shop.recorder.of_type(PermissionPromptDecision) == []
    assert [tap.label for tap in shop.driver.taps] == ["Nearby stores"]
    assert "grant 'Continue', decline 'Not now'" in shop.recorder.of_type(StepEnded)[-1].message


def test_no_dialog_fails_the_step_unless_optional(shop, scenario_file):
    failed = run(shop, scenario_file("""\
        - launchApp
        - softAsk: decline
        """))
    assert failed.status == "step-failed"
    assert "no permission dialog of the app appeared within 0.3s" in failed.message

    optional = run(shop, scenario_file("""\
        - launchApp
        - softAsk: {action: decline, optional: true}
        """))
    assert optional.status == "completed"
    assert "(optional, skipped)" in shop.recorder.of_type(StepEnded)[-1].message


# Recording what the runner sees ----------------------------------------------------------------------------


def test_every_dialog_the_runner_sees_is_recorded_once_per_showing(shop, scenario_file):
    outcome = run(shop, scenario_file("""\
        - launchApp
        - tapOn: "Nearby stores"
        - waitFor: "Find stores near you"
        - sleep: 0.01
        - tapOn: "Not now"
        - tapOn: "Nearby stores"
        - tapOn: "Continue"
        - permission: deny
        """))

    assert outcome.status == "completed", outcome.message
    shown = shop.recorder.of_type(PermissionPromptShown)
    assert [m.step.index for m in shown] == [1, 5], "two showings, each recorded by the first look at it"
    first = shown[0].prompt
    screenshot = next(m for m in shop.recorder.of_type(ScreenshotTaken) if m.hierarchy == first.hierarchy)
    assert screenshot.path == first.screenshot
    assert first.decline.text == "Not now"


# Colours on a device's PNG screenshots ---------------------------------------------------------------------


class PngDriver(FakeDriver):
    """Draws every screenshot as a device would: a white dialog over grey, clickable views filled, the control
    labelled `highlight` in blue."""

    highlight = "Accept all"

    def screenshot(self) -> Screenshot:
        self.screenshots += 1
        hierarchy = parse_hierarchy(self.xml)
        image = Image.new("RGB", (1080, 2400), (120, 120, 120))
        draw = ImageDraw.Draw(image)
        for window_index in range(hierarchy.window_count):
            left, top, right, bottom = hierarchy.window_bounds(window_index).as_tuple()
            draw.rectangle((left, top, right - 1, bottom - 1), fill=(255, 255, 255))
        for node in hierarchy.nodes:
            if node.clickable and node.text == self.highlight:
                left, top, right, bottom = node.bounds.as_tuple()
                draw.rectangle((left, top, right - 1, bottom - 1), fill=(26, 115, 232))
        out = io.BytesIO()
        image.save(out, format="PNG")
        return Screenshot(out.getvalue(), "image/png")


def png_rig(screens, launch):
    rig = fake_rig(screens, launch_screens=(launch,), home_screen="launcher", app=AppInfo(package=PKG))
    driver = PngDriver(rig.driver.screens, current=rig.driver.current, journal=rig.journal)
    rig.driver = driver
    rig.backend.driver = driver
    return rig


def test_colours_are_measured_on_png_screenshots(scenario_file):
    privacy = window(PKG, layout(text("请阅读《隐私政策》"), button("Accept all"), button("Reject all")),
                     bounds=(60, 700, 1020, 1700))
    rig = png_rig({"consent": screen(ACTIVITY, privacy), "launcher": SCREENS["launcher"],
                   "home": SCREENS["home"]}, "consent")
    rig.driver.on_tap("consent", "Reject all", show="home")

    run(rig, scenario_file("""\
        - launchApp
        - consent: refuse
        """))

    colours = rig.recorder.of_type(ConsentDecision)[0].dialog.colours
    assert colours is not None
    assert colours.accept == "#1a73e8" and colours.reject == "#ffffff"
    assert colours.accept_contrast > 3 > 1.5 > colours.reject_contrast


def test_colours_of_an_apps_permission_dialog(scenario_file):
    rig = png_rig({"soft-ask": screen(ACTIVITY, SOFT_ASK), "home": SCREENS["home"],
                   "launcher": SCREENS["launcher"]}, "soft-ask")
    rig.driver.highlight = "Continue"
    rig.driver.on_tap("soft-ask", "Not now", show="home")

    run(rig, scenario_file("""\
        - launchApp
        - softAsk: decline
        """))

    colours = rig.recorder.of_type(PermissionPromptDecision)[0].prompt.colours
    assert colours is not None and colours.accept == "#1a73e8" and colours.reject_delta_e == 0


# The refusal behind a second screen ------------------------------------------------------------------------

FIRST_LAYER = window(PKG, layout(text("Your privacy"), text("We and our partners use your personal data."),
                                 button("Accept all"), text("Manage options", clickable=True)),
                     bounds=(60, 700, 1020, 1700))
SECOND_LAYER = consent_dialog(PKG, message="Choose what we may do with your personal data.", accept="Accept all",
                              reject="Reject all", title="Privacy choices")


def test_the_first_layer_records_the_control_that_opens_further_choices():
    dialog = detect_consent_dialog(parse_hierarchy(screen(ACTIVITY, FIRST_LAYER)))

    assert dialog is not None and dialog.reject is None
    assert dialog.more_options is not None and dialog.more_options.text == "Manage options"
    with_reject = detect_consent_dialog(parse_hierarchy(screen(ACTIVITY, SECOND_LAYER)))
    assert with_reject is not None and with_reject.more_options is None


def test_refusing_opens_the_second_screen_and_refuses_there(scenario_file):
    rig = fake_rig({"first": screen(ACTIVITY, FIRST_LAYER), "second": screen(ACTIVITY, SECOND_LAYER),
                    "home": SCREENS["home"], "launcher": SCREENS["launcher"]},
                   launch_screens=("first",), home_screen="launcher", app=AppInfo(package=PKG))
    rig.driver.on_tap("first", "Manage options", show="second")
    rig.driver.on_tap("second", "Reject all", show="home")

    outcome = run(rig, scenario_file("""\
        - launchApp
        - consent: refuse
        """))

    assert outcome.status == "completed", outcome.message
    layer = rig.recorder.of_type(ConsentSecondLayer)[0]
    assert layer.control.text == "Manage options" and layer.dialog.reject is None
    decision = rig.recorder.of_type(ConsentDecision)[0]
    assert (decision.decision, decision.control.text) == ("refused", "Reject all")
    assert layer.seq < decision.seq
    assert [tap.label for tap in rig.driver.taps] == ["Manage options", "Reject all"]
    assert "opened 'Manage options' to look for one" in rig.recorder.of_type(StepEnded)[-1].message


def test_a_second_screen_that_never_comes_is_a_refusal_unavailable(scenario_file):
    rig = fake_rig({"first": screen(ACTIVITY, FIRST_LAYER), "launcher": SCREENS["launcher"]},
                   launch_screens=("first",), home_screen="launcher", app=AppInfo(package=PKG))

    outcome = run(rig, scenario_file("""\
        - launchApp
        - consent: refuse
        """))

    assert outcome.status == "step-failed"
    assert "opened no further privacy dialog" in outcome.message
    assert len(rig.recorder.of_type(ConsentSecondLayer)) == 1
    assert len(rig.recorder.of_type(ConsentRefusalUnavailable)) == 1
