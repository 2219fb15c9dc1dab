"""frida-server: the cached binary checked (ELF machine, version), pushed, started as root, verified; every known
Frida failure, as users reported it, explained with its fix."""

from __future__ import annotations

import lzma
import re
import shutil
from pathlib import Path

import pytest

from auditor.devices.android_adb import Shell
from auditor.devices.android_server import (
    PROBLEMS,
    ServerManager,
    ServerSettings,
    cached_server_path,
    classify_frida_error,
    elf_arch,
    explain_frida_error,
    explain_shell_failure,
    install_server_binary,
)
from auditor.errors import DeviceError, EnvironmentProblem, InputError
from auditor.testing.fixtures import android_fixture
from tests.devices.android_support import FakeAdbDevice

VERSION = "17.25.2"
HOST_ELF = Path(shutil.which("true") or "/bin/true")


def elf_for(machine: int, tmp_path: Path, name: str) -> Path:
    """A real ELF executable of this machine with its e_machine set to `machine` (183 arm64, 40 arm, 3 x86)."""
    data = bytearray(HOST_ELF.read_bytes())
    data[18:20] = machine.to_bytes(2, "little")
    if machine in (40, 3):
        data[4] = 1  # 32-bit class
    path = tmp_path / name
    path.write_bytes(bytes(data))
    return path


# ------------------------------------------------------------------------------------------------------------
# Known failures


def error_lines(name: str = "frida-error-messages.txt") -> list[tuple[str, str]]:
    lines = android_fixture(f"frida-errors/{name}").read_text(encoding="utf-8").splitlines()
    found = []
    for line in lines:
        match = re.match(r'^"(?P<message>.*)"\t# (?P<category>[\w-]+) \|', line)
        if match:
            found.append((match["message"], match["category"]))
    return found


def test_fixture_holds_every_category() -> None:
    assert len(error_lines()) == 28
    assert {category for _, category in error_lines()} == {
        "version-mismatch", "server-not-running", "need-gadget", "front-door", "no-libc"}


@pytest.mark.parametrize(("message", "category"), error_lines())
def test_every_reported_frida_error_is_explained(message: str, category: str) -> None:
    assert classify_frida_error(message) == category
    explanation = explain_frida_error(message)
    assert explanation == PROBLEMS[category] and "\n" not in explanation


@pytest.mark.parametrize(("message", "category"), error_lines("frida-spawn-messages.txt"))
def test_every_reported_spawn_error_is_explained(message: str, category: str) -> None:
    assert classify_frida_error(message) == category
    assert explain_frida_error(message) == PROBLEMS[category]


def test_the_shell_fixtures_hold_every_shell_category() -> None:
    assert {category for _, category in error_lines("frida-server-shell-output.txt")} == {
        "wrong-arch", "packed", "no-root", "selinux", "port-in-use"}


@pytest.mark.parametrize(("output", "category"), error_lines("frida-server-shell-output.txt")
                         + error_lines("logcat-selinux-denials.txt"))
def test_every_reported_shell_failure_is_explained(output: str, category: str) -> None:
    assert explain_shell_failure(output) == PROBLEMS[category]


def test_a_server_started_without_root_is_explained_by_root_before_the_port_it_found_taken() -> None:
    """frida-server started as the shell user, with one already running (frida/frida#1885, both lines)."""
    output = ("Unable to load SELinux policy from the kernel: Failed to open file ?/sys/fs/selinux/policy?: Permission "
              "denied\nUnable to start: Error binding to address 127.0.0.1:27042: Address already in use\n")
    assert explain_shell_failure(output) == PROBLEMS["selinux"]


def test_unknown_message_is_not_explained() -> None:
    assert explain_frida_error("something else went wrong") is None


# ------------------------------------------------------------------------------------------------------------
# The cache


def test_elf_machine_of_real_and_patched_binaries(tmp_path: Path) -> None:
    assert elf_arch(HOST_ELF.read_bytes(), "host") in ("x86_64", "arm64")
    assert elf_arch(elf_for(183, tmp_path, "a").read_bytes(), "a") == "arm64"
    assert elf_arch(elf_for(40, tmp_path, "b").read_bytes(), "b") == "arm"
    with pytest.raises(InputError, match="not a frida-server binary"):
        elf_arch(b"#!/bin/sh\necho hi\n" * 3, "script")


def test_install_xz_release_into_cache(tmp_path: Path) -> None:
    binary = elf_for(62, tmp_path, "raw")
    source = tmp_path / f"frida-server-{VERSION}-android-x86_64.xz"
    source.write_bytes(lzma.compress(binary.read_bytes(), format=lzma.FORMAT_XZ))
    installed = install_server_binary(source, VERSION, expected_arch="x86_64", cache=tmp_path / "cache")
    assert installed == cached_server_path(VERSION, "x86_64", tmp_path / "cache")
    assert installed.read_bytes() == binary.read_bytes() and installed.stat().st_mode & 0o111


