"""CN pack: the MIIT / CAC violation types that runtime evidence can prove.

Clause numbers of the 2019 method (《App违法违规收集使用个人信息行为认定方法》): section 一 policy shown, 二 purposes
stated, 三 consent, 四 necessity, 五 sharing. Not runtime-checkable and so a manual checklist in the report, never a
finding: 强制定向推送 (forced targeted push), 账号注销难 (account deletion), 应用分发平台信息明示 (store listing).
"""

from __future__ import annotations

from itertools import accumulate, chain, pairwise, repeat
from operator import attrgetter, le, sub
from typing import Iterator

from auditor.models import (
    AppBackgrounded,
    AppStopped,
    ConsentDecision,
    ConsentDialogMissing,
    ConsentDialogShown,
    ConsentRefusalIneffective,
    ConsentRefusalUnavailable,
    HookKind,
    Marker,
    PermissionDecision,
    PermissionPromptShown,
    ProcessEnded,
    ScreenshotTaken,
    StepStarted,
    Text,
)
from auditor.permissions import permissions_in_group
from auditor.rules import facts
from auditor.rules.engine import RuleSkipped, Violation, rule
from auditor.rules.settings import COMPARED_PI_TYPES, RuleSettings
from auditor.scenario.softask import GROUP_WORDS, purpose_about, states_purpose
from auditor.timeline import Call, CallGroup, Judged, ScreenText, Timeline, calls_in_order, interleaved

PACK = "cn-miit"
METHOD_2019 = "《App违法违规收集使用个人信息行为认定方法》(2019)"
NOTICE_164 = "工信部信管函〔2020〕164号"
NOTICE_26 = "工信部信管〔2023〕26号"
NECESSARY_2021 = "《常见类型移动互联网应用程序必要个人信息范围规定》(2021)"
GBT = "GB/T 41391-2022"


# -- collection against the user's decisions ---------------------------------------------------------------------

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
        f"{GBT} §6.4",
        "PIPL Art. 13, 14",
    ),
)
def collection_before_consent(timeline: Timeline) -> Iterator[Violation]:
    """
    What it detects: a call that reads personal information, made by the app's own code, while the user has not
    yet answered the privacy policy (from a launch on a clean state until the tap on a consent control). The same
    reads by an SDK inside the app are CN-SDK-PRECONSENT; reads after a refusal are CN-POST-REFUSAL.

    Why it matters: Chinese regulators name and remove apps that read identifiers, location or app lists before
    consent; it is the most common finding on the MIIT lists.

    Example evidence: the app's Application.onCreate reading the IMEI 4.2 s before the user tapped “Agree”, with
    the stack and the screenshot of the dialog on screen.

    Remediation: show the privacy policy first, and read personal information only after the user agrees.

    References: the clauses listed with the rule.
    """
    for group in timeline.collection_groups():
        if group.state.consent == "none" and group.caller.origin == "app":
            yield Violation(group, decision=timeline.first_marker_after(group, ConsentDecision))


@rule(
    id="CN-SDK-PRECONSENT",
    pack=PACK,
    severity="high",
    title=Text(en="SDK collected personal information before consent", zh="SDK 在用户同意前收集个人信息"),
    explanation=Text(
        en="{caller} read the {data} {times} before the user agreed to the privacy policy.",
        zh="{caller}在用户同意隐私政策之前读取了{data}，共{times}。",
    ),
    clauses=(
        f"{METHOD_2019} 三、1: 征得用户同意前就开始收集个人信息或打开可收集个人信息的权限",
        f"{NOTICE_164}: APP、SDK违规收集个人信息",
        f"{GBT} §6.4",
        "PIPL Art. 13, 14, 21",
    ),
)
def sdk_collection_before_consent(timeline: Timeline) -> Iterator[Violation]:
    """
    What it detects: a read of personal information before the user answered the privacy policy, made by a
    third-party SDK inside the app: the innermost stack frame outside the platform belongs to a package that is
    not the app's (named from the SDK signature table when known).

    Why it matters: SDKs that initialise themselves (ContentProviders, Application.onCreate, static initialisers)
    collect before the app has asked anything; regulators hold the app responsible and name the SDK.

    Example evidence: an advertising SDK's ContentProvider reading the Android ID at process start, attributed to
    the SDK's frame, 4.2 s before the user tapped “Agree”.

    Remediation: initialise SDKs only after the user agrees (disable their auto-initialisation; most SDKs document a
    deferred-init or privacy-compliance mode).

    References: the clauses listed with the rule.
    """
    for group in timeline.collection_groups():
        if group.state.consent == "none" and group.caller.origin == "sdk":
            yield Violation(group, decision=timeline.first_marker_after(group, ConsentDecision))


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
        f"{GBT} §6.5",
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
    for group in timeline.collection_groups():
        if group.state.consent == "refused":
            yield Violation(group, decision=group.state.consent_marker)
        elif group.state.consent == "accepted" and (denial := group.denial) is not None:
            yield Violation(group, decision=denial)


