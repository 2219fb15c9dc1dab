"""Recognising the app's own permission dialogs (soft-asks, explanations, nags) and imitations of the system's, on
generated screens and on real device dumps."""

import pytest

from auditor.scenario.hierarchy import parse_hierarchy
from auditor.scenario.softask import (
    control_role,
    detect_permission_prompt,
    imitation_of,
    prompt_group,
    states_purpose,
)
from auditor.testing.fixtures import hierarchy_fixtures
from auditor.testing.screens import (
    app_window,
    button,
    checkbox,
    consent_dialog,
    layout,
    permission_dialog,
    screen,
    text,
    window,
)

APP = "com.example.shop"
ACTIVITY = app_window(APP, "Welcome to Shop", buttons=("Nearby stores", "Voice search"))


def dialog(*children, bounds=(60, 700, 1020, 1700), package=APP):
    return window(package, layout(*children), bounds=bounds)


def detect(*windows, package=APP):
    return detect_permission_prompt(parse_hierarchy(screen(*windows)), package)


def test_a_soft_ask_with_a_purpose_and_a_real_not_now():
    prompt = detect(ACTIVITY, dialog(text("Find stores near you"),
                                     text("Shop uses your location to show the stores nearest to you."),
                                     layout(button("Not now"), button("Continue"))))

    assert prompt is not None
    assert prompt.group == "LOCATION"
    assert (prompt.grant.text, prompt.decline.text) == ("Continue", "Not now")
    assert prompt.message == ["Find stores near you", "Shop uses your location to show the stores nearest to you."]
    assert prompt.window == (60, 700, 1020, 1700)
    assert [c.text for c in prompt.controls] == ["Not now", "Continue"]
    assert states_purpose(prompt.message) == "Shop uses your location to show the stores nearest to you."
    assert imitation_of(prompt) is None


def test_a_chinese_soft_ask_with_only_a_way_to_turn_it_on():
    prompt = detect(ACTIVITY, dialog(text("提示"), text("需要相机权限"), button("去开启")))

    assert prompt is not None
    assert prompt.group == "CAMERA"
    assert prompt.grant.text == "去开启" and prompt.decline is None
    assert states_purpose(prompt.message) is None


def test_a_shaming_refusal_drawn_as_text_is_still_the_decline():
    prompt = detect(ACTIVITY, dialog(text("Deals near you"), text("We use your location to show deals nearby."),
                                     button("Allow"),
                                     text("No thanks, I don't like saving money", clickable=True)))

    assert prompt is not None
    assert prompt.grant.text == "Allow"
    assert prompt.decline.text == "No thanks, I don't like saving money"
    assert prompt.decline.cls == "android.widget.TextView"


def test_a_dialog_that_insists_after_a_denial():
    prompt = detect(ACTIVITY, dialog(text("提示"), text("必须开启麦克风权限才能继续使用语音搜索"),
                                     layout(button("取消"), button("去设置"))))

    assert prompt is not None
    assert prompt.group == "MICROPHONE"
    assert (prompt.grant.text, prompt.decline.text) == ("去设置", "取消")


def test_check_boxes_are_recorded_with_their_state():
    prompt = detect(ACTIVITY, dialog(text("Allow notifications so we can tell you about your orders?"),
                                     checkbox("Also send me personalised offers", checked=True),
                                     layout(button("Not now"), button("Allow"))))

    assert prompt is not None
    assert prompt.group == "NOTIFICATIONS"
    assert [(box.text, box.checked) for box in prompt.checkboxes] == [("Also send me personalised offers", True)]
    assert all(c.text != "Also send me personalised offers" for c in prompt.controls)


@pytest.mark.parametrize(("question", "labels", "group"), [
    ("Allow Shop to record audio?", ("While using the app", "Only this time", "Don’t allow"), "MICROPHONE"),
    ("Allow Shop to access this device’s location?", ("Allow", "Don't allow"), "LOCATION"),
    ("要允许“购物”录制音频吗？", ("允许", "拒绝"), "MICROPHONE"),
    ("是否允许“购物”获取此设备的位置信息？", ("仅在使用中允许", "禁止"), "LOCATION"),
])
def test_an_app_drawing_the_system_question_and_buttons_imitates_the_system_dialog(question, labels, group):
    prompt = detect(ACTIVITY, dialog(text(question), *(button(label) for label in labels)))

    assert prompt is not None and prompt.group == group
    imitation = imitation_of(prompt)
    assert imitation is not None
    assert imitation.question == question
    assert imitation.labels == tuple(label.replace("’", "'") for label in labels)


@pytest.mark.parametrize(("question", "labels"), [
    ("Allow Shop to record audio?", ("Not now", "Continue")),          # its own buttons
    ("Allow location access?", ("Don't allow", "Allow")),             # not the system's question
    ("Allow Shop to record audio?", ("While using the app", "Only this time")),  # nothing to refuse with
    ("Shop uses your location to show nearby stores", ("Don't allow", "Allow")),
    ("Allow notifications to get delivery updates?", ("Allow", "Don't allow")),  # its own question, with a purpose
    ("允许接收通知以获取物流提醒？", ("允许", "拒绝")),
])
def test_near_imitations_are_not_imitations(question, labels):
    prompt = detect(ACTIVITY, dialog(text(question), *(button(label) for label in labels)))

    assert prompt is not None
    assert imitation_of(prompt) is None


