"""adb: finding the device, running shell commands with their exit code, and what the shell tells about the device
and the app (properties, root, users, processes, `dumpsys package`).

With `android.py` the only module that imports adbutils. The adbutils device object is the seam tests replace:
`AdbDeviceLike` lists the part of its API used here, and tests hand in a fake that replays real outputs.
"""

from __future__ import annotations

import re
import shlex
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from auditor.devices.android_dumpsys import PackageDump, decode_output, parse_package_dump
from auditor.errors import DeviceError, EnvironmentProblem

SHELL_TIMEOUT_S = 60.0
STREAM_POLL_S = 1.0
"""How often a streamed command's reader looks up from a silent stream (to stop when asked)."""
_PROPERTY = re.compile(r"^\[(?P<key>[^\]]+)\]: \[(?P<value>.*)\]$")


class AdbDeviceLike(Protocol):
    """What this package calls on an `adbutils.AdbDevice`."""

    @property
    def serial(self) -> str | None: ...

    def shell2(self, cmdargs: str, timeout: float | None = ..., encoding: str | None = ...) -> Any: ...

    def shell(self, cmdargs: str, stream: bool = ..., timeout: float | None = ...) -> Any: ...

    def push(self, local: str, remote: str) -> Any: ...

    def root(self) -> Any: ...

    def forward(self, local: str, remote: str, norebind: bool = ...) -> Any: ...

    def forward_remove(self, local: str, raise_non_found: bool = ...) -> None: ...

    def install(self, path_or_url: str, nolaunch: bool = ..., uninstall: bool = ..., silent: bool = ...,
                callback: Any = ..., flags: list[str] = ...) -> None: ...

    @property
    def sync(self) -> Any: ...


@dataclass(frozen=True)
class ShellResult:
    command: str
    code: int
    output: str

    @property
    def ok(self) -> bool:
        return self.code == 0

    @property
    def one_line(self) -> str:
        return " ".join(self.output.split()) or f"exit code {self.code}"


@dataclass(frozen=True)
class AttachedDevice:
    """A line of `adb devices -l`."""

    serial: str
    state: str
    """`device` when usable; `unauthorized`, `offline`, `recovery`... otherwise."""
    model: str = ""


class DeviceLost(DeviceError):
    """adb lost the device (unplugged, emulator closed, network gone) while talking to it."""