@rule(
    id="CN-BACKGROUND",
    pack=PACK,
    severity="medium",
    title=Text(en="Personal information collected in the background", zh="后台收集个人信息"),
    explanation=Text(
        en="{caller} read the {data} {times} while the app was in the background.",
        zh="应用处于后台时，{caller}读取了{data}，共{times}。",
    ),
    clauses=(
        f"{NOTICE_164}: 违规收集个人信息 (后台静默收集)",
        f"{METHOD_2019} 四、4: 收集个人信息的频度等超出业务功能实际需要",
        "PIPL Art. 6",
    ),
)
def background_collection(timeline: Timeline) -> Iterator[Violation]:
    """
    What it detects: a read of personal information by the app or an SDK while the app is running but not on
    screen (after the user pressed Home, until the app is brought back).

    Why it matters: silent collection in the background serves no feature the user is using; regulators' test
    procedures put every app in the background and watch for exactly this.

    Example evidence: an analytics SDK reading the Android ID 1.5 s after the user sent the app to the background.

    Remediation: stop timers, location updates and SDK reporting in onStop; collect only for a feature in use.

    References: the clauses listed with the rule.
    """
    for group in timeline.collection_groups():
        if group.state.launched and not group.state.foreground:
            yield Violation(group, decision=_last(timeline, group, AppBackgrounded))


@rule(
    id="CN-OVERFREQ",
    pack=PACK,
    severity="medium",
    title=Text(en="Personal information collected too often", zh="超频次收集个人信息"),
    explanation=Text(
        en="{caller} read the {data} more often than the limit: {count} reads beyond it.",
        zh="{caller}读取{data}的频次超过限制，超出{count}次。",
    ),
    clauses=(
        f"{METHOD_2019} 四、4: 收集个人信息的频度等超出业务功能实际需要",
        f"{NOTICE_164}: 违规收集个人信息 (e.g. IMEI every 2 s, location every 30 s)",
        "PIPL Art. 6",
    ),
)
def over_frequent_collection(timeline: Timeline, settings: RuleSettings) -> Iterator[Violation]:
    """
    What it detects: more reads of one API by one caller inside any sliding window than the limit for that kind of
    data (settings `overfreq`: by default at most 5 identifier or location reads, 3 app-list or clipboard reads,
    10 of anything else, per 30 s). Each read beyond the limit is evidence; a caller at exactly the limit is not
    flagged.

    Why it matters: collection frequency beyond what a feature needs is a violation of the necessity principle;
    regulators' published examples are an IMEI read every 2 s and a location read every 30 s.

    Example evidence: an SDK reading the IMEI 14 times in 30 s (limit 5), with the first and last read.

    Remediation: read an identifier once and keep it for the session; request location updates at the interval the
    feature needs and stop them when it is not in use.

    References: the clauses listed with the rule.
    """
    window_ms = settings.overfreq.window_s * 1000
    series: dict[tuple[str, str], list[CallGroup]] = {}
    for group in timeline.collection_groups():
        series.setdefault((group.entry_id, group.caller.sdk or group.caller.origin), []).append(group)
    for groups in series.values():
        limit = settings.overfreq.limit_for(groups[0].entry.pi_type if groups[0].entry else None)
        if sum(len(group) for group in groups) <= limit:
            continue
        mixed = interleaved(groups)  # two call sites in turn: the series is the groups' calls merged in order
        calls = calls_in_order(groups) if mixed else []
        times = list(map(_TIME, calls)) if mixed else list(chain.from_iterable(group.times for group in groups))
        beyond = _beyond_limit(times, window_ms, limit)
        if not any(beyond):
            continue
        busiest = _busiest(times, window_ms)
        if mixed:
            flag_of = dict(zip(map(id, calls), beyond, strict=True))
            flags_by_group = [list(map(flag_of.__getitem__, map(id, group.calls))) for group in groups]
        else:
            bounds = list(accumulate((len(group) for group in groups), initial=0))
            flags_by_group = [beyond[low:high] for low, high in pairwise(bounds)]
        excess = [group.subset(flags) for group, flags in zip(groups, flags_by_group, strict=True) if any(flags)]
        detail = Text(
            en=f"up to {busiest} reads in {settings.overfreq.window_s:g} s (limit {limit})",
            zh=f"{settings.overfreq.window_s:g} 秒内最多 {busiest} 次（限制 {limit} 次）",
        )
        for group in excess:
            yield Violation(group, detail=detail)


