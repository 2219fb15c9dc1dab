"""frida-server on the device: the binary matching the installed frida exactly, taken from a local cache (labs are
often offline: nothing is downloaded), checked, pushed, started as root and verified; and what each known Frida
failure means, with its fix, in one line.

Cache: `~/.cache/consent-audit/frida-server/frida-server-<version>-android-<arch>` (or under $CONSENT_AUDIT_CACHE /
$XDG_CACHE_HOME), filled by `consent-audit server install --from FILE` with a binary from Frida's releases.
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

ABI_TO_ARCH = {"arm64-v8a": "arm64", "armeabi-v7a": "arm", "armeabi": "arm", "x86_64": "x86_64", "x86": "x86"}
"""Android ABI (`ro.product.cpu.abi`) -> the architecture in frida-server release names."""

_ELF_MACHINES = {183: "arm64", 40: "arm", 62: "x86_64", 3: "x86"}
_ELF_CLASS_BITS = {1: 32, 2: 64}
_ARCH_BITS = {"arm64": 64, "x86_64": 64, "arm": 32, "x86": 32}
_RELEASE_NAME = re.compile(r"frida-server-(?P<version>\d+\.\d+\.\d+)-android-(?P<arch>arm64|arm|x86_64|x86)")


@dataclass(frozen=True)
class ServerSettings:
    """How frida-server runs on the device. Another name and port help against apps that look for Frida."""

    name: str = DEFAULT_SERVER_NAME
    port: int = DEFAULT_SERVER_PORT

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

    @property
    def running(self) -> bool:
        return bool(self.running_pids)

    def describe(self, wanted: str) -> str:
        if self.installed_version is None:
            return "running (not ours)" if self.running else "not installed"
        match = "" if self.installed_version == wanted else f", frida is {wanted}"
        state = "running" if self.running else "installed, not running"
        return f"{state} ({self.installed_version}{match})"


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
        self.cache = cache

    def state(self) -> ServerState:
        path = shlex.quote(self.settings.device_path)
        result = self.shell.run(f"{path} --version")
        version = result.output.strip() if result.ok and result.output.strip() else None
        pids = tuple(pid for pid, name in self.shell.processes()
                     if name == self.settings.name or name.endswith("/" + self.settings.name))
        return ServerState(version, pids)

    def local_binary(self) -> Path:
        """The cached binary for this device's architecture. EnvironmentProblem, with how to get it, when absent."""
        arch = arch_of_abi(self.shell.abi)
        path = cached_server_path(self.version, arch, self.cache)
        if not path.is_file():
            raise EnvironmentProblem(
                f"no frida-server {self.version} for {arch} in {path.parent}: download "
                f"frida-server-{self.version}-android-{arch}.xz from Frida's GitHub releases, then run "
                f"`consent-audit server install --from FILE`"
            )
        return path

    def ensure_running(self) -> ServerState:
        """frida-server of exactly the installed frida's version runs as root: pushed if missing or of another
        version, (re)started if needed, then verified. DeviceError / EnvironmentProblem with the fix otherwise."""
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
        probe = self.shell.run(f"{shlex.quote(self.settings.device_path)} --version")
        explanation = explain_shell_failure(probe.output) or explain_frida_error(probe.output)
        if explanation:
            return f"frida-server does not run on device {self.shell.serial}: {explanation}"
        version = state.installed_version or "none"
        return (f"frida-server on device {self.shell.serial} reports version {version}, frida is {self.version}: "
                f"run `consent-audit server install --from frida-server-{self.version}-android-"
                f"{ABI_TO_ARCH.get(self.shell.abi, '<arch>')}.xz`, then retry")


# ------------------------------------------------------------------------------------------------------------
# Known failures, explained


PROBLEMS: dict[str, str] = {
    "version-mismatch": (
        "the device's frida-server is not the version of the installed frida (they must match exactly): "
        "install the matching binary with `consent-audit server install --from FILE`; the audit then pushes and "
        "restarts it"
    ),
    "server-not-running": (
        "frida-server is not running on the device, or not where Frida looks for it: run `consent-audit doctor` "
        "(it starts it as root); with another port give --frida-port"
    ),
    "need-gadget": (
        "Frida reached the device but no frida-server with root runs there (a non-rooted device needs Frida "
        "Gadget): use a google_apis emulator image, run `adb root`, and let consent-audit start frida-server"
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
        "this frida-server binary is for another CPU (an ARM build on an x86_64 emulator, or the reverse): "
        "install the one for the device's ABI with `consent-audit server install --from FILE`"
    ),
    "no-root": (
        "frida-server needs root and the device gives none: on an emulator use a google_apis image (not "
        "google_play) and run `adb root`; on a device use a rooted build with `su`"
    ),
    "selinux": (
        "SELinux stopped frida-server: start it as root (`adb root` first) so it can patch the policy; on some "
        "ROMs `adb shell setenforce 0` (as root) is needed"
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
    ("front-door", re.compile(r"unable to find a front-door activity", re.I)),
    ("no-libc", re.compile(r"inject library into process without libc", re.I)),
    ("server-not-running", re.compile(
        r"unable to connect to remote frida-server|ServerNotRunningError|connection refused", re.I)),
    ("selinux", re.compile(r"selinux", re.I)),
]

_SHELL_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("wrong-arch", re.compile(
        r"not executable: (32|64)-bit ELF|Exec format error|cannot execute binary file|"
        r"syntax error: unexpected|ELF.*for (ARM|x86)|\bELFCLASS(32|64)\b", re.I)),
    ("no-root", re.compile(r"su: not found|su: inaccessible or not found|cannot run as root in production builds|"
                           r"adbd cannot run as root", re.I)),
    ("selinux", re.compile(r"selinux|avc: denied", re.I)),
    ("permission-denied", re.compile(r"Permission denied", re.I)),
]


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
