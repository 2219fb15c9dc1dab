"""frida-server on the device: the binary matching the installed frida exactly, taken from a local cache (labs are
often offline: nothing is downloaded), checked, pushed, started as root and verified; and what each known Frida
failure means, with its fix, in one line.

Cache: `~/.cache/consent-audit/frida-server/frida-server-<version>-android-<arch>` (or under $CONSENT_AUDIT_CACHE /
$XDG_CACHE_HOME, or the folder `--frida-server-cache` names), filled by `consent-audit server install --from FILE`
with a binary from Frida's releases.

Nothing is trusted from a name: the cached binary's ELF header must be built for the device's ABI before it is
pushed, and the version checked is that of the executable the running frida-server was started from
(`/proc/PID/exe --version`, as root), not only of the file now at the device path.
"""

from __future__ import annotations

import lzma
import re
import shlex
import struct
import time
from dataclasses import dataclass
from pathlib import Path

from auditor.devices.android_adb import Shell
from auditor.devices.sandbox_build import cache_root
from auditor.errors import DeviceError, EnvironmentProblem, InputError

DEFAULT_SERVER_NAME = "frida-server"
DEFAULT_SERVER_PORT = 27042
"""Where frida-server listens by default, and where Frida's USB transport looks for it."""
DEVICE_DIRECTORY = "/data/local/tmp"
START_WAIT_S = 10.0
FOREGROUND_PROBE_S = 3
"""How long frida-server runs in the foreground to say why it does not stay running."""

ABI_TO_ARCH = {"arm64-v8a": "arm64", "armeabi-v7a": "arm", "armeabi": "arm", "x86_64": "x86_64", "x86": "x86"}
"""Android ABI (`ro.product.cpu.abi`) -> the architecture in frida-server release names."""

_ELF_MACHINES = {183: "arm64", 40: "arm", 62: "x86_64", 3: "x86"}
_ELF_CLASS_BITS = {1: 32, 2: 64}
_ARCH_BITS = {"arm64": 64, "x86_64": 64, "arm": 32, "x86": 32}
_VERSION = re.compile(r"^\s*(?P<version>\d+\.\d+\.\d+)\s*$", re.M)
_RELEASE_NAME = re.compile(r"frida-server-(?P<version>\d+\.\d+\.\d+)-android-(?P<arch>arm64|arm|x86_64|x86)")


@dataclass(frozen=True)
class ServerSettings:
    """How frida-server runs on the device. Another name and port help against apps that look for Frida."""

    name: str = DEFAULT_SERVER_NAME
    port: int = DEFAULT_SERVER_PORT
    cache: Path | None = None
    """The local folder of frida-server binaries; None: `server_cache_dir()`."""

    @property
    def device_path(self) -> str:
        return f"{DEVICE_DIRECTORY}/{self.name}"

    @property
    def default_port(self) -> bool:
        return self.port == DEFAULT_SERVER_PORT


@dataclass(frozen=True)
class ServerState:
    installed_version: str | None
    """`frida-server --version` of the binary at the device path; None when there is none."""
    running_pids: tuple[int, ...]
    running_version: str | None = None
    """`--version` of the executable the running frida-server was started from (it may since have been replaced at
    the device path); None when not running or not readable (no root)."""

    @property
    def running(self) -> bool:
        return bool(self.running_pids)

    @property
    def version(self) -> str | None:
        """The version that matters: the running server's when known, else the installed binary's."""
        return self.running_version or self.installed_version

    def runs(self, wanted: str) -> bool:
        """A frida-server of exactly `wanted` runs."""
        return self.running and self.version == wanted

    def describe(self, wanted: str) -> str:
        if self.version is None:
            return "running (not ours)" if self.running else "not installed"
        match = "" if self.version == wanted else f", frida is {wanted}"
        state = "running" if self.running else "installed, not running"
        replaced = ""
        if self.running and self.running_version and self.installed_version not in (None, self.running_version):
            replaced = f"; the binary now at the device path is {self.installed_version}"
        return f"{state} ({self.version}{match}{replaced})"


# ------------------------------------------------------------------------------------------------------------
# The local cache


