"""Device slots of a batch: where one audit at a time runs. An Android device (by adb serial, a remote one by
HOST:PORT), or a sandbox slot (the JVM sandbox on this host, for testing and demonstrations).

Before every app a slot is reset (what the previous audit left is cleared away: its processes, the app it ran, a
crash dialog over the screen) and checked (preflight): a slot that fails its check is an infrastructure failure of
the device, not of the app, and the pool quarantines a device that fails K times in a row.
"""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from auditor.errors import DeviceError, EnvironmentProblem, InputError

if TYPE_CHECKING:
    from auditor.batch.applist import Job

BOOT_COMPLETED_PROPERTY = "sys.boot_completed"
MIN_FREE_BYTES = 512 * 1024 * 1024
"""Free space the output folder needs before an audit starts (screenshots and logs of one run, with margin)."""


SlotKind = Literal["android", "sandbox"]


class DeviceSlot(Protocol):
    @property
    def kind(self) -> SlotKind:
        """What it audits: `android:` targets on a device, or `sandbox:` apps on this host."""
        ...

    @property
    def name(self) -> str:
        """Unique within a batch: it names the worker, the device's state and the attempts made on it."""
        ...

    def run_one_arguments(self) -> list[str]:
        """What `run-one` is told about the device."""
        ...

    def environment(self) -> dict[str, str]:
        """Variables for `run-one` on this slot."""
        ...

    def reset(self, previous_package: str | None) -> None:
        """Clear away what the previous audit left. Raises DeviceError / EnvironmentProblem when it cannot."""
        ...

    def preflight(self, output: Path) -> None:
        """Check the slot can run an audit now. Raises DeviceError / EnvironmentProblem when it cannot."""
        ...


@dataclass
class SandboxSlot:
    """One JVM sandbox slot on this host. `env` may point it at its own JDK (`CONSENT_AUDIT_JAVA_HOME`) or cache."""

    name: str
    env: dict[str, str] = field(default_factory=dict)
    kind: SlotKind = field(default="sandbox", init=False)

    def run_one_arguments(self) -> list[str]:
        return []

    def environment(self) -> dict[str, str]:
        return dict(self.env)

    def reset(self, previous_package: str | None) -> None:
        # A sandbox audit's JVMs end with the run-one that started them (their control connections close); the
        # attempt's own process group was killed after it ended. Nothing is shared between two sandbox runs.
        return None

    def preflight(self, output: Path) -> None:
        from auditor.devices.sandbox_build import JAVA_HOME_VARIABLE, find_jdk

        home = self.env.get(JAVA_HOME_VARIABLE) or os.environ.get(JAVA_HOME_VARIABLE)
        find_jdk(Path(home) if home else None)
        check_free_space(output)


@dataclass
class AndroidSlot:
    """One Android device, by adb serial (or HOST:PORT of a device reached over the network)."""

    serial: str
    adb_device: Any = None
    """The adbutils device; tests hand in a fake that replays a device."""
    server_arguments: list[str] = field(default_factory=list)
    """frida-server options for `run-one` (--frida-server-name, --frida-port, --no-server-setup)."""
    kind: SlotKind = field(default="android", init=False)

    @property
    def name(self) -> str:
        return self.serial

    def run_one_arguments(self) -> list[str]:
        return ["--serial", self.serial, *self.server_arguments]

    def environment(self) -> dict[str, str]:
        return {}

    def _shell(self) -> Any:
        from auditor.devices.android_adb import Shell, adb_client, select_device

        device = self.adb_device if self.adb_device is not None else select_device(adb_client(), self.serial)
        return Shell(device)

    def reset(self, previous_package: str | None) -> None:
        """Home, the previous app force-stopped (a crash dialog goes with it), the screen kept on."""
        shell = self._shell()
        if previous_package:
            shell.check(f"am force-stop {shlex.quote(previous_package)}", f"stopping {previous_package}")
        shell.check("input keyevent KEYCODE_WAKEUP", "waking the screen")
        shell.check("input keyevent KEYCODE_HOME", "pressing Home")

    def preflight(self, output: Path) -> None:
        """adb reaches the device, it has finished booting, and the output folder has room."""
        shell = self._shell()
        booted = shell.run(f"getprop {BOOT_COMPLETED_PROPERTY}").output.strip()
        if booted != "1":
            raise DeviceError(f"device {self.serial} has not finished booting ({BOOT_COMPLETED_PROPERTY}="
                              f"{booted or 'unset'})")
        check_free_space(output)


