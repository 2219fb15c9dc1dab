import pytest

from auditor.errors import DeviceError
from auditor.scenario.hierarchy import Bounds, Selector, parse_hierarchy
from auditor.testing import android_fixture, android_fixtures_dir
from auditor.testing.screens import button, screen, text, window

ALL_DUMPS = sorted(p.relative_to(android_fixtures_dir()).as_posix()
                   for p in android_fixtures_dir().glob("*/*.xml"))
TRAILER = "UI hierchary dumped to: /dev/tty"


def dump(name):
    return parse_hierarchy(android_fixture(name).read_bytes(), name)


def test_the_fixture_set_is_all_there():
    assert len(ALL_DUMPS) == 28


@pytest.mark.parametrize("name", ALL_DUMPS)
def test_every_fixture_parses_as_given(name):
    raw = android_fixture(name).read_bytes()
    hierarchy = parse_hierarchy(raw, name)
    assert hierarchy.window_count >= 1
    assert len(hierarchy.nodes) == raw.count(b"<node")
    assert all(node.class_name for node in hierarchy.nodes)
    assert any(node.visible for node in hierarchy.nodes)
    assert hierarchy.source.lstrip("\ufeff").startswith("<?xml")


@pytest.mark.parametrize("name", ALL_DUMPS)
def test_the_dev_tty_trailer_is_ignored(name):
    raw = android_fixture(name).read_text(encoding="utf-8")
    plain = parse_hierarchy(raw)
    trailed = parse_hierarchy(raw + TRAILER + "\n")
    assert [n.text for n in trailed.nodes] == [n.text for n in plain.nodes]


def test_a_byte_order_mark_is_accepted_as_bytes_and_as_text():
    name = "plain-screen/autotask-own-permission-check-screen-zh.xml"
    raw = android_fixture(name).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    from_bytes = parse_hierarchy(raw)
    from_text = parse_hierarchy(raw.decode("utf-8"))
    assert from_bytes.texts() == from_text.texts()
    assert "权限检测" in from_bytes.texts()


def test_utf16_dumps_are_decoded():
    raw = android_fixture("perm-dialog/buccancs-camera.xml").read_text(encoding="utf-8")
    hierarchy = parse_hierarchy(raw.encode("utf-16"))
    assert "Allow buccancs to take pictures and record video?" in hierarchy.texts()


def test_rotation_is_read():
    assert dump("consent-dialog/toolregfb-fblite-terms-parent-guardian.xml").rotation == 1
    assert dump("perm-dialog/buccancs-camera.xml").rotation == 0


def test_old_dumps_without_resource_ids_and_wrapped_attributes_parse():
    hierarchy = dump("plain-screen/avc-launcher-api1x.xml")
    assert all(node.resource_id == "" for node in hierarchy.nodes)
    apps = hierarchy.find_first(Selector("text", "Apps"))
    assert apps is not None
    assert apps.package == "com.android.launcher"
    assert apps.clickable
    assert apps.bounds == Bounds(1, 38, 105, 116)


