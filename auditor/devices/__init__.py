"""Device backends behind one protocol (`base.Backend`): the JVM sandbox, and Android over adb."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from auditor.devices.base import Backend
from auditor.errors import InputError

if TYPE_CHECKING:
    from auditor.devices.android import AndroidOptions

TARGET_FORMS = "sandbox:PATH (a sandbox app folder) or android:PACKAGE (an app on an Android device)"


def open_backend(target: str, *, android: AndroidOptions | None = None) -> Backend:
    """The backend for a `--target` string; `android` carries the device options of an `android:` target."""
    kind, separator, rest = target.partition(":")
    if kind == "android":
        from auditor.devices.android import AndroidBackend, parse_target

        package = parse_target(target) if rest else None
        return AndroidBackend(package, android)
    if not separator or not rest:
        raise InputError(f"target {target!r} is not of the form {TARGET_FORMS}")
    if kind == "sandbox":
        from auditor.devices.sandbox import SandboxBackend

        app_dir = Path(rest)
        if not app_dir.is_dir():
            raise InputError("sandbox app folder not found", where=str(app_dir))
        return SandboxBackend(app_dir)
    raise InputError(f"unknown target kind {kind!r}: this version audits {TARGET_FORMS}")