@rule(
    id="CN-UNNECESSARY-PI",
    pack=PACK,
    severity="medium",
    title=Text(en="Personal information beyond what the app category needs", zh="超范围收集个人信息"),
    explanation=Text(
        en="{caller} read the {data} {times}, which is not necessary information for this category of app.",
        zh="{caller}读取了{data}（共{times}），不属于该类应用的必要个人信息。",
    ),
    clauses=(
        f"{NECESSARY_2021} 第四条、第五条",
        f"{METHOD_2019} 四、1: 收集的个人信息类型或打开的权限与现有业务功能无关",
        "PIPL Art. 6",
    ),
)
def unnecessary_information(timeline: Timeline, settings: RuleSettings) -> Iterator[Violation]:
    """
    What it detects: personal information actually read (the call returned) whose type is outside the necessary
    information of the app's category (the 39 categories of the 2021 rules; `--category`), when the user did not
    opt into it: not read for a feature the user was using (during a tap or an input, by the app's own code or by an
    SDK the app's code called on that stack: an SDK's timer firing during the tap is not the user's doing), and not
    guarded by a permission the user granted. Compared types: device identifiers, location, installed and running apps, clipboard, contacts,
    SMS, call log, calendar, accounts, phone number, Bluetooth. Camera, microphone, media, sensors and network state
    are not compared: the user's permission and action decide those.

    Why it matters: collecting beyond the category's necessary set is 超范围收集; an app may not make its basic
    functions depend on non-necessary information.

    Example evidence: a shopping app (category 6, necessary: registered phone number, consignee details, payment)
    reading the list of installed packages.

    Remediation: remove the collection, or make it optional behind a feature the user turns on, with its own consent.

    References: the clauses listed with the rule.
    """
    category = settings.resolved_category()
    if category is None:
        raise RuleSkipped("needs the app's category (--category)")
    detail = Text(
        en=f"category {category.number} {category.en}: necessary information is {category.necessary_text.en}",
        zh=f"第{category.number}类 {category.zh}：必要个人信息为{category.necessary_text.zh}",
    )
    for group in timeline.collection_groups():
        pi_type = group.entry.pi_type if group.entry else None
        if (group.outcome == "returned" and pi_type in COMPARED_PI_TYPES and pi_type not in category.necessary
                and not facts.for_the_users_action(group, timeline, settings.attribution()) and not _granted(group)):
            yield Violation(group, detail=detail)


# -- what the user was shown ---------------------------------------------------------------------------------------

@rule(
    id="CN-CONSENT-UI",
    pack=PACK,
    severity="medium",
    title=Text(en="Privacy dialog without a real choice", zh="隐私政策弹窗未提供真实选择（无拒绝选项或默认勾选）"),
    explanation=Text(
        en="The privacy dialog: {subject}.",
        zh="隐私政策弹窗：{subject}。",
    ),
    clauses=(
        f"{METHOD_2019} 三、4: 以默认选择同意隐私政策等非明示方式征求用户同意",
        f"{NOTICE_26}: 不得默认勾选",
        f"{GBT} §6.4",
        "PIPL Art. 14",
    ),
)
def consent_dialog_without_choice(timeline: Timeline) -> Iterator[Violation]:
    """
    What it detects: the app's privacy dialog offers no control to refuse (only agree, or only an acknowledgement
    such as “我知道了” / “OK”; or a “Manage options” / 更多选项 behind which the scenario found no refusal either), or
    a consent checkbox is ticked before the user touched it. Read from the dialog's hierarchy as the scenario found
    it. A refusal found behind “Manage options” is a choice made hard, CN-CONSENT-UI-ASYMMETRY's matter.

    Why it matters: consent must be a free, explicit act; a dialog that can only be accepted, or that is accepted in
    advance, collects nothing but a formality.

    Example evidence: a dialog whose only control is “同意并继续”, with its texts and the screenshot.

    Remediation: give “不同意” the same prominence as “同意”, and leave every consent box unticked.

    References: the clauses listed with the rule.
    """
    for marker in timeline.markers:
        if isinstance(marker, (ConsentDecision, ConsentRefusalUnavailable, ConsentDialogShown)):
            dialog = marker.dialog
            if dialog.acknowledge_only:
                yield Violation(marker=marker, subject="only an acknowledgement to tap")
            elif dialog.reject is None and dialog.more_options is None:
                yield Violation(marker=marker, subject="no way to refuse")
            elif dialog.reject is None and isinstance(marker, ConsentRefusalUnavailable):
                # A refusal found behind "Manage options" is a choice made hard (CN-CONSENT-UI-ASYMMETRY); none
                # there either is no choice at all.
                more = dialog.more_options.text if dialog.more_options else ""
                yield Violation(marker=marker, subject="no way to refuse",
                                detail=Text(en=f"“{more}” leads to no refusal either",
                                            zh=f"“{more}”之后也没有拒绝选项"))
            if dialog.prechecked:
                ticked = [c.text for c in dialog.checkboxes if c.checked]
                yield Violation(marker=marker, subject="consent box ticked in advance",
                                detail=Text(en="ticked: " + "; ".join(ticked), zh="已勾选：" + "；".join(ticked)))


