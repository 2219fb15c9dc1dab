"""How one audit ended, for whoever schedules audits: an app outcome (recorded, exit 0), an infrastructure failure
(retry elsewhere, exit 75) or a bug in this tool (no retry, exit 1).

An app that crashes, exits as soon as it sees Frida, refuses to install or stops the scenario is a result about the
app: the audit of it is done. A device that went offline, a frida-server of the wrong version or a full disk say
nothing about the app: another device, or the same one later, may audit it. Anything this tool did not expect is a
bug: retrying it would only repeat it.

Two views of the same question: `classify_exception` inside the process that ran the audit (`run-one`), and
`classify_exit` from outside, by the exit code and how the process ended (the batch pool, the Celery task).
"""

from __future__ import annotations

import errno
import re
from dataclasses import dataclass
from typing import Literal

from auditor.errors import DeviceError, EnvironmentProblem, InputError, StepFailed

OutcomeKind = Literal["app", "infrastructure", "tool-bug", "usage"]

EXIT_DONE = 0
EXIT_TOOL_BUG = 1
EXIT_USAGE = 2
EXIT_INFRASTRUCTURE = 75
"""EX_TEMPFAIL of sysexits.h: a temporary failure, try again (the convention of mail transfer agents and CI)."""

_EXIT_OF_KIND: dict[OutcomeKind, int] = {
    "app": EXIT_DONE,
    "infrastructure": EXIT_INFRASTRUCTURE,
    "tool-bug": EXIT_TOOL_BUG,
    "usage": EXIT_USAGE,
}


@dataclass(frozen=True)
class Classification:
    kind: OutcomeKind
    reason: str
    """A stable word for tables and counts: `completed`, `app-crashed`, `install-refused`, `device-lost`..."""
    message: str = ""

    @property
    def exit_code(self) -> int:
        return _EXIT_OF_KIND[self.kind]

    @property
    def retry(self) -> bool:
        """Worth another attempt (on another device, or the same one later)."""
        return self.kind == "infrastructure"


# ------------------------------------------------------------------------------------------------------------
# App outcomes of an audit that ran


def classify_run(status: str, message: str, process_ends: list[tuple[str, str]]) -> Classification:
    """An audit that ran to its end (whatever the app did): `status` and `message` of its RunEnded marker,
    `process_ends` the (reason, detail) of each ProcessEnded marker of the app's processes."""
    if status == "completed":
        return Classification("app", "completed", message)
    crashed = [detail for reason, detail in process_ends if reason == "crashed"]
    exited = [detail for reason, detail in process_ends if reason == "exited"]
    if crashed:
        return Classification("app", "app-crashed", crashed[0] or message)
    if exited:
        # An app that ends itself mid-scenario: the usual reaction of anti-instrumentation code to Frida, also of
        # apps that quit after a refusal. Either way it is the app's doing, and it is recorded in the run.
        return Classification("app", "app-exited", f"{exited[0]}: {message}" if exited[0] else message)
    return Classification("app", "step-failed", message)


# ------------------------------------------------------------------------------------------------------------
# Exceptions


INSTALL_CODE = re.compile(r"\bINSTALL_(?:PARSE_)?FAILED_[A-Z_]+\b")
DEVICE_SIDE_INSTALL_FAILURES = frozenset({
    "INSTALL_FAILED_INSUFFICIENT_STORAGE",   # the device's disk is full
    "INSTALL_FAILED_MEDIA_UNAVAILABLE",      # the install location (SD card) is gone
    "INSTALL_FAILED_CONTAINER_ERROR",        # the device's ASEC container could not be made
    "INSTALL_FAILED_INTERNAL_ERROR",         # the package manager failed
    "INSTALL_FAILED_VERIFICATION_TIMEOUT",   # the device's verifier did not answer
    "INSTALL_FAILED_USER_RESTRICTED",        # installing over USB is off (a device setting, e.g. MIUI)
    "INSTALL_FAILED_ABORTED",                # the on-device confirmation was not given
})
"""Android's install failure codes (PackageManager.INSTALL_FAILED_*) that are about the device, not the APK. Every
other code (INSTALL_PARSE_FAILED_*, NO_MATCHING_ABIS, OLDER_SDK, VERSION_DOWNGRADE, UPDATE_INCOMPATIBLE...) says the
device refused this APK: an app outcome."""

_FRIDA_INFRASTRUCTURE = frozenset({
    "version-mismatch", "server-not-running", "need-gadget", "selinux", "permission-denied", "wrong-arch", "no-root",
    "spawn-blocked", "connection-closed", "packed", "port-in-use",
})
"""Categories of `auditor.devices.android_server.classify_frida_error` that a set-up device would not show."""

_FRIDA_TRANSPORT_ERRORS = frozenset({"TransportError", "ServerNotRunningError", "TimedOutError", "ProtocolError"})
_DISK_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO, errno.EACCES, errno.EPERM,
                          errno.ENOTDIR})