def test_arm_binary_for_x86_64_device_is_refused(tmp_path: Path) -> None:
    source = elf_for(183, tmp_path, f"frida-server-{VERSION}-android-arm64")
    with pytest.raises(InputError, match="built for arm64, the device needs x86_64"):
        install_server_binary(source, VERSION, expected_arch="x86_64", cache=tmp_path / "cache")


def test_other_version_is_refused(tmp_path: Path) -> None:
    source = elf_for(62, tmp_path, "frida-server-16.1.4-android-x86_64")
    with pytest.raises(InputError, match="this is frida-server 16.1.4, but the installed frida is 17.25.2"):
        install_server_binary(source, VERSION, cache=tmp_path / "cache")


def test_name_and_machine_must_agree(tmp_path: Path) -> None:
    source = elf_for(62, tmp_path, f"frida-server-{VERSION}-android-arm64")
    with pytest.raises(InputError, match="the name says arm64 but the binary is built for x86_64"):
        install_server_binary(source, VERSION, cache=tmp_path / "cache")


def test_unnamed_binary_without_version_is_refused(tmp_path: Path) -> None:
    source = elf_for(62, tmp_path, "server")
    with pytest.raises(InputError, match="cannot tell this binary's version"):
        install_server_binary(source, VERSION, cache=tmp_path / "cache")


# ------------------------------------------------------------------------------------------------------------
# On the device


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    folder = tmp_path / "cache"
    source = elf_for(62, tmp_path, f"frida-server-{VERSION}-android-x86_64")
    install_server_binary(source, VERSION, cache=folder)
    return folder


def manager(device: FakeAdbDevice, cache: Path, settings: ServerSettings | None = None) -> ServerManager:
    return ServerManager(Shell(device), VERSION, settings, cache)


def test_running_server_of_the_right_version_is_left_alone(cache: Path) -> None:
    journal: list[str] = []
    state = manager(FakeAdbDevice(journal), cache).ensure_running()
    assert state.running and state.installed_version == VERSION
    assert not any(entry.startswith(("adb push", "adb shell kill")) for entry in journal)


def test_missing_server_is_pushed_and_started_as_root(cache: Path) -> None:
    journal: list[str] = []
    device = FakeAdbDevice(journal, server_version=None, server_running=False)
    state = manager(device, cache).ensure_running()
    assert state.running and state.installed_version == VERSION
    steps = [e for e in journal if e.startswith(("adb push", "adb shell chmod", "adb shell /data/local/tmp/frida-server -D"))]
    assert steps == [f"adb push frida-server-{VERSION}-android-x86_64 /data/local/tmp/frida-server",
                     "adb shell chmod 755 /data/local/tmp/frida-server",
                     "adb shell /data/local/tmp/frida-server -D"]


def test_other_version_running_is_stopped_replaced_and_restarted(cache: Path) -> None:
    journal: list[str] = []
    device = FakeAdbDevice(journal, server_version="16.0.2")
    manager(device, cache).ensure_running()
    kill = journal.index("adb shell kill 4200")
    push = next(i for i, e in enumerate(journal) if e.startswith("adb push"))
    start = journal.index("adb shell /data/local/tmp/frida-server -D")
    assert kill < push < start


def test_alternate_name_and_port(cache: Path) -> None:
    journal: list[str] = []
    device = FakeAdbDevice(journal, server_version=None, server_running=False)
    settings = ServerSettings(name="fs-helper", port=27500)
    manager(device, cache, settings).ensure_running()
    assert f"adb push frida-server-{VERSION}-android-x86_64 /data/local/tmp/fs-helper" in journal
    assert "adb shell /data/local/tmp/fs-helper -D -l 127.0.0.1:27500" in journal


def test_no_root_is_explained(cache: Path) -> None:
    device = FakeAdbDevice([], root=False, server_version=None, server_running=False)
    with pytest.raises(DeviceError, match="needs root"):
        manager(device, cache).ensure_running()


def test_wrong_architecture_on_device_is_explained(cache: Path) -> None:
    device = FakeAdbDevice([], server_version=None, server_running=False)
    device.start_output = "/system/bin/sh: /data/local/tmp/frida-server: not executable: 32-bit ELF file\n"
    with pytest.raises(DeviceError, match="for another CPU"):
        manager(device, cache).ensure_running()


