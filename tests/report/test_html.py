"""The rendered HTML, parsed with lxml the way a browser would see it: content, structure and safety."""

from __future__ import annotations

import base64

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
    SCREENSHOT_SVG,
    UMENG_FRAME,
    SampleRun,
    parse_html,
    start_run,
    step,
    text_of,
)


def render(sample: SampleRun, lang: Lang = "en") -> HtmlElement:
    return parse_html(render_html(build_report(sample.analyse(), lang)))


def finding_article(document: HtmlElement, rule: str) -> HtmlElement:
    [article] = document.xpath(f"//article[contains(@class, 'finding')][.//code[@class='rule-id'] = '{rule}']")
    return article


def fact(article: HtmlElement, label: str) -> str:
    [dd] = article.xpath(f".//dl[@class='facts']/dt[normalize-space() = '{label}']/following-sibling::dd[1]")
    return text_of(dd)


def test_findings_show_decision_relative_times_count_and_outcomes(sample: SampleRun) -> None:
    document = render(sample)

    preconsent = finding_article(document, "CN-PRECONSENT-COLLECT")
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
    assert fact(preconsent, "Caller").startswith("The SDK Umeng (Alibaba) third-party SDK Vendor: Alibaba")
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
    assert document.xpath("//svg | //*[local-name() = 'svg']") == []


def test_the_stack_is_collapsed_with_the_attributing_frame_marked(sample: SampleRun) -> None:
    document = render(sample)

    [details] = finding_article(document, "CN-PRECONSENT-COLLECT").xpath(".//details[@class='stack']")

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
    assert sections == ["verdict", "findings", "timeline", "phases", "coverage", "problems"]
    verdict = document.xpath("//section[@id='verdict']")[0]
    assert text_of(verdict.xpath(".//p[@class='verdict-line']")[0]) == "2 findings: 2 high"
    assert [text_of(td) for td in verdict.xpath(".//table[@class='by-caller']//td[1]")] == [
        "The app's own code com.example.shop", "The SDK Umeng (Alibaba) Alibaba · com.umeng",
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
    assert text_of(document.xpath("//h1")[0]) == "隐私合规审计证据报告"
    article = finding_article(document, "CN-PRECONSENT-COLLECT")
    assert text_of(article.xpath(".//span[@class='title']")[0]) == "征得用户同意前收集个人信息"
    [other] = article.xpath(".//small[@class='other-lang']")
    assert (other.get("lang"), text_of(other)) == ("en", "Personal information collected before consent")
    assert fact(article, "用户决定") == "在用户同意了隐私政策（点击“Agree”）之前 4.1 秒"
    assert text_of(article.xpath(".//p[@class='explanation']")[0]) == (
        "SDK Umeng (Alibaba)在用户同意隐私政策之前读取了Android ID，共1次。"
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
    assert document.xpath("//main/section/@id") == ["verdict", "findings", "timeline", "phases", "coverage", "problems"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_report_references_nothing_external(sample: SampleRun, lang: Lang) -> None:
    document = render(sample, lang)

    assert document.xpath("//script | //link | //iframe | //object | //embed | //base | //meta[@http-equiv]") == []
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
    b.events[-1] = event.model_copy(update={"thread": p("thread")})
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
        "rule-error",
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
    )
    shown = {"finding-id", "rule", "title-en", "title-zh", f"explanation-{lang}", "finding-entry", "finding-api",
             "finding-data", "caller-frame", "caller-package", "caller-sdk", "caller-vendor", "phase",
             f"summary-{lang}", "event-id", "finding-shot", "outcome"}
    return finding, shown


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_hostile_texts_from_the_run_are_shown_as_text_and_never_run(empty_sample: SampleRun, lang: Lang) -> None:
    sample, shown = hostile_run(empty_sample)
    result = sample.analyse()
    finding, finding_shown = hostile_finding(lang)
    result.analysis.findings.append(finding)
    result.analysis.failures.append(RuleFailure(payload("rule"), payload("rule-error")))

    html = render_html(build_report(result, lang))
    document = parse_html(html)

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