def server_cache_dir() -> Path:
    return cache_root() / "frida-server"


def cached_server_path(version: str, arch: str, cache: Path | None = None) -> Path:
    return (cache or server_cache_dir()) / f"frida-server-{version}-android-{arch}"


def arch_of_abi(abi: str) -> str:
    arch = ABI_TO_ARCH.get(abi)
    if arch is None:
        raise DeviceError(f"unknown device ABI {abi!r}: frida-server exists for {', '.join(sorted(ABI_TO_ARCH))}")
    return arch


def elf_arch(data: bytes, where: str) -> str:
    """The architecture an ELF executable is built for. InputError when it is not an ELF file of a known one."""
    if len(data) < 20 or data[:4] != b"\x7fELF":
        raise InputError("not a frida-server binary: neither an ELF executable nor its .xz",
                         where=where)
    bits = _ELF_CLASS_BITS.get(data[4])
    byte_order = {1: "<", 2: ">"}.get(data[5])
    if bits is None or byte_order is None:
        raise InputError("ELF header with an unknown class or byte order", where=where)
    (machine,) = struct.unpack_from(byte_order + "H", data, 18)
    arch = _ELF_MACHINES.get(machine)
    if arch is None or _ARCH_BITS[arch] != bits:
        raise InputError(f"ELF machine {machine} ({bits}-bit) is not one Android runs frida-server on", where=where)
    return arch


def install_server_binary(source: Path, version: str, *, expected_arch: str | None = None,
                          cache: Path | None = None) -> Path:
    """Check `source` (a frida-server binary, or its `.xz` as Frida releases it) and copy it into the cache under
    its version and architecture. Refuses a binary whose release name says another version, or whose ELF machine
    differs from `expected_arch`."""
    where = str(source)
    if not source.is_file():
        raise InputError("file not found", where=where)
    named = _RELEASE_NAME.search(source.name)
    if named and named["version"] != version:
        raise InputError(
            f"this is frida-server {named['version']}, but the installed frida is {version}: they must match exactly "
            f"(take frida-server-{version}-android-<arch>.xz from Frida's releases)",
            where=where,
        )
    raw = source.read_bytes()
    if raw[:6] == b"\xfd7zXZ\x00":
        try:
            raw = lzma.decompress(raw)
        except lzma.LZMAError as exc:
            raise InputError(f"broken .xz archive: {exc}", where=where) from None
    arch = elf_arch(raw, where)
    if named and named["arch"] != arch:
        raise InputError(f"the name says {named['arch']} but the binary is built for {arch}", where=where)
    if expected_arch is not None and arch != expected_arch:
        raise InputError(
            f"this frida-server is built for {arch}, the device needs {expected_arch} "
            f"(frida-server-{version}-android-{expected_arch})",
            where=where,
        )
    if named is None and version.encode("ascii") not in raw:
        raise InputError(
            f"cannot tell this binary's version (its name is not frida-server-<version>-android-<arch> and it does "
            f"not contain {version}): the installed frida needs frida-server {version}",
            where=where,
        )
    target = cached_server_path(version, arch, cache)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.write_bytes(raw)
    partial.chmod(0o755)
    partial.replace(target)
    return target


# ------------------------------------------------------------------------------------------------------------
# On the device