"""Storage of this host refusing: full, read-only, failing, or a folder it was configured with not usable (another
host, or this one once fixed, does better)."""

_AGENT_FAULT = re.compile(r"cannot install hooks in .*: Error: |answered init with|cannot load the agent into .*"
                          r"(SyntaxError|ReferenceError|TypeError|could not parse)")
"""The agent refused its own configuration or did not compile: this tool's bug, whatever the app is."""
_PROCESS_GONE = re.compile(r"process not found|unable to find process|ended before it connected|"
                           r"process \S+ \(pid \d+\) ended", re.I)


def classify_exception(exc: BaseException, *, opening_app: bool = False) -> Classification:
    """What an exception that ended an audit means. `opening_app`: it was raised while opening the device and app
    (installing the APK, building a sandbox app), before the scenario started."""
    message = _one_line(exc)
    if isinstance(exc, KeyboardInterrupt):
        return Classification("infrastructure", "interrupted", "the audit was interrupted (signal or Ctrl-C)")
    if isinstance(exc, StepFailed):
        return Classification("app", "step-failed", message)
    if isinstance(exc, InputError):
        if opening_app:
            return Classification("app", "app-unusable", message)
        return Classification("usage", "usage", message)
    if isinstance(exc, EnvironmentProblem):
        return Classification("infrastructure", "environment", message)
    if isinstance(exc, DeviceError):
        return _classify_device_error(exc, message)
    if isinstance(exc, OSError) and exc.errno in _DISK_ERRNOS:
        return Classification("infrastructure", "disk-full" if exc.errno in (errno.ENOSPC, errno.EDQUOT)
                              else "storage-failure", message)
    if type(exc).__module__.split(".")[0] in ("frida", "_frida") and type(exc).__name__ in _FRIDA_TRANSPORT_ERRORS:
        return Classification("infrastructure", "frida-transport-lost", message)
    return Classification("tool-bug", "internal-error", f"{type(exc).__name__}: {message}")


def _classify_device_error(exc: DeviceError, message: str) -> Classification:
    from auditor.devices.android_adb import DeviceLost
    from auditor.devices.android_server import classify_frida_error

    if isinstance(exc, DeviceLost):
        return Classification("infrastructure", "device-lost", message)
    install = INSTALL_CODE.search(message)
    if install is not None or "installing " in message and " failed: " in message:
        code = install.group(0) if install else ""
        if code and code not in DEVICE_SIDE_INSTALL_FAILURES:
            return Classification("app", "install-refused", message)
        return Classification("infrastructure", "disk-full" if code == "INSTALL_FAILED_INSUFFICIENT_STORAGE"
                              else "install-failed-on-device", message)
    if _AGENT_FAULT.search(message):
        return Classification("tool-bug", "agent-failure", message)
    category = classify_frida_error(message)
    if category in _FRIDA_INFRASTRUCTURE:
        return Classification("infrastructure", f"frida-{category}", message)
    if category == "front-door":
        return Classification("app", "no-launcher-activity", message)
    if category == "no-libc":
        return Classification("app", "not-instrumentable", message)
    if "device-lost" in message or " was lost: " in message or "connection-terminated" in message:
        return Classification("infrastructure", "device-lost", message)
    if _PROCESS_GONE.search(message):
        return Classification("app", "app-crashed", message)
    return Classification("infrastructure", "device-failure", message)


# ------------------------------------------------------------------------------------------------------------
# A finished process, seen from outside


ProcessEnd = Literal["exited", "timed-out", "signalled"]


def classify_exit(returncode: int | None, *, timed_out: bool = False, detail: str = "") -> Classification:
    """What the end of a `run-one` process means to the scheduler. `returncode` as subprocess reports it (negative:
    the signal that ended it); `timed_out`: it was killed at its hard timeout. Timeouts and signals are the job
    killing its worker: they count towards poisoning the job."""
    if timed_out:
        return Classification("infrastructure", "timeout", detail or "the audit exceeded its hard time limit")
    if returncode is None or returncode < 0:
        signal_number = -returncode if returncode is not None else None
        return Classification("infrastructure", "worker-killed",
                              detail or f"the audit process was killed (signal {signal_number})")
    if returncode == EXIT_DONE:
        return Classification("app", "done", detail)
    if returncode == EXIT_INFRASTRUCTURE:
        return Classification("infrastructure", "infrastructure", detail)
    if returncode == EXIT_USAGE:
        return Classification("usage", "usage", detail)
    if returncode in (137, 143):
        # A shell between us and the audit reports a signal as 128 + its number.
        return Classification("infrastructure", "worker-killed",
                              detail or f"the audit process was killed (signal {returncode - 128})")
    return Classification("tool-bug", "internal-error", detail or f"the audit process exited with {returncode}")


KILLED_REASONS = frozenset({"timeout", "worker-killed", "worker-lost"})
"""Ways an attempt ends that mean the job took its worker down: counted towards poisoning."""


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
