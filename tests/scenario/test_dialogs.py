import pytest

from auditor.scenario.dialogs import (
    classify_control_label,
    detect_consent_dialog,
    detect_permission_dialog,
)
from auditor.scenario.hierarchy import parse_hierarchy
from auditor.testing import android_fixture, hierarchy_fixtures
from auditor.testing.screens import (
    app_window,
    button,
    checkbox,
    consent_dialog,
    layout,
    permission_dialog,
    screen,
    text,
    view,
    window,
)

PKG = "com.example.shop"
LOCATION = [
    "android.permission.ACCESS_FINE_LOCATION", "android.permission.ACCESS_COARSE_LOCATION",
    "android.permission.ACCESS_BACKGROUND_LOCATION",
]

# fixture -> (package, group, controls, message, Don't-ask-again box: None when absent, else ticked or not)
PERMISSION_FIXTURES = {
    "buccancs-camera.xml": (
        "com.google.android.permissioncontroller", "CAMERA",
        {"allow-foreground-only": "While using the app", "allow-one-time": "Only this time",
         "deny": "Don't allow"},
        "Allow buccancs to take pictures and record video?", None,
    ),
    "buccancs-location-precise-approx.xml": (
        "com.google.android.permissioncontroller", "LOCATION",
        {"allow-foreground-only": "While using the app", "allow-one-time": "Only this time",
         "deny": "Don't allow"},
        "Allow buccancs to access this device\u2019s location?", None,
    ),
    "buccancs-nearby-devices.xml": (
        "com.google.android.permissioncontroller", "NEARBY_DEVICES",
        {"allow": "Allow", "deny": "Don't allow"},
        "Allow buccancs to find, connect to and determine the relative position of nearby devices?", None,
    ),
    "buccancs-notifications.xml": (
        "com.google.android.permissioncontroller", "NOTIFICATIONS",
        {"allow": "Allow", "deny": "Don't allow"},
        "Allow buccancs to send you notifications?", None,
    ),
    "buccancs-record-audio.xml": (
        "com.google.android.permissioncontroller", "MICROPHONE",
        {"allow-foreground-only": "While using the app", "allow-one-time": "Only this time",
         "deny": "Don't allow"},
        "Allow buccancs to record audio?", None,
    ),
    "chaosmonkey-google-camera-location.xml": (
        "com.google.android.permissioncontroller", "LOCATION",
        {"allow-foreground-only": "While using the app", "allow-one-time": "Only this time",
         "deny": "Don\u2019t allow"},
        "Allow Camera to access this device\u2019s location?", None,
    ),
    "justdial-packageinstaller-location-dont-ask-again-1of3.xml": (
        "com.android.packageinstaller", "LOCATION",
        {"allow": "ALLOW", "deny": "DENY"},
        "Allow Justdial to access this device's location?", True,
    ),
    "toolregfb-packageinstaller-contacts-fblite.xml": (
        "com.android.packageinstaller", "CONTACTS",
        {"allow": "ALLOW", "deny": "DENY"},
        "Allow Lite to access your contacts?", None,
    ),
}

# fixture -> (accept label, reject label or None)
CONSENT_FIXTURES = {
    "droidmate-ebay-terms-of-use-agree.xml": ("Agree", "Cancel"),
    "toolregfb-fblite-terms-parent-guardian.xml": ("I agree", None),
}


def load(kind, name):
    path = android_fixture(f"{kind}/{name}")
    return parse_hierarchy(path.read_bytes(), str(path))


def test_every_permission_fixture_has_an_expectation():
    assert sorted(p.name for p in hierarchy_fixtures("perm-dialog")) == sorted(PERMISSION_FIXTURES)
    assert sorted(p.name for p in hierarchy_fixtures("consent-dialog")) == sorted(CONSENT_FIXTURES)


@pytest.mark.parametrize("name", sorted(PERMISSION_FIXTURES))
def test_permission_fixtures_classify_to_their_group_and_controls(name):
    package, group, controls, message, dont_ask = PERMISSION_FIXTURES[name]
    dialog = detect_permission_dialog(load("perm-dialog", name))
    assert dialog is not None
    assert dialog.package == package
    assert dialog.group == group
    assert dialog.message == message
    labels = {kind: control.text.replace("\u2019", "'") for kind, control in dialog.controls.items()}
    assert labels == {kind: label.replace("\u2019", "'") for kind, label in controls.items()}
    assert all(control.resource_id.endswith("_button") for control in dialog.controls.values())
    assert dialog.permissions and all(p.startswith("android.permission.") for p in dialog.permissions)
    if dont_ask is None:
        assert dialog.dont_ask_checkbox is None
    else:
        assert dialog.dont_ask_checkbox is not None and dialog.dont_ask_checkbox.checked is dont_ask