class ServerManager:
    """Puts the right frida-server on one device and keeps it running as root."""

    def __init__(self, shell: Shell, version: str, settings: ServerSettings | None = None,
                 cache: Path | None = None) -> None:
        self.shell = shell
        self.version = version
        self.settings = settings or ServerSettings()
        self.cache = cache if cache is not None else self.settings.cache

    def state(self) -> ServerState:
        path = shlex.quote(self.settings.device_path)
        result = self.shell.run(f"{path} --version")
        installed = _version_in(result.output) if result.ok else None
        pids = tuple(pid for pid, name in self.shell.processes()
                     if name == self.settings.name or name.endswith("/" + self.settings.name))
        return ServerState(installed, pids, self._running_version(pids))

    def _running_version(self, pids: tuple[int, ...]) -> str | None:
        """What the running server's own executable says (readable as root only; None otherwise)."""
        if not pids:
            return None
        command = self.shell.su_command(f"/proc/{pids[0]}/exe --version")
        if command is None:
            return None
        result = self.shell.run(command)
        return _version_in(result.output) if result.ok else None

    def local_binary(self) -> Path:
        """The cached binary for this device's architecture, its ELF header checked against the device's ABI.
        EnvironmentProblem, with how to get the right one, when absent or built for another CPU."""
        arch = arch_of_abi(self.shell.abi)
        path = cached_server_path(self.version, arch, self.cache)
        release = f"frida-server-{self.version}-android-{arch}.xz"
        if not path.is_file():
            raise EnvironmentProblem(
                f"no frida-server {self.version} for {arch} in {path.parent}: download {release} from Frida's GitHub "
                f"releases, then run `consent-audit server install --from FILE`"
            )
        with path.open("rb") as binary:
            header = binary.read(64)
        try:
            built_for = elf_arch(header, str(path))
        except InputError as exc:
            raise EnvironmentProblem(f"{exc}: install {release} again with `consent-audit server install --from "
                                     "FILE`") from None
        if built_for != arch:
            abis = self.shell.prop("ro.product.cpu.abilist") or self.shell.abi
            raise EnvironmentProblem(
                f"{path} is built for {built_for}, but device {self.shell.serial} runs {self.shell.abi} (ABIs: {abis}): "
                f"install {release} with `consent-audit server install --from FILE`"
            )
        return path

    def ensure_running(self) -> ServerState:
        """frida-server of exactly the installed frida's version runs as root: pushed if missing or of another
        version, (re)started if needed, then verified on the running process. DeviceError / EnvironmentProblem with
        the fix otherwise."""
        state = self.state()
        if state.running and state.running_version not in (None, self.version):
            self.stop(state)  # an older server still runs from a binary replaced since
            state = self.state()
        if state.installed_version != self.version:
            if state.running:
                self.stop(state)
            self.push()
            state = self.state()
            if state.installed_version != self.version:
                raise DeviceError(self._does_not_run(state))
        if not state.running:
            self.start()
            state = self.wait_running()
        if not state.runs(self.version):
            raise DeviceError(self._does_not_run(state))
        return state

    def push(self) -> None:
        binary = self.local_binary()
        path = self.settings.device_path
        import adbutils

        try:
            self.shell.device.push(str(binary), path)
        except (adbutils.AdbError, OSError) as exc:
            raise DeviceError(f"device {self.shell.serial}: pushing frida-server to {path} failed: {exc}") from None
        self.shell.check(f"chmod 755 {shlex.quote(path)}", "making frida-server executable")

    def start(self) -> None:
        command = f"{shlex.quote(self.settings.device_path)} -D"
        if not self.settings.default_port:
            command += f" -l 127.0.0.1:{self.settings.port}"
        as_root = self.shell.su_command(command)
        if as_root is None:
            raise DeviceError(explain_problem("no-root"))
        result = self.shell.run(as_root, timeout=30)
        if not result.ok:
            explanation = explain_frida_error(result.output) or explain_shell_failure(result.output)
            raise DeviceError(f"starting frida-server failed: {result.one_line}" +
                              (f" ({explanation})" if explanation else ""))

    def wait_running(self) -> ServerState:
        deadline = time.monotonic() + START_WAIT_S
        while True:
            state = self.state()
            if state.running:
                return state
            if time.monotonic() >= deadline:
                raise DeviceError(self._does_not_run(state))
            time.sleep(0.5)

    def stop(self, state: ServerState | None = None) -> None:
        pids = (state or self.state()).running_pids
        if not pids:
            return
        command = "kill " + " ".join(str(pid) for pid in pids)
        self.shell.run(self.shell.su_command(command) or command)

    def _does_not_run(self, state: ServerState) -> str:
        """Why no frida-server of the right version runs, in one line with the fix: the binary does not execute,
        it is another version, or it starts and ends at once (then its own words, from a short run in the
        foreground, say why)."""
        serial, path = self.shell.serial, self.settings.device_path
        release = f"frida-server-{self.version}-android-{ABI_TO_ARCH.get(self.shell.abi, '<arch>')}.xz"
        if state.installed_version is None:
            probe = self.shell.run(f"{shlex.quote(path)} --version")
            explanation = explain_shell_failure(probe.output) or explain_frida_error(probe.output)
            return (f"frida-server at {path} does not run on device {serial} ({probe.one_line}): "
                    + (explanation or f"install {release} with `consent-audit server install --from FILE`"))
        if state.running and state.version != self.version:
            return (f"the frida-server running on device {serial} is {state.version}, frida is {self.version}, and "
                    "it could not be stopped: stop it as root (`adb shell su 0 sh -c 'pkill frida-server'`, or "
                    "reboot the device), then retry")
        if state.installed_version != self.version:
            return (f"frida-server at {path} on device {serial} reports version {state.installed_version}, frida "
                    f"is {self.version}: run `consent-audit server install --from {release}`, then retry")
        output = self._foreground_output()
        explanation = explain_shell_failure(output) or explain_frida_error(output)
        said = " ".join(output.split())
        return (f"frida-server {self.version} starts on device {serial} but does not stay running"
                + (f" (it says: {said})" if said else "") + ": "
                + (explanation or "see `adb logcat` for why it ended, then retry `consent-audit server start`"))

    def _foreground_output(self) -> str:
        """What frida-server prints when run in the foreground for a few seconds (as `-D` it says nothing)."""
        command = f"timeout {FOREGROUND_PROBE_S} {shlex.quote(self.settings.device_path)}"
        if not self.settings.default_port:
            command += f" -l 127.0.0.1:{self.settings.port}"
        as_root = self.shell.su_command(command)
        if as_root is None:
            return ""
        # adb's shell (v1) hands back stdout and stderr as one stream: its words are all there.
        return self.shell.run(as_root, timeout=FOREGROUND_PROBE_S + 10).output


