"""Fakes at the three seams of the Android backend, replaying real outputs: an adbutils device (shell commands
answered from captured `dumpsys package` outputs and real command formats, with the state those commands change),
a frida.Device (spawn, resume, spawn gating, sessions, scripts whose `init` only answers once the process runs, as
Java.perform on Android does), and a uiautomator2 device serving captured hierarchy dumps.

Everything they are asked is written into one shared `journal`, so tests check the order of the steps."""

from __future__ import annotations

import re
import shlex
import shutil
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import adbutils
import frida
from PIL import Image

from auditor.devices.android_dumpsys import parse_package_dump
from auditor.testing.fixtures import android_fixture

U2_APK = Path(adbutils.__file__).parent.parent / "uiautomator2" / "assets" / "app-uiautomator.apk"
"""A real APK that ships in a package the project depends on (uiautomator2's helper app)."""


@dataclass
class ShellAnswer:
    returncode: int
    output: bytes
    command: str = ""


class FakeConnection:
    """adbutils' AdbConnection of `shell(..., stream=True)`: `.conn` is a real socket, with the socket timeout adbutils
    leaves on it (600 s; tests shorten it to see what a silence that long does), the device writing at its other end."""

    def __init__(self, lines: list[str], timeout: float) -> None:
        self.conn, self._device_end = socket.socketpair()
        self.conn.settimeout(timeout)
        self.closed = False
        self.write(lines)

    def write(self, lines: list[str]) -> None:
        try:
            self._device_end.sendall("".join(line + "\n" for line in lines).encode("utf-8"))
        except OSError:
            pass  # the reader closed it

    def end(self) -> None:
        """The command on the device ends (logd restarted, the connection recycled): the reader sees EOF."""
        self._device_end.close()

    def close(self) -> None:
        self.closed = True
        self.conn.close()
        self._device_end.close()


class FakeSync:
    def __init__(self, device: FakeAdbDevice) -> None:
        self._device = device

    def pull(self, remote: str, local: str) -> None:
        self._device.journal.append(f"adb pull {remote}")
        source = self._device.files.get(remote)
        if source is None:
            raise adbutils.AdbError(f"remote object '{remote}' does not exist")
        shutil.copyfile(source, local)


def permission_line_change(text: str, permission: str, *, revoke: bool = False, clear_flags: bool = False) -> str:
    """What `pm revoke` / `pm clear-permission-flags ... user-set user-fixed` do to the dump's line of `permission`."""

    def change(match: re.Match[str]) -> str:
        line = match.group(0)
        if revoke:
            line = line.replace("granted=true", "granted=false")
        if clear_flags:
            line = re.sub(r"\|?USER_(SET|FIXED)\|?", lambda m: "|" if m.group(0).count("|") == 2 else "", line)
        return line

    return re.sub(rf"(?m)^\s*{re.escape(permission)}: granted=.*$", change, text)