def test_location_dialogs_name_the_location_permissions():
    dialog = detect_permission_dialog(load("perm-dialog", "chaosmonkey-google-camera-location.xml"))
    assert dialog.permissions == LOCATION
    deny = dialog.controls["deny"]
    assert deny.resource_id == "com.android.permissioncontroller:id/permission_deny_button"
    assert deny.bounds == (137, 1610, 943, 1764)


@pytest.mark.parametrize("name", sorted(PERMISSION_FIXTURES))
def test_permission_dialogs_are_not_consent_dialogs(name):
    assert detect_consent_dialog(load("perm-dialog", name)) is None


@pytest.mark.parametrize("name", sorted(CONSENT_FIXTURES))
def test_consent_fixtures_are_found_with_their_controls(name):
    accept, reject = CONSENT_FIXTURES[name]
    info = detect_consent_dialog(load("consent-dialog", name))
    assert info is not None
    assert info.accept is not None and info.accept.text == accept
    assert (info.reject.text if info.reject else None) == reject
    assert detect_permission_dialog(load("consent-dialog", name)) is None


def test_the_ebay_terms_screen_in_detail():
    info = detect_consent_dialog(load("consent-dialog", "droidmate-ebay-terms-of-use-agree.xml"))
    assert info.accept.resource_id == "com.ebay.mobile:id/accept_btn"
    assert info.accept.bounds == (401, 1141, 800, 1205)
    # The reject control is labelled "Cancel"; its id (do_not_accept_btn) contains "accept" but says no.
    assert info.reject.resource_id == "com.ebay.mobile:id/do_not_accept_btn"
    assert "By clicking Agree, you agree to be bound by the eBay Mobile Privacy Policy and Terms of Use." in info.texts
    assert info.checkboxes == [] and info.prechecked is False


def test_the_fb_lite_terms_screen_taps_the_button_around_its_label():
    info = detect_consent_dialog(load("consent-dialog", "toolregfb-fblite-terms-parent-guardian.xml"))
    assert info.accept.cls == "android.widget.Button"
    assert info.accept.bounds == (24, 1438, 876, 1504)
    assert info.reject is None


@pytest.mark.parametrize("path", hierarchy_fixtures("plain-screen"), ids=lambda p: p.name)
def test_plain_screens_hold_no_dialog_to_answer(path):
    hierarchy = parse_hierarchy(path.read_bytes(), str(path))
    assert detect_consent_dialog(hierarchy) is None
    assert detect_permission_dialog(hierarchy) is None


def test_the_ebay_privacy_banner_speaks_of_privacy_but_asks_nothing():
    hierarchy = load("plain-screen", "droidmate-ebay-home-privacy-update-banner.xml")
    assert any("Privacy Notices" in t for t in hierarchy.texts())
    assert detect_consent_dialog(hierarchy) is None


# Built dialogs: wording the fixtures do not cover -------------------------------------------------------


def consent_on(*windows):
    return detect_consent_dialog(parse_hierarchy(screen(*windows)))


@pytest.mark.parametrize(
    ("accept", "reject"),
    [("同意", "不同意"), ("同意并继续", "暂不同意"), ("同意", "仅浏览"), ("我同意", "不同意并退出"), ("同意", "退出"),
     ("同意", "拒绝")],
)
def test_chinese_dialogs_classify_refusal_before_agreement(accept, reject):
    info = consent_on(app_window(PKG, "首页"), consent_dialog(PKG, accept=accept, reject=reject))
    assert info is not None
    assert info.accept.text == accept
    assert info.reject.text == reject
    assert "个人信息保护指引" in info.texts


def test_refusal_is_found_by_label_even_without_telling_ids():
    info = consent_on(window(PKG, layout(
        text("隐私政策"),
        text("我们会依据《隐私政策》处理您的个人信息。"),
        button("不同意", id="btn_left"),
        button("同意", id="btn_right"),
    )))
    assert (info.accept.text, info.reject.text) == ("同意", "不同意")


