"""Report data: what each section says about the run told in conftest.py."""

from __future__ import annotations

import base64

from auditor.models import (
    ConsentDecision,
    PermissionDecision,
    ProcessEnded,
    ProcessStarted,
    RunEnded,
    ScreenshotTaken,
    StepEnded,
    StepStarted,
)
from auditor.report import build_report
from auditor.report.data import CallsRow, FindingView, MarkerRow
from auditor.report.wording import Lang
from auditor.rules.engine import RuleFailure

from .conftest import (
    APP_FRAME,
    FINE,
    HOOK_FAILURE,
    PLATFORM_FRAME,
    SCREENSHOT,
    SCREENSHOT_SVG,
    UMENG,
    UMENG_FRAME,
    UMENG_NAME,
    SampleRun,
    start_run,
    step,
)


def findings_by_rule(sample: SampleRun, lang: Lang = "en") -> dict[str, FindingView]:
    return {f.rule: f for f in build_report(sample.analyse(), lang).findings}


def test_each_finding_is_placed_against_the_decision_it_is_judged_by(sample: SampleRun) -> None:
    findings = findings_by_rule(sample)

    assert findings["CN-SDK-PRECONSENT"].timing == (
        "4.1 s before the user agreed to the privacy policy (tapped “Agree”)"
    )
    assert findings["CN-POST-REFUSAL"].timing == (
        "+3.2 s after the user denied the LOCATION permission (tapped “Don’t allow”)"
    )


def test_decision_times_in_chinese(sample: SampleRun) -> None:
    findings = findings_by_rule(sample, "zh")

    assert findings["CN-SDK-PRECONSENT"].timing == "在用户同意了隐私政策（点击“Agree”）之前 4.1 秒"
    assert findings["CN-POST-REFUSAL"].timing == "在用户拒绝了LOCATION权限（点击“Don’t allow”）之后 3.2 秒"


def test_a_collection_before_a_consent_that_never_came_says_so(empty_sample: SampleRun) -> None:
    start_run(empty_sample)
    empty_sample.builder.call("settings.android-id", frames=[UMENG_FRAME])
    empty_sample.builder.mark(RunEnded, status="completed")

    finding = findings_by_rule(empty_sample)["CN-SDK-PRECONSENT"]

    assert finding.timing == "the user never agreed to the privacy policy during the run"
    assert finding.phase == "pre-consent"


def test_before_or_after_comes_from_event_cursors_not_from_clocks(empty_sample: SampleRun) -> None:
    # The location read happened after the denial (the marker's cursor says so) although its device timestamp
    # is 50 ms earlier: a second process's clock, say. The report must not turn "after" into "before".
    b = empty_sample.builder
    start_run(empty_sample)
    b.call("settings.android-id", frames=[UMENG_FRAME])  # so that later markers carry a cursor for this process
    b.consent("accepted")
    denial = b.permission("denied", "LOCATION", [FINE])
    event = b.call("location.last-known", frames=[APP_FRAME])
    b.events[-1] = event.model_copy(update={"ts": denial.ts - 50})

    finding = findings_by_rule(empty_sample)["CN-POST-REFUSAL"]

    assert finding.timing == "+50 ms after the user denied the LOCATION permission (tapped “Don’t allow”)"


def test_finding_shows_count_times_and_how_the_calls_ended(sample: SampleRun) -> None:
    finding = findings_by_rule(sample)["CN-POST-REFUSAL"]

    assert finding.count == 2
    assert (finding.first, finding.last) == ("+7.9 s", "+8.0 s")
    assert [(o.text, o.count, o.blocked) for o in finding.outcomes] == [
        ("returned", 1, False),
        ("threw java.lang.SecurityException", 1, True),
    ]
    assert finding.event_ids == ["1000-1", "1000-2"]
    assert finding.phase_text == "after the user denied the LOCATION permission"


def test_finding_names_the_api_the_data_and_the_sdk_that_called(sample: SampleRun) -> None:
    finding = findings_by_rule(sample)["CN-SDK-PRECONSENT"]

    assert finding.api == "android.provider.Settings$Secure.getString"
    assert finding.data == "Android ID"
    assert finding.data_description == "Android ID, a per-app device identifier"
    assert finding.pi_type == "device-id"
    assert finding.caller is not None
    assert (finding.caller.origin, finding.caller.sdk, finding.caller.vendor, finding.caller.package) == (
        "sdk", UMENG.sdk, UMENG.vendor, "com.umeng",
    )
    assert finding.caller.frame == UMENG_FRAME
    assert finding.explanation.startswith(f"{UMENG_NAME} read the Android ID once")


