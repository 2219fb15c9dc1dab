"""The whole product on the bundled demo app: real JVM processes, real Frida hooks, the demo scenario, the rules and
the report. The demo app's behaviour is documented in auditor/sandbox/apps/demo-shop/README.md; these are exactly
the findings that behaviour must produce, and nothing for what it does right."""

import contextlib
import io
import json

import pytest

from auditor.cli import EXIT_CLEAN, main
from auditor.resources import demo_app
from auditor.store import read_run

pytestmark = pytest.mark.integration

ADSDK, TRACKMETRICS = "AdSDK", "TrackMetrics"
"""The demo's SDKs, named by the SDK signatures its folder's consent-audit.yaml declares."""
VENDORS = {ADSDK: ("Demo Ads Ltd.", "advertising", "com.adsdk"), TRACKMETRICS: ("TrackMetrics Inc.", "analytics",
                                                                               "com.trackmetrics")}
PRE, REFUSED = "pre-consent", "refused"


def _reads(entries: list[tuple[str, str]], phase: str, *rules: str) -> set[tuple[str, str, str, str]]:
    return {(rule, entry, caller, phase) for rule in rules for entry, caller in entries}


# What the demo app does wrong, rule by rule (auditor/sandbox/apps/demo-shop/README.md), judged as a shopping app.
_SDK_READS = [("settings.android-id", ADSDK), ("wifi.connection-info", ADSDK), ("wifi.mac", ADSDK),
              ("apps.installed-packages", TRACKMETRICS)]
_IDENTIFIERS = [("settings.android-id", ADSDK), ("wifi.mac", ADSDK)]
_BEYOND_SHOPPING = [*_IDENTIFIERS, ("apps.installed-packages", TRACKMETRICS)]
EXPECTED = (
    _reads(_SDK_READS, PRE, "CN-SDK-PRECONSENT", "EU-GDPR-PRIOR-CONSENT")
    | _reads(_IDENTIFIERS, PRE, "EU-EPRIV-5-3")
    | _reads(_BEYOND_SHOPPING, PRE, "CN-UNNECESSARY-PI")
    # Second launch, before the user agrees: the refusal still stands; and the clipboard read after "Disagree".
    | _reads([*_SDK_READS, ("clipboard.read", TRACKMETRICS)], REFUSED, "CN-POST-REFUSAL", "EU-GDPR-REJECT-HONORED")
    | _reads(_IDENTIFIERS, REFUSED, "EU-EPRIV-5-3")
    | _reads([*_BEYOND_SHOPPING, ("clipboard.read", TRACKMETRICS)], REFUSED, "CN-UNNECESSARY-PI")
    # "Agree", then the location request at once, with nothing saying why; denied, and read anyway.
    | {("CN-PREMATURE-REQUEST", "permissions.request", "app", "consented"),
       ("CN-NO-PURPOSE", "LOCATION", "-", "consented"),
       ("CN-POST-REFUSAL", "location.last-known", "app", "permission-denied(LOCATION)")}
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo's run directory and what the `demo` command printed."""
    directory = tmp_path_factory.mktemp("demo") / "run"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["demo", "--out", str(directory)]) == EXIT_CLEAN
    return directory, printed.getvalue()


@pytest.fixture(scope="module")
def demo_run(demo):
    return demo[0]


def test_demo_produces_exactly_the_documented_findings(demo_run):
    document = json.loads((demo_run / "findings.json").read_text())
    found = {
        (f["rule"], f["entry"] or f["subject"], (f["caller"]["sdk"] or f["caller"]["origin"]) if f["caller"] else "-",
         f["phase"])
        for f in document["findings"]
    }
    assert found - EXPECTED == set(), "findings the demo app was not written to commit"
    assert EXPECTED - found == set(), "violations the demo app commits that were not found"


def test_every_sdk_finding_names_the_sdk_with_its_vendor(demo_run):
    document = json.loads((demo_run / "findings.json").read_text())
    callers = {(f["caller"]["sdk"], f["caller"]["vendor"], f["caller"]["category"], f["caller"]["package"])
               for f in document["findings"] if f["caller"] and f["caller"]["origin"] == "sdk"}
    assert callers == {(sdk, *vendor) for sdk, vendor in VENDORS.items()}
    report = (demo_run / "report.html").read_text(encoding="utf-8")
    assert "Demo Ads Ltd." in report and "TrackMetrics Inc." in report


def test_the_run_keeps_the_settings_it_was_judged_by(demo_run):
    run = read_run(demo_run)
    assert run.meta.options["settings"] == "settings/consent-audit.yaml"
    assert (demo_run / "settings" / "consent-audit.yaml").read_bytes() == (
        demo_app() / "consent-audit.yaml").read_bytes()


def test_the_location_read_after_the_grant_was_recorded_and_not_flagged(demo_run):
    run = read_run(demo_run)
    document = json.loads((demo_run / "findings.json").read_text())
    flagged = {event_id for f in document["findings"] for event_id in f["event_ids"]}
    location_reads = [e for e in run.events if e.entry == "location.last-known"]
    assert len(location_reads) == 2, "one blocked read after the denial, one read after the grant"
    blocked, granted = sorted(location_reads, key=lambda e: e.ts)
    assert blocked.threw is not None and blocked.threw.cls == "java.lang.SecurityException"
    assert granted.threw is None and granted.ret is not None and granted.ret.masked
    assert blocked.id in flagged and granted.id not in flagged


def test_the_run_records_decisions_processes_and_screens(demo_run):
    run = read_run(demo_run)
    kinds = [m.kind for m in run.markers]
    assert kinds[0] == "run-start" and kinds[-1] == "run-end"
    assert run.markers[-1].status == "completed"
    decisions = [(m.kind, getattr(m, "decision", None)) for m in run.markers if m.kind in ("consent", "permission")]
    assert decisions == [("consent", "refused"), ("consent", "accepted"), ("permission", "denied"),
                         ("permission", "granted")]
    assert sum(1 for m in run.markers if m.kind == "process-start") == 2
    assert sum(1 for m in run.markers if m.kind == "process-end") == 2
    # Android's bionic exports the system-property functions; the sandbox's JVM runs on glibc, which has none.
    bionic_only = {"native.serial-property", "native.serial-property-lookup"}
    # Nor does the JVM load OpenSSL: it speaks TLS in Java.
    bionic_only |= {"native.tls-read", "native.tls-write"}
    assert [f for c in run.coverage for f in c.failed] == [], "every catalog hook the platform has installs"
    assert {a.entry for c in run.coverage for a in c.absent} == bionic_only
    assert run.problems == []
    assert (demo_run / "report.html").stat().st_size > 0


def test_report_rerenders_from_disk_alone(demo_run, capsys):
    before = json.loads((demo_run / "findings.json").read_text())
    assert main(["report", str(demo_run), "--lang", "zh"]) == 1  # findings: exit 1
    after = json.loads((demo_run / "findings.json").read_text())
    assert after["findings"] == before["findings"]
    assert "report:" in capsys.readouterr().out


def test_the_demo_ends_by_printing_the_reports_path(demo, capsys):
    demo_run, printed = demo
    assert printed.strip().splitlines()[-1] == f"report: {demo_run / 'report.html'}"
    # And so does re-rendering it.
    main(["report", str(demo_run)])
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last == f"report: {demo_run / 'report.html'}"