class FakeAdbDevice:
    """An adbutils.AdbDevice replaying a device: getprop, users, packages, processes, dumpsys, frida-server."""

    def __init__(self, journal: list[str], *, serial: str = "emulator-5554", package: str = "com.example.pkmproject",
                 dumpsys: str = "dumpsys-package/manet-pkmproject-package-dump.txt", user: int = 0,
                 abi: str = "x86_64", root: bool | str = True, server_version: str | None = "17.25.2",
                 server_running: bool = True) -> None:
        """`root`: True, adbd runs as root (`adb root` on a google_apis emulator); "su", an AOSP userdebug `su`
        (`su 0 sh -c CMD`, no `-c` option); "magisk", Magisk's `su` (both forms); False, no root at all."""
        self.journal = journal
        self._serial = serial
        self.package = package
        raw = android_fixture(dumpsys).read_bytes()
        self.dumpsys_text = raw.decode("utf-16") if raw[:2] == b"\xff\xfe" else raw.decode("utf-8")
        self.user = user
        self.installed: set[str] = {package}
        self.props = {
            "ro.product.model": "sdk_gphone64_x86_64",
            "ro.build.version.release": "14",
            "ro.build.version.sdk": "34",
            "ro.product.cpu.abi": abi,
        }
        self.root_access = root
        self._as_root = False
        self.server_files: dict[str, str] = {"frida-server": server_version} if server_version else {}
        """frida-server binaries in /data/local/tmp: name -> version."""
        self.processes: dict[int, str] = {4100: "/system/bin/surfaceflinger"}
        self.server_pids: dict[int, str] = {}
        """Running frida-servers: pid -> the version of the executable each was started from."""
        if server_running:
            self.processes[4200] = "frida-server"
            self.server_pids[4200] = server_version or "16.0.2"
        self.server_stays_up = True
        """False: a started frida-server ends at once, printing `foreground_output` (what it says run in the
        foreground)."""
        self.foreground_output = ""
        self.refuse_revoke: set[str] = set()
        self.uids: dict[int, int] = {4100: 1000}
        """pid -> the uid it runs as (what `stat -c %u /proc/PID` says)."""
        self.files: dict[str, Path] = {}
        self.logcat: list[str] = []
        """The device log so far (`logcat -d` answers from it; streams start from its end)."""
        self.streams: list[FakeConnection] = []
        self.stream_socket_timeout = 600.0
        """What adbutils sets on a streamed shell's socket (`_DEFAULT_SOCKET_TIMEOUT`)."""
        self.pushed: list[tuple[str, str]] = []
        self.installs: list[dict[str, Any]] = []
        self.start_output = ""
        self.selinux_mode = "Enforcing"
        self.permission_flags_since = 30
        """The API level whose `pm` has clear-permission-flags (older ones answer "Unknown command")."""
        self.clear_resets_permissions = False
        """`pm clear` also revokes the runtime permissions and clears their user flags (what Android does when an
        app's data is cleared); off by default, so that the commands that do it on their own are seen to."""
        self.install_failure: str | None = None
        """pm's answer to an install that fails (`Failure [INSTALL_FAILED_...: ...]`), raised as adbutils does."""
        self.lost: str | None = None
        self.sync = FakeSync(self)
        self.forwards: list[tuple[str, str]] = []
        self.extra: list[tuple[re.Pattern[str], Callable[[str], ShellAnswer]]] = []

    @property
    def serial(self) -> str:
        return self._serial

    # adbutils API ---------------------------------------------------------------------------------------
    def shell2(self, cmdargs: str, timeout: float | None = None, encoding: str | None = "utf-8") -> ShellAnswer:
        if self.lost is not None:
            raise adbutils.AdbError(self.lost)
        self.journal.append(f"adb shell {cmdargs}")
        answer = self._answer(cmdargs)
        answer.command = cmdargs
        return answer

    def shell(self, cmdargs: str, stream: bool = False, timeout: float | None = None) -> Any:
        """Only `logcat -v threadtime -T 1|'TIME'` streamed, as the backend asks: the last line (or the lines since
        TIME) of the log so far, then every line `log` adds."""
        if self.lost is not None:
            raise adbutils.AdbError(self.lost)
        self.journal.append(f"adb stream {cmdargs}")
        since = re.fullmatch(r"logcat -v threadtime -T (?:1|'(?P<time>[^']+)')", cmdargs)
        assert since is not None, cmdargs
        backlog = self.logcat[-1:] if since["time"] is None else [
            line for line in self.logcat if line[:18] >= since["time"]]
        connection = FakeConnection(backlog, self.stream_socket_timeout)
        self.streams.append(connection)
        return connection

    def log(self, *lines: str) -> None:
        """The device logs `lines`: kept in the log, written to every open logcat stream."""
        self.logcat.extend(lines)
        for connection in self.streams:
            if not connection.closed:
                connection.write(list(lines))

    def push(self, local: str, remote: str) -> None:
        self.journal.append(f"adb push {Path(local).name} {remote}")
        self.pushed.append((local, remote))
        version = _server_version_of(Path(local))
        if version:
            self.server_files[Path(remote).name] = version

    def install(self, path_or_url: str, nolaunch: bool = False, uninstall: bool = False, silent: bool = False,
                callback: Any = None, flags: list[str] | None = None) -> None:
        self.journal.append(f"adb install {Path(path_or_url).name} {' '.join(flags or [])}")
        self.installs.append({"path": path_or_url, "flags": list(flags or []), "nolaunch": nolaunch})
        if self.install_failure is not None:
            raise adbutils.AdbInstallError(self.install_failure)
        if self.package not in self.installed:
            self._forget_permission_decisions()  # a fresh install starts with nothing granted or decided
        self.installed.add(self.package)

    def _forget_permission_decisions(self) -> None:
        runtime = parse_package_dump(self.dumpsys_text).runtime_permissions(self.package, self.user)
        for permission in runtime:
            self.dumpsys_text = permission_line_change(self.dumpsys_text, permission, revoke=True, clear_flags=True)

    def root(self) -> str:
        if self.root_access is True:
            return "adbd is already running as root"
        return "adbd cannot run as root in production builds"

    def forward(self, local: str, remote: str, norebind: bool = False) -> None:
        self.journal.append(f"adb forward {local} {remote}")
        self.forwards.append((local, remote))

    def forward_remove(self, local: str, raise_non_found: bool = True) -> None:
        self.journal.append(f"adb forward --remove {local}")

    # The device ----------------------------------------------------------------------------------------
    def _answer(self, command: str) -> ShellAnswer:
        for pattern, handler in self.extra:
            if pattern.search(command):
                return handler(command)

        def ok(text: str = "") -> ShellAnswer:
            return ShellAnswer(0, text.encode("utf-8"))

        def fail(text: str, code: int = 1) -> ShellAnswer:
            return ShellAnswer(code, text.encode("utf-8"))

        if command == "getprop":
            return ok("".join(f"[{key}]: [{value}]\n" for key, value in self.props.items()))
        if command == "id -u":
            return ok("0\n" if self.root_access is True or self._as_root else "2000\n")
        if command.startswith("su ") and not self._as_root:
            return self._su(command)
        if command == "am get-current-user":
            return ok(f"{self.user}\n")
        if command in ("ps -A", "ps"):
            rows = ["USER           PID  PPID     VSZ    RSS WCHAN            ADDR S NAME"]
            rows += [f"u0_a123      {pid}   1 1000 100 0 0 S {name}" for pid, name in sorted(self.processes.items())]
            return ok("\n".join(rows) + "\n")
        match = re.fullmatch(r"pm path --user (\d+) (\S+)", command)
        if match:
            if match[2] in self.installed and int(match[1]) == self.user:
                return ok(f"package:/data/app/~~x==/{match[2]}-y==/base.apk\n")
            return fail("")
        match = re.fullmatch(r"dumpsys package (\S+)", command)
        if match:
            return ok(self.dumpsys_text if match[1] == self.package else f"Unable to find package: {match[1]}\n")
        match = re.fullmatch(r"am force-stop --user (\d+) (\S+)", command)
        if match:
            self.processes = {pid: name for pid, name in self.processes.items()
                              if not (name == match[2] or name.startswith(match[2] + ":"))}
            return ok()
        match = re.fullmatch(r"pm clear --user (\d+) (\S+)", command)
        if match:
            if self.clear_resets_permissions:
                self._forget_permission_decisions()
            return ok("Success\n")
        match = re.fullmatch(r"pm revoke --user (\d+) (\S+) (\S+)", command)
        if match:
            if match[3] in self.refuse_revoke:
                return fail(f"Exception occurred while executing 'revoke':\njava.lang.SecurityException: {match[3]}\n", 255)
            self.dumpsys_text = permission_line_change(self.dumpsys_text, match[3], revoke=True)
            return ok()
        match = re.fullmatch(r"pm clear-permission-flags --user (\d+) (\S+) (\S+) user-set user-fixed", command)
        if match and int(self.props["ro.build.version.sdk"]) < self.permission_flags_since:
            return fail("Unknown command: clear-permission-flags\n", 255)
        if match:
            if match[3] not in self.refuse_revoke:
                self.dumpsys_text = permission_line_change(self.dumpsys_text, match[3], clear_flags=True)
            return ok()
        match = re.fullmatch(r"pm uninstall --user (\d+) (\S+)", command)
        if match:
            self.installed.discard(match[2])
            return ok("Success\n")
        match = re.fullmatch(r"/data/local/tmp/(\S+) --version", command)
        if match:
            if match[1] not in self.server_files:
                return fail(f"/system/bin/sh: /data/local/tmp/{match[1]}: not found\n", 127)
            return ok(self.server_files[match[1]] + "\n")
        if command.startswith("chmod 755 "):
            return ok()
        match = re.fullmatch(r"/data/local/tmp/(\S+) -D(?: -l (\S+))?", command)
        if match:
            if self.start_output:
                return fail(self.start_output, 126)
            if self.server_stays_up:
                pid = next(n for n in range(4300, 4400) if n not in self.processes)
                self.processes[pid] = match[1]
                self.server_pids[pid] = self.server_files.get(match[1], "?")
            return ok()
        match = re.fullmatch(r"timeout (\d+) /data/local/tmp/(\S+)(?: -l (\S+))?", command)
        if match:
            return fail(self.foreground_output, 1) if self.foreground_output else ok()
        match = re.fullmatch(r"/proc/(\d+)/exe --version", command)
        if match:
            if not (self.root_access is True or self._as_root):
                return fail(f"/system/bin/sh: /proc/{match[1]}/exe: can't execute: Permission denied\n", 126)
            version = self.server_pids.get(int(match[1]))
            return ok(version + "\n") if version else fail(f"/system/bin/sh: /proc/{match[1]}/exe: not found\n", 127)
        match = re.fullmatch(r"kill ([\d ]+)", command)
        if match:
            for pid in match[1].split():
                self.processes.pop(int(pid), None)
                self.server_pids.pop(int(pid), None)
            return ok()
        match = re.fullmatch(r"stat -c %u /proc/(\d+)", command)
        if match:
            uid = self.uids.get(int(match[1]))
            if uid is None or int(match[1]) not in self.processes:
                return fail(f"stat: '/proc/{match[1]}': No such file or directory\n")
            return ok(f"{uid}\n")
        if command.startswith("monkey -p "):
            return ok("Events injected: 1\n")
        if command == "getenforce":
            return ok(self.selinux_mode + "\n")
        match = re.fullmatch(r"logcat -d -t (\d+)", command)
        if match:
            return ok("".join(line + "\n" for line in self.logcat[-int(match[1]):]))
        match = re.fullmatch(r"cmd package resolve-activity --brief -a android.intent.action.MAIN -c "
                             r"android.intent.category.LAUNCHER --user (\d+) (\S+)", command)
        if match:
            if match[2] in self.installed and int(match[1]) == self.user:
                return ok(f"priority=0 preferredOrder=0 match=0x108000 specificIndex=-1 isDefault=false\n"
                          f"{match[2]}/.MainActivity\n")
            return ok("No activity found\n")
        return fail(f"/system/bin/sh: {command.split()[0]}: not found\n", 127)


    def _su(self, command: str) -> ShellAnswer:
        if self.root_access not in ("su", "magisk"):
            return ShellAnswer(127, b"/system/bin/sh: su: inaccessible or not found\n")
        as_uid = re.fullmatch(r"su 0 sh -c (.+)", command)
        with_option = re.fullmatch(r"su -c (.+)", command)
        if with_option and self.root_access == "su":
            return ShellAnswer(1, b"su: invalid uid/gid '-c'\n")  # AOSP su takes a uid, then the command
        found = as_uid or with_option
        if found is None:
            return ShellAnswer(1, b"su: invalid uid/gid\n")
        self._as_root = True
        try:
            return self._answer(shlex.split(found[1])[0])
        finally:
            self._as_root = False


