"""The local pool on sandbox slots, with real audits: several apps on two good slots, an app that crashes, a slot
whose audits fail for infrastructure (its cache folder is unusable: a real failure, classified 75 by run-one), and a
slot that fails its checks (no JDK where it is told to look). Every app ends done exactly once; both bad slots are
quarantined and the batch goes on without them."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from lxml import html

from auditor.batch.devices import SandboxSlot
from auditor.batch.pool import PoolSettings
from auditor.batch.progress import Progress
from auditor.batch.session import BatchOptions, run_batch
from tests.batch.conftest import attempts_by_key, committed, write_list

pytestmark = pytest.mark.integration


def test_pool_with_a_crash_an_infrastructure_failure_and_quarantined_devices(tmp_path: Path) -> None:
    listing = write_list(tmp_path / "apps.yaml", 3, crash=True)
    not_a_folder = tmp_path / "cache-is-a-file"
    not_a_folder.write_text("not a folder\n")
    slots = [
        SandboxSlot("good-1"),
        SandboxSlot("good-2"),
        SandboxSlot("flaky", env={"CONSENT_AUDIT_CACHE": str(not_a_folder)}),
        SandboxSlot("broken", env={"CONSENT_AUDIT_JAVA_HOME": str(tmp_path / "no-jdk")}),
    ]
    out = tmp_path / "out"
    log = io.StringIO()
    report = run_batch(BatchOptions(app_list=listing, out=out, slots=slots,  # type: ignore[arg-type]
                                    pool=PoolSettings(quarantine_after=2, retry_pause_s=0.2)),
                       Progress(log, live=False))
    assert report.exit_code == 0, log.getvalue()

    results = committed(out)
    assert len(results) == 4, "one result per app"
    reasons = sorted(r["reason"] for r in results.values())
    assert reasons == ["app-crashed", "completed", "completed", "completed"]
    assert {r["device"] for r in results.values()} <= {"good-1", "good-2"}
    crash = next(r for r in results.values() if r["reason"] == "app-crashed")
    assert "IllegalStateException: batch-crash fails at start on purpose" in crash["message"]
    mini = next(r for r in results.values() if r["reason"] == "completed")
    assert mini["sdks"] == ["Umeng Analytics"] and "CN-SDK-PRECONSENT" in mini["findings_by_rule"]

    attempts = attempts_by_key(out)
    on_flaky = [a for records in attempts.values() for a in records if a.device == "flaky"]
    assert on_flaky and all((a.kind, a.reason) == ("infrastructure", "storage-failure") for a in on_flaky)
    assert "Not a directory" in on_flaky[0].message
    retried = [key for key, records in attempts.items() if any(a.device == "flaky" for a in records)]
    for key in retried:
        assert attempts[key][-1].reason in ("completed", "app-crashed"), "retried on a good slot, and done"
    assert not any(a.device == "broken" for records in attempts.values() for a in records), \
        "a slot failing its check never gets an attempt"

    document = json.loads((out / "batch.json").read_text())
    assert set(document["quarantined"]) == {"flaky", "broken"}
    assert "no Java at" in document["quarantined"]["broken"]
    assert document["aggregate"]["sdks"][0] == {"name": "Umeng Analytics", "apps": 3, "share": 0.75}
    assert "device broken: quarantined" in log.getvalue()
    page = html.fromstring((out / "index.html").read_bytes())
    links = page.xpath("//table[@id='apps']//a/@href")
    assert len(links) == 4 and all((out / link).is_file() for link in links)