@rule(
    id="CN-NO-POLICY-PROMPT",
    pack=PACK,
    severity="high",
    title=Text(en="No privacy-policy prompt on first run", zh="首次运行未提示隐私政策"),
    explanation=Text(
        en="On a first run the app showed no privacy-policy dialog, yet personal information was read {times}.",
        zh="首次运行时未弹窗提示隐私政策，但读取个人信息{times}。",
    ),
    clauses=(
        f"{METHOD_2019} 一、2: 在App首次运行时未通过弹窗等明显方式提示用户阅读隐私政策等收集使用规则",
        f"{GBT} §6.4",
    ),
)
def no_policy_prompt(timeline: Timeline) -> Iterator[Violation]:
    """
    What it detects: on a run from a clean state, the scenario looked for the privacy dialog and found none, while
    the app or its SDKs read personal information in that launch. A scenario that never looks for the dialog proves
    nothing either way and yields nothing.

    Why it matters: the policy must be shown, prominently, at first run, before anything is collected.

    Example evidence: the consent step finding no privacy dialog, the screen it saw, and the reads of that launch.

    Remediation: show the privacy policy in a dialog at first run, before any collection.

    References: the clauses listed with the rule.
    """
    for marker in timeline.markers_of(ConsentDialogMissing):
        if timeline.state_after(marker).consent != "none":
            continue
        reads = [c for c in timeline.collections()
                 if c.state.consent == "none" and c.markers_before <= timeline.position(marker)
                 and _same_launch(timeline, c, marker)]
        for _ in reads:
            yield Violation(marker=marker, subject="no privacy dialog on first run")


@rule(
    id="CN-NO-PURPOSE",
    pack=PACK,
    severity="medium",
    title=Text(en="Permission requested without stating its purpose", zh="申请权限未同步告知目的"),
    explanation=Text(
        en="The app asked for the {subject} permission {times} with nothing on screen saying what it is for.",
        zh="应用申请{subject}权限时界面上未说明用途，共{times}。",
    ),
    clauses=(
        f"{METHOD_2019} 二、3: 在申请打开可收集个人信息的权限时，未同时告知用户其目的，或者目的不明确、难以理解",
        f"{NOTICE_26}: 申请权限时应同步告知目的",
        f"{GBT} §6.5",
    ),
)
def permission_without_purpose(timeline: Timeline) -> Iterator[Violation]:
    """
    What it detects: a system permission dialog shown while no text of the app's own says what the permission is
    for: neither the app's own permission dialog about it shown just before (a soft-ask), nor a text on the screen
    captured with the dialog or just before it that is about the permission (names its data — location, camera,
    麦克风... — or speaks of a permission) and states a purpose. Purposes are read with the same phrase list
    (`purpose` in auditor/rules/data/dark-patterns.yaml) as CN-MISLEAD-SOFTASK's: “to show stores near you”,
    “so that you can search by voice”, 用于…, 以便…; asking is not a purpose (“Shop needs access to your location”,
    “to continue”, “to unlock all features”, 需要相机权限, 才能继续使用本应用), nor is the system dialog's question
    (“Allow Shop to record audio?”), nor naming the data (“Location unavailable”). Dialogs whose screens were not
    captured, and permission groups the phrase data has no words for, are not judged.

    Why it matters: the purpose must be told at the moment of the request, so the user can decide with it.

    Example evidence: the location dialog over a home screen whose texts are “Welcome to Shop”, “Nearby stores”.

    Remediation: explain the purpose in the app's own words just before the system dialog (a rationale screen or
    text next to the feature), naming the data and what it is used for.

    References: the clauses listed with the rule.
    """
    for decision in facts.permission_dialogs(timeline):
        screens = _screens_at(timeline, decision)
        if not screens:
            continue
        if decision.group not in GROUP_WORDS:
            continue
        texts = [text for screen in screens for text in screen.texts(timeline.app_package)]
        if states_purpose(_soft_ask_message(timeline, decision)) is None and purpose_about(decision.group, texts) is None:
            yield Violation(marker=decision, subject=decision.group)


