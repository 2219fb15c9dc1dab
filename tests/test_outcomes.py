"""How one audit ended, case by case: what is about the app (done), about the infrastructure (retry elsewhere) or a
bug of the tool (no retry). Frida's failures are the real messages users reported (tests/fixtures/android)."""

from __future__ import annotations

import errno

import pytest

from auditor.devices.android_adb import DeviceLost
from auditor.errors import DeviceError, EnvironmentProblem, InputError, StepFailed
from auditor.outcomes import (
    EXIT_DONE,
    EXIT_INFRASTRUCTURE,
    EXIT_TOOL_BUG,
    EXIT_USAGE,
    classify_exception,
    classify_exit,
    classify_run,
)
from auditor.testing.fixtures import android_fixture


def _frida_messages() -> list[tuple[str, str]]:
    found = []
    for line in android_fixture("frida-errors/frida-error-messages.txt").read_text(encoding="utf-8").splitlines():
        if not line.startswith('"'):
            continue
        quoted, _, comment = line.partition("\t# ")
        found.append((quoted.strip('"'), comment.split(" | ")[0]))
    return found


FRIDA_MESSAGES = _frida_messages()


def test_the_fixture_holds_every_category() -> None:
    assert {category for _, category in FRIDA_MESSAGES} == {
        "version-mismatch", "server-not-running", "need-gadget", "front-door", "no-libc"}


@pytest.mark.parametrize(("message", "category"), FRIDA_MESSAGES)
def test_real_frida_failures(message: str, category: str) -> None:
    # As the Android backend raises them: a DeviceError carrying Frida's message.
    outcome = classify_exception(DeviceError(f"Frida cannot reach usb device emulator-5554: {message}"))
    expected = {
        "version-mismatch": ("infrastructure", "frida-version-mismatch"),
        "server-not-running": ("infrastructure", "frida-server-not-running"),
        "need-gadget": ("infrastructure", "frida-need-gadget"),
        "front-door": ("app", "no-launcher-activity"),
        "no-libc": ("app", "not-instrumentable"),
    }[category]
    assert (outcome.kind, outcome.reason) == expected
    assert outcome.exit_code == (EXIT_INFRASTRUCTURE if expected[0] == "infrastructure" else EXIT_DONE)


@pytest.mark.parametrize(("code", "kind", "reason"), [
    ("INSTALL_FAILED_NO_MATCHING_ABIS", "app", "install-refused"),
    ("INSTALL_FAILED_OLDER_SDK", "app", "install-refused"),
    ("INSTALL_PARSE_FAILED_NO_CERTIFICATES", "app", "install-refused"),
    ("INSTALL_FAILED_VERSION_DOWNGRADE", "app", "install-refused"),
    ("INSTALL_FAILED_UPDATE_INCOMPATIBLE", "app", "install-refused"),
    ("INSTALL_FAILED_INSUFFICIENT_STORAGE", "infrastructure", "disk-full"),
    ("INSTALL_FAILED_USER_RESTRICTED", "infrastructure", "install-failed-on-device"),
    ("Unknown", "infrastructure", "install-failed-on-device"),
])
def test_install_failures(code: str, kind: str, reason: str) -> None:
    # The Android backend's words around adbutils' AdbInstallError.reason.
    error = DeviceError(f"installing news-3.2.apk on device emulator-5554 failed: {code}")
    outcome = classify_exception(error, opening_app=True)
    assert (outcome.kind, outcome.reason) == (kind, reason)


def test_device_lost_is_infrastructure() -> None:
    outcome = classify_exception(DeviceLost("device emulator-5554 was lost: device 'emulator-5554' not found"))
    assert (outcome.kind, outcome.reason, outcome.exit_code) == ("infrastructure", "device-lost", EXIT_INFRASTRUCTURE)
    assert outcome.retry


def test_a_device_that_stops_answering_is_infrastructure() -> None:
    outcome = classify_exception(DeviceError("device emulator-5554: `ps -A` did not finish within 60 s"))
    assert (outcome.kind, outcome.reason) == ("infrastructure", "device-failure")


