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
        from auditor.instrument import Instrumenter

        client = adb_client()
        attached = list_attached(client)
        settings = server_settings(args)
        if not attached and args.format == "table":
            # An empty listing is an answer, not a failure: say what would make a device appear.
            print("no devices attached: start an emulator or plug in a device with USB debugging on (`adb devices` "
                  "must list it)")
            return EXIT_CLEAN
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

FridaProbe = Callable[["Shell"], dict[str, Any]]
UiProbe = Callable[["Shell"], dict[str, Any]]


def doctor_checks(serial: str | None, settings: Any, *, client: Any = None, frida_probe: FridaProbe | None = None,
                  ui_probe: UiProbe | None = None, package: str | None = None, apk: Path | None = None,
                  version: str | None = None) -> list[Check]:
    """Every prerequisite of an Android audit, in order; stops at the first failure the next checks depend on.
    `package` / `apk`: also check the app to audit."""
    import adbutils

    from auditor.agent import load_agent
    from auditor.devices.android_adb import Shell, adb_client, list_attached, select_device
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
        _device_checks(shell, settings, version, checks, frida_probe or _frida_parameters(settings),
                       ui_probe or _ui_info, package, apk)
    except AuditError as exc:
        checks.append(Check("device", False, str(exc), RECONNECT))
    except (adbutils.AdbError, OSError) as exc:
        checks.append(Check("device", False, f"adb: {_one_line(exc)}", RECONNECT))
    return checks


RECONNECT = "reconnect the device (`adb devices` must list it) and retry"


def _device_checks(shell: Shell, settings: Any, version: str, checks: list[Check], frida_probe: FridaProbe,
                   ui_probe: UiProbe, package: str | None, apk: Path | None) -> None:
    """The checks that talk to the device, appended in order; returns at the first one the rest depend on."""
    from auditor.devices.android_server import ABI_TO_ARCH, ServerManager, explain_frida_error
    from auditor.errors import DeviceError, EnvironmentProblem

    api = shell.api_level
    release = shell.prop("ro.build.version.release")
    checks.append(Check("Android version", api is not None and api >= MIN_API_LEVEL, f"{release} (API {api})",
                        f"runtime-permission dialogs need Android 6 (API {MIN_API_LEVEL}) or later"))
    if not checks[-1].ok:
        return
    root = root_access(shell)
    checks.append(Check("root", root != "no", root,
                        "use a google_apis emulator image (not google_play) and run `adb root` (again after every "
                        "emulator boot), or a rooted device with su"))
    if not checks[-1].ok:
        return
    abi = shell.abi
    arch = ABI_TO_ARCH.get(abi)
    checks.append(Check("device ABI", arch is not None, f"{abi} -> frida-server {arch or '?'}",
                        "frida-server exists for arm64-v8a, armeabi-v7a, x86 and x86_64 only"))
    if arch is None:
        return
    manager = ServerManager(shell, version, settings)
    state = manager.state()
    try:
        checks.append(Check("frida-server binary", True, str(manager.local_binary())))
    except EnvironmentProblem as exc:
        if state.runs(version):
            checks.append(Check("frida-server binary", True,
                                f"none in the cache, none needed: frida-server {version} already runs on the device"))
        else:
            checks.append(Check("frida-server binary", False, str(exc),
                                f"download frida-server-{version}-android-{arch}.xz from Frida's GitHub releases, "
                                "then `consent-audit server install --from FILE`"))
    checks.append(Check("frida-server on the device", state.runs(version), state.describe(version),
                        "`consent-audit server start` pushes it and starts it as root (a run does too)"))
    if not state.runs(version):
        return
    checks.append(_selinux_check(shell))
    try:
        parameters = frida_probe(shell)
        access = parameters.get("access", "?")
        os_info = parameters.get("os", {})
        checks.append(Check("Frida reaches the device", access == "full",
                            f"{os_info.get('name', 'Android')} {os_info.get('version', '')}, access {access}".strip(),
                            "frida-server must run as root (access full): restart it with `consent-audit server "
                            "start`"))
    except DeviceError as exc:
        checks.append(Check("Frida reaches the device", False, str(exc),
                            explain_frida_error(str(exc)) or "run `consent-audit server start`"))
        return
    try:
        info = ui_probe(shell)
        checks.append(Check("uiautomator2", True, f"its server answers ({info.get('productName', '?')}, screen "
                                                  f"{info.get('displayWidth', '?')}x{info.get('displayHeight', '?')})"))
    except Exception as exc:  # noqa: BLE001 - uiautomator2's errors share no base with adbutils'; each is a failure
        checks.append(Check("uiautomator2", False, f"{type(exc).__name__}: {_one_line(exc)}",
                            "unlock the screen, turn on USB debugging (security settings) on Xiaomi/Oppo ROMs, and "
                            "retry; `python -m uiautomator2 init` shows its own log"))
    if package is not None or apk is not None:
        checks.extend(_app_checks(shell, package, apk))


