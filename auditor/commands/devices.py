"""Android devices: `devices` lists them, `doctor` checks every prerequisite of an audit in order; and the
`--serial`, `--apk`, frida-server options of `run`."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor.cli import EXIT_CLEAN, EXIT_INCOMPLETE, Command

if TYPE_CHECKING:
    from auditor.devices.android import AndroidOptions
    from auditor.devices.android_adb import AttachedDevice, Shell


# ------------------------------------------------------------------------------------------------------------
# `run` options


def add_android_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("Android targets")
    group.add_argument("--serial", help="device to use: an adb serial, or HOST:PORT of a remote device (adb connect); "
                       "default: the only attached device")
    group.add_argument("--apk", type=Path, metavar="FILE",
                       help="install this APK for the run (never with -g: permissions are asked as on first use)")
    group.add_argument("--reinstall", action="store_true",
                       help="with --apk: uninstall the app first (its data and permission decisions go with it)")
    add_server_arguments(group)


def add_server_arguments(group: Any) -> None:
    group.add_argument("--frida-server-name", metavar="NAME", default="frida-server",
                       help="file and process name of frida-server on the device (default: frida-server)")
    group.add_argument("--frida-port", type=int, metavar="PORT", default=27042,
                       help="port frida-server listens on (default: 27042; another one is reached through adb forward)")
    group.add_argument("--no-server-setup", action="store_true",
                       help="use the frida-server already running; do not push or start one")
    add_cache_argument(group)


def add_cache_argument(group: Any, *names: str) -> None:
    group.add_argument(*(names or ("--frida-server-cache",)), dest="frida_server_cache", type=Path, metavar="DIR",
                       help="folder of frida-server binaries that `server install` fills and runs push from "
                       "(default: ~/.cache/consent-audit/frida-server, or under $CONSENT_AUDIT_CACHE)")


def resolve_target(args: argparse.Namespace) -> str:
    """The `--target` of `run`: as given, or `android:PACKAGE` of `--apk`. Android options on another target are
    usage errors."""
    from auditor.errors import InputError

    target: str | None = args.target
    android_given = [flag for flag, value in (("--serial", args.serial), ("--apk", args.apk),
                                               ("--reinstall", args.reinstall)) if value]
    if target is None:
        if args.apk is None:
            raise InputError("say what to audit: --target sandbox:PATH, --target android:PACKAGE or --apk FILE")
        from auditor.devices.android_apk import read_apk

        return f"android:{read_apk(args.apk).package}"
    if not target.startswith("android:") and android_given:
        raise InputError(f"{', '.join(android_given)} apply to android: targets, not {target}")
    return target


def android_options(args: argparse.Namespace) -> AndroidOptions:
    from auditor.devices.android import AndroidOptions

    given = vars(args)
    return AndroidOptions(
        serial=given.get("serial"),
        apk=given.get("apk"),
        reinstall=bool(given.get("reinstall")),
        server=server_settings(args),
        manage_server=not given.get("no_server_setup"),
    )


def server_settings(args: argparse.Namespace) -> Any:
    from auditor.devices.android_server import DEFAULT_SERVER_NAME, DEFAULT_SERVER_PORT, ServerSettings
    from auditor.errors import InputError

    given = vars(args)
    name = given.get("frida_server_name") or DEFAULT_SERVER_NAME
    port = given.get("frida_port") or DEFAULT_SERVER_PORT
    if "/" in name or not name.strip():
        raise InputError(f"--frida-server-name {name!r} must be a plain file name")
    if not 0 < port < 65536:
        raise InputError(f"--frida-port {port} is not a TCP port")
    return ServerSettings(name=name, port=port, cache=given.get("frida_server_cache"))


# ------------------------------------------------------------------------------------------------------------
# `devices`


@dataclass
class DeviceRow:
    serial: str
    state: str
    model: str = ""
    android: str = ""
    api_level: int | None = None
    abi: str = ""
    root: str = ""
    frida_server: str = ""
    problem: str = ""


def describe_device(attached: AttachedDevice, shell_of: Callable[[str], Shell], version: str,
                    settings: Any) -> DeviceRow:
    """What one attached device is, for the table: a device adb cannot use says why instead."""
    from auditor.devices.android_server import ServerManager
    from auditor.errors import DeviceError

    row = DeviceRow(serial=attached.serial, state=attached.state, model=attached.model)
    if attached.state != "device":
        return row
    try:
        shell = shell_of(attached.serial)
        row.model = shell.prop("ro.product.model") or row.model
        row.android = shell.prop("ro.build.version.release")
        row.api_level = shell.api_level
        row.abi = shell.abi
        row.root = root_access(shell)
        row.frida_server = ServerManager(shell, version, settings).state().describe(version)
    except DeviceError as exc:
        row.problem = str(exc)
    return row


def root_access(shell: Shell) -> str:
    """`adb root` (adbd runs as root), `su`, or `no`."""
    if shell.is_root_shell():
        return "adb root"
    return "su" if shell.su_command("true") is not None else "no"


class DevicesCommand(Command):
    name = "devices"
    help = "list attached Android devices: model, Android version, ABI, root, frida-server state"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--format", choices=["table", "json"], default="table")
        add_server_arguments(parser)

    def run(self, args: argparse.Namespace) -> int:
        from auditor.devices.android_adb import Shell, adb_client, list_attached
        from auditor.errors import DeviceError
        from auditor.instrument import Instrumenter

        client = adb_client()
        attached = list_attached(client)
        if not attached:
            raise DeviceError("no Android device is attached: start an emulator or plug in a device with USB "
                              "debugging on (`adb devices` must list it)")
        settings = server_settings(args)
        rows = [describe_device(device, lambda serial: Shell(client.device(serial=serial)),
                                Instrumenter.frida_version, settings) for device in attached]
        if args.format == "json":
            print(json.dumps([asdict(row) for row in rows], indent=2))
        else:
            print(render_table(rows))
        return EXIT_CLEAN


def render_table(rows: list[DeviceRow]) -> str:
    header = ["SERIAL", "STATE", "MODEL", "ANDROID", "ABI", "ROOT", "FRIDA-SERVER"]
    lines = [header] + [
        [row.serial, row.state, row.model, f"{row.android} (API {row.api_level})" if row.android else "", row.abi,
         row.root, row.frida_server or row.problem]
        for row in rows
    ]
    widths = [max(len(line[column]) for line in lines) for column in range(len(header))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip() for line in lines)


# ------------------------------------------------------------------------------------------------------------
# `doctor`


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""

    def line(self) -> str:
        mark = "ok  " if self.ok else "FAIL"
        fix = f"\n       fix: {self.fix}" if self.fix and not self.ok else ""
        return f"[{mark}] {self.name}: {self.detail}{fix}"


MIN_API_LEVEL = 23
"""Android 6: runtime permissions, asked in a dialog, exist from here on."""


def doctor_checks(serial: str | None, settings: Any, *, client: Any = None,
                  frida_probe: Callable[[Shell], dict[str, Any]] | None = None,
                  version: str | None = None) -> list[Check]:
    """Every prerequisite of an Android audit, in order; stops at the first failure the next checks depend on."""
    from auditor.agent import load_agent
    from auditor.devices.android_adb import Shell, adb_client, list_attached, select_device
    from auditor.devices.android_server import (
        ABI_TO_ARCH,
        ServerManager,
        cached_server_path,
        explain_frida_error,
    )
    from auditor.errors import AuditError, DeviceError
    from auditor.instrument import Instrumenter

    version = version or Instrumenter.frida_version
    checks: list[Check] = []
    try:
        load_agent()
        checks.append(Check("Frida agent", True, f"built (frida {version})"))
    except AuditError as exc:
        checks.append(Check("Frida agent", False, str(exc), "run `make agent` in the checkout"))
        return checks
    try:
        client = client or adb_client()
        attached = list_attached(client)
        checks.append(Check("adb server", True, f"reachable, {len(attached)} device(s) listed"))
    except AuditError as exc:
        checks.append(Check("adb server", False, str(exc), "install platform-tools or let adbutils start its adb"))
        return checks
    try:
        shell = Shell(select_device(client, serial))
        checks.append(Check("device", True, f"{shell.serial}"))
    except DeviceError as exc:
        checks.append(Check("device", False, str(exc), "see `adb devices`; choose one with --serial"))
        return checks
    try:
        api = shell.api_level
        release = shell.prop("ro.build.version.release")
        checks.append(Check("Android version", api is not None and api >= MIN_API_LEVEL,
                            f"{release} (API {api})",
                            f"runtime-permission dialogs need Android 6 (API {MIN_API_LEVEL}) or later"))
        if not checks[-1].ok:
            return checks
        root = root_access(shell)
        checks.append(Check("root", root != "no", root,
                            "use a google_apis emulator image (not google_play) and run `adb root`, or a rooted "
                            "device with su"))
        if not checks[-1].ok:
            return checks
        abi = shell.abi
        arch = ABI_TO_ARCH.get(abi)
        checks.append(Check("device ABI", arch is not None, f"{abi} -> frida-server {arch or '?'}",
                            "frida-server exists for arm64-v8a, armeabi-v7a, x86 and x86_64 only"))
        if arch is None:
            return checks
        cached = cached_server_path(version, arch)
        checks.append(Check("frida-server binary", cached.is_file(), str(cached),
                            f"download frida-server-{version}-android-{arch}.xz from Frida's GitHub releases, then "
                            "`consent-audit server install --from FILE`"))
        state = ServerManager(shell, version, settings).state()
        running_ok = state.running and state.installed_version == version
        checks.append(Check("frida-server on the device", running_ok, state.describe(version),
                            "`consent-audit server start` pushes and starts it as root (a run does too)"))
        if not running_ok:
            return checks
        enforce = shell.run("getenforce").output.strip() or "unknown"
        checks.append(Check("SELinux", True, enforce))
    except DeviceError as exc:
        checks.append(Check("device", False, str(exc), "reconnect the device and retry"))
        return checks
    probe = frida_probe or _frida_parameters(settings)
    try:
        parameters = probe(shell)
        access = parameters.get("access", "?")
        checks.append(Check("Frida reaches the device", access == "full",
                            f"{parameters.get('os', {}).get('name', 'Android')} "
                            f"{parameters.get('os', {}).get('version', '')}, access {access}".strip(),
                            "frida-server must run as root (access full): restart it with `consent-audit server "
                            "start`"))
    except DeviceError as exc:
        checks.append(Check("Frida reaches the device", False, str(exc),
                            explain_frida_error(str(exc)) or "run `consent-audit server start`"))
    return checks


def _frida_parameters(settings: Any) -> Callable[[Shell], dict[str, Any]]:
    def probe(shell: Shell) -> dict[str, Any]:
        from auditor.instrument import FridaDevice, FridaTarget

        if settings.default_port:
            device = FridaDevice(FridaTarget("usb", id=shell.serial))
        else:
            # Another port is reached through a forward of the same number on this machine.
            shell.device.forward(f"tcp:{settings.port}", f"tcp:{settings.port}")
            device = FridaDevice(FridaTarget("remote", address=f"127.0.0.1:{settings.port}"))
        try:
            return device.parameters()
        finally:
            device.close()

    return probe


class DoctorCommand(Command):
    name = "doctor"
    help = "check every prerequisite of an Android audit, in order, with the fix for each failure"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--serial", help="device to check (default: the only attached device)")
        add_server_arguments(parser)

    def run(self, args: argparse.Namespace) -> int:
        checks = doctor_checks(args.serial, server_settings(args))
        for check in checks:
            print(check.line())
        return EXIT_CLEAN if all(check.ok for check in checks) else EXIT_INCOMPLETE


COMMANDS: list[type[Command]] = [DevicesCommand, DoctorCommand]
