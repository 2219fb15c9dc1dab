"""The sandbox backend against real JVM processes: screen, input, dialogs, permissions, life cycle, exits, gating."""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from PIL import Image

from auditor.devices.base import ProcessInfo
from auditor.errors import StepFailed
from auditor.resources import demo_app, hooks_project
from auditor.testing.fixtures import android_fixture
from tests.devices.sandbox_support import APPS, RecordingGate, Sandbox, Screen, bounds, center

PROBE = "org.probe:id/"
PERM = "com.android.permissioncontroller:id/"
HOSTILE = "<script>alert(\"x\")</script> & 中文 “quotes” 'single' \u2019"
NODE_ATTRIBUTES = [
    "index", "text", "resource-id", "class", "package", "content-desc", "checkable", "checked", "clickable",
    "enabled", "focusable", "focused", "scrollable", "long-clickable", "password", "selected", "bounds",
]


# ------------------------------------------------------------------------------------------------------------
# Screen and input


def test_dump_is_uiautomator_xml_with_the_activity_under_android_content(probe: Sandbox) -> None:
    probe.launch()
    xml = probe.backend.driver.dump_hierarchy()
    assert xml.startswith("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?><hierarchy rotation=\"0\"><node ")
    screen = Screen(xml)
    assert len(screen.windows) == 1
    for node in screen.nodes():
        assert list(node.attrib) == NODE_ATTRIBUTES
        assert node.get("package") == "org.probe"
    assert bounds(screen.windows[0]) == (0, 0, 1080, 2400)
    content = screen.get("android:id/content")
    title = screen.get(PROBE + "title")
    assert title in content.iter("node")
    assert title.get("text") == "Probe" and title.get("class") == "android.widget.TextView"
    button = screen.get(PROBE + "ask_location")
    assert button.get("class") == "android.widget.Button" and button.get("clickable") == "true"
    name = screen.get(PROBE + "name")
    assert name.get("class") == "android.widget.EditText" and name.get("focusable") == "true"
    # Stacked vertically, in the order the app added them, inside the screen.
    tops = [bounds(screen.get(PROBE + rid))[1] for rid in ("title", "ask_location", "ask_phone", "status")]
    assert tops == sorted(tops) and bounds(screen.get(PROBE + "status"))[3] <= 2400


def test_node_attributes_are_in_the_order_a_device_writes_them(probe: Sandbox) -> None:
    device = etree.parse(str(android_fixture("perm-dialog/buccancs-camera.xml"))).getroot()
    device_order = list(next(device.iter("node")).attrib)
    probe.launch()
    assert device_order == NODE_ATTRIBUTES
    assert all(list(node.attrib) == device_order for node in probe.screen().nodes())


def test_tap_runs_the_click_listener_and_texts_round_trip_through_xml(probe: Sandbox) -> None:
    probe.launch()
    screen = probe.tap(PROBE + "hostile")
    assert screen.text(PROBE + "status") == HOSTILE
    assert "&lt;script&gt;" in screen.xml and "<script>" not in screen.xml


def test_input_text_replaces_the_field_text(probe: Sandbox) -> None:
    probe.launch()
    x, y = center(probe.screen().get(PROBE + "name"))
    probe.backend.driver.input_text(x, y, "first")
    probe.backend.driver.input_text(x, y, "Zoë 中文 & <b> 100%")
    screen = probe.tap(PROBE + "echo")
    assert screen.text(PROBE + "name") == "Zoë 中文 & <b> 100%"
    assert screen.get(PROBE + "name").get("focused") == "true"
    assert screen.text(PROBE + "status") == "Hello Zoë 中文 & <b> 100%"
    bx, by = center(screen.get(PROBE + "echo"))
    with pytest.raises(StepFailed, match="no text field"):
        probe.backend.driver.input_text(bx, by, "nope")