def _selinux_check(shell: Shell) -> Check:
    """SELinux mode, and whether the device log shows it denying something of Frida's (frida-server patches the
    policy when it runs as root; a vendor kernel may refuse)."""
    from auditor.devices.android import FRIDA_DENIAL
    from auditor.devices.android_server import explain_problem

    mode = shell.run("getenforce").output.strip()
    if mode not in ("Enforcing", "Permissive", "Disabled"):
        return Check("SELinux", False, f"`getenforce` answered {mode or 'nothing'!r}",
                     "check the device's shell (`adb shell getenforce`)")
    if mode != "Enforcing":
        return Check("SELinux", True, mode)
    log = shell.run(f"logcat -d -t {SELINUX_LOG_LINES}", timeout=30).output
    denial = next((line for line in reversed(log.splitlines()) if FRIDA_DENIAL.search(line)), None)
    if denial is None:
        return Check("SELinux", True, "Enforcing; the device log shows no denial of Frida's files")
    said = " ".join(denial.split())
    return Check("SELinux", False, f"Enforcing, and the device log has `{said[said.find('avc:'):][:160]}`",
                 explain_problem("selinux"))


SELINUX_LOG_LINES = 5000
"""How far back in the device log `doctor` looks for SELinux denials of Frida's files."""


def _app_checks(shell: Shell, package: str | None, apk: Path | None) -> list[Check]:
    """The app to audit: its APK readable; installed for the current user (or about to be); a launcher activity."""
    import shlex

    from auditor.devices.android_apk import read_apk
    from auditor.errors import InputError

    checks: list[Check] = []
    if apk is not None:
        try:
            metadata = read_apk(apk)
        except InputError as exc:
            return [Check("the app's APK", False, str(exc), "give the path of an .apk file")]
        checks.append(Check("the app's APK", True, f"{metadata.package} {metadata.version_name} (target SDK "
                                                   f"{metadata.target_sdk})"))
        package = package or metadata.package
    assert package is not None
    user = shell.current_user()
    installed = shell.package_installed(package, user)
    if not installed:
        checks.append(Check("the app", apk is not None,
                            f"{package} is not installed for user {user}" + (" (--apk installs it)" if apk else ""),
                            "install it, or give --apk FILE"))
        return checks
    checks.append(Check("the app", True, f"{package} is installed for user {user}"))
    if (shell.api_level or 0) < 24:
        return checks  # `cmd package` came with Android 7
    answer = shell.run("cmd package resolve-activity --brief -a android.intent.action.MAIN -c "
                       f"android.intent.category.LAUNCHER --user {user} {shlex.quote(package)}").output
    component = next((line.strip() for line in reversed(answer.splitlines()) if "/" in line), None)
    checks.append(Check("launcher activity", component is not None, component or " ".join(answer.split()),
                        "the app must have a MAIN/LAUNCHER activity for the user: check the package name"))
    return checks


def _frida_parameters(settings: Any) -> FridaProbe:
    def probe(shell: Shell) -> dict[str, Any]:
        from auditor.devices.android_adb import free_local_port
        from auditor.errors import DeviceError
        from auditor.instrument import FridaDevice, FridaTarget

        forwarded: str | None = None
        try:
            if settings.default_port:
                device = FridaDevice(FridaTarget("usb", id=shell.serial))
            else:
                # Another port is reached through a forward from a free port of this machine, removed afterwards.
                forwarded = f"tcp:{free_local_port()}"
                try:
                    shell.device.forward(forwarded, f"tcp:{settings.port}")
                except Exception as exc:  # noqa: BLE001 - adbutils raises its own errors and OSError
                    forwarded = None
                    raise DeviceError(f"adb forward to frida-server's port {settings.port} failed: {exc}") from None
                device = FridaDevice(FridaTarget("remote", address=f"127.0.0.1:{forwarded[4:]}"))
            try:
                return device.parameters()
            finally:
                device.close()
        finally:
            if forwarded is not None:
                try:
                    shell.device.forward_remove(forwarded)
                except Exception:  # noqa: BLE001 - the device may be gone; nothing left to undo then
                    pass

    return probe


def _ui_info(shell: Shell) -> dict[str, Any]:
    from auditor.devices.android import connect_ui

    info: dict[str, Any] = dict(connect_ui(shell.device).info)
    return info


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


class DoctorCommand(Command):
    name = "doctor"
    help = "check every prerequisite of an Android audit, in order, with the fix for each failure"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--serial", help="device to check (default: the only attached device)")
        parser.add_argument("--target", metavar="android:PACKAGE", help="also check the app to audit")
        parser.add_argument("--apk", type=Path, metavar="FILE", help="also check the APK to audit")
        add_server_arguments(parser)

    def run(self, args: argparse.Namespace) -> int:
        from auditor.devices.android import parse_target
        from auditor.errors import InputError

        package = None
        if args.target is not None:
            if not args.target.startswith("android:"):
                raise InputError(f"doctor checks Android targets (android:PACKAGE), not {args.target}")
            package = parse_target(args.target)
        checks = doctor_checks(args.serial, server_settings(args), package=package, apk=args.apk)
        for check in checks:
            print(check.line())
        return EXIT_CLEAN if all(check.ok for check in checks) else EXIT_INCOMPLETE


COMMANDS: list[type[Command]] = [DevicesCommand, DoctorCommand]
