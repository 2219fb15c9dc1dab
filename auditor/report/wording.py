"""The report's words in English and Chinese: fixed labels, durations, phases, call outcomes and the sentence
that places a call against the user's decision ("+3.2 s after the user denied ...")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from auditor.models import DecisionRef, Origin, Severity, Text

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")

# Below this a call and a decision are best told apart in milliseconds: "0.0 s after" would read as "at once".
_MILLISECONDS_UNTIL = 100.0


def other_lang(lang: Lang) -> Lang:
    return "zh" if lang == "en" else "en"


def html_lang(lang: Lang) -> str:
    """The value of `<html lang>`: readers' fonts and screen readers pick the script from it."""
    return "zh-CN" if lang == "zh" else "en"


def duration(ms: float, lang: Lang) -> str:
    """A length of time for people: `40 ms`, `3.2 s`, `2 min 5 s`."""
    ms = abs(ms)
    if ms < _MILLISECONDS_UNTIL:
        return f"{ms:.0f} 毫秒" if lang == "zh" else f"{ms:.0f} ms"
    seconds = ms / 1000
    if round(seconds, 1) < 60:
        return f"{seconds:.1f} 秒" if lang == "zh" else f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} 分 {rest} 秒" if lang == "zh" else f"{minutes} min {rest} s"


def offset(ms: float, lang: Lang) -> str:
    """A moment relative to the start of the run: `+3.2 s` (or `−0.1 s` for a record taken before the start)."""
    return ("−" if ms < 0 else "+") + duration(ms, lang)


def relative_to_decision(call_ts: float, decision: DecisionRef, after: bool, lang: Lang) -> str:
    """Where a call stands against the decision it is judged by: `+3.2 s after the user ...` / `4.1 s before ...`.

    `after` comes from the timeline's exact ordering (event cursors), not from the sign of the time difference."""
    gap = duration(call_ts - decision.ts, lang)
    summary = decision.summary.get(lang)
    if lang == "zh":
        return f"在{summary}之后 {gap}" if after else f"在{summary}之前 {gap}"
    subject = summary[0].lower() + summary[1:] if summary.startswith("The ") else summary
    return f"+{gap} after {subject}" if after else f"{gap} before {subject}"


def without_decision(phase: str, lang: Lang) -> str:
    """The decision sentence for a finding that has no decision to be judged against."""
    if phase == "pre-consent":
        return NEVER_AGREED.get(lang)
    return NO_DECISION.get(lang)


NEVER_AGREED = Text(en="the user never agreed to the privacy policy during the run",
                    zh="本次运行中用户始终未同意隐私政策")
NO_DECISION = Text(en="not tied to a user decision", zh="未关联用户决定")

_PHASES: Mapping[str, Text] = {
    "pre-consent": Text(en="before the user agreed to the privacy policy", zh="用户同意隐私政策之前"),
    "refused": Text(en="after the user refused the privacy policy", zh="用户拒绝隐私政策之后"),
    "consented": Text(en="after the user agreed to the privacy policy", zh="用户同意隐私政策之后"),
    "background": Text(en="while the app was in the background", zh="应用在后台时"),
}
_DENIED_PREFIX = "permission-denied("


def phase_text(phase: str, lang: Lang) -> str:
    """The timeline's one-word phase (`permission-denied(LOCATION)`) as a phrase."""
    known = _PHASES.get(phase)
    if known is not None:
        return known.get(lang)
    if phase.startswith(_DENIED_PREFIX) and phase.endswith(")"):
        group = phase[len(_DENIED_PREFIX):-1]
        return f"用户拒绝{group}权限之后" if lang == "zh" else f"after the user denied the {group} permission"
    return phase


RETURNED = "returned"


def outcome_text(outcome: str, lang: Lang) -> str:
    """`returned`, or the class of the exception the call ended in."""
    if outcome == RETURNED:
        return "正常返回" if lang == "zh" else "returned"
    return f"抛出 {outcome}" if lang == "zh" else f"threw {outcome}"