def _version_in(output: str) -> str | None:
    """The version `frida-server --version` printed (a line of its own), None when it printed none."""
    found = _VERSION.search(output)
    return found["version"] if found else None


# ------------------------------------------------------------------------------------------------------------
# Known failures, explained


PROBLEMS: dict[str, str] = {
    "version-mismatch": (
        "the device's frida-server is not the version of the installed frida (they must match exactly): "
        "install the matching binary with `consent-audit server install --from FILE`; the audit then pushes and "
        "restarts it"
    ),
    "server-not-running": (
        "frida-server is not running on the device, or not where Frida looks for it: run `consent-audit server "
        "start` (it pushes the matching binary and starts it as root; `run` does the same unless given "
        "--no-server-setup); with another port give --frida-port"
    ),
    "connection-closed": (
        "frida-server closed the connection: it crashed or was killed (on some ROMs taking zygote down with it): "
        "see `adb logcat -b crash`, then `consent-audit server start` and retry"
    ),
    "need-gadget": (
        "Frida reached the device but no frida-server with root runs there (a non-rooted device needs Frida "
        "Gadget): use a google_apis emulator image, run `adb root`, and let consent-audit start frida-server"
    ),
    "spawn-blocked": (
        "Frida could not start the app suspended through zygote, Android's app launcher, or the process did not "
        "answer in time: root hiding (Magisk Hide, a Zygisk deny list) and the USAP pool get in the way; turn them "
        "off (`adb shell su 0 setprop persist.device_config.runtime_native.usap_pool_enabled false`, then reboot) "
        "and retry; a plain google_apis emulator has neither"
    ),
    "front-door": (
        "the app has no launcher activity Frida can start (no MAIN/LAUNCHER intent filter, or the package is "
        "not installed for the current user): check the package name and `adb shell cmd package resolve-activity "
        "--brief PACKAGE`"
    ),
    "no-libc": (
        "Frida cannot inject into this process (it is not an app process: no libc loaded yet or statically "
        "linked): target the app's package, not a system process"
    ),
    "wrong-arch": (
        "this frida-server binary is for another CPU (an ARM build on an x86_64 emulator, a 32-bit build on a "
        "64-bit device, or the reverse): install the one for the device's ABI (`adb shell getprop "
        "ro.product.cpu.abi`) with `consent-audit server install --from FILE`"
    ),
    "packed": (
        "the file on the device is still the .xz archive Frida releases it as: give the .xz to `consent-audit "
        "server install --from FILE`, which unpacks it, and let consent-audit push it"
    ),
    "no-root": (
        "frida-server needs root and the device gives none: on an emulator use a google_apis image (not "
        "google_play) and run `adb root` after every boot; on a device use a rooted build with `su`"
    ),
    "selinux": (
        "frida-server could not load or patch the SELinux policy: it was not started as root (run `adb root`, or "
        "start it through su); on some vendor kernels even root cannot, and only `adb shell su 0 setenforce 0` "
        "(permissive until the next boot) helps"
    ),
    "port-in-use": (
        "another frida-server, or another program, already listens on frida-server's port: `consent-audit server "
        "start` stops one of this name; stop one under another name by hand (`adb shell su 0 sh -c "
        "'pkill -f frida'`), or run ours on another port with --frida-port"
    ),
    "permission-denied": (
        "the device refused: frida-server was not started as root, or /data/local/tmp is not executable here: "
        "run `adb root` and retry"
    ),
}
"""Each known failure's explanation and fix, by category."""

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("version-mismatch", re.compile(r"unable to communicate with remote frida-server|major versions match", re.I)),
    ("need-gadget", re.compile(r"need Gadget to attach on jailed Android", re.I)),
    ("spawn-blocked", re.compile(
        r"unable to access (?:PID \d+ \()?zygote\w*\)? while preparing for app launch|"
        r"timed out while waiting for (?:signal from process|app to launch)", re.I)),
    ("front-door", re.compile(r"unable to find a front-door activity", re.I)),
    ("no-libc", re.compile(r"inject library into process without libc", re.I)),
    ("wrong-arch", re.compile(r"unable to handle (?:32|64)-bit processes due to build configuration", re.I)),
    ("server-not-running", re.compile(
        r"unable to connect to remote frida-server|ServerNotRunningError|connection refused", re.I)),
    ("connection-closed", re.compile(r"\bthe connection is closed\b", re.I)),
    ("permission-denied", re.compile(r"failed to execute child process .*\(Permission denied\)", re.I)),
    ("selinux", re.compile(r"selinux|avc: +denied", re.I)),
]