# -- permission requests -------------------------------------------------------------------------------------------

@rule(
    id="CN-FREQ-REQUEST",
    pack=PACK,
    severity="medium",
    title=Text(en="Permission asked for again after a refusal", zh="频繁申请权限"),
    explanation=Text(
        en="After {decision}, the app asked for the {subject} permission again {times}.",
        zh="{decision}之后，应用再次申请{subject}权限，共{times}。",
    ),
    clauses=(
        f"{METHOD_2019} 三、2: 频繁征求用户同意、干扰用户正常使用",
        f"{NOTICE_164}: 频繁申请权限",
        f"{NOTICE_26}: 用户拒绝后 48 小时内不得再次弹窗申请",
    ),
)
def frequent_requests(timeline: Timeline, settings: RuleSettings) -> Iterator[Violation]:
    """
    What it detects: a system permission dialog shown again for a permission group the user denied within the
    window (settings `frequent_request_window_h`, 48 h by default) — on relaunch, or later in the same session —
    when the user did not ask for it by using a feature that needs it (a request made during a tap on a feature is
    the user's own doing and is not counted). Requests the platform answers itself after “don't ask again” show no
    dialog and are not counted.

    Why it matters: asking again and again after a refusal pressures the user into granting; app-store standards
    allow no second prompt within 48 hours.

    Example evidence: the location dialog shown at the second launch, 6 s after the user had denied it at the first.

    Remediation: after a denial, do not ask again unless the user opens the feature that needs the permission.

    References: the clauses listed with the rule.
    """
    window_ms = settings.frequent_request_window_h * 3_600_000
    for dialog, earlier in facts.dialogs_again_after_denial(timeline, window_ms):
        yield Violation(marker=dialog, decision=earlier, subject=dialog.group)


@rule(
    id="CN-PREMATURE-REQUEST",
    pack=PACK,
    severity="low",
    title=Text(en="Permission requested before any feature needed it", zh="提前申请权限"),
    explanation=Text(
        en="{caller} asked for permissions {times} before the user had used any feature that needs them.",
        zh="{caller}在用户使用相关功能之前申请权限，共{times}。",
    ),
    clauses=(
        f"{NOTICE_164}: 过度索取权限 (提前申请)",
        f"{NOTICE_26}: 在用户使用相关业务功能时申请权限",
        f"{GBT} §6.5",
    ),
)
def premature_requests(timeline: Timeline) -> Iterator[Violation]:
    """
    What it detects: a runtime-permission request made after a launch before the user used any feature of the app
    (no tap, input or swipe on the app since it launched: answering its dialogs does not count). This is the
    request at start-up, or right after the privacy policy is accepted.

    Why it matters: permissions must be requested when the feature that needs them starts, not up front.

    Example evidence: a location request 0.3 s after the user tapped “Agree”, with no feature used since launch.

    Remediation: request each permission from the feature that needs it, when the user starts that feature.

    References: the clauses listed with the rule.
    """
    for request in facts.permission_requests(timeline):
        if not request.user_initiated and not facts.used_a_feature_since_launch(timeline, request.call):
            yield Violation(request.call, detail=_groups_detail(request))


@rule(
    id="CN-BUNDLED-PERMS",
    pack=PACK,
    severity="low",
    title=Text(en="Several permissions requested at once at start-up", zh="一次性申请多个权限"),
    explanation=Text(
        en="{caller} asked for several kinds of permission in one request at start-up ({times}).",
        zh="{caller}在启动时一次性申请多类权限（{times}）。",
    ),
    clauses=(
        f"{METHOD_2019} 四、6: 要求用户一次性同意打开多个可收集个人信息的权限",
        f"{NOTICE_164}: 过度索取权限",
    ),
)
def bundled_requests(timeline: Timeline) -> Iterator[Violation]:
    """
    What it detects: one request for runtime permissions of two or more permission groups (location and camera,
    say), made before the user used any feature since launch. Several permissions of one group (fine and coarse
    location) are one question to the user and are not counted.

    Why it matters: asking for many permissions at once, up front, leaves the user no way to tell which feature
    needs which, and is named as over-claiming permissions.

    Example evidence: requestPermissions([ACCESS_FINE_LOCATION, CAMERA, READ_PHONE_STATE]) at start-up.

    Remediation: ask for each permission separately, from the feature that needs it.

    References: the clauses listed with the rule.
    """
    for request in facts.permission_requests(timeline):
        if (len(request.groups) >= 2 and not request.user_initiated
                and not facts.used_a_feature_since_launch(timeline, request.call)):
            yield Violation(request.call, detail=_groups_detail(request))


