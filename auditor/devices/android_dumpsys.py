"""Reading what `dumpsys package PKG` says about an app: versions, requested permissions, and every user's
runtime-permission state.

The output is indentation-structured text whose details vary across Android versions and vendors: a
`Packages:` section (and, for an updated system app, a second entry under `Hidden system packages:`), install
permissions at the package level, then one `User N:` block per user with its `runtime permissions:`. Flags are
upper-case names, sometimes a raw number Android had no name for (`USER_SET|524288`). Saved outputs may be
UTF-16 with a byte-order mark. Everything is parsed as given: unknown lines are skipped, never guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_PACKAGE = re.compile(r"^\s*Package \[(?P<name>[^\]]+)\]")
_USER = re.compile(r"^\s*User (?P<id>\d+):(?P<rest>.*)$")
_PERMISSION_STATE = re.compile(
    r"^\s*(?P<name>[\w.$-]+): granted=(?P<granted>true|false)(?:, flags=\[(?P<flags>[^\]]*)\])?"
)
_VERSION_CODE = re.compile(r"\bversionCode=(?P<code>\d+)")
_TARGET_SDK = re.compile(r"\btargetSdk=(?P<sdk>\d+)")
_VERSION_NAME = re.compile(r"^\s*versionName=(?P<name>.*)$")
_INSTALLED = re.compile(r"\binstalled=(?P<installed>true|false)")
_APP_ID = re.compile(r"^\s*(?:userId|appId)=(?P<id>\d+)\s*$")
"""The app's Linux uid within a user (`userId=` up to Android 10, `appId=` from 11)."""
_SHARED_USER = re.compile(r"^\s*sharedUser=")

LIVE_SECTION = "Packages"
"""The top-level section that lists the installed package (an updated system app also has an entry under
`Hidden system packages:`, the factory version, which is not what runs)."""


@dataclass(frozen=True)
class PermissionState:
    name: str
    granted: bool
    flags: tuple[str, ...] = ()
    """As Android names them (`USER_SET`, `USER_FIXED`, `GRANTED_BY_DEFAULT`...), or the number it printed."""

    @property
    def user_decided(self) -> bool:
        """The user answered a dialog or changed it in Settings: Android will not ask again as on first use."""
        return "USER_SET" in self.flags or "USER_FIXED" in self.flags

    @property
    def fixed_by_system(self) -> bool:
        """Granted by the system or a policy: `pm revoke` cannot take it back."""
        return any(flag in self.flags for flag in ("SYSTEM_FIXED", "POLICY_FIXED"))


@dataclass
class UserState:
    user: int
    installed: bool | None = None
    runtime: dict[str, PermissionState] = field(default_factory=dict)


@dataclass
class PackageEntry:
    name: str
    """The package name, or "" for an output fragment that has no `Package [...]` header."""
    section: str
    """The top-level section it was listed under (`Packages`, `Hidden system packages`), "" when there is none."""
    version_code: int | None = None
    version_name: str = ""
    target_sdk: int | None = None
    requested: list[str] = field(default_factory=list)
    install: dict[str, PermissionState] = field(default_factory=dict)
    users: dict[int, UserState] = field(default_factory=dict)
    app_id: int | None = None
    """The app's uid within a user: its processes run as `user * 100000 + app_id`."""
    shared_user: bool = False
    """The app shares its uid with other packages (`android:sharedUserId`): the uid alone does not say whose a
    process is."""

    def uid(self, user: int) -> int | None:
        return user * 100000 + self.app_id if self.app_id is not None else None


@dataclass
class PackageDump:
    entries: list[PackageEntry]

    def package(self, name: str) -> PackageEntry | None:
        """The entry of the installed package `name`: the live one when an updated system app has two."""
        matching = [entry for entry in self.entries if entry.name in (name, "")]
        live = [entry for entry in matching if entry.section in (LIVE_SECTION, "")]
        chosen = live or matching
        return chosen[0] if chosen else None

    def runtime_permissions(self, name: str, user: int) -> dict[str, PermissionState]:
        """The runtime permissions of package `name` for `user`, as the dump lists them (empty when it lists none)."""
        entry = self.package(name)
        if entry is None or user not in entry.users:
            return {}
        return dict(entry.users[user].runtime)


def decode_output(data: bytes) -> str:
    """Text of a saved or streamed dumpsys output: UTF-16 when it starts with a byte-order mark, else UTF-8."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    return data.decode("utf-8-sig", errors="replace")


def parse_package_dump(text: str) -> PackageDump:
    """Every package entry of a `dumpsys package` output (full, or a fragment of one)."""
    entries: list[PackageEntry] = []
    section = ""
    entry: PackageEntry | None = None
    user: UserState | None = None
    block: str | None = None
    """`requested`, `install` or `runtime`: the permission list being read."""
    block_indent = 0

    def current() -> PackageEntry:
        nonlocal entry
        if entry is None:
            entry = PackageEntry(name="", section=section)
            entries.append(entry)
        return entry

    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        if block is not None and indent <= block_indent:
            block = None
        if indent == 0 and line.endswith(":"):
            section, entry, user, block = line[:-1], None, None, None
            continue
        package = _PACKAGE.match(line)
        if package:
            entry = PackageEntry(name=package["name"], section=section)
            entries.append(entry)
            user, block = None, None
            continue
        if block is not None:
            _read_block_line(current(), user, block, line)
            continue
        if entry is None and section:
            continue  # a section without package entries (Queries:, Package Changes:, Dexopt state:...)
        stripped = line.strip()
        user_match = _USER.match(line)
        if user_match:
            installed = _INSTALLED.search(user_match["rest"])
            user = UserState(int(user_match["id"]), installed["installed"] == "true" if installed else None)
            current().users[user.user] = user
            continue
        if stripped in ("requested permissions:", "install permissions:", "runtime permissions:"):
            kind = stripped.split(" ")[0]
            if kind == "runtime" and user is None:
                user = current().users.setdefault(0, UserState(0))
            block, block_indent = kind, indent
            continue
        code = _VERSION_CODE.search(stripped)
        if code and stripped.startswith("versionCode="):
            current().version_code = int(code["code"])
            sdk = _TARGET_SDK.search(stripped)
            if sdk:
                current().target_sdk = int(sdk["sdk"])
            continue
        name = _VERSION_NAME.match(line)
        if name:
            current().version_name = name["name"].strip()
            continue
        app_id = _APP_ID.match(line)
        if app_id:
            current().app_id = int(app_id["id"])
        elif _SHARED_USER.match(line):
            current().shared_user = True
    return PackageDump(entries)


def _read_block_line(entry: PackageEntry, user: UserState | None, block: str, line: str) -> None:
    if block == "requested":
        # `android.permission.X` or, on newer versions, `android.permission.X: restricted=true`
        name = line.strip().split(":")[0].strip()
        if name:
            entry.requested.append(name)
        return
    state = _parse_state(line)
    if state is None:
        return
    if block == "install":
        entry.install[state.name] = state
    elif user is not None:
        user.runtime[state.name] = state


def _parse_state(line: str) -> PermissionState | None:
    match = _PERMISSION_STATE.match(line)
    if match is None:
        return None
    flags = tuple(flag.strip() for flag in (match["flags"] or "").split("|") if flag.strip())
    return PermissionState(match["name"], match["granted"] == "true", flags)
