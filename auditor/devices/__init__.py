"""Device backends behind one protocol (`base.Backend`): the JVM sandbox, and Android over adb."""

from __future__ import annotations

from pathlib import Path

from auditor.devices.base import Backend
from auditor.errors import InputError

TARGET_FORMS = "sandbox:PATH (a sandbox app folder)"


def open_backend(target: str) -> Backend:
    """The backend for a `--target` string."""
    kind, separator, rest = target.partition(":")
    if not separator or not rest:
        raise InputError(f"target {target!r} is not of the form {TARGET_FORMS}")
    if kind == "sandbox":
        from auditor.devices.sandbox import SandboxBackend

        app_dir = Path(rest)
        if not app_dir.is_dir():
            raise InputError("sandbox app folder not found", where=str(app_dir))
        return SandboxBackend(app_dir)
    raise InputError(f"unknown target kind {kind!r}: this version audits {TARGET_FORMS}")
