import pytest

from auditor.devices.base import ProcessExit
from auditor.errors import InputError
from auditor.models import AppLaunched, StepRef
from auditor.scenario.hierarchy import Selector, parse_hierarchy
from auditor.testing import FakeBackend, FakeDriver, FakeRecorder, android_fixture, fake_rig
from auditor.testing.screens import app_window, button, consent_dialog, layout, screen, text, window

PKG = "com.example.shop"


def test_screens_are_device_like_dumps():
    xml = screen(app_window(PKG, "Home", buttons=("Go",)), consent_dialog(PKG), rotation=1)
    assert xml.startswith("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?><hierarchy rotation=\"1\">")
    hierarchy = parse_hierarchy(xml)
    assert hierarchy.window_count == 2 and hierarchy.rotation == 1
    agree = hierarchy.find_first(Selector("id", "btn_agree"))
    assert agree.resource_id == f"{PKG}:id/btn_agree" and agree.clickable and agree.window == 1
    boxes = [n.bounds for n in hierarchy.nodes if not n.children]
    assert len(set(boxes)) == len(boxes)  # every leaf has a place of its own


def test_a_tap_lands_on_the_clickable_view_under_it_and_follows_the_rule():
    journal = []
    driver = FakeDriver({
        "a": screen(window(PKG, layout(button("", desc="", id="wrapper", cls="android.widget.Button",
                                              bounds=(0, 0, 500, 200)),
                                       bounds=(0, 0, 1080, 400)))),
        "b": screen(window(PKG, text("B"))),
    }, current="a", journal=journal)
    driver.on_tap("a", Selector("id", "wrapper"), show="b")
    driver.click(10, 10)
    assert driver.current == "b"
    assert driver.taps[0].resource_id == f"{PKG}:id/wrapper"
    assert journal == [("tap", f"{PKG}:id/wrapper")]
    driver.click(10, 10)  # no rule on b
    assert driver.current == "b"


def test_a_tap_on_a_label_inside_a_button_counts_for_the_button():
    driver = FakeDriver({"terms": android_fixture(
        "consent-dialog/toolregfb-fblite-terms-parent-guardian.xml").read_text(), "next": screen()}, current="terms")
    driver.on_tap("terms", "I agree", show="next")
    driver.click(450, 1470)
    assert driver.current == "next"
    assert driver.taps[0].label == "I agree"


def test_scheduled_screens_and_back():
    driver = FakeDriver({"home": screen(window(PKG, text("Home"))), "dialog": screen(window(PKG, text("D")))},
                        current="home")
    driver.show_after("home", 2, "dialog")
    driver.on_back("dialog", "home")
    assert [("D" in driver.dump_hierarchy()) for _ in range(3)] == [False, False, True]
    driver.press_back()
    assert driver.current == "home" and driver.back_presses == 1


def test_unknown_screens_are_refused():
    with pytest.raises(InputError, match="no screen named 'nowhere'"):
        FakeDriver({}, current="nowhere")


def test_screenshots_show_the_screen_texts():
    driver = FakeDriver({"home": screen(window(PKG, text("Hello & welcome")))}, current="home")
    shot = driver.screenshot()
    assert shot.mime == "image/svg+xml" and shot.extension == "svg"
    assert b"Hello &amp; welcome" in shot.data


def test_the_backend_plays_the_app_life_cycle():
    rig = fake_rig({"home": screen(window(PKG, text("Home"))), "first": screen(window(PKG, text("First")))},
                   launch_screens=("first", "home"))
    exits = []
    rig.backend.set_listeners(on_exit=exits.append, on_log=lambda line: None)
    rig.backend.launch_app(rig.gate)
    assert rig.driver.current == "first" and rig.backend.app_state().foreground
    rig.backend.move_to_background()
    assert rig.driver.current == "empty" and not rig.backend.app_state().foreground
    rig.backend.move_to_foreground()
    assert rig.driver.current == "first"
    rig.backend.reset_app(clear_data=False)
    assert not rig.backend.app_state().alive
    assert isinstance(exits[0], ProcessExit) and exits[0].name == PKG
    rig.backend.launch_app(rig.gate)
    assert rig.driver.current == "home"
    assert [p.pid for p in rig.gated] == [1001, 1002]
    assert isinstance(rig.backend, FakeBackend)


def test_the_recorder_stamps_markers_and_keeps_artifact_names_unique():
    recorder = FakeRecorder()
    recorder.step = StepRef(index=0, name="launchApp", file="s.yaml", line=1)
    marker = recorder.mark(AppLaunched, clear_state=True)
    assert (marker.seq, marker.step.name, marker.clear_state) == (0, "launchApp", True)
    assert recorder.kinds() == ["app-launch"]
    assert recorder.save_artifact("screenshots", "01-a", "png", b"1") == "screenshots/01-a.png"
    assert recorder.save_artifact("screenshots", "01-a", "png", b"2") == "screenshots/01-a-2.png"
    assert recorder.journal == [("mark", "app-launch")]