@pytest.mark.parametrize(
    ("accept", "reject"),
    [("Accept all", "Reject all"), ("I agree", "I do not agree"), ("Agree and continue", "Not now"),
     ("Accept", "Decline"), ("Consent", "Do not consent"), ("AGREE", "DISAGREE")],
)
def test_english_dialogs(accept, reject):
    info = consent_on(window(PKG, layout(
        text("We value your privacy"),
        text("We and our partners use cookies and personal data as described in our Privacy Policy."),
        button(reject),
        button("Manage options"),
        button(accept),
    )))
    assert info is not None
    assert (info.accept.text, info.reject.text) == (accept, reject)


def test_a_dialog_without_policy_words_is_not_a_consent_dialog():
    # An app's own explanation before a permission request: 同意/拒绝, but nothing about a policy.
    assert consent_on(window(PKG, layout(
        text("位置权限申请"),
        text("我们需要获取您的位置，以便为您推荐附近的门店，是否同意？"),
        button("拒绝"),
        button("同意"),
    ))) is None


def test_a_statement_checkbox_is_recorded_not_tapped():
    info = consent_on(consent_dialog(
        PKG, statement="我已阅读并同意《用户协议》和《隐私政策》", statement_checked=True,
    ))
    assert info.accept.text == "同意"
    assert [box.text for box in info.checkboxes] == ["我已阅读并同意《用户协议》和《隐私政策》"]
    assert info.prechecked is True
    unticked = consent_on(consent_dialog(PKG, statement="我已阅读并同意《隐私政策》"))
    assert unticked.prechecked is False and unticked.checkboxes[0].checked is False


def test_a_consent_dialog_under_a_permission_dialog_is_still_found():
    hierarchy = parse_hierarchy(screen(consent_dialog(PKG), permission_dialog()))
    assert detect_permission_dialog(hierarchy) is not None
    info = detect_consent_dialog(hierarchy)
    assert info is not None and info.accept.text == "同意"


def test_the_topmost_permission_dialog_is_the_one_found():
    hierarchy = parse_hierarchy(screen(
        app_window(PKG, "Home"),
        permission_dialog("Allow Shop to access your contacts?", controls=("allow", "deny")),
        permission_dialog("Allow Shop to record audio?"),
    ))
    dialog = detect_permission_dialog(hierarchy)
    assert dialog.group == "MICROPHONE" and dialog.window == 2


def test_permission_dialogs_are_recognised_by_id_whatever_the_package_or_class():
    hierarchy = parse_hierarchy(screen(window(
        "com.lbe.security.miui",
        text("要允许“购物”获取此设备的位置信息吗？", id="com.lbe.security.miui:id/permission_message"),
        button("仅在使用中允许", id="com.lbe.security.miui:id/permission_allow_foreground_only_button",
               cls="com.android.permissioncontroller.permission.ui.widget.SecureButton"),
        button("拒绝", id="com.lbe.security.miui:id/permission_deny_button"),
    )))
    dialog = detect_permission_dialog(hierarchy)
    assert dialog.group == "LOCATION"
    assert sorted(dialog.controls) == ["allow-foreground-only", "deny"]


def test_an_unknown_wording_is_an_unknown_group():
    dialog = detect_permission_dialog(parse_hierarchy(screen(permission_dialog("Erlauben, Fotos aufzunehmen?"))))
    assert (dialog.group, dialog.permissions, dialog.recognised) == ("UNKNOWN", [], False)


def test_the_android_11_second_request_offers_deny_forever():
    dialog = detect_permission_dialog(parse_hierarchy(screen(permission_dialog(
        controls=("allow-foreground-only", "allow-one-time", "deny-and-dont-ask-again"),
    ))))
    assert set(dialog.controls) == {"allow-foreground-only", "allow-one-time", "deny-and-dont-ask-again"}


