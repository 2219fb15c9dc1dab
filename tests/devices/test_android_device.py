"""Opt-in: the built-in `miit-standard` scenario audited on a real emulator or device (`pytest -m device`).

Skipped unless CONSENT_AUDIT_DEVICE names the device's adb serial; docs/android.md ("The device tests") sets up an
emulator on which this passes. The app:

- CONSENT_AUDIT_PACKAGE: an installed package (default com.android.camera2, the Camera of google_apis images, which
  asks for the camera permission on its first start);
- CONSENT_AUDIT_APK: an APK installed for the run instead;
- CONSENT_AUDIT_EXPECT: what the app is known to show, comma-separated: `permission` (a runtime-permission dialog,
  the default), `consent` (a privacy-policy dialog with a refuse control); empty for neither;
- CONSENT_AUDIT_OBSERVE: seconds of each watching pause of the scenario (default 5; the scenario's own is 10).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from auditor.catalog import load_catalog
from auditor.cli import main
from auditor.models import ConsentDecision, CoverageRecord, PermissionDecision, RunEnded
from auditor.store import read_run, verify_run
from tests.test_catalog import table_rows

pytestmark = pytest.mark.device

SERIAL = os.environ.get("CONSENT_AUDIT_DEVICE", "")
PACKAGE = os.environ.get("CONSENT_AUDIT_PACKAGE", "com.android.camera2")
APK = os.environ.get("CONSENT_AUDIT_APK", "")
EXPECT = {word.strip() for word in os.environ.get("CONSENT_AUDIT_EXPECT", "permission").split(",") if word.strip()}
OBSERVE = os.environ.get("CONSENT_AUDIT_OBSERVE", "5")

needs_device = pytest.mark.skipif(not SERIAL, reason="set CONSENT_AUDIT_DEVICE=SERIAL to run against a real device")


@needs_device
def test_doctor_passes() -> None:
    assert main(["doctor", "--serial", SERIAL]) == 0


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> Path:
    run_dir = tmp_path_factory.mktemp("device") / "run"
    argv = ["run", "--serial", SERIAL, "--scenario", "miit-standard", "--env", f"OBSERVE={OBSERVE}",
            "--out", str(run_dir)]
    argv += ["--apk", APK] if APK else ["--target", f"android:{PACKAGE}"]
    code = main(argv)
    assert code in (0, 1), f"the audit did not complete (exit {code}): see {run_dir}"  # 0 clean, 1 findings
    return run_dir


@needs_device
def test_the_run_completed_on_this_device_and_its_record_verifies(audited: Path) -> None:
    run = read_run(audited)
    assert run.meta.device.backend == "android" and run.meta.device.serial == SERIAL
    if not APK:
        assert run.meta.app.package == PACKAGE
    ended = run.markers[-1]
    assert isinstance(ended, RunEnded) and ended.status == "completed", ended
    assert verify_run(audited).intact
    assert (audited / "report.html").is_file() and (audited / "findings.json").is_file()
    assert any(path.suffix == ".png" for path in (audited / "screenshots").iterdir())


@needs_device
def test_the_core_hooks_went_in_without_a_failure(audited: Path) -> None:
    run = read_run(audited)
    catalog = load_catalog()
    api = run.meta.device.api_level or 0
    core = [row["catalog id"] for row in table_rows()]
    [main_process, *_] = CoverageRecord.merged(list(run.coverage))
    failed = {hook.entry: hook.error for hook in main_process.failed if hook.entry in core}
    assert failed == {}, failed
    installed = {hook.entry for hook in main_process.installed}
    applicable = [entry_id for entry_id in core if (entry := catalog.get(entry_id)) is not None
                  and (entry.since or 0) <= api and (entry.until is None or api <= entry.until)]
    assert set(applicable) <= installed, sorted(set(applicable) - installed)


@needs_device
def test_the_users_decisions_are_on_record(audited: Path) -> None:
    run = read_run(audited)
    kinds = [marker.kind for marker in run.markers]
    assert kinds.count("process-start") >= 2, "relaunches start the app again, instrumented"
    # The first look at the privacy dialog is recorded either way: shown, or looked for and missing.
    assert {"consent-dialog", "consent-dialog-missing"} & set(kinds)
    if "consent" in EXPECT:
        decisions = {m.decision for m in run.markers if isinstance(m, ConsentDecision)}
        assert decisions == {"refused", "accepted"}, decisions
    if "permission" in EXPECT:
        denied = [m for m in run.markers if isinstance(m, PermissionDecision) and m.decision == "denied"]
        assert denied, "no permission dialog was answered"
        assert all(m.permissions and m.message for m in denied)