def test_missing_cached_binary_says_where_to_get_it(tmp_path: Path) -> None:
    device = FakeAdbDevice([], abi="arm64-v8a", server_version=None, server_running=False)
    with pytest.raises(EnvironmentProblem, match=rf"frida-server-{VERSION}-android-arm64\.xz .*server install"):
        manager(device, tmp_path / "empty").ensure_running()


def test_state_describes_mismatch(cache: Path) -> None:
    state = manager(FakeAdbDevice([], server_version="16.0.2"), cache).state()
    assert state.describe(VERSION) == f"running (16.0.2, frida is {VERSION})"


def shell_line(category: str, contains: str = "") -> str:
    """A real shell output of `category` from the fixtures."""
    return next(line for line, found in error_lines("frida-server-shell-output.txt")
                if found == category and contains in line)


def test_a_server_that_starts_and_ends_at_once_says_why_in_its_own_words(
        cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The right version is installed: the fault is not the version, and the server's own words say what it is."""
    monkeypatch.setattr("auditor.devices.android_server.START_WAIT_S", 0.3)
    journal: list[str] = []
    device = FakeAdbDevice(journal, server_running=False)
    device.server_stays_up = False
    device.foreground_output = shell_line("port-in-use", "127.0.0.1:27042") + "\n"
    with pytest.raises(DeviceError) as error:
        manager(device, cache).ensure_running()
    message = str(error.value)
    assert message.startswith(f"frida-server {VERSION} starts on device emulator-5554 but does not stay running "
                              "(it says: Unable to start: Error binding to address 127.0.0.1:27042")
    assert message.endswith(PROBLEMS["port-in-use"]) and "reports version" not in message
    assert "adb shell timeout 3 /data/local/tmp/frida-server" in journal  # as root: adbd runs as root here


def test_a_server_without_root_that_does_not_stay_up_is_explained_by_selinux(
        cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("auditor.devices.android_server.START_WAIT_S", 0.3)
    device = FakeAdbDevice([], root="magisk", server_running=False)
    device.server_stays_up = False
    device.foreground_output = shell_line("selinux", "Failed to open file") + "\n"
    with pytest.raises(DeviceError, match="does not stay running .* SELinux policy"):
        manager(device, cache).ensure_running()


def test_a_cached_binary_of_another_cpu_is_never_pushed(tmp_path: Path) -> None:
    """A file copied into the cache by hand under the x86_64 name, but built for arm64."""
    folder = tmp_path / "cache"
    folder.mkdir()
    wrong = elf_for(183, tmp_path, "arm64-build")
    shutil.copyfile(wrong, cached_server_path(VERSION, "x86_64", folder))
    journal: list[str] = []
    device = FakeAdbDevice(journal, server_version=None, server_running=False)
    device.props["ro.product.cpu.abilist"] = "x86_64,x86,arm64-v8a,armeabi-v7a,armeabi"
    with pytest.raises(EnvironmentProblem, match=r"is built for arm64, but device emulator-5554 runs x86_64 "
                                                 r"\(ABIs: x86_64,x86,arm64-v8a,armeabi-v7a,armeabi\)"):
        manager(device, folder).ensure_running()
    assert not any(entry.startswith("adb push") for entry in journal)


def test_a_cached_file_that_is_no_elf_is_never_pushed(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    cached_server_path(VERSION, "x86_64", folder).write_text("<html>Not Found</html>")
    device = FakeAdbDevice([], server_version=None, server_running=False)
    with pytest.raises(EnvironmentProblem, match="not a frida-server binary.*server install --from"):
        manager(device, folder).ensure_running()


def test_an_old_server_still_running_from_a_replaced_binary_is_restarted(cache: Path) -> None:
    """The binary at the device path is right, but the running server was started from an older one."""
    journal: list[str] = []
    device = FakeAdbDevice(journal)
    device.server_pids[4200] = "16.0.2"
    before = manager(device, cache).state()
    assert (before.installed_version, before.running_version) == (VERSION, "16.0.2")
    assert before.describe(VERSION) == f"running (16.0.2, frida is {VERSION}; the binary now at the device path is {VERSION})"
    state = manager(device, cache).ensure_running()
    assert "adb shell kill 4200" in journal and state.runs(VERSION) and state.running_pids != (4200,)
    assert state.running_version == VERSION


def test_the_running_version_is_read_through_su(cache: Path) -> None:
    device = FakeAdbDevice([], root="su")
    device.server_pids[4200] = "16.0.2"
    assert manager(device, cache).state().running_version == "16.0.2"


def test_without_root_the_running_version_is_unknown_and_the_installed_one_counts(cache: Path) -> None:
    device = FakeAdbDevice([], root=False)
    state = manager(device, cache).state()
    assert state.running_version is None and state.version == VERSION and state.runs(VERSION)