def test_attributes_in_alphabetical_order_parse_the_same():
    hierarchy = dump("plain-screen/droidmate-select-a-home-app.xml")
    always = hierarchy.find_first(Selector("id", "button_always"))
    assert always is not None
    assert (always.text, always.class_name, always.clickable) == ("Always", "android.widget.Button", True)
    assert always.center == ((844 + 1048) // 2, (1647 + 1773) // 2)


def test_node_fields():
    hierarchy = dump("perm-dialog/justdial-packageinstaller-location-dont-ask-again-1of3.xml")
    box = hierarchy.find_first(Selector("id", "do_not_ask_checkbox"))
    assert box is not None
    assert box.resource_id == "com.android.packageinstaller:id/do_not_ask_checkbox"
    assert box.id_name == "do_not_ask_checkbox"
    assert (box.checkable, box.checked, box.clickable, box.enabled) == (True, True, True, True)
    assert box.package == "com.android.packageinstaller"
    assert box.class_name == "android.widget.CheckBox"
    assert box.window == 0
    parents = list(hierarchy.ancestors(box))
    assert parents[-1].parent is None and parents[-1].resource_id == ""


def test_not_xml_is_a_device_error_on_one_line():
    with pytest.raises(DeviceError) as caught:
        parse_hierarchy("ERROR: null root node returned by UiTestAutomationBridge.", "emulator-5554")
    message = str(caught.value)
    assert message.startswith("the UI dump from emulator-5554 is not valid XML")
    assert "\n" not in message


def test_another_document_is_not_a_hierarchy():
    with pytest.raises(DeviceError, match="not a uiautomator hierarchy"):
        parse_hierarchy("<html><body/></html>")


def test_control_characters_in_texts_do_not_break_parsing():
    xml = screen(window("com.example.shop", text("Agree")))
    broken = xml.replace('text="Agree"', 'text="Ag\x0bree"')
    assert parse_hierarchy(broken).find_first(Selector("text", "Agree")) is not None


# Selectors ------------------------------------------------------------------------------------------------


def test_text_matches_whole_text_with_apostrophes_alike():
    hierarchy = dump("perm-dialog/chaosmonkey-google-camera-location.xml")
    deny = hierarchy.find_first(Selector("text", "Don't allow"))
    assert deny is not None and deny.text == "Don\u2019t allow"
    assert hierarchy.find_first(Selector("text", "Don\u2019t")) is None
    assert hierarchy.find_first(Selector("text", "  Only this time ")) is not None
    assert hierarchy.find_first(Selector("text", "only this time")) is None


def test_text_also_matches_the_content_description():
    hierarchy = dump("plain-screen/droidmate-nexus7-avd-api23-home-raw.xml")
    apps = hierarchy.find_first(Selector("text", "Apps"))
    assert apps is not None and apps.text == "" and apps.content_desc == "Apps"


def test_text_contains_and_regex():
    hierarchy = dump("perm-dialog/buccancs-location-precise-approx.xml")
    assert hierarchy.find_first(Selector("textContains", "device's location")).id_name == "permission_message"
    assert hierarchy.find_first(Selector("regex", "Allow .* location\\?")).id_name == "permission_message"
    # A regex must match the whole text, not a part of it.
    assert hierarchy.find_first(Selector("regex", "location")) is None
    assert hierarchy.find_first(Selector("regex", "Don't allow")) is not None


def test_id_matches_the_full_id_or_the_part_after_id():
    hierarchy = dump("perm-dialog/buccancs-camera.xml")
    by_name = hierarchy.find_first(Selector("id", "permission_deny_button"))
    by_full = hierarchy.find_first(Selector("id", "com.android.permissioncontroller:id/permission_deny_button"))
    assert by_name is not None and by_name is by_full
    assert hierarchy.find_first(Selector("id", "com.other:id/permission_deny_button")) is None
    assert hierarchy.find_first(Selector("id", "deny_button")) is None


def test_description_matches_content_descriptions_only():
    hierarchy = dump("plain-screen/droidmate-documentsui-recent-picker.xml")
    assert hierarchy.find_first(Selector("description", "More options")) is not None
    assert hierarchy.find_first(Selector("description", "Recent")) is None


def test_views_without_size_are_not_found():
    hierarchy = dump("plain-screen/talos-a11y-dev-service-app.xml")
    heading = [n for n in hierarchy.nodes if n.text == "Heading 3"]
    assert heading and not heading[0].visible
    assert hierarchy.find(Selector("text", "Heading 3")) == []
    assert hierarchy.find_first(Selector("text", "Heading 2")) is not None


def test_matches_come_topmost_window_first():
    hierarchy = parse_hierarchy(screen(
        window("com.example.shop", button("OK", id="under")),
        window("com.example.shop", button("OK", id="over"), bounds=(0, 1000, 1080, 1400)),
    ))
    assert hierarchy.window_count == 2
    assert [n.id_name for n in hierarchy.find(Selector("text", "OK"))] == ["over", "under"]
    assert hierarchy.windows_top_down() == [1, 0]


def test_a_label_inside_a_clickable_view_taps_the_view():
    hierarchy = dump("consent-dialog/toolregfb-fblite-terms-parent-guardian.xml")
    label = next(n for n in hierarchy.nodes if n.text == "I agree")
    assert not label.clickable
    target = hierarchy.clickable_target(label, max_area_share=0.4)
    assert target is not None
    assert target.class_name == "android.widget.Button"
    assert target.bounds == Bounds(24, 1438, 876, 1504)
    assert hierarchy.node_at(*label.center) is target


def test_a_full_screen_clickable_container_is_not_a_control():
    hierarchy = dump("perm-dialog/buccancs-camera.xml")
    message = hierarchy.find_first(Selector("id", "permission_message"))
    # Its clickable ancestor (grant_singleton) covers the whole window.
    assert hierarchy.clickable_target(message, max_area_share=0.4) is None
    assert hierarchy.clickable_target(message).id_name == "grant_dialog"