_ORIGINS: Mapping[str, Text] = {
    "app": Text(en="the app", zh="应用自身"),
    "sdk": Text(en="third-party SDK", zh="第三方 SDK"),
    "system": Text(en="the platform", zh="系统"),
    "unknown": Text(en="unknown (no stack)", zh="未知（无调用栈）"),
}


def origin_text(origin: Origin, lang: Lang) -> str:
    return _ORIGINS[origin].get(lang)


_SEVERITIES: Mapping[str, Text] = {
    "critical": Text(en="critical", zh="严重"),
    "high": Text(en="high", zh="高"),
    "medium": Text(en="medium", zh="中"),
    "low": Text(en="low", zh="低"),
    "info": Text(en="info", zh="提示"),
}


def severity_text(severity: Severity, lang: Lang) -> str:
    return _SEVERITIES[severity].get(lang)


_RUN_END: Mapping[str, Text] = {
    "completed": Text(en="the scenario ran to its end", zh="场景完整执行"),
    "step-failed": Text(en="a scenario step failed", zh="场景步骤失败"),
    "aborted": Text(en="the run was aborted", zh="运行被中止"),
    "error": Text(en="the run ended in an error", zh="运行出错结束"),
    "missing": Text(en="the run has no end record: it was cut off, so the evidence may be incomplete",
                    zh="运行缺少结束记录：运行被中断，证据可能不完整"),
}


def run_end_text(status: str, lang: Lang) -> str:
    return _RUN_END[status].get(lang)


