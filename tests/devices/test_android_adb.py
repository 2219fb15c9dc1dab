"""adb: choosing the device (a remote one connected first, and waited for while adb lists it offline), and telling
root from the shell's answers."""

from __future__ import annotations

import re

import adbutils
import pytest

from auditor.devices import android_adb
from auditor.devices.android_adb import Shell, select_device
from auditor.errors import DeviceError
from tests.devices.android_support import FakeAdbDevice, ShellAnswer


class RemoteClient:
    """The adb server as adbutils' AdbClient answers it: `adb connect HOST:PORT` adds the device, listed `offline`
    for the first `offline_lists` listings while its transport comes up."""

    def __init__(self, offline_lists: int) -> None:
        self.offline_lists = offline_lists
        self.connected: list[str] = []

    def connect(self, address: str, timeout: float | None = None) -> str:
        self.connected.append(address)
        return f"connected to {address}"

    def list(self, extended: bool = False) -> list[adbutils.AdbDeviceInfo]:
        if not self.connected:
            return []
        state = "offline" if self.offline_lists > 0 else "device"
        self.offline_lists -= 1
        return [adbutils.AdbDeviceInfo(serial=self.connected[0], state=state, tags={})]

    def device(self, serial: str) -> FakeAdbDevice:
        return FakeAdbDevice([], serial=serial)


def test_a_remote_device_is_waited_for_while_it_is_offline_after_adb_connect() -> None:
    client = RemoteClient(offline_lists=3)
    device = select_device(client, "10.0.0.7:5555")
    assert client.connected == ["10.0.0.7:5555"] and device.serial == "10.0.0.7:5555"


def test_a_remote_device_that_stays_offline_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(android_adb, "CONNECT_WAIT_S", 0.3)
    with pytest.raises(DeviceError, match=r"^device 10.0.0.7:5555 is offline: reconnect"):
        select_device(RemoteClient(offline_lists=1000), "10.0.0.7:5555")


@pytest.mark.parametrize(("root", "command"), [
    (True, "id -u"),                 # adbd runs as root
    ("su", "su 0 sh -c 'id -u'"),    # AOSP userdebug su: a uid, then the command
    ("magisk", "su 0 sh -c 'id -u'"),
    (False, None),
])
def test_root_by_adbd_or_su(root: bool | str, command: str | None) -> None:
    assert Shell(FakeAdbDevice([], root=root)).su_command("id -u") == command


def test_a_su_that_answers_another_uid_is_no_root() -> None:
    """A `su` that runs the command without changing user answers the shell's uid, 2000, which ends in 0."""
    device = FakeAdbDevice([], root=False)
    device.extra.append((re.compile(r"^su "), lambda _command: ShellAnswer(0, b"2000\n")))
    assert Shell(device).su_command("id -u") is None
