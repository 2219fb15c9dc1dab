"""frida-server for Android devices: `server install --from FILE` puts a binary in the local cache (checked: an ELF
executable of an Android architecture, of the installed frida's exact version); `server start` pushes it to a
device and starts it as root; `server status` says what runs there."""

from __future__ import annotations

import argparse
from pathlib import Path

from auditor.cli import EXIT_CLEAN, Command
from auditor.commands.devices import add_cache_argument, add_server_arguments, server_settings


class ServerCommand(Command):
    name = "server"
    help = "frida-server for Android devices: install a binary into the local cache, start it on a device"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        install = actions.add_parser("install", help="check a frida-server binary (or its .xz) and keep it in the cache")
        install.add_argument("--from", dest="source", type=Path, required=True, metavar="FILE",
                             help="frida-server-<version>-android-<arch>[.xz] from Frida's releases")
        install.add_argument("--abi", help="refuse the file unless it is for this Android ABI (e.g. x86_64, arm64-v8a)")
        add_cache_argument(install, "--frida-server-cache", "--cache")
        for action, text in (("start", "push frida-server to the device if needed and start it as root"),
                             ("status", "say whether frida-server is installed and running on the device")):
            sub = actions.add_parser(action, help=text)
            sub.add_argument("--serial", help="device (default: the only attached device)")
            add_server_arguments(sub)

    def run(self, args: argparse.Namespace) -> int:
        from auditor.devices.android_server import arch_of_abi, install_server_binary, server_cache_dir
        from auditor.errors import DeviceError, InputError
        from auditor.instrument import Instrumenter

        version = Instrumenter.frida_version
        if args.action == "install":
            try:
                expected = arch_of_abi(args.abi) if args.abi else None
            except DeviceError as exc:
                raise InputError(str(exc)) from None
            path = install_server_binary(args.source, version, expected_arch=expected,
                                         cache=args.frida_server_cache or server_cache_dir())
            print(f"frida-server {version} installed: {path}")
            return EXIT_CLEAN
        from auditor.devices.android_adb import Shell, adb_client, select_device
        from auditor.devices.android_server import ServerManager

        shell = Shell(select_device(adb_client(), args.serial))
        manager = ServerManager(shell, version, server_settings(args))
        state = manager.ensure_running() if args.action == "start" else manager.state()
        print(f"{shell.serial}: frida-server {state.describe(version)}")
        return EXIT_CLEAN


COMMANDS: list[type[Command]] = [ServerCommand]
