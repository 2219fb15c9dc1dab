"""Opt-in: a real audit on a real emulator or device (`pytest -m device`). Skipped unless CONSENT_AUDIT_DEVICE names
the device's adb serial; docs/android.md sets up an emulator on which this passes. CONSENT_AUDIT_PACKAGE picks the
app (an installed package; default: the emulator's Settings app), CONSENT_AUDIT_APK installs one for the run."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from auditor.cli import main

pytestmark = pytest.mark.device

SERIAL = os.environ.get("CONSENT_AUDIT_DEVICE", "")
PACKAGE = os.environ.get("CONSENT_AUDIT_PACKAGE", "com.android.settings")
APK = os.environ.get("CONSENT_AUDIT_APK", "")

needs_device = pytest.mark.skipif(not SERIAL, reason="set CONSENT_AUDIT_DEVICE=SERIAL to run against a real device")

# The demo's shape on any app: a clean cold start observed, backgrounded, brought back, stopped.
SCENARIO = """\
appId: {package}
name: cold start, observe, background, relaunch
---
- launchApp: {{clearState: true}}
- sleep: 5
- screenshot: first-screen
- background
- sleep: 2
- foreground
- stopApp
- launchApp
- sleep: 3
- stopApp
"""


@needs_device
def test_doctor_passes() -> None:
    assert main(["doctor", "--serial", SERIAL]) == 0


@needs_device
def test_audit_on_the_device(tmp_path: Path) -> None:
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(SCENARIO.format(package=PACKAGE))
    run_dir = tmp_path / "run"
    argv = ["run", "--serial", SERIAL, "--scenario", str(scenario), "--out", str(run_dir)]
    argv += ["--apk", APK] if APK else ["--target", f"android:{PACKAGE}"]
    assert main(argv) in (0, 1)
    meta = json.loads((run_dir / "meta.json").read_text())
    assert meta["device"]["backend"] == "android" and meta["device"]["serial"] == SERIAL
    coverage = [json.loads(line) for line in (run_dir / "coverage.jsonl").read_text().splitlines()]
    assert coverage and coverage[0]["installed"], "no hook installed in the app's main process"
    markers = [json.loads(line) for line in (run_dir / "markers.jsonl").read_text().splitlines()]
    kinds = [marker["kind"] for marker in markers]
    assert kinds.count("process-start") >= 2 and "process-end" in kinds
    assert any(path.suffix == ".png" for path in (run_dir / "screenshots").iterdir())
