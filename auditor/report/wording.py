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
PHASE_ORDER = ("pre-consent", "refused", "permission-denied", "background", "consented")
"""The order phases are listed in: the user's decisions, most violated first."""


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
    "pending_hooks": Text(en="Waiting for the app to load these bundled classes (never loaded, so never called)",
                          zh="等待应用加载的内置类（始终未加载，因此未被调用）"),
    "absent_hooks": Text(en="Not on this platform (nothing to hook)", zh="本平台不存在（无可 Hook 的函数）"),
    "no_coverage": Text(en="No process reported its hook coverage.", zh="没有进程报告 Hook 覆盖情况。"),
    "problems": Text(en="Problems", zh="问题与异常"),
    "no_problems": Text(en="None: the run completed and every record was read.",
                        zh="无：运行已完成，所有记录均可读取。"),
    "source": Text(en="Source", zh="来源"),
    "footer": Text(en="Generated by consent-audit {version}. The machine-readable findings are in findings.json "
                      "next to this file.",
                   zh="由 consent-audit {version} 生成。机器可读的结果见同目录下的 findings.json。"),
    "android_version": Text(en="Android version", zh="Android 版本"),
    "manifest": Text(en="Evidence manifest SHA-256", zh="证据清单 SHA-256"),
    "integrity": Text(en="Integrity", zh="完整性"),
    "integrity_not_checked": Text(en="not checked", zh="未校验"),
    "integrity_ok": Text(en="intact: every file matches the manifest", zh="完整：所有文件与清单一致"),
    "integrity_bad": Text(en="NOT INTACT: the files do not match the manifest", zh="不完整：文件与清单不一致"),
    "integrity_intro": Text(
        en="manifest.json holds the SHA-256 of every file the run recorded, written when the run ended. "
           "Check this directory with `consent-audit verify RUN_DIR`: it must print the digest above.",
        zh="manifest.json 记录了本次运行写入的每个文件的 SHA-256，在运行结束时生成。"
           "可用 `consent-audit verify RUN_DIR` 校验本目录：其输出的摘要应与上方一致。",
    ),
    "answer": Text(en="What was read against the user's decisions, and by whom", zh="违背用户决定读取了什么、由谁读取"),
    "answer_read": Text(en="read", zh="读取了"),
    "interface_caller": Text(en="The app's screens (not a call)", zh="应用界面（非接口调用）"),
    "timeline_picture": Text(en="Timeline at a glance", zh="时间线概览"),
    "picture_intro": Text(
        en="Each row is a kind of personal information; each dot is a group of calls (larger: more calls), red when "
           "the calls are evidence of a finding. Vertical lines are the user's decisions; the shaded spans are the "
           "times before the user agreed to the privacy policy (amber) or after refusing it (red). "
           "Point at a dot or a line for details.",
        zh="每一行是一类个人信息；每个圆点是一组调用（越大表示次数越多），红色表示这些调用是某个问题的证据。"
           "竖线是用户的决定；底色标出用户同意隐私政策之前（黄色）和拒绝之后（红色）的时段。"
           "将鼠标指向圆点或竖线可查看详情。",
    ),
    "legend_flagged": Text(en="calls that are evidence of a finding", zh="构成问题证据的调用"),
    "legend_calls": Text(en="other calls", zh="其他调用"),
    "legend_preconsent": Text(en="before the user agreed", zh="用户同意之前"),
    "legend_refused": Text(en="after the user refused", zh="用户拒绝之后"),
    "legend_decision": Text(en="user decision", zh="用户决定"),
    "values_first": Text(en="Values (first call)", zh="数值（首次调用）"),
    "masked": Text(en="masked", zh="已脱敏"),
    "revealed": Text(en="unmasked", zh="未脱敏"),
    "revealed_banner": Text(
        en="This report shows unmasked personal information (made with --reveal). Handle it as personal data; "
           "share the default, masked report instead.",
        zh="本报告包含未脱敏的个人信息（使用 --reveal 生成）。请按个人信息妥善处理；对外提供时请使用默认的脱敏报告。",
    ),
    "more_events": Text(en="and {count} more (all in findings.json)", zh="另有 {count} 个（完整列表见 findings.json）"),
    "detail": Text(en="Measurement", zh="测量结果"),
    "subject": Text(en="Concerns", zh="涉及"),
    "suppressed_findings": Text(en="Accepted findings (suppressed)", zh="已接受的问题（已抑制）"),
    "suppressed_intro": Text(
        en="Findings the rule settings accept, with the reason given there. They do not count in the verdict.",
        zh="规则配置中已接受的问题及其理由，不计入结论。",
    ),
    "suppressed_reason": Text(en="Reason", zh="理由"),
    "checklist": Text(en="Manual checklist", zh="人工核查清单"),
    "checklist_intro": Text(
        en="What a runtime audit cannot decide. A reviewer checks these by hand; this report does not cover them.",
        zh="运行时审计无法判定的事项，需由审核人员人工核查；本报告未覆盖这些内容。",
    ),
    "how_to_check": Text(en="How to check", zh="核查方法"),
    "basis": Text(en="Basis", zh="依据"),
    "not_evaluated": Text(en="Rules this run could not evaluate", zh="本次运行无法评估的规则"),
    "diff_title": Text(en="Consent audit comparison", zh="隐私合规审计对比"),
    "diff_old": Text(en="Before (old run)", zh="整改前（旧运行）"),
    "diff_new": Text(en="After (new run)", zh="整改后（新运行）"),
    "diff_fixed": Text(en="Fixed", zh="已整改"),
    "diff_new_findings": Text(en="New", zh="新增"),
    "diff_persisting": Text(en="Persisting", zh="仍存在"),
    "diff_fixed_intro": Text(en="Findings of the old run that the new run no longer shows.",
                             zh="旧运行中存在、新运行中不再出现的问题。"),
    "diff_new_intro": Text(en="Findings of the new run that the old run did not show.",
                           zh="新运行中出现、旧运行中没有的问题。"),
    "diff_persisting_intro": Text(en="Findings both runs show.", zh="两次运行中都存在的问题。"),
    "diff_none": Text(en="None.", zh="无。"),
    "diff_calls": Text(en="Calls (old → new)", zh="调用次数（旧 → 新）"),
    "diff_unproven": Text(en="not proven", zh="未经证实"),
    "diff_warnings": Text(en="Read before trusting this comparison", zh="使用本对比前请注意"),
    "diff_key": Text(en="Findings are matched by rule, API (or subject), caller and phase.",
                     zh="问题按规则、接口（或对象）、调用方和阶段匹配。"),
    "diff_footer": Text(en="Generated by consent-audit {version}. Both runs were judged by this version's rules.",
                        zh="由 consent-audit {version} 生成。两次运行均按此版本的规则判定。"),
    "diff_summary": Text(en="{fixed} fixed, {new} new, {persisting} persisting",
                         zh="已整改 {fixed} 个，新增 {new} 个，仍存在 {persisting} 个"),
}


