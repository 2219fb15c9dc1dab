"""Where the real captured Android outputs live (uiautomator dumps, dumpsys outputs, frida errors).

They are kept verbatim, never cleaned: tests parse them as a device gave them. They live in the checkout's
`tests/fixtures/android` (provenance in its SOURCES.md); `$CONSENT_AUDIT_FIXTURES` points elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

from auditor.errors import EnvironmentProblem
from auditor.resources import SOURCE_ROOT


def android_fixtures_dir() -> Path:
    candidates = [
        *([Path(os.environ["CONSENT_AUDIT_FIXTURES"])] if os.environ.get("CONSENT_AUDIT_FIXTURES") else []),
        SOURCE_ROOT / "tests" / "fixtures" / "android",
    ]
    for candidate in candidates:
        if (candidate / "SOURCES.md").is_file():
            return candidate
    looked = ", ".join(str(c) for c in candidates)
    raise EnvironmentProblem(f"the Android fixtures are missing (looked in {looked}); set CONSENT_AUDIT_FIXTURES")


def android_fixture(relative: str) -> Path:
    """`perm-dialog/buccancs-camera.xml` -> its path."""
    path = android_fixtures_dir() / relative
    if not path.is_file():
        raise EnvironmentProblem(f"fixture {relative} not found under {android_fixtures_dir()}")
    return path


def hierarchy_fixtures(kind: str) -> list[Path]:
    """Every uiautomator dump of one kind: `perm-dialog`, `consent-dialog` or `plain-screen`."""
    return sorted((android_fixtures_dir() / kind).glob("*.xml"))