def _server_version_of(binary: Path) -> str | None:
    name = re.search(r"frida-server-(\d+\.\d+\.\d+)", binary.name)
    return name.group(1) if name else None


# ------------------------------------------------------------------------------------------------------------
# frida


@dataclass
class FakeSpawn:
    pid: int
    identifier: str


class FakeExports:
    def __init__(self, script: FakeScript) -> None:
        self._script = script

    def _alive(self) -> None:
        if self._script.destroyed:
            # What frida's Script._rpc_request raises for a script whose session went away.
            raise frida.InvalidOperationError("script has been destroyed")

    def init(self, request: dict[str, Any]) -> dict[str, Any]:
        self._alive()
        script = self._script
        # As frida's blocking RPC call does: the request leaves through Script.post, then the caller waits.
        script.post(["frida:rpc", 1, "call", "init", [request]])
        if not script.process.running.wait(10):
            raise TimeoutError("init never answered: the process was not resumed")
        script.journal.append(f"agent {script.process.pid}: init answered")
        return {"ts": time.time() * 1000, "installed": [], "failed": []}

    def cursor(self) -> dict[str, Any]:
        self._alive()
        self._script.journal.append(f"agent {self._script.process.pid}: cursor")
        return {"ts": time.time() * 1000, "seq": self._script.next_seq}

    def flush(self) -> dict[str, Any]:
        self._alive()
        return {"ts": time.time() * 1000, "seq": self._script.next_seq}

    def finish(self) -> dict[str, Any]:
        self._alive()
        return {"ts": time.time() * 1000, "seq": self._script.next_seq}