def test_finding_stack_is_the_first_occurrence_with_the_attributing_frame_marked(sample: SampleRun) -> None:
    finding = findings_by_rule(sample)["CN-POST-REFUSAL"]

    assert finding.stack is not None
    assert finding.stack.event_id == "1000-1"
    assert [(f.text, f.attributing) for f in finding.stack.frames] == [(APP_FRAME, True), (PLATFORM_FRAME, False)]


def test_finding_embeds_the_screenshot_the_user_saw(sample: SampleRun) -> None:
    finding = findings_by_rule(sample)["CN-SDK-PRECONSENT"]

    assert finding.screenshot is not None
    assert finding.screenshot.path == SCREENSHOT
    prefix = "data:image/svg+xml;base64,"
    assert finding.screenshot.data_uri.startswith(prefix)
    assert base64.b64decode(finding.screenshot.data_uri[len(prefix):]) == SCREENSHOT_SVG


def test_a_device_screenshot_is_embedded_as_png(empty_sample: SampleRun) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 16
    start_run(empty_sample)
    empty_sample.write_file("screenshots/0001.png", png)
    empty_sample.builder.mark(ScreenshotTaken, path="screenshots/0001.png")
    empty_sample.builder.call("settings.android-id", frames=[UMENG_FRAME])

    finding = findings_by_rule(empty_sample)["CN-SDK-PRECONSENT"]

    assert finding.screenshot is not None
    assert finding.screenshot.data_uri == "data:image/png;base64," + base64.b64encode(png).decode()


def test_finding_carries_the_rules_clauses_and_remediation(sample: SampleRun) -> None:
    finding = findings_by_rule(sample)["CN-POST-REFUSAL"]

    assert "PIPL Art. 15, 16" in finding.clauses
    assert any("用户明确表示不同意后" in clause for clause in finding.clauses)
    assert finding.remediation.startswith("Honour the refusal")


def test_finding_title_in_the_report_language_with_the_other_alongside(sample: SampleRun) -> None:
    english = findings_by_rule(sample, "en")["CN-SDK-PRECONSENT"].title
    chinese = findings_by_rule(sample, "zh")["CN-SDK-PRECONSENT"].title

    assert (english.text, english.other, english.other_lang) == (
        "SDK collected personal information before consent", "SDK 在用户同意前收集个人信息", "zh-CN",
    )
    assert (chinese.text, chinese.other, chinese.other_lang) == (
        "SDK 在用户同意前收集个人信息", "SDK collected personal information before consent", "en",
    )


def test_verdict_counts_findings_by_severity_rule_and_caller(sample: SampleRun) -> None:
    sample.coverage[0].failed.clear()
    verdict = build_report(sample.analyse()).verdict

    assert (verdict.findings, verdict.calls) == (2, 3)
    assert [(s.severity, s.findings) for s in verdict.by_severity] == [("high", 2)]
    assert {(r.rule, r.findings, r.calls) for r in verdict.by_rule} == {
        ("CN-SDK-PRECONSENT", 1, 1), ("CN-POST-REFUSAL", 1, 2),
    }
    assert [(c.name, c.detail, c.findings, c.calls) for c in verdict.by_caller] == [
        ("The app's own code", "com.example.shop", 1, 2),
        (UMENG_NAME, f"{UMENG.vendor} · com.umeng", 1, 1),
    ]
    assert verdict.evidence_complete


def test_header_describes_app_device_scenario_and_run(sample: SampleRun) -> None:
    sample.meta_overrides["frida_version"] = "17.25.2"
    header = build_report(sample.analyse()).header

    assert (header.app_label, header.package, header.version) == ("Shop", "com.example.shop", "1.2 (3)")
    assert (header.backend, header.device, header.frida_version) == ("sandbox", "OpenJDK 17", "17.25.2")
    assert (header.scenario_name, header.scenario_sha256, header.run_id) == ("test", "0" * 64, "testrun")
    assert header.run_end.status == "completed" and header.run_end.ok