@pytest.mark.parametrize(
    ("label", "role"),
    [
        ("同意", "accept"), ("不同意", "reject"), ("暂不同意", "reject"), ("同意并继续", "accept"), ("拒绝", "reject"),
        ("仅浏览", "reject"), ("退出", "reject"), ("Agree", "accept"), ("Disagree", "reject"),
        ("Accept all", "accept"), ("Reject all", "reject"), ("Not now", "reject"), ("Decline", "reject"),
        ("I don\u2019t agree", "reject"), ("Manage consent", None), ("Privacy Policy", None), ("Learn more", None),
        ("我已阅读并同意《隐私政策》", None), ("I have read and agree to the Terms", None),
        ("By clicking Agree, you agree to be bound by the Terms", None), ("", None),
    ],
)
def test_control_labels(label, role):
    assert classify_control_label(label) == role


@pytest.mark.parametrize(
    ("label", "role"),
    [("OK", "acknowledge"), ("Got it", "acknowledge"), ("我知道了", "acknowledge"), ("知道了", "acknowledge"),
     ("确定", "acknowledge"), ("Continue", "acknowledge"), ("OK, thanks for nothing", None), ("好的呀", None)],
)
def test_acknowledgements_are_their_own_kind_of_control(label, role):
    assert classify_control_label(label) == role


def test_a_policy_notice_that_can_only_be_acknowledged_is_a_consent_dialog_without_choice():
    notice = window(PKG, layout(text("温馨提示"), text("我们会依据《隐私政策》收集和使用您的个人信息。"),
                                button("我知道了", id="btn_ok")), bounds=(60, 600, 1020, 1800))
    dialog = detect_consent_dialog(parse_hierarchy(screen(app_window(PKG, "Welcome"), notice)))
    assert dialog is not None
    assert (dialog.accept.text, dialog.reject, dialog.acknowledge_only) == ("我知道了", None, True)


def test_an_agreement_beats_an_acknowledgement_and_a_refusal_means_there_is_a_choice():
    choice = window(PKG, layout(text("Privacy Policy"), text("Read our privacy policy."),
                                layout(button("OK"), button("Agree"))), bounds=(60, 600, 1020, 1800))
    dialog = detect_consent_dialog(parse_hierarchy(screen(choice)))
    assert (dialog.accept.text, dialog.acknowledge_only) == ("Agree", False)
    with_reject = window(PKG, layout(text("Privacy Policy"), layout(button("Decline"), button("OK"))),
                         bounds=(60, 600, 1020, 1800))
    dialog = detect_consent_dialog(parse_hierarchy(screen(with_reject)))
    assert (dialog.accept.text, dialog.reject.text, dialog.acknowledge_only) == ("OK", "Decline", False)


def test_an_ordinary_alert_with_ok_is_not_a_consent_dialog():
    alert = android_fixture("plain-screen/chaosmonkey-gmail.xml").read_text(encoding="utf-8")
    assert detect_consent_dialog(parse_hierarchy(alert)) is None


def test_an_agree_button_greyed_out_until_the_box_is_ticked_is_still_the_accept_control():
    from auditor.scenario.dialogs import detect_consent_dialog
    from auditor.scenario.hierarchy import parse_hierarchy
    from auditor.testing.screens import button, checkbox, layout, screen, text, window

    dump = screen(window("com.example.notes", layout(
        text("隐私政策"),
        text("请阅读并同意《用户协议》和《隐私政策》"),
        checkbox("我已阅读并同意"),
        button("同意并继续", enabled=False),
        button("不同意"),
    )))
    dialog = detect_consent_dialog(parse_hierarchy(dump))
    assert dialog is not None and dialog.accept is not None and dialog.reject is not None
    assert (dialog.accept.text, dialog.reject.text) == ("同意并继续", "不同意")
    assert [box.text for box in dialog.checkboxes] == ["我已阅读并同意"] and not dialog.prechecked


# "Are you sure?" dialogs after a refusal ------------------------------------------------------------------


@pytest.mark.parametrize("label", ["再想想", "我再想想", "我再看看", "返回查看", "Go back", "Let me reconsider"])
def test_a_way_back_is_not_a_refusal(label):
    assert classify_control_label(label) == "back"


def sure_dialog(*buttons, texts=("温馨提示", "您需要同意《隐私政策》后才能使用全部功能。")):
    return window(PKG, layout(*(text(value) for value in texts), layout(*(button(b) for b in buttons))),
                  bounds=(60, 600, 1020, 1800))