@rule(
    id="CN-DENY-EXIT",
    pack=PACK,
    severity="high",
    title=Text(en="App quits or insists after a refusal", zh="不给权限不让用"),
    explanation=Text(
        en="After {decision}, the app {subject}.",
        zh="{decision}之后，应用{subject}。",
    ),
    clauses=(
        f"{METHOD_2019} 四、2: 因用户不同意收集非必要个人信息或打开非必要权限，拒绝提供业务功能",
        f"{NOTICE_164}: 不给权限不让用",
        "PIPL Art. 16",
    ),
)
def refusal_punished(timeline: Timeline, settings: RuleSettings) -> Iterator[Violation]:
    """
    What it detects: within a few seconds (settings `exit_after_refusal_s`, 5 s) of the user refusing the privacy
    policy or denying a permission, the app's main process ends by itself (it exited or crashed: not stopped by the
    scenario, not a device or Frida connection that went away, and with no scenario step acting on the app in
    between: Back on the last screen ends an app normally), or the same
    system permission dialog is shown again with no user action in between, or refusing the privacy policy only
    brings its dialog back.

    Why it matters: an app may not refuse its basic functions to a user who declines non-necessary information or
    permissions; quitting or asking straight back forces the user to give in.

    Example evidence: the process exiting (code 0) 0.4 s after the user tapped “不同意”.

    Remediation: keep the app usable after a refusal (a browse-only mode), and do not re-ask at once.

    References: the clauses listed with the rule.
    """
    limit_ms = settings.exit_after_refusal_s * 1000
    refusals = [m for m in timeline.markers
                if (isinstance(m, ConsentDecision) and m.decision == "refused")
                or (isinstance(m, PermissionDecision) and m.decision in ("denied", "denied-forever"))]
    for loop in timeline.markers_of(ConsentRefusalIneffective):
        yield Violation(marker=loop, decision=_last_before(timeline, loop, ConsentDecision),
                        subject="showed the privacy dialog again")
    for refusal in refusals:
        start = timeline.position(refusal)
        for marker in timeline.markers[start + 1:]:
            if marker.ts - refusal.ts > limit_ms or isinstance(marker, AppStopped) or _acts_on_app(marker):
                break  # what happens next is the scenario's doing (Back on the last screen ends an app), not the app's
            if (isinstance(marker, ProcessEnded) and marker.process == timeline.app_package
                    and marker.cause == "app"):
                yield Violation(marker=marker, decision=refusal, subject="quit",
                                detail=Text(en=f"process ended: {marker.reason}", zh=f"进程结束：{marker.reason}"))
                break
            if (isinstance(refusal, PermissionDecision) and isinstance(marker, PermissionDecision)
                    and marker.group == refusal.group and not facts.is_feature_step(marker.step)
                    and not _feature_between(timeline, refusal, marker)):
                yield Violation(marker=marker, decision=refusal, subject="asked for the same permission at once")
                break


# -- sharing and other apps ---------------------------------------------------------------------------------------