def test_timeline_interleaves_decisions_steps_and_grouped_calls(sample: SampleRun) -> None:
    rows = build_report(sample.analyse()).timeline

    summary = [(row.at, row.kind) if isinstance(row, MarkerRow) else (row.at, row.data, row.count, row.phase)
               for row in rows]
    assert summary == [
        ("+0 ms", "run-start"),
        ("+0.1 s", "step-start"),
        ("+0.2 s", "app-launch"),
        ("+0.3 s", "process-start"),
        ("+0.4 s", "screenshot"),
        ("+0.5 s", "Android ID", 1, "pre-consent"),
        ("+4.6 s", "consent"),
        ("+4.7 s", "permission"),
        ("+7.9 s", "last known location", 2, "permission-denied(LOCATION)"),
        ("+8.1 s", "run-end"),
    ]
    decisions = [row.text for row in rows if isinstance(row, MarkerRow) and row.decision]
    assert decisions == [
        "The user agreed to the privacy policy (tapped “Agree”)",
        "The user denied the LOCATION permission (tapped “Don’t allow”)",
    ]
    assert isinstance(rows[1], MarkerRow) and rows[1].text == "Step 1: Launch the app"


def test_timeline_calls_point_at_the_finding_they_are_evidence_of(sample: SampleRun) -> None:
    report = build_report(sample.analyse())
    anchors = {f.rule: f.anchor for f in report.findings}

    calls = [row for row in report.timeline if isinstance(row, CallsRow)]

    assert [row.finding for row in calls] == [anchors["CN-SDK-PRECONSENT"], anchors["CN-POST-REFUSAL"]]
    assert [(o.text, o.count) for o in calls[1].outcomes] == [
        ("returned", 1), ("threw java.lang.SecurityException", 1),
    ]


def test_calls_by_phase(sample: SampleRun) -> None:
    phases = build_report(sample.analyse()).phases

    assert [(p.phase, p.calls, p.data, p.callers, p.first, p.last) for p in phases] == [
        ("pre-consent", 1, ["Android ID ×1"], [f"{UMENG_NAME} ×1"], "+0.5 s", "+0.5 s"),
        ("permission-denied(LOCATION)", 2, ["last known location ×2"], ["The app's own code ×2"],
         "+7.9 s", "+8.0 s"),
    ]


def test_coverage_lists_installed_failed_and_unreported_hooks(sample: SampleRun) -> None:
    sample.catalog.entries.append(sample.catalog["clipboard.read"].model_copy(update={"id": "clipboard.other"}))
    [process] = build_report(sample.analyse()).coverage

    assert (process.pid, process.process, process.at) == (1000, "com.example.shop", "+0.3 s")
    assert [(h.entry, h.signatures) for h in process.installed] == [
        ("settings.android-id", ["(android.content.ContentResolver,java.lang.String)"]),
        ("location.last-known", ["(java.lang.String)"]),
    ]
    assert [(h.entry, h.api, h.error) for h in process.failed] == [
        ("clipboard.read", "android.content.ClipboardManager.getPrimaryClip",
         "java.lang.ClassNotFoundException: android.content.ClipboardManager"),
    ]
    assert process.unreported == ["clipboard.other"]


def test_failed_hooks_make_the_evidence_incomplete(sample: SampleRun) -> None:
    report = build_report(sample.analyse())

    assert [(p.source, p.message) for p in report.problems] == [
        ("coverage", HOOK_FAILURE),
    ]
    assert not report.verdict.evidence_complete


def test_problems_gather_unreadable_lines_rule_failures_and_run_end(sample: SampleRun) -> None:
    sample.builder.markers[-1] = sample.builder.markers[-1].model_copy(
        update={"status": "step-failed", "message": "no control with text “Agree” on screen"}
    )
    sample.problems.append("events.jsonl:7: unreadable record (Invalid JSON)")
    result = sample.analyse()
    result.analysis.failures.append(RuleFailure("CN-POST-REFUSAL", "KeyError: 'x'"))

    report = build_report(result)

    assert [(p.source, p.message) for p in report.problems] == [
        ("run-end", "a scenario step failed: no control with text “Agree” on screen"),
        ("run-data", "events.jsonl:7: unreadable record (Invalid JSON)"),
        ("rule", "CN-POST-REFUSAL: KeyError: 'x'"),
        ("coverage", HOOK_FAILURE),
    ]
    assert not report.header.run_end.ok
    assert not report.verdict.evidence_complete
    assert isinstance(report.timeline[-1], MarkerRow) and report.timeline[-1].problem


def test_a_run_without_an_end_marker_was_cut_off(empty_sample: SampleRun) -> None:
    start_run(empty_sample)

    report = build_report(empty_sample.analyse())

    assert report.header.run_end.status == "missing"
    assert report.problems[0].source == "run-end"
    assert "cut off" in report.problems[0].message