def test_an_are_you_sure_dialog_refuses_with_its_refusal_and_records_its_way_back():
    info = consent_on(app_window(PKG, "首页"), sure_dialog("再想想", "仍然拒绝", "同意并继续"))
    assert (info.accept.text, info.reject.text, info.go_back.text) == ("同意并继续", "仍然拒绝", "再想想")


def test_next_to_a_way_back_the_plain_yes_confirms_the_refusal():
    info = consent_on(sure_dialog("再想想", "确定"))
    assert (info.accept, info.reject.text, info.go_back.text, info.acknowledge_only) == (None, "确定", "再想想", False)


def test_a_question_confirming_a_refusal_turns_yes_and_no_around():
    texts = ("提示", "确定不同意吗？不同意将无法使用本应用。")
    hierarchy = parse_hierarchy(screen(sure_dialog("取消", "确定", texts=texts)))
    assert detect_consent_dialog(hierarchy) is None  # no policy named: only right after a refusal
    info = detect_consent_dialog(hierarchy, after_refusal=True)
    assert (info.reject.text, info.go_back.text, info.accept) == ("确定", "取消", None)
    english = parse_hierarchy(screen(sure_dialog("No", "Yes", texts=("Are you sure you want to exit?",))))
    info = detect_consent_dialog(english, after_refusal=True)
    assert (info.reject.text, info.go_back.text) == ("Yes", "No")


def test_an_exit_question_is_no_privacy_dialog_outside_a_refusal():
    exit_dialog = sure_dialog("取消", "确定", texts=("确定要退出吗？",))
    assert consent_on(app_window(PKG, "首页"), exit_dialog) is None


# Wider wording: refusals that are not "no" words, agreements that are not "agree" words --------------------


def policy_dialog(*buttons, message="We use cookies and personal data as described in our Privacy Policy."):
    return window(PKG, layout(text("Your privacy"), text(message), layout(*(button(b) for b in buttons))),
                  bounds=(60, 600, 1020, 1800))


@pytest.mark.parametrize(
    ("reject", "accept"),
    [("Continue without accepting", "Accept all"), ("Necessary only", "Accept all"), ("Only necessary", "Accept"),
     ("Use necessary cookies only", "Allow all cookies"), ("Reject All Cookies", "Accept All Cookies"),
     ("Refuse all", "Agree"), ("No", "Yes"), ("Essential only", "I accept")],
)
def test_english_refusals_beyond_no_words(reject, accept):
    info = consent_on(policy_dialog(reject, accept))
    assert (info.accept.text, info.reject.text) == (accept, reject)


@pytest.mark.parametrize(
    ("reject", "accept"),
    [("放弃使用", "同意"), ("暂不使用", "开始使用"), ("退出", "同意并使用"), ("以后再说", "同意并进入"), ("不同意", "我已阅读并同意"),
     ("仅浏览", "同意，继续使用")],
)
def test_chinese_refusals_and_agreements_beyond_the_obvious(reject, accept):
    info = consent_on(app_window(PKG, "首页"), consent_dialog(PKG, accept=accept, reject=reject))
    assert (info.accept.text, info.reject.text) == (accept, reject)


def test_a_statement_is_the_accept_button_only_when_there_is_no_box_to_tick():
    button_only = consent_on(consent_dialog(PKG, accept="我已阅读并同意", reject="不同意"))
    assert button_only.accept.text == "我已阅读并同意" and button_only.checkboxes == []
    with_box = consent_on(window(PKG, layout(
        text("隐私政策"), text("请阅读《隐私政策》"), checkbox("我已阅读并同意"), button("同意"), button("不同意"))))
    assert with_box.accept.text == "同意" and [b.text for b in with_box.checkboxes] == ["我已阅读并同意"]


def test_a_welcome_page_with_a_policy_link_and_start_is_no_privacy_dialog():
    """开始使用, "Yes", "Get started" go on without agreeing to anything unless a refusal stands next to them."""
    assert consent_on(window(PKG, layout(
        text("欢迎使用 Shop"), text("登录即表示同意《用户协议》和《隐私政策》"), button("开始使用")))) is None
    assert consent_on(window(PKG, layout(
        text("Welcome"), text("See our Privacy Policy"), button("Get started")))) is None


def test_a_login_page_that_mentions_the_policy_is_no_privacy_dialog():
    assert consent_on(window(PKG, layout(
        text("手机号登录"), view("android.widget.EditText", id="phone", clickable=True),
        checkbox("我已阅读并同意"), text("《用户协议》《隐私政策》"), button("登录"), button("其他方式登录")))) is None