def check_free_space(output: Path, minimum: int = MIN_FREE_BYTES) -> None:
    output.mkdir(parents=True, exist_ok=True)
    free = os.statvfs(output).f_bavail * os.statvfs(output).f_frsize
    if free < minimum:
        raise EnvironmentProblem(f"{output} has {free // (1024 * 1024)} MiB free, less than the "
                                 f"{minimum // (1024 * 1024)} MiB an audit needs: the disk is full")


def server_arguments(name: str, port: int, no_setup: bool) -> list[str]:
    """The frida-server options of `batch` and `worker`, as `run-one` takes them (defaults left out)."""
    from auditor.devices.android_server import DEFAULT_SERVER_NAME, DEFAULT_SERVER_PORT

    arguments = [] if name == DEFAULT_SERVER_NAME else ["--frida-server-name", name]
    arguments += [] if port == DEFAULT_SERVER_PORT else ["--frida-port", str(port)]
    return arguments + (["--no-server-setup"] if no_setup else [])


def parse_devices(spec: str, *, client: Any = None, android_arguments: list[str] | None = None) -> list[DeviceSlot]:
    """`--devices`: `all` (every usable adb device), `SERIAL,SERIAL` (adb serials or HOST:PORT), or `sandbox:N`
    (N sandbox slots on this host). `android_arguments` go to every audit on an Android device."""
    text = spec.strip()
    if text.startswith("sandbox"):
        _, _, count = text.partition(":")
        if not count:
            count = "1"
        if not count.isdigit() or not 1 <= int(count) <= 64:
            raise InputError(f"--devices {spec!r}: sandbox slots are given as sandbox:N, N from 1 to 64")
        return [SandboxSlot(f"sandbox-{n}") for n in range(1, int(count) + 1)]
    if text == "all":
        from auditor.devices.android_adb import adb_client, list_attached

        attached = list_attached(client or adb_client())
        usable = [device.serial for device in attached if device.state == "device"]
        if not usable:
            states = ", ".join(f"{d.serial} ({d.state})" for d in attached) or "none"
            raise DeviceError(f"--devices all: no usable Android device is attached (adb lists: {states})")
        return [AndroidSlot(serial, server_arguments=list(android_arguments or [])) for serial in usable]
    serials = [part.strip() for part in text.split(",") if part.strip()]
    if not serials:
        raise InputError("--devices: give all, SERIAL[,SERIAL...] or sandbox:N")
    duplicates = sorted({s for s in serials if serials.count(s) > 1})
    if duplicates:
        raise InputError(f"--devices names {', '.join(duplicates)} twice: one worker per device")
    return [AndroidSlot(serial, server_arguments=list(android_arguments or [])) for serial in serials]


def check_targets(jobs: list[Job], slots: list[DeviceSlot], devices: str) -> None:
    """Every job can run on one of `slots`: an `android:` app needs an Android device, a `sandbox:` app a sandbox
    slot. Raises AppListInvalid naming each row that no device could audit (it would fail on every device, be
    counted as their failures and quarantine them)."""
    from auditor.batch.applist import AppListInvalid

    kinds = {slot.kind for slot in slots}
    errors = []
    for job in jobs:
        needed = job.target.partition(":")[0]
        if needed not in kinds:
            what = "an Android app" if needed == "android" else "a sandbox app"
            errors.append(InputError(f"{job.target}: {what}, and --devices {devices} has no "
                                     f"{'Android device' if needed == 'android' else 'sandbox slot'} to audit it on",
                                     where=job.where))
    if errors:
        raise AppListInvalid(errors)