def labels(lang: Lang) -> dict[str, str]:
    return {key: text.get(lang) for key, text in LABELS.items()}


_PI_TYPES: Mapping[str, Text] = {
    "device-id": Text(en="device identifiers", zh="设备标识符"),
    "location": Text(en="location", zh="位置"),
    "installed-apps": Text(en="installed apps", zh="已安装应用列表"),
    "running-apps": Text(en="running apps", zh="运行中的应用"),
    "clipboard": Text(en="clipboard", zh="剪贴板"),
    "contacts": Text(en="contacts", zh="通讯录"),
    "sms": Text(en="SMS", zh="短信"),
    "call-log": Text(en="call log", zh="通话记录"),
    "calendar": Text(en="calendar", zh="日历"),
    "media": Text(en="photos and media", zh="照片和媒体"),
    "camera": Text(en="camera", zh="相机"),
    "microphone": Text(en="microphone", zh="麦克风"),
    "sensors": Text(en="sensors", zh="传感器"),
    "accounts": Text(en="accounts", zh="账户"),
    "phone-number": Text(en="phone number", zh="手机号码"),
    "network-info": Text(en="network information", zh="网络信息"),
    "bluetooth": Text(en="Bluetooth", zh="蓝牙"),
    # Calls that read no personal information, by what they do.
    "permission-request": Text(en="permission requests", zh="权限申请"),
    "permission-check": Text(en="permission checks", zh="权限检查"),
    "permission-result": Text(en="permission results", zh="权限结果"),
    "network": Text(en="network connections", zh="网络连接"),
    "component-start": Text(en="component starts", zh="组件启动"),
    "context": Text(en="context (no personal information)", zh="上下文（非个人信息）"),
    "other": Text(en="other calls", zh="其他调用"),
}


def category_text(category: str, lang: Lang) -> str:
    """A timeline-picture row: a personal-information type, or what a call that reads none does."""
    known = _PI_TYPES.get(category)
    return known.get(lang) if known is not None else category


def decision_label(kind: str, decision: str, group: str, lang: Lang) -> str:
    """The short label of a user decision on the timeline picture: `refused`, `LOCATION denied`."""
    if kind == "consent":
        if lang == "zh":
            return "同意隐私政策" if decision == "accepted" else "拒绝隐私政策"
        return "agreed" if decision == "accepted" else "refused"
    granted = decision in ("granted", "granted-once")
    if lang == "zh":
        return f"{group} {'允许' if granted else '拒绝'}"
    return f"{group} {'allowed' if granted else 'denied'}"

_PROBLEM_SOURCES: Mapping[str, Text] = {
    "run-end": Text(en="run end", zh="运行结束"),
    "run-data": Text(en="unreadable record", zh="无法读取的记录"),
    "rule": Text(en="rule failure", zh="规则执行失败"),
    "evidence": Text(en="missing evidence", zh="证据缺失"),
    "coverage": Text(en="hook coverage", zh="Hook 覆盖"),
    "catalog": Text(en="catalog", zh="接口目录"),
    "integrity": Text(en="integrity", zh="完整性"),
}


def problem_source_text(source: str, lang: Lang) -> str:
    return _PROBLEM_SOURCES[source].get(lang)