LABELS: Mapping[str, Text] = {
    "colon": Text(en=": ", zh="："),
    "report_title": Text(en="Consent audit evidence report", zh="隐私合规审计证据报告"),
    "contents": Text(en="Contents", zh="目录"),
    "app": Text(en="App", zh="应用"),
    "package": Text(en="Package", zh="包名"),
    "version": Text(en="Version", zh="版本"),
    "target": Text(en="Target", zh="目标"),
    "device": Text(en="Device", zh="设备"),
    "backend": Text(en="Backend", zh="后端"),
    "tool_version": Text(en="consent-audit version", zh="consent-audit 版本"),
    "frida_version": Text(en="Frida version", zh="Frida 版本"),
    "scenario": Text(en="Scenario", zh="测试场景"),
    "scenario_sha256": Text(en="Scenario SHA-256", zh="场景文件 SHA-256"),
    "run_id": Text(en="Run id", zh="运行编号"),
    "started_at": Text(en="Started at", zh="开始时间"),
    "run_status": Text(en="Run status", zh="运行状态"),
    "unknown": Text(en="unknown", zh="未知"),
    "verdict": Text(en="Verdict", zh="结论"),
    "findings": Text(en="Findings", zh="发现的问题"),
    "no_findings": Text(en="No findings: no rule found a violation in this run.",
                        zh="未发现问题：本次运行中没有规则检出违规。"),
    "findings_total": Text(en="findings", zh="个问题"),
    "incomplete_evidence": Text(
        en="The evidence is incomplete: see Problems. A missing finding here does not prove compliance.",
        zh="证据不完整：见“问题与异常”。此处未检出不代表合规。",
    ),
    "by_severity": Text(en="By severity", zh="按严重程度"),
    "by_rule": Text(en="By rule", zh="按规则"),
    "by_caller": Text(en="By caller (app or SDK)", zh="按调用方（应用或 SDK）"),
    "severity": Text(en="Severity", zh="严重程度"),
    "rule": Text(en="Rule", zh="规则"),
    "caller": Text(en="Caller", zh="调用方"),
    "calls": Text(en="Calls", zh="调用次数"),
    "rules_run": Text(en="Rules run", zh="已执行规则"),
    "explanation": Text(en="What happened", zh="发生了什么"),
    "api": Text(en="API", zh="接口"),
    "data": Text(en="Data", zh="数据"),
    "pi_type": Text(en="Personal-information type", zh="个人信息类型"),
    "guarded_by": Text(en="Guarded by permission", zh="所需权限"),
    "origin": Text(en="Origin", zh="来源"),
    "vendor": Text(en="Vendor", zh="厂商"),
    "package_prefix": Text(en="Package prefix", zh="包名前缀"),
    "attributing_frame": Text(en="Attributing frame", zh="归因栈帧"),
    "phase": Text(en="Phase", zh="阶段"),
    "decision": Text(en="User decision", zh="用户决定"),
    "timing": Text(en="Timing", zh="时间关系"),
    "count": Text(en="Count", zh="次数"),
    "first_seen": Text(en="First", zh="首次"),
    "last_seen": Text(en="Last", zh="末次"),
    "relative_note": Text(en="times relative to the start of the run", zh="时间相对于运行开始"),
    "outcomes": Text(en="How the calls ended", zh="调用结果"),
    "screenshot": Text(en="What the user saw", zh="用户当时看到的画面"),
    "no_screenshot": Text(en="No screenshot was taken during this run.", zh="本次运行未截图。"),
    "stack": Text(en="Stack of the first occurrence", zh="首次调用的调用栈"),
    "thread": Text(en="thread", zh="线程"),
    "no_stack": Text(en="No stack was recorded for this call.", zh="此调用未记录调用栈。"),
    "event_ids": Text(en="Event ids", zh="事件编号"),
    "clauses": Text(en="Clauses", zh="法规依据"),
    "remediation": Text(en="Remediation", zh="整改建议"),
    "timeline": Text(en="Timeline", zh="时间线"),
    "timeline_intro": Text(
        en="User decisions, scenario steps and the app's calls in the order they happened. "
           "Calls between two records are grouped by API, caller and phase.",
        zh="按发生顺序列出用户决定、场景步骤和应用调用。两条记录之间的调用按接口、调用方和阶段合并。",
    ),
    "time": Text(en="Time", zh="时间"),
    "what": Text(en="What", zh="事件"),
    "in_finding": Text(en="finding", zh="问题"),
    "calls_by_phase": Text(en="Calls by phase", zh="各阶段的调用"),
    "no_calls": Text(en="No hooked API was called during this run.", zh="本次运行中未捕获到任何敏感接口调用。"),
    "coverage": Text(en="Hook coverage", zh="Hook 覆盖情况"),
    "coverage_intro": Text(
        en="Which catalog hooks were installed in each process. A failed hook is a blind spot: "
           "calls to that API went unseen.",
        zh="各进程中已安装的 Hook。安装失败的 Hook 是盲区：对该接口的调用不会被记录。",
    ),
    "process": Text(en="Process", zh="进程"),
    "installed": Text(en="Installed", zh="已安装"),
    "failed": Text(en="Failed", zh="安装失败"),
    "entry": Text(en="Catalog entry", zh="目录条目"),
    "signatures": Text(en="Signatures", zh="方法签名"),
    "error": Text(en="Error", zh="错误"),
    "unreported": Text(en="Catalog entries the agent did not report", zh="代理未报告的目录条目"),
    "no_coverage": Text(en="No process reported its hook coverage.", zh="没有进程报告 Hook 覆盖情况。"),
    "problems": Text(en="Problems", zh="问题与异常"),
    "no_problems": Text(en="None: the run completed and every record was read.",
                        zh="无：运行已完成，所有记录均可读取。"),
    "source": Text(en="Source", zh="来源"),
    "footer": Text(en="Generated by consent-audit {version}. The machine-readable findings are in findings.json "
                      "next to this file.",
                   zh="由 consent-audit {version} 生成。机器可读的结果见同目录下的 findings.json。"),
}


def labels(lang: Lang) -> dict[str, str]:
    return {key: text.get(lang) for key, text in LABELS.items()}

_PROBLEM_SOURCES: Mapping[str, Text] = {
    "run-end": Text(en="run end", zh="运行结束"),
    "run-data": Text(en="unreadable record", zh="无法读取的记录"),
    "rule": Text(en="rule failure", zh="规则执行失败"),
    "evidence": Text(en="missing evidence", zh="证据缺失"),
    "coverage": Text(en="hook coverage", zh="Hook 覆盖"),
    "catalog": Text(en="catalog", zh="接口目录"),
}


def problem_source_text(source: str, lang: Lang) -> str:
    return _PROBLEM_SOURCES[source].get(lang)