def test_modal_dialog_is_on_top_with_android_ids_and_blocks_the_activity(probe: Sandbox) -> None:
    probe.launch()
    before = probe.screen()
    screen = probe.tap(PROBE + "show_dialog")
    assert len(screen.windows) == 2
    dialog = screen.windows[1]
    assert dialog.get("package") == "org.probe"
    assert screen.text("android:id/alertTitle") == "Terms"
    assert screen.text("android:id/message") == "Accept the terms?"
    custom = screen.get("android:id/custom")
    checkbox = screen.get(PROBE + "opt_in")
    assert checkbox in custom.iter("node")
    assert checkbox.get("class") == "android.widget.CheckBox" and checkbox.get("checkable") == "true"
    assert [screen.text(f"android:id/button{n}") for n in (1, 2, 3)] == ["Accept", "Decline", "Later"]
    assert screen.get("android:id/button1") in dialog.iter("node")

    # A tap on an activity button outside the (non-cancelable) dialog is blocked.
    x, y = center(before.get(PROBE + "ask_location"))
    left, top, right, bottom = bounds(dialog)
    assert not (left <= x < right and top <= y < bottom)
    probe.backend.driver.click(x, y)
    probe.backend.wait_idle()
    assert probe.status() == "" and len(probe.screen().windows) == 2
    probe.backend.driver.press_back()
    assert len(probe.screen().windows) == 2

    screen = probe.tap(PROBE + "opt_in")
    assert screen.get(PROBE + "opt_in").get("checked") == "true"
    screen = probe.tap("android:id/button1")
    assert len(screen.windows) == 1
    assert screen.text(PROBE + "status") == "accepted, offers=true"
    assert probe.log.wait_for(r'WindowManager: Showing dialog "Terms" of org\.probe\.MainActivity')


LONG = "com.example.longpolicy:id/"


def _texts(screen: Screen) -> list[str]:
    return [str(node.get("text")) for node in screen.nodes() if node.get("text")]


def test_a_scroll_view_taller_than_the_screen_scrolls_by_the_fingers_travel(
        open_sandbox: Callable[[Path], Sandbox]) -> None:
    app = open_sandbox(APPS / "long-policy")
    app.launch()
    screen = app.screen()
    scroll = screen.get(LONG + "policy_scroll")
    assert scroll.get("scrollable") == "true", "content taller than the view: uiautomator's scrollable"
    left, top, right, bottom = bounds(scroll)
    assert bottom <= 2400 - 126, "the scroll view ends within the screen (above the navigation bar)"
    assert screen.find(LONG + "btn_agree") is None, "what lies below the fold is not in the dump"
    assert screen.text(LONG + "policy_title") == "隐私政策", "the title above the scroll view stays"
    first_sections = [t for t in _texts(screen) if t.startswith("第")]
    x = (left + right) // 2

    app.backend.driver.swipe(x, bottom - 100, x, bottom - 600, 0.3)
    line = app.log.wait_for(r"Input: swipe .*: scrolled android\.widget\.ScrollView "
                            r"\(com\.example\.longpolicy:id/policy_scroll\) by 500 px")
    assert "(540," in line
    moved = app.screen()
    assert [t for t in _texts(moved) if t.startswith("第")] != first_sections, "the content moved up"

    for _ in range(20):
        if app.screen().find(LONG + "btn_agree") is not None and \
                app.screen().get(LONG + "btn_agree").get("enabled") == "true":
            break
        app.backend.driver.swipe(x, bottom - 100, x, top + 100, 0.3)
    end = app.screen()
    agree = end.get(LONG + "btn_agree")
    assert agree.get("enabled") == "true", "the app's scroll listener saw the end (canScrollVertically(1) false)"
    assert app.log.wait_for("LongPolicy: policy read to the end: Agree enabled")
    assert top <= bounds(agree)[1] and bounds(agree)[3] <= bottom, "the button is within the scroll view"

    mark = len(app.log.lines)
    app.backend.driver.swipe(x, bottom - 100, x, top + 100, 0.3)
    assert app.log.wait_for(r"Input: swipe .*: nothing scrollable that way", after=mark)
    app.backend.driver.swipe(x, top + 100, x, top + 400, 0.3)
    assert app.log.wait_for(r"scrolled .*policy_scroll\) by -300 px", after=mark), "a swipe down scrolls back"
    assert app.screen().find(LONG + "btn_agree") is None
    app.backend.driver.swipe(x, top + 400, x, top + 100, 0.3)
    assert app.log.wait_for(r"scrolled .*policy_scroll\) by 300 px", after=mark)

    home = app.tap(LONG + "btn_agree")
    assert "欢迎使用" in _texts(home)


