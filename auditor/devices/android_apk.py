"""What an APK says about itself (package, version, label, requested permissions, target SDK), read with
pyaxmlparser: binary AndroidManifest.xml and resources.arsc, so `@string/app_name` labels resolve too."""

from __future__ import annotations

import contextlib
import io
import logging
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.errors import InputError
from auditor.models import AppInfo


@dataclass(frozen=True)
class ApkMetadata:
    path: Path
    package: str
    label: str
    version_name: str
    version_code: int | None
    target_sdk: int | None
    permissions: list[str] = field(default_factory=list)
    launcher_activity: str = ""
    processes: tuple[str, ...] = ()
    """Names of the processes the manifest puts components in (`android:process`), besides the package's own."""
    main_process: str = ""
    """The process the application runs in unless a component says otherwise: the package, or the application's
    `android:process`."""

    def app_info(self) -> AppInfo:
        return AppInfo(
            package=self.package,
            label=self.label,
            version_name=self.version_name,
            version_code=self.version_code,
            target_sdk=self.target_sdk,
            permissions=list(self.permissions),
            components=[self.launcher_activity] if self.launcher_activity else [],
        )


def read_apk(path: Path) -> ApkMetadata:
    """The metadata of the APK at `path`. Raises InputError when it is missing or not an APK."""
    from pyaxmlparser import APK  # heavy; only --apk needs it

    if not path.is_file():
        raise InputError("APK file not found", where=str(path))
    # The parser reports a missing manifest through logging and print(); the error below says it once.
    quiet = logging.getLogger("pyaxmlparser")
    previous = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            apk = APK(str(path))
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"not an APK (a zip archive with AndroidManifest.xml): {exc}", where=str(path)) from None
    except Exception as exc:  # noqa: BLE001 - the parser raises its own and plain exceptions on broken files
        raise InputError(f"cannot read the APK: {type(exc).__name__}: {exc}", where=str(path)) from None
    finally:
        quiet.setLevel(previous)
    if not apk.is_valid_APK() or not apk.package:
        raise InputError("not an APK: it has no readable AndroidManifest.xml", where=str(path))
    manifest = apk.get_android_manifest_xml()
    return ApkMetadata(
        path=path,
        package=str(apk.package),
        label=str(apk.application or ""),
        version_name=str(apk.version_name or ""),
        version_code=_int_or_none(apk.version_code),
        target_sdk=_int_or_none(apk.get_target_sdk_version()),
        permissions=sorted(set(apk.get_permissions())),
        launcher_activity=str(apk.get_main_activity() or ""),
        processes=declared_processes(manifest, str(apk.package)),
        main_process=application_process(manifest, str(apk.package)),
    )


_ANDROID = "{http://schemas.android.com/apk/res/android}"
_COMPONENTS = ("activity", "service", "receiver", "provider")


def declared_processes(manifest: Any, package: str) -> tuple[str, ...]:
    """Every process name the manifest declares other than `package`: a private one (`:push`) becomes
    `package:push`; a global one (`com.example.shop.remote`, any name without the colon) is taken as it is. The
    application's `android:process` is the default of its components."""
    application = manifest.find("application") if manifest is not None else None
    if application is None:
        return ()
    default = application.get(f"{_ANDROID}process")
    found: set[str] = set()
    if default:
        found.add(_process_name(default, package))
    for tag in _COMPONENTS:
        for component in application.iter(tag):
            name = component.get(f"{_ANDROID}process")
            if name:
                found.add(_process_name(name, package))
    found.discard(package)
    return tuple(sorted(found))


def application_process(manifest: Any, package: str) -> str:
    """The application's own process name: its `android:process`, or the package."""
    application = manifest.find("application") if manifest is not None else None
    declared = application.get(f"{_ANDROID}process") if application is not None else None
    return _process_name(declared, package) if declared else package


def _process_name(declared: str, package: str) -> str:
    return package + declared if declared.startswith(":") else declared


def _int_or_none(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None
