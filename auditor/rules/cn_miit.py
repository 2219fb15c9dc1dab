"""CN pack: the MIIT / CAC violation types that runtime evidence can prove."""

from __future__ import annotations

from typing import Iterator

from auditor.models import ConsentDecision, Text
from auditor.rules.engine import Violation, rule
from auditor.timeline import Timeline

PACK = "cn-miit"
METHOD_2019 = "《App违法违规收集使用个人信息行为认定方法》(2019)"
NOTICE_164 = "工信部信管函〔2020〕164号"


@rule(
    id="CN-PRECONSENT-COLLECT",
    pack=PACK,
    severity="high",
    title=Text(en="Personal information collected before consent", zh="征得用户同意前收集个人信息"),
    explanation=Text(
        en="{caller} read the {data} {times} before the user agreed to the privacy policy.",
        zh="{caller}在用户同意隐私政策之前读取了{data}，共{times}。",
    ),
    clauses=(
        f"{METHOD_2019} 三、1: 征得用户同意前就开始收集个人信息或打开可收集个人信息的权限",
        f"{NOTICE_164}: 违规收集个人信息",
        "GB/T 41391-2022 §6.4",
        "PIPL Art. 13, 14",
    ),
)
def collection_before_consent(timeline: Timeline) -> Iterator[Violation]:
    """
    What it detects: a call that reads personal information, made by the app or an SDK inside it, while the user
    has not yet agreed to the privacy policy (from launch on a clean state until the tap on the accept control).

    Why it matters: Chinese regulators name and remove apps whose code, or whose SDKs, read identifiers, location
    or app lists before consent; it is the most common finding on the MIIT lists.

    Example evidence: the Android ID read by an advertising SDK's ContentProvider at start-up, 4.2 s before the
    user tapped “Agree”, with the stack that attributes it to the SDK and the screenshot of the dialog on screen.

    Remediation: show the privacy policy first and initialise SDKs, and read any personal information, only after
    the user agrees (delay SDK auto-initialisation: ContentProviders, Application.onCreate, static initialisers).

    References: the clauses listed with the rule.
    """
    for call in timeline.collections():
        if call.state.consent == "none":
            yield Violation(call, decision=timeline.first_marker_after(call, ConsentDecision))


@rule(
    id="CN-POST-REFUSAL",
    pack=PACK,
    severity="high",
    title=Text(en="Personal information collected after the user refused", zh="用户明确拒绝后仍收集个人信息"),
    explanation=Text(
        en="{caller} read the {data} {times} after {decision}.",
        zh="{decision}之后，{caller}仍读取了{data}，共{times}。",
    ),
    clauses=(
        f"{METHOD_2019} 三、2: 用户明确表示不同意后，仍收集个人信息或打开可收集个人信息的权限",
        f"{NOTICE_164}: 违规收集个人信息",
        "GB/T 41391-2022 §6.5",
        "PIPL Art. 15, 16",
    ),
)
def collection_after_refusal(timeline: Timeline) -> Iterator[Violation]:
    """
    What it detects: a call that reads personal information after the user refused the privacy policy, or that
    reads data guarded by a runtime permission the user denied (no guarding permission granted, one denied). An
    attempt the platform blocked with a SecurityException counts: the code still tried to collect, and the report
    shows how the call ended.

    Why it matters: collecting after an explicit refusal is named as a violation in its own right; it shows the
    refusal was ignored, and a blocked attempt on a test device often succeeds through another path on users' devices.

    Example evidence: the last known location requested by the app's own code 0.3 s after the user tapped
    “Don’t allow” on the location dialog, ending in SecurityException.

    Remediation: honour the refusal: stop every SDK from collecting (pass the decision to each SDK and check it
    before any call), and check the permission with checkSelfPermission before reading guarded data.

    References: the clauses listed with the rule.
    """
    for call in timeline.collections():
        if call.state.consent == "refused":
            yield Violation(call, decision=call.state.consent_marker)
        elif call.state.consent == "accepted" and (denial := call.denial) is not None:
            yield Violation(call, decision=denial)