class FakeScript:
    def __init__(self, process: FakeProcess, journal: list[str]) -> None:
        self.process = process
        self.journal = journal
        self.exports_sync = FakeExports(self)
        self.destroyed = False
        self.next_seq = 0
        self._on_message: Callable[[Any, bytes | None], None] | None = None

    def on(self, signal: str, callback: Callable[..., Any]) -> None:
        if signal == "message":
            self._on_message = callback

    def send_call(self, entry: str, cls: str, method: str, sig: str = "()") -> None:
        """The app calls a hooked API: the agent sends it in an `events:batch`, as hooks/src does."""
        assert self._on_message is not None and not self.destroyed
        event = {"seq": self.next_seq, "ts": time.time() * 1000, "entry": entry, "cls": cls, "method": method,
                 "sig": sig, "args": [], "tid": self.process.pid, "tname": "main"}
        self.next_seq += 1
        self._on_message({"type": "send", "payload": {"type": "events:batch", "events": [event]}}, None)

    def set_log_handler(self, handler: Callable[[str, str], None]) -> None:
        pass

    def load(self) -> None:
        self.journal.append(f"frida load agent into {self.process.pid}")

    def post(self, message: Any, data: bytes | None = None) -> None:
        # Java.perform on Android: the hooks are registered now, installed once the app's class loader exists.
        self.journal.append(f"agent {self.process.pid}: {message[3]} posted")

    def unload(self) -> None:
        pass