def adb_client() -> Any:
    """The adb server client (127.0.0.1:5037, or $ANDROID_ADB_SERVER_HOST/PORT); adbutils starts the server with
    its bundled adb when none runs."""
    import socket
    import subprocess

    import adbutils

    client = adbutils.AdbClient()
    try:
        socket.create_connection((client.host, client.port), timeout=1).close()
    except OSError:
        # Start it here, quietly: adbutils would, but with adb's own start-up chatter on the terminal.
        try:
            subprocess.run([adbutils.adb_path(), "-P", str(client.port), "start-server"], capture_output=True,
                           timeout=30, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise EnvironmentProblem(f"cannot start the adb server: {exc}") from None
    return client


def list_attached(client: Any) -> list[AttachedDevice]:
    """Every device adb knows, usable or not. Raises EnvironmentProblem when the adb server cannot be reached."""
    import adbutils

    try:
        infos = client.list(extended=True)
    except (adbutils.AdbError, OSError) as exc:
        raise EnvironmentProblem(
            f"cannot reach the adb server ({_one_line(exc)}): start it with `adb start-server`, or set "
            "ANDROID_ADB_SERVER_PORT to the port yours listens on"
        ) from None
    return [AttachedDevice(info.serial, info.state, info.tags.get("model", "")) for info in infos]


_STATE_FIXES = {
    "unauthorized": "accept the 'Allow USB debugging?' prompt on the device, then retry",
    "offline": "reconnect the cable or restart the emulator; `adb kill-server` then `adb devices` often helps",
    "recovery": "boot the device into Android",
    "sideload": "boot the device into Android",
    "bootloader": "boot the device into Android",
    "authorizing": "wait a few seconds for adb to authorise the device, then retry",
}


def select_device(client: Any, serial: str | None) -> AdbDeviceLike:
    """The device to audit on: `serial` (connected over TCP first when it is a `host:port` adb does not know yet),
    else the only usable device. One-line DeviceError when there is none, several, or it is not usable."""
    attached = list_attached(client)
    if serial and serial not in {device.serial for device in attached} and _is_address(serial):
        answer = _connect(client, serial)
        attached = _wait_until_usable(client, serial)
        if serial not in {device.serial for device in attached}:
            raise DeviceError(f"adb connect {serial} failed: {answer or 'no answer'} (is adbd listening on that port?)")
    if serial:
        found = next((device for device in attached if device.serial == serial), None)
        if found is None:
            known = ", ".join(device.serial for device in attached) or "none"
            raise DeviceError(f"no device {serial!r} attached (adb devices lists: {known})")
        _require_usable(found)
        return client.device(serial=serial)  # type: ignore[no-any-return]
    usable = [device for device in attached if device.state == "device"]
    if not usable:
        if attached:
            _require_usable(attached[0])
        raise DeviceError(
            "no Android device is attached: start an emulator or plug in a device with USB debugging on "
            "(`adb devices` must list it), or name a remote one with --serial HOST:PORT"
        )
    if len(usable) > 1:
        serials = ", ".join(device.serial for device in usable)
        raise DeviceError(f"several devices are attached ({serials}): choose one with --serial")
    return client.device(serial=usable[0].serial)  # type: ignore[no-any-return]


CONNECT_WAIT_S = 10.0
"""How long a device just connected over TCP may stay `offline` or `authorizing` before it is usable."""


def _wait_until_usable(client: Any, serial: str) -> list[AttachedDevice]:
    """The device list once `serial` is usable, or as it is when CONNECT_WAIT_S has passed (or it is not listed):
    right after `adb connect`, adb lists a remote device `offline` until its transport is up."""
    deadline = time.monotonic() + CONNECT_WAIT_S
    while True:
        attached = list_attached(client)
        found = next((device for device in attached if device.serial == serial), None)
        if found is None or found.state == "device" or time.monotonic() >= deadline:
            return attached
        time.sleep(0.25)


def _require_usable(device: AttachedDevice) -> None:
    if device.state != "device":
        fix = _STATE_FIXES.get(device.state, "check it with `adb devices`")
        raise DeviceError(f"device {device.serial} is {device.state}: {fix}")


def _is_address(serial: str) -> bool:
    host, separator, port = serial.rpartition(":")
    return bool(separator and host and port.isdigit())


def _connect(client: Any, address: str) -> str:
    import adbutils

    try:
        return str(client.connect(address, timeout=15)).strip()
    except (adbutils.AdbError, OSError) as exc:
        raise DeviceError(f"adb connect {address} failed: {_one_line(exc)}") from None


class Shell:
    """Shell commands on one device, with exit codes; adb transport failures become DeviceLost."""

    def __init__(self, device: AdbDeviceLike) -> None:
        self.device = device
        self.serial = str(device.serial or "")
        self._properties: dict[str, str] | None = None
        self._lock = threading.Lock()
        self.lost: str | None = None
        """Why the device was lost, once it was."""

    def run(self, command: str, timeout: float = SHELL_TIMEOUT_S) -> ShellResult:
        import adbutils

        if self.lost is not None:
            raise DeviceLost(f"device {self.serial} was lost: {self.lost}")
        try:
            raw = self.device.shell2(command, timeout=timeout, encoding=None)
        except adbutils.AdbTimeout:
            raise DeviceError(f"device {self.serial}: `{command}` did not finish within {timeout:g} s") from None
        except (adbutils.AdbError, OSError) as exc:
            self.lost = _one_line(exc)
            raise DeviceLost(f"device {self.serial} was lost: {self.lost}") from None
        output = raw.output if isinstance(raw.output, bytes) else str(raw.output).encode("utf-8")
        return ShellResult(command, int(raw.returncode), decode_output(output))

    def check(self, command: str, what: str, timeout: float = SHELL_TIMEOUT_S) -> ShellResult:
        """Run `command`; DeviceError naming `what` when it fails."""
        result = self.run(command, timeout)
        if not result.ok:
            raise DeviceError(f"device {self.serial}: {what} failed (`{command}`: {result.one_line})")
        return result

    # Properties --------------------------------------------------------------------------------------------
    def properties(self) -> dict[str, str]:
        with self._lock:
            if self._properties is None:
                self._properties = parse_getprop(self.run("getprop").output)
            return self._properties

    def prop(self, name: str) -> str:
        return self.properties().get(name, "")

    @property
    def abi(self) -> str:
        return self.prop("ro.product.cpu.abi")

    @property
    def api_level(self) -> int | None:
        value = self.prop("ro.build.version.sdk")
        return int(value) if value.isdigit() else None

    # Root --------------------------------------------------------------------------------------------------
    def is_root_shell(self) -> bool:
        """adbd runs as root (`adb root` on a google_apis emulator or a userdebug build)."""
        return self.run("id -u").output.strip() == "0"

    def su_command(self, command: str) -> str | None:
        """`command` as root: as it is in a root shell, through `su` when the device has one, else None."""
        if self.is_root_shell():
            return command
        for form in ("su 0 sh -c {}", "su -c {}"):
            probe = self.run(form.format(shlex.quote("id -u")))
            said = probe.output.strip().splitlines()
            if probe.ok and said and said[-1].strip() == "0":  # uid 0 itself, not 2000 or 10000 ending in 0
                return form.format(shlex.quote(command))
        return None

    def try_adb_root(self) -> str:
        """Ask adbd to restart as root; what it answered (production builds refuse)."""
        import adbutils

        try:
            return str(self.device.root()).strip()
        except (adbutils.AdbError, OSError) as exc:
            return _one_line(exc)

    # Users, packages, processes ----------------------------------------------------------------------------
    def current_user(self) -> int:
        """The foreground user (apps run as user 10 on many cars and shared tablets, not 0)."""
        result = self.run("am get-current-user")
        text = result.output.strip()
        return int(text) if result.ok and text.isdigit() else 0

    def package_installed(self, package: str, user: int) -> bool:
        return self.run(f"pm path --user {user} {shlex.quote(package)}").output.strip().startswith("package:")

    def dumpsys_package(self, package: str) -> PackageDump:
        return parse_package_dump(self.run(f"dumpsys package {shlex.quote(package)}").output)

    def processes(self) -> list[tuple[int, str]]:
        """(pid, name) of every process (`ps -A`; older devices list all with plain `ps`)."""
        result = self.run("ps -A")
        if not result.ok or len(result.output.splitlines()) <= 2:
            result = self.run("ps")
        return parse_ps(result.output)

    def pids_of(self, name: str) -> list[int]:
        return [pid for pid, process in self.processes() if process == name]

    def stream(self, command: str, stop: Callable[[], bool]) -> Iterator[str]:
        """Lines of a long-running command (logcat) until it ends, the connection drops, or `stop()` is true.

        adbutils leaves its 600 s socket timeout on a streamed shell: a command silent that long (a logcat while the
        app does nothing) would end the stream. The socket is read with a short timeout instead, so silence of any
        length is waited out and `stop` is looked at every STREAM_POLL_S."""
        import adbutils

        try:
            connection = self.device.shell(command, stream=True)
        except (adbutils.AdbError, OSError):
            return
        sock = connection.conn
        pending = b""
        try:
            sock.settimeout(STREAM_POLL_S)
            while not stop():
                try:
                    chunk = sock.recv(65536)
                except TimeoutError:
                    continue
                except OSError:
                    return
                if not chunk:
                    break
                *lines, pending = (pending + chunk).split(b"\n")
                for raw in lines:
                    yield raw.decode("utf-8", errors="replace").rstrip("\r")
            if pending and not stop():
                yield pending.decode("utf-8", errors="replace").rstrip("\r")
        finally:
            connection.close()


def parse_getprop(text: str) -> dict[str, str]:
    """`getprop` output (`[ro.product.model]: [Pixel 7]`, one per line) as a dict."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        match = _PROPERTY.match(line.strip())
        if match:
            found[match["key"]] = match["value"]
    return found


def parse_ps(text: str) -> list[tuple[int, str]]:
    """(pid, name) from `ps` output: PID is the second column and NAME the last, in toybox and toolbox alike."""
    found: list[tuple[int, str]] = []
    for line in text.splitlines()[1:]:
        fields = line.split()
        if len(fields) >= 3 and fields[1].isdigit():
            found.append((int(fields[1]), fields[-1]))
    return found


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def free_local_port() -> int:
    """A TCP port of this machine nothing listens on now: the local end of an `adb forward`."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