def test_a_long_alert_dialog_message_scrolls_and_its_buttons_stay_in_view(
        open_sandbox: Callable[[Path], Sandbox]) -> None:
    app = open_sandbox(APPS / "long-policy")
    app.launch()
    app.backend.driver.swipe(540, 1800, 540, 300, 0.3)
    for _ in range(10):
        app.backend.driver.swipe(540, 1800, 540, 300, 0.3)
    app.tap(LONG + "btn_agree")
    x, y = center(next(n for n in app.screen().nodes() if n.get("text") == "服务条款"))
    app.backend.driver.click(x, y)
    app.backend.wait_idle()
    screen = app.screen()
    dialog = screen.windows[1]
    scroll = next(n for n in dialog.iter("node") if n.get("class") == "android.widget.ScrollView"
                  and n.get("scrollable") == "true")
    assert screen.get("android:id/message") in scroll.iter("node")
    button = screen.get("android:id/button1")
    assert button.get("text") == "知道了"
    assert bounds(button)[3] <= bounds(dialog)[3] <= 2400, "the button is on screen, below the message"
    assert bounds(scroll)[3] <= bounds(button)[1]
    app.tap("android:id/button1")
    assert app.log.wait_for("LongPolicy: terms closed")


def test_second_activity_shows_its_title_and_back_returns(probe: Sandbox) -> None:
    probe.launch()
    start = len(probe.log.lines)
    screen = probe.tap(PROBE + "open_second")
    assert screen.text(PROBE + "second_text") == "The second screen"
    assert screen.find(PROBE + "title") is None
    bar = screen.get("android:id/action_bar")
    assert [node.get("text") for node in bar.iter("node") if node.get("text")] == ["Second"]
    probe.backend.driver.press_back()
    probe.backend.wait_idle()
    assert probe.screen().find(PROBE + "title") is not None
    assert probe.log.lifecycle(start) == [
        "org.probe.MainActivity.onPause()",
        "org.probe.SecondActivity.onCreate()", "org.probe.SecondActivity.onStart()",
        "org.probe.SecondActivity.onResume()",
        "org.probe.MainActivity.onStop()",
        "org.probe.SecondActivity.onPause()",
        "org.probe.MainActivity.onRestart()", "org.probe.MainActivity.onStart()",
        "org.probe.MainActivity.onResume()",
        "org.probe.SecondActivity.onStop()", "org.probe.SecondActivity.onDestroy()",
    ]
    assert probe.backend.app_state().alive


def test_home_screen_shows_when_the_app_is_not_running(probe: Sandbox) -> None:
    screen = probe.screen()
    assert {node.get("package") for node in screen.nodes()} == {"com.android.launcher3"}
    assert "Probe" in [node.get("text") for node in screen.nodes()]
    probe.backend.driver.press_back()
    probe.backend.driver.click(540, 1200)
    with pytest.raises(StepFailed):
        probe.backend.driver.input_text(540, 1200, "x")