class FakeSession:
    def __init__(self, process: FakeProcess, journal: list[str]) -> None:
        self.process = process
        self.journal = journal
        self.detached: Callable[..., None] | None = None
        self.scripts: list[FakeScript] = []
        self.is_detached = False

    def on(self, signal: str, callback: Callable[..., None]) -> None:
        if signal == "detached":
            self.detached = callback

    def create_script(self, code: str, name: str | None = None) -> FakeScript:
        script = FakeScript(self.process, self.journal)
        self.scripts.append(script)
        return script

    def detach(self) -> None:
        self.end("application-requested")

    def end(self, reason: str) -> None:
        """The session goes, as Frida ends it: its scripts are destroyed, then `detached` fires once."""
        if self.is_detached:
            return
        self.is_detached = True
        for script in self.scripts:
            script.destroyed = True
        if self.detached is not None:
            self.detached(reason, None)


@dataclass
class FakeProcess:
    pid: int
    name: str
    running: threading.Event = field(default_factory=threading.Event)


class FakeFridaDevice:
    """A frida.Device: spawn and gating hold processes until resume; signals are delivered like Frida does."""

    def __init__(self, journal: list[str], adb: FakeAdbDevice | None = None, *, access: str = "full") -> None:
        self.journal = journal
        self.adb = adb
        self.id = adb.serial if adb is not None else "emulator-5554"
        self.access = access
        self.handlers: dict[str, list[Callable[..., Any]]] = {}
        self.processes: dict[int, FakeProcess] = {}
        self.next_pid = 5000
        self.spawn_error: Exception | None = None
        self.attach_error: Exception | None = None
        self.gating = False
        self.sessions: list[FakeSession] = []
        self.pending: dict[int, FakeSpawn] = {}
        """Spawns held by gating and not resumed yet (what enumerate_pending_spawn lists)."""
        self.server_gone: str | None = None
        self.process_names: dict[str, str] = {}
        """package -> the name its launched process runs under, when the application sets `android:process`."""

    def on(self, signal: str, callback: Callable[..., Any]) -> None:
        self.handlers.setdefault(signal, []).append(callback)

    def off(self, signal: str, callback: Callable[..., Any]) -> None:
        self.handlers.get(signal, []).remove(callback)

    def _server(self) -> None:
        if self.server_gone is not None:
            raise frida.ServerNotRunningError(self.server_gone)

    def query_system_parameters(self) -> dict[str, Any]:
        self._server()
        return {"access": self.access, "os": {"id": "android", "name": "Android", "version": "14"}}

    def spawn(self, program: str) -> int:
        self._server()
        if self.spawn_error is not None:
            raise self.spawn_error
        pid = self._new_process(self.process_names.get(program, program), self.app_uid(program))
        self.journal.append(f"frida spawn {program} -> {pid}")
        return pid

    def _new_process(self, name: str, uid: int | None = None) -> int:
        self.next_pid += 1
        pid = self.next_pid
        self.processes[pid] = FakeProcess(pid, name)
        if self.adb is not None:
            self.adb.processes[pid] = name
            self.adb.uids[pid] = uid if uid is not None else self.app_uid(name)
        return pid

    def app_uid(self, name: str) -> int:
        """The uid Android gives a process: the app's (its dump's userId, user 0) for the app's package and
        `package:suffix` processes, another app's otherwise."""
        assert self.adb is not None
        own = name == self.adb.package or name.startswith(self.adb.package + ":")
        found = re.search(r"(?m)^\s*(?:userId|appId)=(\d+)", self.adb.dumpsys_text)
        return int(found[1]) if own and found else 10999

    def resume(self, pid: int) -> None:
        self._server()
        if pid not in self.processes:
            raise frida.InvalidArgumentError(f"unable to find process with pid {pid}")
        self.journal.append(f"frida resume {pid}")
        self.pending.pop(pid, None)
        self.processes[pid].running.set()

    def kill(self, pid: int) -> None:
        self._server()
        self.journal.append(f"frida kill {pid}")
        self.pending.pop(pid, None)
        if self.adb is not None:
            self.adb.processes.pop(pid, None)

    def enable_spawn_gating(self) -> None:
        self._server()
        self.journal.append("frida enable spawn gating")
        self.gating = True

    def disable_spawn_gating(self) -> None:
        self._server()
        self.journal.append("frida disable spawn gating")
        self.gating = False

    def enumerate_pending_spawn(self) -> list[FakeSpawn]:
        self._server()
        return list(self.pending.values())

    def attach(self, pid: int) -> FakeSession:
        self._server()
        if self.attach_error is not None:
            raise self.attach_error
        self.journal.append(f"frida attach {pid}")
        session = FakeSession(self.processes[pid], self.journal)
        self.sessions.append(session)
        return session

    def script_of(self, pid: int) -> FakeScript:
        """The agent loaded into process `pid` (its last live session's)."""
        return next(s for session in reversed(self.sessions) if session.process.pid == pid and not session.is_detached
                    for s in session.scripts)

    # What the device does on its own ---------------------------------------------------------------------
    def system_starts(self, name: str, *, announce: bool = True, uid: int | None = None) -> int:
        """Android starts a process (a `:push` service, another app), as `uid` (default: see `app_uid`). With gating
        on it is held, listed as pending and announced by spawn-added (unless `announce` is False: it was held
        before anyone listened)."""
        pid = self._new_process(name, uid)
        if not self.gating:
            self.processes[pid].running.set()
            return pid
        self.pending[pid] = FakeSpawn(pid, name)
        if announce:
            for handler in list(self.handlers.get("spawn-added", [])):
                handler(FakeSpawn(pid, name))
        return pid

    def lose(self) -> None:
        for handler in list(self.handlers.get("lost", [])):
            handler()

    def server_dies(self) -> None:
        """frida-server ends (crashed, killed): every session detaches with `connection-terminated`, its scripts
        are destroyed, and the device, still listed, answers every request as Frida does with no server."""
        self.server_gone = "unable to connect to remote frida-server: closed"
        if self.adb is not None:
            self.adb.processes = {pid: name for pid, name in self.adb.processes.items()
                                  if pid not in self.adb.server_pids}
            self.adb.server_pids.clear()
        for session in list(self.sessions):
            session.end("connection-terminated")

    def unplugged(self) -> None:
        """The device goes away (cable pulled, emulator closed): adb fails, sessions detach with `device-lost`, and
        the device's `lost` signal fires."""
        if self.adb is not None:
            self.adb.lost = f"device '{self.adb.serial}' not found"
        self.server_gone = "the connection is closed"
        for session in list(self.sessions):
            session.end("device-lost")
        self.lose()


