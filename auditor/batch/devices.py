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
    from auditor.devices.android_server import ServerSettings

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
        """adb reaches the device, it has finished booting, frida-server of frida's version runs there (started
        when the batch manages it), the device has room for an app's data, and the output folder has room."""
        from auditor.devices.android_server import ServerManager
        from auditor.instrument import Instrumenter

        shell = self._shell()
        booted = shell.run(f"getprop {BOOT_COMPLETED_PROPERTY}").output.strip()
        if booted != "1":
            raise DeviceError(f"device {self.serial} has not finished booting ({BOOT_COMPLETED_PROPERTY}="
                              f"{booted or 'unset'})")
        version = Instrumenter.frida_version
        settings, managed = self._server_settings()
        manager = ServerManager(shell, version, settings)
        if managed:
            manager.ensure_running()  # what run-one would do first, done here so that a failure is the device's
        else:
            state = manager.state()
            if not state.running or state.installed_version != version:
                raise DeviceError(f"frida-server on device {self.serial} is {state.describe(version)}, and the batch "
                                  f"runs with --no-server-setup: start frida-server {version} there as root "
                                  "(`consent-audit server start`)")
        free = device_free_bytes(shell, DEVICE_DATA_PARTITION)
        if free is not None and free < MIN_DEVICE_FREE_BYTES:
            raise EnvironmentProblem(f"device {self.serial} has {free // (1024 * 1024)} MiB free on "
                                     f"{DEVICE_DATA_PARTITION}, less than the {MIN_DEVICE_FREE_BYTES // (1024 * 1024)}"
                                     " MiB an audit needs (the app's data, screenshots): the device's disk is full")
        check_free_space(output)

    def installed_version(self, package: str) -> InstalledApp | None:
        """The version of `package` installed on the device for its current user; None when it is not installed."""
        shell = self._shell()
        if not shell.package_installed(package, shell.current_user()):
            return None
        entry = shell.dumpsys_package(package).package(package)
        return InstalledApp(entry.version_code if entry else None, entry.version_name if entry else "")

    def _server_settings(self) -> tuple[ServerSettings, bool]:
        """frida-server's name and port, and whether the batch manages it, from the arguments run-one is given."""
        from auditor.devices.android_server import DEFAULT_SERVER_NAME, DEFAULT_SERVER_PORT, ServerSettings

        given = self.server_arguments
        name = given[given.index("--frida-server-name") + 1] if "--frida-server-name" in given \
            else DEFAULT_SERVER_NAME
        port = int(given[given.index("--frida-port") + 1]) if "--frida-port" in given else DEFAULT_SERVER_PORT
        return ServerSettings(name=name, port=port), "--no-server-setup" not in given


@dataclass(frozen=True)
class InstalledApp:
    version_code: int | None
    """None when the package manager's dump does not say it."""
    version_name: str


DEVICE_DATA_PARTITION = "/data"
MIN_DEVICE_FREE_BYTES = 256 * 1024 * 1024
"""Free space an audit needs on the device: the app's data and caches, the screenshots and dumps it takes."""


def device_free_bytes(shell: Any, path: str) -> int | None:
    """Bytes free for apps on the device's partition holding `path` (`df -k`); None when df says nothing usable
    (then the install or the app reports a full disk itself)."""
    result = shell.run(f"df -k {shlex.quote(path)}")
    return parse_df_available(result.output) if result.ok else None


def parse_df_available(text: str) -> int | None:
    """The `Available` column of `df -k`'s last line, in bytes. Read from the right: a row ends with Available,
    Use% and the mount point in toybox's and busybox's df alike, also when a long device name pushed the numbers
    onto a line of their own."""
    lines = [line.split() for line in text.strip().splitlines() if line.strip()]
    if len(lines) < 2 or "Available" not in lines[0] or len(lines[-1]) < 4:
        return None
    value = lines[-1][-3]
    return int(value) * 1024 if value.isdigit() else None


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


def with_installed_versions(jobs: list[Job], slots: list[DeviceSlot]) -> list[Job]:
    """Key the rows that name an installed package (no APK) by the version installed on the pool's devices, read
    from each device's package manager: a device whose app was updated then makes a new job, not one taken as done
    on --resume. Raises AppListInvalid for a package that is missing on a device or installed there in another
    version (no single audit would then stand for the row). A device that cannot be asked is left out: its checks
    before each app find what is wrong with it."""
    from auditor.batch.applist import AppListInvalid, job_key

    devices = [slot for slot in slots if isinstance(slot, AndroidSlot)]
    keyed: list[Job] = []
    errors: list[InputError] = []
    for job in jobs:
        if not job.target.startswith("android:") or job.apk is not None or not devices:
            keyed.append(job)
            continue
        found: dict[str, InstalledApp | None] = {}
        for slot in devices:
            try:
                found[slot.name] = slot.installed_version(job.package)
            except (DeviceError, EnvironmentProblem):
                continue
        missing = sorted(name for name, app in found.items() if app is None)
        codes = {name: app.version_code for name, app in found.items() if app is not None}
        if missing:
            where = f"installed on {', '.join(sorted(codes))}" if codes else "installed on no device of the pool"
            errors.append(InputError(f"{job.package} is not installed on {', '.join(missing)} ({where}): install "
                                     "it on every device of --devices, or give its APK", where=job.where))
            continue
        versions = sorted({code for code in codes.values() if code is not None})
        if len(versions) > 1:
            listed = ", ".join(f"{code} on {name}" for name, code in sorted(codes.items()))
            errors.append(InputError(f"{job.package} is installed in different versions ({listed}): one row is one "
                                     "audit of one build; give its APK, or install one version everywhere",
                                     where=job.where))
            continue
        if versions:
            version = versions[0]
            keyed.append(job.model_copy(update={
                "version_code": version,
                "key": job_key(job.package, version, None, job.scenario_sha256)}))
        else:
            keyed.append(job)
    if errors:
        raise AppListInvalid(errors)
    return keyed