def test_screenshot_is_a_png_of_the_screen_as_a_device_takes_it(probe: Sandbox) -> None:
    probe.launch()
    probe.tap(PROBE + "hostile")
    probe.tap(PROBE + "show_dialog")
    shot = probe.backend.driver.screenshot()
    assert shot.mime == "image/png" and shot.extension == "png"
    image = Image.open(io.BytesIO(shot.data)).convert("RGB")
    assert image.size == (1080, 2400)
    dialog = etree.fromstring(probe.backend.driver.dump_hierarchy().encode()).findall("node")[-1]
    left, top, right, bottom = (int(v) for v in re.findall(r"-?\d+", dialog.get("bounds", "")))
    assert image.getpixel(((left + right) // 2, top + 30)) == (255, 255, 255), "the dialog, drawn on top"
    assert image.getpixel((5, 5)) == (166, 166, 166), "the activity under it, dimmed"


def _luhn_valid(number: str) -> bool:
    total = 0
    for position, digit in enumerate(int(char) for char in reversed(number)):
        if position % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def test_identifiers_look_real_and_need_the_phone_permission(probe: Sandbox) -> None:
    probe.launch()
    probe.tap(PROBE + "identifiers")
    assert probe.status().startswith("SecurityException | ")
    probe.tap(PROBE + "ask_phone")
    probe.tap(PERM + "permission_allow_button")
    probe.tap(PROBE + "identifiers")
    identity, android_id, mac, packages, resolver, manager, context = probe.status().split(" | ")
    imei, second_imei, imsi = identity.split(" ")
    assert len(imei) == 15 and _luhn_valid(imei) and _luhn_valid(second_imei) and imei != second_imei
    assert len(imsi) == 15 and imsi.startswith("460")
    assert len(android_id) == 16 and int(android_id, 16) > 0
    first_octet = int(mac.split(":")[0], 16)
    assert len(mac.split(":")) == 6 and first_octet & 0b10 and not first_octet & 0b01
    assert int(packages) > 5
    # The implementation classes a device has, where the hooks go.
    assert (resolver, manager, context) == (
        "android.app.ContextImpl$ApplicationContentResolver", "android.app.ApplicationPackageManager",
        "android.app.ContextImpl")


# ------------------------------------------------------------------------------------------------------------
# Runtime permissions


def _permission_buttons(screen: Screen) -> dict[str, str]:
    return {
        str(node.get("resource-id")).removeprefix(PERM): str(node.get("text"))
        for node in screen.nodes()
        if str(node.get("resource-id")).startswith(PERM) and node.get("class") == "android.widget.Button"
    }


def test_location_dialog_deny_then_dont_ask_again_then_auto_deny(probe: Sandbox) -> None:
    probe.launch()
    start = len(probe.log.lines)
    screen = probe.tap(PROBE + "ask_location")
    assert len(screen.windows) == 2
    assert screen.windows[1].get("package") == "com.android.permissioncontroller"
    assert screen.find(PERM + "grant_dialog") is not None
    assert screen.text(PERM + "permission_message") == "Allow Probe to access this device\u2019s location?"
    assert _permission_buttons(screen) == {
        "permission_allow_foreground_only_button": "While using the app",
        "permission_allow_one_time_button": "Only this time",
        "permission_deny_button": "Don\u2019t allow",
    }
    screen = probe.tap(PERM + "permission_deny_button")
    assert len(screen.windows) == 1
    assert probe.status() == (
        "result 1 [android.permission.ACCESS_FINE_LOCATION, android.permission.ACCESS_COARSE_LOCATION] [-1, -1]"
    )
    # The prompt pauses the activity; the result arrives before it resumes, on the main thread.
    assert probe.log.lifecycle(start) == [
        "org.probe.MainActivity.onPause()",
        "org.probe.MainActivity.onRequestPermissionsResult()",
        "org.probe.MainActivity.onResume()",
    ]
    result_line = probe.log.wait_for(r"Probe: result 1 ", after=start)
    pid = str(probe.backend.processes()[0].pid)
    assert result_line.split()[1] == pid and result_line.split()[2] == pid
    probe.tap(PROBE + "check")
    assert probe.status().startswith("ACCESS_FINE_LOCATION=denied(rationale)")

    screen = probe.tap(PROBE + "ask_location")
    assert _permission_buttons(screen) == {
        "permission_allow_foreground_only_button": "While using the app",
        "permission_allow_one_time_button": "Only this time",
        "permission_deny_and_dont_ask_again_button": "Don\u2019t allow",
    }
    probe.tap(PERM + "permission_deny_and_dont_ask_again_button")
    assert probe.status().endswith("[-1, -1]")

    screen = probe.tap(PROBE + "ask_location")
    assert len(screen.windows) == 1
    assert probe.status().startswith("result 1 ") and probe.status().endswith("[-1, -1]")
    probe.tap(PROBE + "check")
    assert probe.status().startswith("ACCESS_FINE_LOCATION=denied ")


def test_grants_persist_across_relaunch_and_clear_state_resets_them(probe: Sandbox) -> None:
    probe.launch()
    screen = probe.tap(PROBE + "ask_phone")
    assert screen.text(PERM + "permission_message") == "Allow Probe to make and manage phone calls?"
    assert _permission_buttons(screen) == {
        "permission_allow_button": "Allow",
        "permission_deny_button": "Don\u2019t allow",
    }
    probe.tap(PERM + "permission_allow_button")
    assert probe.status() == "result 2 [android.permission.READ_PHONE_STATE] [0]"
    screen = probe.tap(PROBE + "ask_camera")
    assert len(screen.windows) == 1, "CAMERA is not in the manifest: denied without a dialog"
    assert probe.status() == "result 3 [android.permission.CAMERA] [-1]"
    probe.tap(PROBE + "ask_location")
    probe.tap(PERM + "permission_deny_button")
    probe.tap(PROBE + "ask_location")
    probe.tap(PERM + "permission_deny_and_dont_ask_again_button")
    expected = "ACCESS_FINE_LOCATION=denied READ_PHONE_STATE=granted CAMERA=denied INTERNET=granted"
    probe.tap(PROBE + "check")
    assert probe.status() == expected

    probe.backend.reset_app(clear_data=False)
    probe.launch()
    probe.tap(PROBE + "check")
    assert probe.status() == expected
    assert len(probe.tap(PROBE + "ask_location").windows) == 1

    probe.backend.reset_app(clear_data=True)
    probe.launch()
    probe.tap(PROBE + "check")
    assert probe.status() == "ACCESS_FINE_LOCATION=denied READ_PHONE_STATE=denied CAMERA=denied INTERNET=granted"
    assert "permission_deny_button" in _permission_buttons(probe.tap(PROBE + "ask_location"))


def test_one_time_grant_lasts_for_the_process(probe: Sandbox) -> None:
    probe.launch()
    probe.tap(PROBE + "ask_location")
    probe.tap(PERM + "permission_allow_one_time_button")
    assert probe.status().endswith("[0, 0]")
    probe.tap(PROBE + "check")
    assert probe.status().startswith("ACCESS_FINE_LOCATION=granted ")
    probe.backend.reset_app(clear_data=False)
    probe.launch()
    probe.tap(PROBE + "check")
    assert probe.status().startswith("ACCESS_FINE_LOCATION=denied ")
    assert "permission_deny_button" in _permission_buttons(probe.tap(PROBE + "ask_location"))


def test_back_on_the_permission_dialog_denies_this_time_only(probe: Sandbox) -> None:
    probe.launch()
    probe.tap(PROBE + "ask_location")
    probe.backend.driver.press_back()
    probe.backend.wait_idle()
    assert probe.status().endswith("[-1, -1]")
    assert "permission_deny_button" in _permission_buttons(probe.tap(PROBE + "ask_location"))


# ------------------------------------------------------------------------------------------------------------
# Life cycle, processes, exits


def test_background_and_foreground_follow_androids_order(probe: Sandbox) -> None:
    # The app starts after launch_app returns, as on Android: launch() waits for its main thread to be idle. What
    # a request caused is in the log when the request returns (the backend waits for its log reader; see below).
    start = len(probe.log.lines)
    probe.launch()
    assert probe.log.lifecycle(start) == [
        "org.probe.ProbeApplication.attachBaseContext()",
        "org.probe.ProbeApplication.onCreate()",
        "org.probe.MainActivity.onCreate()", "org.probe.MainActivity.onStart()", "org.probe.MainActivity.onResume()",
    ]
    state = probe.backend.app_state()
    assert (state.alive, state.foreground, state.activity) == (True, True, "org.probe.MainActivity")
    mark = len(probe.log.lines)
    probe.backend.move_to_background()
    assert probe.log.lifecycle(mark) == ["org.probe.MainActivity.onPause()", "org.probe.MainActivity.onStop()"]
    assert {node.get("package") for node in probe.screen().nodes()} == {"com.android.launcher3"}
    state = probe.backend.app_state()
    assert (state.alive, state.foreground) == (True, False)
    mark = len(probe.log.lines)
    probe.backend.move_to_foreground()
    assert probe.log.lifecycle(mark) == [
        "org.probe.MainActivity.onRestart()", "org.probe.MainActivity.onStart()", "org.probe.MainActivity.onResume()",
    ]
    assert probe.screen().find(PROBE + "title") is not None
    assert probe.backend.app_state().foreground
    # Every entry is written as `logcat -v epoch,threadtime` shows it; the main thread's tid is the pid.
    pid = probe.backend.processes()[0].pid
    logcat = re.compile(rf"^\d{{10}}\.\d{{3}} +{pid} +\d+ [VDIWEFA] [^:]+: ")
    assert all(logcat.match(line) for line in probe.log.lines), probe.log.lines
    assert all(line.split()[2] == str(pid) for line in probe.log.lines if " Lifecycle: " in line)


def test_system_exit_is_reported_with_its_code(probe: Sandbox) -> None:
    probe.launch()
    pid = probe.backend.processes()[0].pid
    probe.tap(PROBE + "exit3")
    ended = probe.log.wait_for_exit()
    assert (ended.pid, ended.name, ended.exit_code, ended.reason, ended.detail) == (
        pid, "org.probe", 3, "exited", "System.exit(3)")
    assert not probe.backend.app_state().alive
    assert {node.get("package") for node in probe.screen().nodes()} == {"com.android.launcher3"}


def test_a_request_returns_once_the_log_it_caused_reached_the_sink(open_sandbox: Callable[[Path], Sandbox]) -> None:
    """The log is read from the process's stdout on its own thread, the answers from the control connection: a
    request returns only once the log reader has passed what the process wrote before answering. A slow sink makes
    the reader lag behind the answers, as a busy machine does."""
    probe = open_sandbox(APPS / "probe")
    recorder = probe.log

    def slow_sink(line: str) -> None:
        time.sleep(0.05)
        recorder.on_log(line)

    probe.backend.set_listeners(recorder.on_exit, slow_sink)
    probe.launch()
    assert recorder.lifecycle()[-3:] == [
        "org.probe.MainActivity.onCreate()", "org.probe.MainActivity.onStart()", "org.probe.MainActivity.onResume()",
    ]
    mark = len(recorder.lines)
    probe.backend.move_to_background()
    assert recorder.lifecycle(mark) == ["org.probe.MainActivity.onPause()", "org.probe.MainActivity.onStop()"]
    mark = len(recorder.lines)
    probe.backend.move_to_foreground()
    assert recorder.lifecycle(mark) == [
        "org.probe.MainActivity.onRestart()", "org.probe.MainActivity.onStart()", "org.probe.MainActivity.onResume()",
    ]
    assert not any(line.startswith("\x1f") for line in recorder.lines), "sync marks are not log lines"


def test_a_process_killed_by_someone_else_is_a_crash_not_the_harness_stopping_it(probe: Sandbox) -> None:
    probe.launch()
    pid = probe.backend.processes()[0].pid
    os.kill(pid, signal.SIGKILL)  # the system's low-memory killer, a fault: not a stop this tool asked for
    ended = probe.log.wait_for_exit()
    assert (ended.pid, ended.reason, ended.detail, ended.ended_by) == (
        pid, "crashed", "Fatal signal 9 (SIGKILL)", "app")


def test_uncaught_exception_is_logged_as_fatal_and_reported_as_a_crash(probe: Sandbox) -> None:
    probe.launch()
    probe.tap(PROBE + "crash")
    ended = probe.log.wait_for_exit()
    assert ended.reason == "crashed" and ended.exit_code == 1
    assert "java.lang.IllegalStateException: boom from the probe" in ended.detail
    fatal = probe.log.wait_for(r" E AndroidRuntime: FATAL EXCEPTION: main$")
    assert probe.log.lines[probe.log.lines.index(fatal) + 1].endswith(
        f"E AndroidRuntime: Process: org.probe, PID: {ended.pid}")
    assert probe.log.wait_for(r"AndroidRuntime: \s*at org\.probe\.MainActivity\.lambda\$onCreate")


def test_finishing_the_last_activity_ends_the_process(probe: Sandbox) -> None:
    probe.launch()
    start = len(probe.log.lines)
    probe.backend.driver.press_back()
    ended = probe.log.wait_for_exit()
    assert (ended.exit_code, ended.reason, ended.detail) == (0, "exited", "last activity finished")
    assert probe.log.lifecycle(start) == [
        "org.probe.MainActivity.onPause()", "org.probe.MainActivity.onStop()", "org.probe.MainActivity.onDestroy()",
    ]


def test_stop_app_kills_and_reports_every_process(probe: Sandbox) -> None:
    gate = RecordingGate(probe.log)
    probe.launch(gate)
    probe.tap(PROBE + "start_push")
    probe.log.wait_for(r"Probe: push service started #1")
    assert len(probe.backend.processes()) == 2
    probe.backend.stop_app()
    assert sorted((e.name, e.reason) for e in probe.log.exits) == [("org.probe", "killed"), ("org.probe:push", "killed")]
    assert probe.backend.processes() == []
    with pytest.raises(StepFailed, match="not running"):
        probe.backend.move_to_background()


def test_no_app_class_is_loaded_before_the_gate_returns(probe: Sandbox) -> None:
    gate = RecordingGate(probe.log, hold_seconds=0.5)
    probe.launch(gate)
    assert len(gate.calls) == 1 and gate.calls[0].name == "org.probe"
    during_gate = "\n".join(gate.log_at_return[0])
    assert "Start proc" in during_gate
    assert "static init" not in during_gate and "Lifecycle" not in during_gate
    assert probe.log.wait_for(r"Probe: ProbeApplication static init")


def test_a_colon_process_service_runs_in_its_own_gated_process(probe: Sandbox) -> None:
    gate = RecordingGate(probe.log, hold_seconds=0.3)
    probe.launch(gate)
    main_pid = gate.calls[0].pid
    probe.tap(PROBE + "start_push")
    created = probe.log.wait_for(r"Probe: push service created in process org\.probe:push")
    assert [call.name for call in gate.calls] == ["org.probe", "org.probe:push"]
    push_pid = gate.calls[1].pid
    assert push_pid != main_pid and created.split()[1] == str(push_pid)
    # The service's process, like every process of an Android app, creates the Application first.
    assert "Lifecycle" not in "\n".join(line for line in gate.log_at_return[1] if f" {push_pid} " in line)
    probe.log.wait_for(r"Probe: push service started #1")
    probe.tap(PROBE + "start_push")
    probe.log.wait_for(r"Probe: push service started #2")
    assert len(gate.calls) == 2
    assert {info.name for info in probe.backend.processes()} == {"org.probe", "org.probe:push"}


def test_device_and_app_info(probe: Sandbox) -> None:
    device = probe.backend.device_info()
    assert device.backend == "sandbox" and device.api_level == 30 and device.android_version == "11"
    assert "17." in device.runtime
    app = probe.backend.app_info()
    assert (app.package, app.label, app.version_name, app.version_code) == ("org.probe", "Probe", "0.7", 7)
    assert app.permissions == [
        "android.permission.ACCESS_FINE_LOCATION", "android.permission.ACCESS_COARSE_LOCATION",
        "android.permission.READ_PHONE_STATE", "android.permission.INTERNET",
    ]
    assert app.components == ["org.probe.MainActivity", "org.probe.SecondActivity", "org.probe.PushService"]


def test_close_leaves_nothing_running(sandbox_cache: Path) -> None:
    from auditor.devices.sandbox import SandboxBackend

    backend = SandboxBackend(APPS / "probe", cache_dir=sandbox_cache)
    backend.launch_app(lambda _info: None)
    pid = backend.processes()[0].pid
    work = backend.data_dir.parent
    assert work.is_dir()
    backend.close()
    assert not work.exists()
    assert subprocess.run(["kill", "-0", str(pid)], capture_output=True, check=False).returncode != 0


# ------------------------------------------------------------------------------------------------------------
# The bundled demo app behaves as its README says


SHOP = "com.example.shop:id/"


@pytest.fixture
def shop(open_sandbox: Callable[[Path], Sandbox]) -> Sandbox:
    return open_sandbox(demo_app())


def test_demo_privacy_dialog_and_refusal(shop: Sandbox) -> None:
    shop.launch()
    screen = shop.screen()
    assert shop.log.wait_for(r"AdSdk: initialised")
    assert shop.log.wait_for(r"TrackMetrics: session started; 9 apps")
    assert screen.text("android:id/alertTitle") == "Privacy Policy"
    assert screen.text("android:id/message") == (
        "Shop and its partners use your device information to personalise ads and measure usage. "
        "Read our Privacy Policy and User Agreement before you continue.")
    assert (screen.text("android:id/button1"), screen.text("android:id/button2")) == ("Agree", "Disagree")
    shop.backend.driver.press_back()
    assert len(shop.screen().windows) == 2, "the dialog is not cancelable"
    mark = len(shop.log.lines)
    screen = shop.tap("android:id/button2")
    assert len(screen.windows) == 1
    assert screen.text(SHOP + "welcome") == "Welcome to Shop"
    assert screen.text(SHOP + "status") == "Browse-only mode"
    refused = shop.log.wait_for(r"TrackMetrics: consent refused", after=mark)
    sampled = shop.log.wait_for(r"TrackMetrics: clipboard sampled \(18 chars, consent=false\)", after=mark)
    assert 0.9 <= float(sampled.split()[0]) - float(refused.split()[0]) < 5
    shop.backend.reset_app(clear_data=False)
    shop.launch()
    assert shop.screen().text("android:id/alertTitle") == "Privacy Policy"


def test_demo_agree_deny_location_then_nearby_stores(shop: Sandbox) -> None:
    shop.launch()
    screen = shop.tap("android:id/button1")
    assert screen.text(PERM + "permission_message") == "Allow Shop to access this device\u2019s location?"
    shop.tap(PERM + "permission_deny_button")
    assert shop.status() == "Location unavailable"
    screen = shop.tap(SHOP + "nearby_stores")
    assert "permission_deny_and_dont_ask_again_button" in _permission_buttons(screen)
    shop.tap(PERM + "permission_allow_foreground_only_button")
    assert shop.status() == "Stores near 31.2304, 121.4737"
    assert shop.tap(SHOP + "paste_coupon").text(SHOP + "status") == "Coupon applied: SPRING-2024-SAVE15"
    shop.backend.reset_app(clear_data=False)
    shop.launch()
    assert len(shop.screen().windows) == 1, "the agreement is remembered"
    assert shop.tap(SHOP + "nearby_stores").text(SHOP + "status") == "Stores near 31.2304, 121.4737"


# ------------------------------------------------------------------------------------------------------------
# Real Frida


def _frida_probe_bundle(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Compile the probe agent; frida-java-bridge comes from the hooks project when installed, else from npm."""
    frida = pytest.importorskip("frida")
    project = tmp_path_factory.mktemp("frida-probe")
    source = Path(__file__).parent / "frida_probe"
    for name in ("package.json", "probe.ts"):
        shutil.copy(source / name, project / name)
    installed = hooks_project() / "node_modules"
    if (installed / "frida-java-bridge" / "package.json").is_file():
        (project / "node_modules").symlink_to(installed, target_is_directory=True)
    else:
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("frida-java-bridge is not installed (make agent) and npm is not available to fetch it")
        subprocess.run([npm, "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=project, check=True,
                       capture_output=True, timeout=300)
    bundle: str = frida.Compiler().build("probe.ts", project_root=str(project))
    return bundle


@pytest.mark.integration
def test_frida_hook_loaded_in_the_gate_sees_a_static_initializer_read(
    open_sandbox: Callable[[Path], Sandbox], tmp_path_factory: pytest.TempPathFactory
) -> None:
    import frida

    bundle = _frida_probe_bundle(tmp_path_factory)
    sandbox = open_sandbox(APPS / "static-imei")
    messages: list[dict[str, Any]] = []
    sessions: list[Any] = []

    def attach(info: ProcessInfo) -> None:
        session = frida.attach(info.pid)
        sessions.append(session)
        script = session.create_script(bundle)
        script.on("message", lambda message, _data: messages.append(message))
        script.load()
        assert script.exports_sync.install() == 2

    gate = RecordingGate(sandbox.log, action=attach)
    sandbox.launch(gate)
    sandbox.log.wait_for(r"EarlyActivity: IMEI read failed: java\.lang\.SecurityException")
    deadline = time.monotonic() + 10
    while not messages and time.monotonic() < deadline:
        time.sleep(0.05)
    calls = [m["payload"] for m in messages if m.get("type") == "send"]
    assert len(calls) == 1, messages
    call = calls[0]
    assert call["api"] == "getImei" and "SecurityException" in call["threw"]
    assert "org.probe.imei.EarlyActivity.<clinit>(EarlyActivity.java:15)" in call["stack"]
    assert any(frame.startswith("android.app.ActivityThread.launchActivity(") for frame in call["stack"])
    for session in sessions:
        session.detach()