# ------------------------------------------------------------------------------------------------------------
# uiautomator2


class FakeUi:
    """A uiautomator2 device: screens are captured dumps; taps are journaled and may switch the screen."""

    def __init__(self, journal: list[str], screens: dict[str, str], current: str, *,
                 foreground: tuple[str, str] | None = ("com.example.pkmproject", ".MainActivity")) -> None:
        """`foreground` None: no window has focus (the lock screen, an activity transition), as `app_current`
        finds it then."""
        self.journal = journal
        self.screens = screens
        self.current = current
        self.foreground = foreground
        self.on_click: Callable[[int, int], None] | None = None

    def dump_hierarchy(self, compressed: bool = False) -> str:
        return self.screens[self.current]

    def click(self, x: int, y: int) -> None:
        self.journal.append(f"ui click {x} {y}")
        if self.on_click is not None:
            self.on_click(x, y)

    def press(self, key: str) -> None:
        self.journal.append(f"ui press {key}")

    def send_keys(self, text: str, clear: bool = False) -> None:
        self.journal.append(f"ui type {text!r}")

    def swipe(self, x1: int, y1: int, x2: int, y2: int, duration: float) -> None:
        self.journal.append(f"ui swipe {x1} {y1} {x2} {y2}")

    def screenshot(self, format: str = "pillow") -> Image.Image:
        return Image.new("RGB", (108, 240), (32, 32, 32))

    def app_current(self) -> dict[str, Any]:
        if self.foreground is None:
            # uiautomator2 3.x asks adbutils, whose every `dumpsys` pattern found nothing.
            raise adbutils.AdbError("Couldn't get focused app")
        package, activity = self.foreground
        return {"package": package, "activity": activity, "pid": 0}


def fixture_text(relative: str) -> str:
    data = android_fixture(relative).read_bytes()
    return data.decode("utf-8-sig")
