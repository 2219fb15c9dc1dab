"""The rendered HTML, parsed with lxml the way a browser would see it: content, structure and safety."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from jinja2 import nodes
from lxml.html import HtmlElement

from auditor.models import (
    AppInfo,
    Caller,
    CoverageRecord,
    DecisionRef,
    DeviceInfo,
    FailedHook,
    Finding,
    InstalledHook,
    PermissionDecision,
    ProcessEnded,
    RecordedValue,
    RunEnded,
    ScenarioInfo,
    ScreenshotTaken,
    StepEnded,
    StepStarted,
    Text,
)
from auditor.report import build_report, render_html
from auditor.report.html import environment
from auditor.report.wording import Lang
from auditor.rules.engine import RuleFailure
from auditor.testing.factories import control

from .conftest import (
    FINE,
    HOOK_FAILURE,
    RULE_TITLES,
    SCREENSHOT_SVG,
    UMENG,
    UMENG_FRAME,
    UMENG_NAME,
    SampleRun,
    parse_html,
    start_run,
    step,
    text_of,
)

SECTIONS = ["verdict", "picture", "findings", "timeline", "phases", "coverage", "checklist", "problems"]


def render(sample: SampleRun, lang: Lang = "en", **options: Any) -> HtmlElement:
    return parse_html(render_html(build_report(sample.analyse(), lang, **options)))


def finding_article(document: HtmlElement, rule: str) -> HtmlElement:
    [article] = document.xpath(f"//article[contains(@class, 'finding')][.//code[@class='rule-id'] = '{rule}']")
    return article


def fact(article: HtmlElement, label: str) -> str:
    [dd] = article.xpath(f".//dl[@class='facts']/dt[normalize-space() = '{label}']/following-sibling::dd[1]")
    return text_of(dd)


def test_findings_show_decision_relative_times_count_and_outcomes(sample: SampleRun) -> None:
    document = render(sample)

    preconsent = finding_article(document, "CN-SDK-PRECONSENT")
    refusal = finding_article(document, "CN-POST-REFUSAL")

    assert fact(preconsent, "User decision") == "4.1 s before the user agreed to the privacy policy (tapped “Agree”)"
    assert fact(refusal, "User decision") == (
        "+3.2 s after the user denied the LOCATION permission (tapped “Don’t allow”)"
    )
    assert fact(refusal, "Count") == "2"
    assert fact(refusal, "First / Last").startswith("+7.9 s / +8.0 s")
    assert [text_of(li) for li in refusal.xpath(".//ul[@class='outcomes']/li")] == [
        "returned: 1", "threw java.lang.SecurityException: 1",
    ]
    assert refusal.xpath(".//ul[@class='outcomes']/li[@class='blocked']/text()") == [
        "threw java.lang.SecurityException: 1"
    ]
    assert fact(preconsent, "Caller").startswith(f"{UMENG_NAME} third-party SDK Vendor: {UMENG.vendor}")
    assert UMENG_FRAME in fact(preconsent, "Caller")
    assert fact(preconsent, "Phase") == "before the user agreed to the privacy policy pre-consent"
    assert text_of(refusal.xpath(".//p[@class='event-ids']")[0]) == "Event ids (2): 1000-1 1000-2"
    assert "PIPL Art. 15, 16" in refusal.xpath(".//div[@class='clauses']//li/text()")


def test_the_screenshot_is_embedded_as_an_image_never_as_markup(sample: SampleRun) -> None:
    document = render(sample)

    images = document.xpath("//article[contains(@class, 'finding')]//figure[@class='screenshot']/img")
    assert len(images) == 2
    for image in images:
        media, _, encoded = image.get("src").partition(",")
        assert media == "data:image/svg+xml;base64"
        assert base64.b64decode(encoded) == SCREENSHOT_SVG
    # The only inline SVG is the timeline picture we draw; a screenshot's own markup never reaches the page.
    [picture] = document.xpath("//svg | //*[local-name() = 'svg']")
    assert picture.get("class") == "timeline-picture"
    assert picture.xpath(".//script | .//*[local-name() = 'script']") == []


def test_the_stack_is_collapsed_with_the_attributing_frame_marked(sample: SampleRun) -> None:
    document = render(sample)

    [details] = finding_article(document, "CN-SDK-PRECONSENT").xpath(".//details[@class='stack']")

    assert details.get("open") is None
    assert details.xpath("./ol/li/code/text()") == [
        UMENG_FRAME, "android.app.ActivityThread.main(ActivityThread.java:8)",
    ]
    assert details.xpath("./ol/li[@class='attributing']/code/text()") == [UMENG_FRAME]
    assert "1000-0" in text_of(details.xpath("./summary")[0])


def test_header_and_verdict_come_first(sample: SampleRun) -> None:
    document = render(sample)

    assert text_of(document.xpath("//header/p[@class='app-line']")[0]) == "Shop com.example.shop 1.2 (3)"
    meta = {text_of(dt): text_of(dt.getnext()) for dt in document.xpath("//header/dl[@class='meta']/dt")}
    assert meta["Scenario SHA-256"] == "0" * 64
    assert meta["Device"] == "sandbox: OpenJDK 17"
    assert meta["Run id"] == "testrun"
    assert meta["Run status"] == "the scenario ran to its end"
    sections = document.xpath("//main/section/@id")
    assert sections == SECTIONS
    verdict = document.xpath("//section[@id='verdict']")[0]
    assert text_of(verdict.xpath(".//p[@class='verdict-line']")[0]) == "2 findings: 2 high"
    assert [text_of(td) for td in verdict.xpath(".//table[@class='by-caller']//td[1]")] == [
        "The app's own code com.example.shop", f"{UMENG_NAME} {UMENG.vendor} · com.umeng",
    ]


def test_timeline_links_calls_to_their_findings(sample: SampleRun) -> None:
    document = render(sample)
    timeline = document.xpath("//table[@class='timeline']")[0]

    decisions = [text_of(row) for row in timeline.xpath(".//tr[contains(@class, 'decision')]")]
    assert decisions == [
        "+4.6 s The user agreed to the privacy policy (tapped “Agree”)",
        "+4.7 s The user denied the LOCATION permission (tapped “Don’t allow”)",
    ]
    links = timeline.xpath(".//tr[contains(@class, 'calls')]//a[@class='finding-link']/@href")
    assert len(links) == 2
    for link in links:
        assert document.xpath("//article[@id=$id]", id=link[1:])


def test_coverage_failures_are_shown_and_highlighted(sample: SampleRun) -> None:
    document = render(sample)

    [process] = document.xpath("//section[@id='coverage']/article")
    assert "has-failures" in process.get("class")
    [failed] = process.xpath(".//table[@class='failed-hooks']//tr[@class='failed']")
    assert [text_of(td) for td in failed.xpath("./td")] == [
        "clipboard.read", "android.content.ClipboardManager.getPrimaryClip", "",
        "java.lang.ClassNotFoundException: android.content.ClipboardManager",
    ]
    installed = process.xpath(".//table[@class='installed-hooks']/tbody/tr/td[1]/code/text()")
    assert installed == ["settings.android-id", "location.last-known"]


def test_problems_show_the_run_end_and_rule_failures(sample: SampleRun) -> None:
    sample.builder.markers[-1] = sample.builder.markers[-1].model_copy(
        update={"status": "step-failed", "message": "no “Agree” on screen"}
    )
    result = sample.analyse()
    result.analysis.failures.append(RuleFailure("CN-POST-REFUSAL", "KeyError: 'x'"))

    document = parse_html(render_html(build_report(result)))

    rows = [[text_of(td) for td in row.xpath("./td")] for row in document.xpath("//section[@id='problems']//tbody/tr")]
    assert rows == [
        ["run end", "a scenario step failed: no “Agree” on screen"],
        ["rule failure", "CN-POST-REFUSAL: KeyError: 'x'"],
        ["hook coverage", HOOK_FAILURE],
    ]
    [status] = document.xpath("//dd[contains(@class, 'run-status')]")
    assert "problem" in status.get("class")
    assert document.xpath("//section[@id='verdict']/p[@class='warning']")


def test_chinese_report(sample: SampleRun) -> None:
    document = render(sample, "zh")

    assert document.get("lang") == "zh-CN"
    [h1] = document.xpath("//h1")
    assert h1.text.strip() == "隐私合规审计证据报告"
    assert [(small.get("lang"), text_of(small)) for small in h1.xpath("./small")] == [
        ("en", "Consent audit evidence report")
    ]
    article = finding_article(document, "CN-SDK-PRECONSENT")
    title = RULE_TITLES["CN-SDK-PRECONSENT"]
    assert text_of(article.xpath(".//span[@class='title']")[0]) == title.zh
    [other] = article.xpath(".//small[@class='other-lang']")
    assert (other.get("lang"), text_of(other)) == ("en", title.en)
    assert fact(article, "用户决定") == "在用户同意了隐私政策（点击“Agree”）之前 4.1 秒"
    assert text_of(article.xpath(".//p[@class='explanation']")[0]) == (
        f"SDK {UMENG.sdk} ({UMENG.vendor})在用户同意隐私政策之前读取了Android ID，共1次。"
    )


def test_english_report_shows_chinese_titles_small(sample: SampleRun) -> None:
    document = render(sample, "en")

    assert document.get("lang") == "en"
    [other] = finding_article(document, "CN-POST-REFUSAL").xpath(".//small[@class='other-lang']")
    assert (other.get("lang"), text_of(other)) == ("zh-CN", "用户明确拒绝后仍收集个人信息")


def test_a_run_without_findings_still_renders_every_section(empty_sample: SampleRun) -> None:
    start_run(empty_sample)
    empty_sample.builder.mark(RunEnded, status="completed")

    document = render(empty_sample)

    assert text_of(document.xpath("//p[contains(@class, 'verdict-line')]")[0]) == (
        "No findings: no rule found a violation in this run."
    )
    assert document.xpath("//main/section/@id") == SECTIONS


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_report_references_nothing_external(sample: SampleRun, lang: Lang) -> None:
    document = render(sample, lang)

    assert document.xpath("//script | //link | //iframe | //object | //embed | //base") == []
    [policy] = document.xpath("//meta[@http-equiv]")
    assert policy.get("http-equiv") == "Content-Security-Policy"
    assert policy.get("content") == "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    assert document.xpath("//head/*[1]/@charset") == ["utf-8"] and document.xpath("//head/*[2]") == [policy]
    for source in document.xpath("//@src"):
        assert source.startswith("data:image/")
    for reference in document.xpath("//@href | //@action | //@formaction | //@poster | //@srcset"):
        assert reference.startswith("#")
    [style] = document.xpath("//style")
    assert "url(" not in style.text and "@import" not in style.text


# ------------------------------------------------------------------------------------------------- hostile input


def payload(name: str) -> str:
    """What an app could put in any text the report shows: markup that runs script if it is not escaped."""
    return f'javascript:alert(1)//"><script>alert("{name}")</script><img src=x onerror=alert("{name}")>'


def hostile_run(sample: SampleRun) -> tuple[SampleRun, set[str]]:
    """A run in which every string that comes from the app, the device or the files is a payload.

    Returns the names of the payloads the report must show (as text)."""
    p = payload
    b = sample.builder
    b.process = p("process")
    sample.meta_overrides.update(
        run_id=p("run-id"), target=p("target"), tool_version=p("tool"), frida_version=p("frida"),
        started_at=p("started"),
        app=AppInfo(package=p("package"), label=p("label"), version_name=p("version")),
        device=DeviceInfo(backend="android", serial=p("serial"), model=p("model"), android_version=p("android"),
                          abi=p("abi"), runtime=p("runtime")),
        scenario=ScenarioInfo(name=p("scenario"), path=p("scenario-path"), sha256=p("sha256"), copy_path="s.yaml"),
    )
    start_run(sample)
    b.mark(StepStarted, step=step(1, p("step")))
    b.mark(ScreenshotTaken, path=p("shot") + ".svg")
    event = b.call("settings.android-id", api=p("api"), frames=[p("frame"), UMENG_FRAME])
    hostile_value = RecordedValue(type=p("value-type"), text=p("masked-value"), masked=True, raw=p("raw-value"))
    b.events[-1] = event.model_copy(update={
        "thread": p("thread"), "ret": hostile_value,
        "args": [RecordedValue(type="java.lang.String", text=p("argument"))],
    })
    b.call(p("entry"), api=p("unknown-api"), frames=[UMENG_FRAME])
    b.consent("accepted", text=p("agree"))
    b.mark(PermissionDecision, decision="denied", group=p("group"), permissions=[FINE], message=p("message"),
           control=control(p("deny")))
    b.call("location.last-known", api=p("location-api"), threw=p("exception"),
           frames=["com.example.shop.Main.run(Main.java:1)"])
    b.mark(StepEnded, ok=False, message=p("step-failure"), step=step(1, p("step")))
    b.mark(ProcessEnded, pid=b.pid, process=p("ended-process"), reason=p("reason"), crash=p("crash"))
    b.mark(RunEnded, status="error", message=p("run-end"))
    sample.coverage.append(CoverageRecord(
        pid=b.pid, process=p("coverage-process"), ts=sample.start,
        installed=[InstalledHook(entry=p("installed-entry"), cls=p("installed-class"), method="m",
                                 sigs=[p("installed-sig")])],
        failed=[FailedHook(entry=p("failed-entry"), cls=p("failed-class"), method="m", sig=p("failed-sig"),
                           error=p("hook-error"))],
    ))
    sample.problems.append(p("unreadable-line"))
    shown = {
        "process", "run-id", "target", "tool", "frida", "started", "package", "label", "version", "serial",
        "model", "android", "abi", "runtime", "scenario", "scenario-path", "sha256", "step", "shot", "api",
        "frame", "thread", "entry", "agree", "group", "deny", "location-api", "exception", "step-failure",
        "ended-process", "reason", "crash", "run-end", "coverage-process", "installed-entry", "installed-class",
        "installed-sig", "failed-entry", "failed-class", "failed-sig", "hook-error", "unreadable-line",
        "rule-error", "argument", "raw-value", "unknown-api",
    }
    return sample, shown


def hostile_finding(lang: Lang) -> tuple[Finding, set[str]]:
    """A finding whose every text is a payload: rules build explanations from what the run recorded."""
    p = payload
    finding = Finding(
        id=p("finding-id"), rule=p("rule"), pack=p("pack"), severity="high",
        title=Text(en=p("title-en"), zh=p("title-zh")), explanation=Text(en=p("explanation-en"), zh=p("explanation-zh")),
        entry=p("finding-entry"), api=p("finding-api"), data=Text(en=p("finding-data"), zh=p("finding-data")),
        caller=Caller(origin="sdk", frame=p("caller-frame"), package=p("caller-package"), sdk=p("caller-sdk"),
                      vendor=p("caller-vendor")),
        phase=p("phase"), count=1, first_ts=0, last_ts=0,
        decision=DecisionRef(marker_seq=999, kind=p("kind"), ts=0, summary=Text(en=p("summary-en"), zh=p("summary-zh"))),
        event_ids=[p("event-id")], screenshot=p("finding-shot") + ".png", outcomes={p("outcome"): 1},
        subject=p("subject"), detail=Text(en=p("detail-en"), zh=p("detail-zh")),
    )
    shown = {"finding-id", "rule", "title-en", "title-zh", f"explanation-{lang}", "finding-entry", "finding-api",
             "finding-data", "caller-frame", "caller-package", "caller-sdk", "caller-vendor", "phase",
             f"summary-{lang}", "event-id", "finding-shot", "outcome", "subject", f"detail-{lang}"}
    return finding, shown


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_hostile_texts_from_the_run_are_shown_as_text_and_never_run(empty_sample: SampleRun, lang: Lang) -> None:
    sample, shown = hostile_run(empty_sample)
    result = sample.analyse()
    finding, finding_shown = hostile_finding(lang)
    result.analysis.findings.append(finding)
    result.analysis.failures.append(RuleFailure(payload("rule"), payload("rule-error")))
    result.analysis.not_evaluated[payload("not-evaluated-rule")] = payload("not-evaluated-reason")
    suppressed = finding.model_copy(update={"id": payload("suppressed-id"), "suppressed": payload("suppressed")})
    result.analysis.findings.append(suppressed)

    html = render_html(build_report(result, lang, reveal=True))
    document = parse_html(html)
    shown |= {"not-evaluated-rule", "not-evaluated-reason", "suppressed-id", "suppressed"}

    assert document.xpath("//script") == []
    assert document.xpath("//@*[starts-with(translate(name(), 'ON', 'on'), 'on')]") == []
    assert document.xpath("//img") == []  # no screenshot could be loaded, and no payload made one
    for value in document.xpath("//@href | //@src | //@action"):
        assert not value.lower().startswith("javascript:")
    text = document.text_content()
    missing = {name for name in shown | finding_shown if payload(name) not in text}
    assert missing == set(), "payloads dropped or altered instead of shown as text"


def test_no_template_turns_escaping_off() -> None:
    """The hostile-input test covers the fields it knows; this covers the ones added later."""
    env = environment()
    assert env.autoescape is True
    for name in env.list_templates():
        assert env.loader is not None
        source = env.loader.get_source(env, name)[0]
        tree = env.parse(source)
        assert [f.name for f in tree.find_all(nodes.Filter) if f.name == "safe"] == [], name
        assert list(tree.find_all(nodes.ScopedEvalContextModifier)) == [], name
        assert list(tree.find_all(nodes.MarkSafe)) == [], name


# ------------------------------------------------------------------------------------------------- what is new


def test_the_verdict_answers_what_was_read_against_which_decision_and_by_whom(sample: SampleRun) -> None:
    document = render(sample)

    [answer] = document.xpath("//section[@id='verdict']//div[@class='answer']")
    phases = [text_of(dt) for dt in answer.xpath(".//dt")]
    lines = [[text_of(li) for li in dd.xpath(".//li")] for dd in answer.xpath(".//dd")]
    assert phases == ["Before the user agreed to the privacy policy", "After the user denied the LOCATION permission"]
    assert lines == [[f"{UMENG_NAME} read Android ID ×1"], ["The app's own code read last known location ×2"]]
    # The answer comes before the details: first thing under the verdict line.
    verdict = document.xpath("//section[@id='verdict']")[0]
    assert verdict.index(answer) < verdict.index(verdict.xpath("./div[@class='columns']")[0])


def test_the_timeline_picture_is_drawn_inline_with_decisions_and_calls(sample: SampleRun) -> None:
    document = render(sample)

    [svg] = document.xpath("//section[@id='picture']/svg")
    dots = svg.xpath(".//circle")
    assert len(dots) == 3 and all("flagged" in dot.get("class") for dot in dots)
    assert [text_of(t) for t in svg.xpath(".//g[contains(@class, 'decision')]/text")] == ["agreed", "LOCATION denied"]
    assert svg.xpath(".//rect[contains(@class, 'band-pre-consent')]")
    assert [text_of(t) for t in svg.xpath(".//text[@class='lane-label']")] == [
        "device identifiers (1)", "location (2)",
    ]
    # Hover texts tell what a dot is without a script.
    assert any("Android ID ×1" in text_of(title) for title in svg.xpath(".//circle/title"))


def test_values_are_masked_by_default_and_shown_unmasked_on_request(sample: SampleRun) -> None:
    value = RecordedValue(type="java.lang.String", text="3f6b*********b57", masked=True, raw="3f6b1c2e8d9a4b57")
    sample.builder.events[0] = sample.builder.events[0].model_copy(update={
        "ret": value, "args": [RecordedValue(type="java.lang.String", text="android_id")],
    })

    masked = finding_article(render(sample), "CN-SDK-PRECONSENT")
    revealed_document = render(sample, reveal=True)
    revealed = finding_article(revealed_document, "CN-SDK-PRECONSENT")

    assert fact(masked, "Values (first call)") == "arg0 = android_id return = 3f6b*********b57 masked"
    assert fact(revealed, "Values (first call)") == "arg0 = android_id return = 3f6b1c2e8d9a4b57 unmasked"
    assert revealed_document.xpath("//p[contains(@class, 'revealed-banner')]")
    assert render(sample).xpath("//p[contains(@class, 'revealed-banner')]") == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_section_heading_carries_the_other_language(sample: SampleRun, lang: Lang) -> None:
    document = render(sample, lang)

    other = "zh-CN" if lang == "en" else "en"
    for heading in document.xpath("//main/section/h2"):
        [small] = heading.xpath("./small[@class='other-lang']")
        assert small.get("lang") == other and text_of(small), text_of(heading)


def test_the_manual_checklist_lists_what_a_runtime_audit_cannot_decide(sample: SampleRun) -> None:
    result = sample.analyse()
    result.analysis.not_evaluated["CN-UNNECESSARY-PI"] = "no app category given (--category)"

    document = parse_html(render_html(build_report(result)))

    items = document.xpath("//section[@id='checklist']//li[@class='manual-check']")
    assert [item.get("id") for item in items] == [
        "CN-MANUAL-TARGETED-PUSH", "CN-MANUAL-ACCOUNT-DELETION", "CN-MANUAL-STORE-LISTING",
    ]
    assert "强制定向推送" in text_of(items[0]) and "账号注销难" in text_of(items[1])
    assert [text_of(li) for li in document.xpath("//ul[@class='not-evaluated']/li")] == [
        "CN-UNNECESSARY-PI: no app category given (--category)",
    ]


def test_the_header_names_the_android_version_and_whether_the_evidence_was_checked(sample: SampleRun) -> None:
    sample.meta_overrides["device"] = DeviceInfo(backend="android", model="Pixel 6", android_version="13",
                                                 api_level=33, serial="emulator-5554")
    document = render(sample)

    meta = {text_of(dt): text_of(dt.getnext()) for dt in document.xpath("//header/dl[@class='meta']/dt")}
    assert meta["Android version"] == "Android 13 · API 33"
    assert meta["Device"] == "android: Pixel 6, emulator-5554"
    assert meta["Evidence manifest SHA-256"] == "not checked"


def test_a_finding_of_many_calls_lists_a_few_event_ids_and_counts_them_all(empty_sample: SampleRun) -> None:
    b = empty_sample.builder
    start_run(empty_sample)
    for _ in range(25):
        b.call("settings.android-id", frames=[UMENG_FRAME])
    b.mark(RunEnded, status="completed")

    article = finding_article(render(empty_sample), "CN-SDK-PRECONSENT")

    [ids] = article.xpath(".//p[@class='event-ids']")
    assert len(ids.xpath("./code")) == 20
    assert text_of(ids).startswith("Event ids (25): 1000-0 1000-1")
    assert text_of(ids).endswith("and 5 more (all in findings.json)")


def test_suppressed_findings_are_shown_apart_with_their_reason_and_not_counted(sample: SampleRun) -> None:
    result = sample.analyse()
    findings = result.analysis.findings
    findings[:] = [f.model_copy(update={"suppressed": "the SDK is loaded only after consent in production"})
                   if f.rule == "CN-SDK-PRECONSENT" else f for f in findings]

    document = parse_html(render_html(build_report(result)))

    assert text_of(document.xpath("//p[contains(@class, 'verdict-line')]")[0]) == "1 findings: 1 high"
    [accepted] = document.xpath("//div[@id='suppressed']//article")
    assert "suppressed" in accepted.get("class")
    assert text_of(accepted.xpath(".//p[@class='suppressed-reason']")[0]) == (
        "Reason: the SDK is loaded only after consent in production"
    )
    assert [a.get("id") for a in document.xpath("//section[@id='findings']/article")] == [
        f"finding-{f.id}" for f in findings if f.rule == "CN-POST-REFUSAL"
    ]


def test_a_finding_about_the_interface_shows_its_subject_and_measurement(sample: SampleRun) -> None:
    result = sample.analyse()
    result.analysis.findings.append(Finding(
        id="ui1", rule="CN-CONSENT-UI", pack="cn-miit", severity="medium",
        title=Text(en="No way to refuse", zh="无拒绝选项"), explanation=Text(en="The dialog offers only OK.", zh="仅有确定。"),
        subject="privacy dialog", detail=Text(en="buttons: OK", zh="按钮：OK"), phase="pre-consent", count=1,
        first_ts=sample.start + 400, last_ts=sample.start + 400,
    ))

    article = finding_article(parse_html(render_html(build_report(result))), "CN-CONSENT-UI")

    assert fact(article, "Concerns") == "privacy dialog"
    assert fact(article, "Measurement") == "buttons: OK"
    assert article.xpath(".//dt[normalize-space() = 'API']") == []
    assert article.xpath(".//p[@class='event-ids']") == []


def test_a_call_judged_by_two_rules_counts_once(sample: SampleRun) -> None:
    result = sample.analyse()
    [sdk_finding] = [f for f in result.analysis.findings if f.rule == "CN-SDK-PRECONSENT"]
    result.analysis.findings.append(sdk_finding.model_copy(update={"id": "eu", "rule": "EU-EPRIV-5-3"}))

    document = parse_html(render_html(build_report(result)))

    [answer] = document.xpath("//div[@class='answer']//dd[1]//li")
    assert text_of(answer) == f"{UMENG_NAME} read Android ID ×1"
    umeng = [row for row in document.xpath("//table[@class='by-caller']/tbody/tr") if UMENG_NAME in text_of(row)]
    assert [text_of(td) for td in umeng[0].xpath("./td")][1:] == ["2", "1"], "2 findings, 1 call"