_SHELL_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("packed", re.compile(r"not executable: magic FD37", re.I)),
    ("wrong-arch", re.compile(
        r"not executable: (32|64)-bit ELF|not executable: magic 7F45|Exec format error|cannot execute binary file|"
        r"syntax error: unexpected|ELF.*for (ARM|x86)|\bELFCLASS(32|64)\b|"
        r"frida-server[^:\n]*: No such file or directory", re.I)),
    ("no-root", re.compile(r"su: not found|su: inaccessible or not found|cannot run as root in production builds|"
                           r"adbd cannot run as root", re.I)),
    ("selinux", re.compile(r"SELinux policy|libsepol|avc: +denied", re.I)),
    ("port-in-use", re.compile(r"Address already in use", re.I)),
    ("permission-denied", re.compile(r"Permission denied", re.I)),
]
"""Shell outputs when frida-server (or su, or adbd) is asked to run. A binary that was just pushed and "does not
exist" when run is one whose loader (/system/bin/linker64 for a 64-bit build) the device lacks: another CPU's."""


def classify_frida_error(message: str) -> str | None:
    """The category of a Frida error message (`version-mismatch`, `server-not-running`...), None when unknown."""
    return next((category for category, pattern in _PATTERNS if pattern.search(message)), None)


def explain_frida_error(message: str) -> str | None:
    category = classify_frida_error(message)
    return PROBLEMS[category] if category else None


def explain_shell_failure(output: str) -> str | None:
    """What a failed device shell command (running frida-server, `su`, `adb root`) means, when it is a known case."""
    category = next((category for category, pattern in _SHELL_PATTERNS if pattern.search(output)), None)
    return PROBLEMS[category] if category else None


def explain_problem(category: str) -> str:
    return PROBLEMS[category]