def test_missing_evidence_files_and_records_are_problems(empty_sample: SampleRun) -> None:
    b = empty_sample.builder
    start_run(empty_sample)
    b.mark(ScreenshotTaken, path="screenshots/gone.svg")
    b.call("settings.android-id", frames=[UMENG_FRAME])
    torn = b.call("location.last-known", frames=["com.adsdk.Loc.read(Loc.java:1)"])
    b.mark(RunEnded, status="completed")
    assert torn.stack is not None
    del b.stacks[torn.stack]

    report = build_report(empty_sample.analyse())
    [finding] = report.findings

    assert finding.screenshot is None
    assert "screenshots/gone.svg" in finding.screenshot_problem
    messages = [(p.source, p.message) for p in report.problems]
    assert ("evidence", finding.screenshot_problem) in messages
    assert ("evidence", "1 event(s) refer to a stack that is not in stacks.jsonl (1000-1): their callers are unknown"
            ) in messages
    assert any(source == "coverage" and "pid 1000" in message for source, message in messages)


def test_a_screenshot_path_outside_the_run_directory_is_refused(empty_sample: SampleRun) -> None:
    outside = empty_sample.directory.parent / "secret.svg"
    outside.write_bytes(SCREENSHOT_SVG)
    start_run(empty_sample)
    empty_sample.builder.mark(ScreenshotTaken, path="../secret.svg")
    empty_sample.builder.call("settings.android-id", frames=[UMENG_FRAME])

    [finding] = build_report(empty_sample.analyse()).findings

    assert finding.screenshot is None
    assert "outside the run directory" in finding.screenshot_problem


def test_calls_of_entries_the_catalog_does_not_know_are_reported(sample: SampleRun) -> None:
    sample.builder.call("telephony.imei", api="android.telephony.TelephonyManager.getImei", frames=[UMENG_FRAME])

    report = build_report(sample.analyse())

    [problem] = [p for p in report.problems if p.source == "catalog"]
    assert "'telephony.imei'" in problem.message and problem.message.startswith("1 call(s)")


def test_marker_rows_flag_failed_steps_and_dialog_trouble(empty_sample: SampleRun) -> None:
    b = empty_sample.builder
    start_run(empty_sample)
    b.mark(StepEnded, ok=False, message="timed out", step=step(0, "Launch the app"))
    b.mark(StepStarted, step=step(1, "Refuse"))

    rows = [row for row in build_report(empty_sample.analyse()).timeline if isinstance(row, MarkerRow)]

    flagged = [(row.kind, row.text) for row in rows if row.problem]
    assert flagged == [("step-end", "Step 1 failed: timed out")]
    assert not any(row.decision for row in rows)
    assert not any(isinstance(m, (ConsentDecision, PermissionDecision)) for m in b.markers)
    assert any(isinstance(m, ProcessStarted) for m in b.markers)


def test_process_end_rows_flag_crashes_and_losses_not_the_harness_stopping_the_app(empty_sample: SampleRun) -> None:
    b = empty_sample.builder
    start_run(empty_sample)
    ends = [("killed", "stopped by the harness", "harness"), ("exited", None, "app"),
            ("crashed", "Fatal signal 11 (SIGSEGV)", "app"), ("device-lost", None, "lost")]
    for reason, crash, ended_by in ends:
        b.mark(ProcessEnded, pid=b.pid, process=b.process, reason=reason, crash=crash, ended_by=ended_by)

    rows = [row for row in build_report(empty_sample.analyse()).timeline if row.kind == "process-end"]

    assert [row.problem for row in rows] == [False, False, True, True], [row.text for row in rows]


def test_coverage_of_one_process_is_merged_with_bundled_and_absent_hooks_told_apart(sample: SampleRun) -> None:
    from auditor.models import CoverageRecord, FailedHook, InstalledHook, PendingHook

    b = sample.builder
    sample.coverage.append(CoverageRecord(
        pid=b.pid, process=b.process, ts=sample.start + 900, trigger="class-loader", loader="dalvik.PathClassLoader@1",
        failed=[], installed=[InstalledHook(entry="apps.installed-packages", cls="android.app.ApplicationPackageManager",
                                 method="getInstalledPackages", sigs=["(int)"])],
        pending=[PendingHook(entry="network.okhttp", cls="okhttp3.OkHttpClient", method="newCall")],
        absent=[FailedHook(entry="native.serial-property", cls="libc", method="__system_property_get",
                           error="no library of this process exports __system_property_get")],
    ))
    [process] = build_report(sample.analyse()).coverage
    assert {hook.entry for hook in process.installed} >= {"settings.android-id", "apps.installed-packages"}
    assert "apps.installed-packages" not in process.unreported
    assert process.pending == ["network.okhttp (okhttp3.OkHttpClient)"]
    assert [hook.entry for hook in process.absent] == ["native.serial-property"]