def test_the_agent_refusing_its_configuration_is_a_tool_bug() -> None:
    message = ("cannot install hooks in process org.mini (pid 13350): Error: init: entries[60].match must be "
               "{arg, equals} at <anonymous> (src/index.ts:48:23)")
    outcome = classify_exception(DeviceError(message))
    assert (outcome.kind, outcome.reason, outcome.exit_code) == ("tool-bug", "agent-failure", EXIT_TOOL_BUG)
    assert not outcome.retry


def test_an_app_that_dies_before_it_can_be_hooked_is_an_app_outcome() -> None:
    error = DeviceError("sandbox process org.mini ended before it connected (exit code 1): Exception in thread")
    assert classify_exception(error).reason == "app-crashed"


def test_step_failures_and_broken_apps_are_app_outcomes() -> None:
    assert classify_exception(StepFailed("cannot move the app to the background: org.x is not running")).kind == "app"
    broken = InputError("cannot find symbol", where="apps/x/src/Main.java:12")
    assert (classify_exception(broken, opening_app=True).kind,
            classify_exception(broken, opening_app=True).reason) == ("app", "app-unusable")
    assert classify_exception(broken).exit_code == EXIT_USAGE


def test_host_problems_are_infrastructure() -> None:
    assert classify_exception(EnvironmentProblem("no `java` on PATH")).reason == "environment"
    full = OSError(errno.ENOSPC, "No space left on device")
    assert (classify_exception(full).kind, classify_exception(full).reason) == ("infrastructure", "disk-full")
    unusable_cache = NotADirectoryError(errno.ENOTDIR, "Not a directory", "/cache/sandbox")
    assert classify_exception(unusable_cache).kind == "infrastructure"
    assert classify_exception(KeyboardInterrupt()).reason == "interrupted"


def test_frida_transport_errors_by_type() -> None:
    import frida

    outcome = classify_exception(frida.TransportError("connection closed"))
    assert (outcome.kind, outcome.reason) == ("infrastructure", "frida-transport-lost")


def test_anything_unexpected_is_a_tool_bug() -> None:
    outcome = classify_exception(KeyError("phase"))
    assert (outcome.kind, outcome.exit_code) == ("tool-bug", EXIT_TOOL_BUG)
    assert "KeyError" in outcome.message
    # A missing file that is not about storage is a bug too: retrying it elsewhere would not help.
    assert classify_exception(FileNotFoundError(errno.ENOENT, "No such file", "findings.json")).kind == "tool-bug"


def test_runs_that_ended() -> None:
    assert classify_run("completed", "", []).reason == "completed"
    crashed = classify_run("step-failed", "scenario.yaml:2: the app is not running",
                           [("crashed", "java.lang.IllegalStateException: boom")])
    assert (crashed.kind, crashed.reason, crashed.message) == ("app", "app-crashed",
                                                              "java.lang.IllegalStateException: boom")
    exited = classify_run("step-failed", "scenario.yaml:3: the app is not running", [("exited", "System.exit(0)")])
    assert (exited.kind, exited.reason) == ("app", "app-exited")
    assert "System.exit(0)" in exited.message
    assert classify_run("step-failed", "scenario.yaml:4: nothing matching", []).reason == "step-failed"


@pytest.mark.parametrize(("returncode", "timed_out", "kind", "reason"), [
    (0, False, "app", "done"),
    (75, False, "infrastructure", "infrastructure"),
    (1, False, "tool-bug", "internal-error"),
    (2, False, "usage", "usage"),
    (70, False, "tool-bug", "internal-error"),
    (-9, False, "infrastructure", "worker-killed"),
    (137, False, "infrastructure", "worker-killed"),
    (-15, True, "infrastructure", "timeout"),
    (None, False, "infrastructure", "worker-killed"),
])
def test_process_ends(returncode: int | None, timed_out: bool, kind: str, reason: str) -> None:
    outcome = classify_exit(returncode, timed_out=timed_out)
    assert (outcome.kind, outcome.reason) == (kind, reason)