@pytest.mark.parametrize(("question", "labels", "group"), [
    ("Allow notifications to get delivery updates?", ("Allow", "Don't allow"), "NOTIFICATIONS"),
    ("允许接收通知以获取物流提醒？", ("允许", "拒绝"), "NOTIFICATIONS"),
])
def test_an_honest_notification_soft_ask_with_the_systems_button_labels(question, labels, group):
    prompt = detect(ACTIVITY, dialog(text(question), layout(*(button(label) for label in labels))))

    assert prompt is not None and prompt.group == group
    assert (prompt.grant.text, prompt.decline.text) == (labels[0], labels[1].replace("’", "'"))
    assert states_purpose(prompt.message) == question
    assert imitation_of(prompt) is None


def test_the_systems_question_next_to_an_explanation_of_the_apps_own_is_not_posing_as_the_system():
    prompt = detect(ACTIVITY, dialog(text("Allow Shop to access this device’s location?"),
                                     text("Shop uses your location to show the stores nearest to you."),
                                     button("Allow"), button("Don't allow")))

    assert prompt is not None
    assert imitation_of(prompt) is None
    titled = detect(ACTIVITY, dialog(text("Permission request"), text("Allow Shop to access this device’s location?"),
                                     button("Allow"), button("Don't allow")))
    assert titled is not None and imitation_of(titled) is not None, "a short title does not change the question"


def test_the_system_dialog_itself_is_never_the_apps_dialog():
    assert detect(ACTIVITY, permission_dialog()) is None


def test_the_apps_dialog_under_a_system_dialog_is_still_seen():
    prompt = detect(ACTIVITY, dialog(text("需要相机权限"), button("去开启")), permission_dialog())

    assert prompt is not None and prompt.group == "CAMERA"


def test_the_privacy_dialog_is_a_consent_dialog_not_a_permission_dialog():
    privacy = consent_dialog(APP, message="我们会申请位置权限，详见《隐私政策》", accept="同意", reject="不同意")

    assert detect(ACTIVITY, privacy) is None


@pytest.mark.parametrize("children", [
    (text("Delete this item?"), layout(button("Cancel"), button("Delete"))),
    (text("Your order has shipped"), button("OK")),
    (text("Rate Shop"), text("Enjoying the app?"), layout(button("Not now"), button("Rate"))),
])
def test_ordinary_dialogs_are_not_permission_dialogs(children):
    assert detect(ACTIVITY, dialog(*children)) is None


def test_an_apps_full_screen_page_about_permissions_is_not_a_dialog():
    page = app_window(APP, "Permissions", "Location permission is off", buttons=("Turn on",))

    assert detect(page) is None


def test_another_apps_dialog_is_not_this_apps():
    other = dialog(text("需要相机权限"), button("去开启"), package="com.other.app")

    assert detect(ACTIVITY, other) is None


@pytest.mark.parametrize(("label", "role"), [
    ("Allow", "grant"), ("While using the app", "grant"), ("去开启", "grant"), ("Go to settings", "grant"),
    ("OK", "acknowledge"), ("Continue", "acknowledge"), ("确定", "acknowledge"),
    ("Don’t allow", "decline"), ("不允许", "decline"), ("Not now", "decline"), ("残忍拒绝", "decline"),
    ("Nearby stores", None),
])
def test_control_roles(label, role):
    assert control_role(label) == role


def test_the_group_comes_from_system_wording_first_then_from_words():
    assert prompt_group(["Allow Photos backup to record audio?"]) == "MICROPHONE"
    assert prompt_group(["需要获取您的位置信息"]) == "LOCATION"
    assert prompt_group(["Scan the coupon with your camera"]) == "CAMERA"
    assert prompt_group(["Something else entirely"]) == "UNKNOWN"


# --------------------------------------------------------------------------------------------- real device dumps


def _package(hierarchy):
    return next(node.package for node in reversed(hierarchy.nodes) if node.package)


@pytest.mark.parametrize("path", hierarchy_fixtures("perm-dialog"), ids=lambda p: p.stem)
def test_a_real_system_dialog_drawn_by_the_app_itself_would_be_an_imitation(path):
    """Real grant dialogs, read as if the app had drawn them (its package being the dialog's): the detector sees a
    permission dialog of the app, and one that imitates the system's. Read as what they are, the system's, they
    are no dialog of the app at all."""
    hierarchy = parse_hierarchy(path.read_bytes())
    drawn_by = _package(hierarchy)

    prompt = detect_permission_prompt(hierarchy, drawn_by)
    assert prompt is not None
    assert prompt.group != "UNKNOWN"
    assert imitation_of(prompt) is not None
    assert detect_permission_prompt(hierarchy, "com.example.shop") is None


@pytest.mark.parametrize("path", hierarchy_fixtures("plain-screen") + hierarchy_fixtures("consent-dialog"),
                         ids=lambda p: p.stem)
def test_real_screens_that_are_not_permission_dialogs(path):
    """Ordinary screens, other dialogs (crash, chooser, e-mail alert, Bluetooth pairing), an app's own page listing
    its permissions (权限检测) and consent screens, each read as its own app's: no permission dialog."""
    hierarchy = parse_hierarchy(path.read_bytes())

    assert detect_permission_prompt(hierarchy, _package(hierarchy)) is None