@rule(
    id="CN-3P-SHARE",
    pack=PACK,
    severity="critical",
    title=Text(en="Identifiers sent to a third party without consent", zh="未经同意向第三方提供个人信息"),
    explanation=Text(
        en="{caller} sent device identifiers to a third-party host {times} before the user agreed.",
        zh="{caller}在用户同意前向第三方主机发送了设备标识符，共{times}。",
    ),
    clauses=(
        f"{METHOD_2019} 五、1: 既未经用户同意，也未做匿名化处理，App客户端直接向第三方提供个人信息",
        f"{NOTICE_164}: 私自共享给第三方",
        "PIPL Art. 23",
    ),
)
def shared_with_third_parties(timeline: Timeline, settings: RuleSettings) -> Iterator[Violation]:
    """
    What it detects: a network call (a URL opened, a host resolved) made before the user agreed, or after a
    refusal, to a host that is not the publisher's, carrying an identifier value the app read earlier in the run —
    as it is, or hashed with MD5, SHA-1 or SHA-256. The publisher's hosts are settings `first_party_hosts` (each
    with its subdomains). When none are configured, the domain the package name reverses to (com.example.shop ->
    example.com) is taken as the publisher's and, since that guess is often wrong (apps talk to servers of other
    names: com.tencent.mm to qq.com), only what third-party SDKs send is judged; what the app's own code sends is
    judged once the publisher's hosts are declared. The finding names the hosts deemed third parties and why.

    Why it matters: handing identifiers to third parties without consent is named on its own in the MIIT lists
    (私自共享给第三方) and needs separate consent under PIPL.

    Example evidence: the Android ID, MD5-hashed, in the query of a URL to ads.example.net, 0.2 s after it was read.

    Remediation: send nothing to third parties before consent; name each recipient in the policy. If a flagged host
    is the publisher's own, declare it in `first_party_hosts` (`--config`).

    References: the clauses listed with the rule.
    """
    configured = bool(settings.first_party_hosts)
    first_party = facts.first_party_hosts(timeline.app_package, settings.first_party_hosts)
    own = ", ".join(first_party) or "none"
    if configured:
        why = Text(en=f"not under the configured first_party_hosts ({own})",
                   zh=f"不属于配置的 first_party_hosts（{own}）")
    else:
        why = Text(en=f"not under {own}, the domain the package name reverses to; declare the publisher's own "
                      "hosts with `first_party_hosts` in --config",
                   zh=f"不属于由包名推断的域名 {own}；可在 --config 的 `first_party_hosts` 中声明发布者自有主机")
    network = [call for call in timeline.calls_of(HookKind.NETWORK)
               if call.by_app_or_sdk and call.state.consent != "accepted"
               and (configured or call.caller.origin == "sdk")]
    if not network:
        return
    # Identifiers by the first call that read them, then the network calls in the same order, so that a value
    # counts as known from its first read on.
    readers = [group for group in timeline.groups
               if group.collects and group.entry is not None and group.entry.pi_type in facts.IDENTIFIER_TYPES]
    known: dict[str, Call] = {}
    pending = iter(calls_in_order(readers))
    reader = next(pending, None)
    for call in network:
        while reader is not None and reader.position < call.position:
            for value in facts.identifier_values(reader):
                known.setdefault(value, reader)
            reader = next(pending, None)
        hosts = [h for h in facts.hosts_of(call) if facts.is_third_party(h, first_party)]
        sent = facts.values_sent(known, call) if hosts else []
        if sent:
            names = ", ".join(f"{s.source.entry.data.en if s.source.entry else s.source.event.api} ({s.form})"
                              for s in sent)
            names_zh = "、".join(f"{s.source.entry.data.zh if s.source.entry else s.source.event.api}（{s.form}）"
                                for s in sent)
            yield Violation(call, detail=Text(
                en=f"{names} sent to {', '.join(hosts)} (deemed a third party: {why.en})",
                zh=f"{names_zh}发送至{'、'.join(hosts)}（判定为第三方：{why.zh}）"))


@rule(
    id="CN-AUTOSTART",
    pack=PACK,
    severity="medium",
    title=Text(en="Other apps started or woken (associated start)", zh="关联启动其他应用"),
    explanation=Text(
        en="{caller} started or woke components of other apps {times}.",
        zh="{caller}启动或唤醒了其他应用的组件，共{times}。",
    ),
    clauses=(
        f"{NOTICE_164}: APP频繁自启动和关联启动",
        f"{GBT} §6.4",
    ),
)
def associated_start(timeline: Timeline, settings: RuleSettings) -> Iterator[Violation]:
    """
    What it detects: the app or an SDK starting, binding or broadcasting to a component of another app
    (startActivity, startService, bindService, sendBroadcast with an Intent addressed to another package), before
    consent or at any time; the finding's phase says which. Not counted: what the user asked for, a start made
    during a tap or input by the app's own code (or by an SDK it called on that stack: a share to another app, a
    payment app); and the system's own screens (settings, the permission and install pages, the share chooser, the
    file picker), which wake no app.

    Why it matters: waking other apps (关联启动), typically by push and advertising SDKs keeping each other alive,
    drains the device and spreads collection to apps the user did not open.

    Example evidence: a push SDK calling startService on com.other.app's push service at start-up.

    Remediation: do not start other apps' components unless the user asked for it (an explicit share or open).

    References: the clauses listed with the rule.
    """
    for call in timeline.calls_of(HookKind.COMPONENT_START):
        if not call.by_app_or_sdk:
            continue
        others = [p for p in facts.target_packages(call)
                  if p != timeline.app_package and p not in facts.SYSTEM_UI_PACKAGES]
        if others and not facts.for_the_users_action(call, timeline, settings.attribution()):
            yield Violation(call, detail=Text(en="to " + ", ".join(others), zh="目标：" + "、".join(others)))


