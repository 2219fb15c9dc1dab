"""batch.json, index.html and junit.xml made from the output directory alone: one row and one test case per app, the
aggregate a lab reports, and app texts that stay text."""

from __future__ import annotations

import json
from pathlib import Path

from lxml import etree, html

from auditor.batch.applist import Job
from auditor.batch.jobs import FolderJobStore, JobResult
from auditor.batch.outputs import Settled, aggregate, collect_rows, write_outputs
from auditor.outcomes import Classification
from auditor.store import write_json_atomically


def sealed_run(directory: Path, package: str) -> None:
    from auditor.models import AppInfo, DeviceInfo, RunMeta, ScenarioInfo
    from auditor.store import RunWriter

    meta = RunMeta(run_id="r1", tool_version="t", frida_version="f", started_at="now", target=f"android:{package}",
                   app=AppInfo(package=package), device=DeviceInfo(backend="android"),
                   scenario=ScenarioInfo(name="s", path="s.yaml", sha256="0", copy_path="scenario/s.yaml"))
    writer = RunWriter(directory, meta)
    writer.append_device_log("a line")
    writer.seal()


def _job(n: int, package: str) -> Job:
    return Job(key=f"{package}-{n}-{n:016x}", where=f"apps.csv:{n + 1}", target=f"android:{package}",
               package=package, version_code=n, scenario="/s/refuse-only.yaml", scenario_name="refuse-only",
               scenario_sha256="0" * 64, time_limit_s=120)


def _done(store: FolderJobStore, job: Job, **fields: object) -> None:
    work = store.work_dir(job.key, 1)
    work.mkdir(parents=True)
    result = JobResult(key=job.key, target=job.target, package=job.package, kind="app", **fields)  # type: ignore[arg-type]
    if result.run:
        sealed_run(work / result.run, job.package)
    write_json_atomically(work / "result.json", result.model_dump(mode="json"))
    assert store.commit(job.key, work)


def _batch(tmp_path: Path) -> tuple[FolderJobStore, list[Job], dict[str, Settled]]:
    store = FolderJobStore(tmp_path)
    store.prepare()
    shop, news, game, bank, tool = (_job(1, "com.example.shop"), _job(2, "com.example.news"),
                                    _job(3, "com.example.game"), _job(4, "com.example.bank"),
                                    _job(5, "com.example.tool"))
    _done(store, shop, reason="completed", verdict="findings", findings=3, label='<script>alert("x")</script>',
          findings_by_rule={"CN-PRECONSENT-COLLECT": 2, "CN-POST-REFUSAL": 1}, sdks=["Umeng Analytics", "Bugly"],
          report="run/report.html", run="run", duration_s=41.5, device="emulator-5554")
    _done(store, news, reason="app-crashed", verdict="clean", message="java.lang.IllegalStateException: boom",
          report="run/report.html", run="run", duration_s=12.0, device="emulator-5556")
    _done(store, game, reason="install-refused", verdict="not-audited",
          message="installing game.apk failed: INSTALL_FAILED_NO_MATCHING_ABIS")
    record = store.claim_attempt(bank.key, session="s", mode="local", device="emulator-5554")
    store.end_attempt(bank.key, record, Classification("infrastructure", "device-lost", "device offline"), 75)
    settled = {bank.key: Settled("failed", "device-lost", "3 attempts failed for infrastructure"),
               tool.key: Settled("not-run", "no-device", "every device was quarantined")}
    return store, [shop, news, game, bank, tool], settled


def test_rows_and_aggregate(tmp_path: Path) -> None:
    store, jobs, settled = _batch(tmp_path)
    rows = collect_rows(store, jobs, settled, poison_after=3)
    assert [(r.state, r.reason) for r in rows] == [
        ("done", "completed"), ("done", "app-crashed"), ("done", "install-refused"), ("failed", "device-lost"),
        ("not-run", "no-device")]
    assert rows[0].report == f"apps/{jobs[0].key}/run/report.html"
    assert rows[2].report is None and rows[3].attempts == 1 and rows[3].device == "emulator-5554"
    summary = aggregate(rows)
    assert (summary.apps, summary.audited, summary.with_findings, summary.clean, summary.not_done) == (5, 3, 1, 1, 2)
    assert summary.outcomes == {"app-crashed": 1, "completed": 1, "install-refused": 1}
    assert [(item.name, item.apps) for item in summary.rules] == [("CN-POST-REFUSAL", 1),
                                                                  ("CN-PRECONSENT-COLLECT", 1)]
    assert [(item.name, item.share) for item in summary.sdks] == [("Bugly", 0.3333), ("Umeng Analytics", 0.3333)]


def test_files_written(tmp_path: Path) -> None:
    store, jobs, settled = _batch(tmp_path)
    document = write_outputs(store, jobs, settled, app_list=Path("apps.csv"), devices=["emulator-5554"],
                             quarantined={"emulator-5556": "3 failures in a row"}, poison_after=3)
    saved = json.loads((tmp_path / "batch.json").read_text())
    assert saved["aggregate"] == document.aggregate.model_dump(mode="json")
    assert [app["key"] for app in saved["apps"]] == [job.key for job in jobs]
    assert saved["quarantined"] == {"emulator-5556": "3 failures in a row"}

    page = html.fromstring((tmp_path / "index.html").read_bytes())
    rows = page.xpath("//table[@id='apps']/tbody/tr")
    assert [row.get("data-state") for row in rows] == ["done", "done", "done", "failed", "not-run"]
    assert rows[0].xpath(".//a/@href") == [f"apps/{jobs[0].key}/run/report.html"]
    assert "CN-PRECONSENT-COLLECT × 2" in rows[0].text_content()
    assert not page.xpath("//script"), "an app's label is text, never markup"
    assert '<script>alert("x")</script>' in rows[0].text_content()
    assert page.xpath("//meta[@http-equiv='Content-Security-Policy']/@content") == [
        "default-src 'none'; style-src 'unsafe-inline'"]
    assert not page.xpath("//link | //img[not(starts-with(@src, 'data:'))]"), "self-contained"
    assert [r.text_content() for r in page.xpath("//table[@id='sdks']//td[1]")] == ["Bugly", "Umeng Analytics"]

    suite = etree.fromstring((tmp_path / "junit.xml").read_bytes())
    cases = suite.findall(".//testcase")
    assert [c.get("name") for c in cases] == [f"{job.package} ({job.version_code})" for job in jobs]
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("5", "1", "2")
    assert cases[0].find("failure").get("message") == "3 finding(s): CN-PRECONSENT-COLLECT x2, CN-POST-REFUSAL x1"
    assert cases[1].find("failure") is None and cases[1].find("error") is None
    assert cases[3].find("error").get("message") == "failed: device-lost"
    assert cases[4].find("error").get("type") == "not-run"