def test_a_friend_request_with_agree_and_refuse_is_no_privacy_dialog():
    assert consent_on(window(PKG, layout(text("好友申请"), text("张三请求添加你为好友"), button("拒绝"), button("同意")),
                             bounds=(60, 600, 1020, 1800))) is None


# Vendor permission dialogs without the standard ids --------------------------------------------------------


def vendor_dialog(package, *views):
    return window(package, layout(*views), bounds=(0, 1200, 1080, 2400))


@pytest.mark.parametrize(
    ("package", "buttons", "kinds"),
    [
        ("com.miui.securitycenter", ("始终允许", "仅在使用中允许", "拒绝"), {"allow-always", "allow-foreground-only", "deny"}),
        ("com.coloros.securitypermission", ("本次运行允许", "仅在使用中允许", "禁止"),
         {"allow-one-time", "allow-foreground-only", "deny"}),
        ("com.huawei.systemmanager", ("禁止", "允许"), {"deny", "allow"}),
        ("com.vivo.permissionmanager", ("拒绝且不再询问", "允许"), {"deny-and-dont-ask-again", "allow"}),
        ("android", ("Deny", "Allow"), {"deny", "allow"}),
    ],
)
def test_a_vendor_dialog_is_recognised_by_its_labels_in_a_system_package(package, buttons, kinds):
    hierarchy = parse_hierarchy(screen(app_window(PKG, "首页"), vendor_dialog(
        package, text("位置信息"), text("是否允许“购物”获取此设备的位置信息？"), *(button(b) for b in buttons))))
    dialog = detect_permission_dialog(hierarchy)
    assert dialog is not None and dialog.by_label
    assert set(dialog.controls) == kinds
    assert (dialog.group, dialog.message) == ("LOCATION", "是否允许“购物”获取此设备的位置信息？")
    assert "android.permission.ACCESS_FINE_LOCATION" in dialog.permissions
    assert detect_consent_dialog(hierarchy) is None


def test_a_vendor_dialogs_permission_may_be_named_by_its_title_and_its_box_is_read():
    hierarchy = parse_hierarchy(screen(vendor_dialog(
        "com.iqoo.secure", text("相机权限"), text("“购物”申请此权限"), checkbox("不再提醒", checked=True),
        button("拒绝"), button("允许"))))
    dialog = detect_permission_dialog(hierarchy)
    assert (dialog.group, dialog.message) == ("CAMERA", "“购物”申请此权限")
    assert dialog.dont_ask_checkbox is not None and dialog.dont_ask_checkbox.checked is True


def test_the_apps_own_dialog_with_allow_and_refuse_is_not_the_systems():
    """WeChat's own location prompt for a mini program, drawn in its package: 拒绝 / 允许, but no system dialog."""
    own = window("com.tencent.mm", layout(text("莉景天气 申请"), text("获取你的位置信息"),
                                          text("将获取你的具体位置信息，用于获取用户所在地天气情况"),
                                          layout(button("拒绝"), button("允许"))), bounds=(0, 1604, 1080, 2260))
    assert detect_permission_dialog(parse_hierarchy(screen(own))) is None
    assert detect_permission_dialog(parse_hierarchy(screen(window(PKG, layout(
        text("Allow Shop to access your location?"), button("Deny"), button("Allow")))))) is None


def test_a_system_window_needs_both_a_grant_and_a_refusal():
    usb = vendor_dialog("com.android.systemui", text("允许 USB 调试吗？"), button("取消"), button("允许"))
    settings = vendor_dialog("com.miui.securitycenter", text("应用权限"), button("允许"))
    assert detect_permission_dialog(parse_hierarchy(screen(usb))) is None
    assert detect_permission_dialog(parse_hierarchy(screen(settings))) is None


def test_an_unrecognised_question_is_kept_as_it_was_shown():
    hierarchy = parse_hierarchy(screen(vendor_dialog("com.android.permissioncontroller",
                                                     text("“购物”想要做一件新事情"), button("拒绝"), button("允许"))))
    dialog = detect_permission_dialog(hierarchy)
    assert (dialog.group, dialog.permissions, dialog.message) == ("UNKNOWN", [], "“购物”想要做一件新事情")