# -- helpers ------------------------------------------------------------------------------------------------------

_TIME = attrgetter("event.ts")


def _beyond_limit(times: list[float], window_ms: float, limit: int) -> list[bool]:
    """For each of a series of reads (their times, in order), whether the window ending at it holds more than
    `limit` reads."""
    if limit <= 0:
        return [True] * len(times)
    # The window ending at a read holds more than `limit` reads when the read `limit` places before it is in it.
    beyond = [False] * min(limit, len(times))
    beyond += map(le, map(sub, times[limit:], times[:-limit]), repeat(window_ms))
    return beyond


def _busiest(times: list[float], window_ms: float) -> int:
    """The most reads any window of `window_ms` holds."""
    busiest = 0
    start = 0
    for number, ts in enumerate(times, start=1):
        while times[start] < ts - window_ms:
            start += 1
        if number - start > busiest:
            busiest = number - start
    return busiest


def _last(timeline: Timeline, call: Judged, kind: type[AppBackgrounded]) -> AppBackgrounded | None:
    found = [m for m in timeline.markers[: call.markers_before] if isinstance(m, kind)]
    return found[-1] if found else None


def _last_before(timeline: Timeline, marker: ConsentRefusalIneffective, kind: type[ConsentDecision]) -> ConsentDecision | None:
    found = [m for m in timeline.markers[: timeline.position(marker)] if isinstance(m, kind)]
    return found[-1] if found else None


def _granted(call: Judged) -> bool:
    """The user granted a permission guarding this data, or the permission group of its kind of data (a Location
    object's getters need no permission of their own; the location grant is what let the app have one)."""
    if call.entry is None:
        return False
    guarding = list(call.entry.permissions)
    group = facts.PI_TYPE_GROUPS.get(call.entry.pi_type) if call.entry.pi_type else None
    if group is not None:
        guarding += permissions_in_group(group)
    return any(call.state.permission_choice(p) in ("granted", "granted-once") for p in guarding)


def _same_launch(timeline: Timeline, call: Call, marker: ConsentDialogMissing) -> bool:
    """No launch happened between the call and the marker."""
    low, high = sorted((call.markers_before, timeline.position(marker)))
    return not any(m.kind == "app-launch" for m in timeline.markers[low:high])


def _screens_at(timeline: Timeline, decision: PermissionDecision) -> list[ScreenText]:
    """The saved screens at a permission dialog: the last two screenshots taken up to the decision."""
    position = timeline.position(decision)
    paths = [m.hierarchy for m in timeline.markers[: position + 1] if isinstance(m, ScreenshotTaken) and m.hierarchy]
    return [timeline.screens[path] for path in paths[-2:] if path in timeline.screens]


OBSERVING_STEPS = frozenset({"sleep", "waitFor", "assertVisible", "assertNotVisible", "screenshot", "consent",
                             "permission"})
"""Steps that only look, wait or answer the app's own questions: they leave what the app does next to the app."""


def _acts_on_app(marker: Marker) -> bool:
    """A scenario step began that acts on the app (back, home, a tap, a relaunch...)."""
    return isinstance(marker, StepStarted) and marker.step is not None and marker.step.name not in OBSERVING_STEPS


SOFT_ASK_WINDOW_MS = 30_000
"""How far back the app's own permission dialog counts as explaining the system dialog that follows it."""


def _soft_ask_message(timeline: Timeline, decision: PermissionDecision) -> list[str]:
    """What the app's own dialogs about the permission said just before the system asked."""
    position = timeline.position(decision)
    return [text for marker in timeline.markers[:position]
            if isinstance(marker, PermissionPromptShown) and decision.ts - marker.ts <= SOFT_ASK_WINDOW_MS
            and marker.prompt.group in (decision.group, "UNKNOWN") for text in marker.prompt.message]


def _feature_between(timeline: Timeline, first: PermissionDecision, second: PermissionDecision) -> bool:
    low, high = timeline.position(first), timeline.position(second)
    return any(m.kind == "step-start" and facts.is_feature_step(m.step) for m in timeline.markers[low:high])


def _groups_detail(request: facts.PermissionRequest) -> Text:
    groups = ", ".join(request.groups)
    return Text(en=f"asked for: {groups}", zh=f"申请：{groups}")
