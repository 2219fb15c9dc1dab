"""Misleading and forcing user interfaces around consent and permission requests, judged on what the user was shown
and what each choice did: the app's own permission dialogs (soft-asks), imitations of the system dialog, unequal
choices, shaming wording, a stated purpose that the data's first consumers contradict, and dialogs that come back
until the user gives in.

The evidence is recorded by the scenario runner (`auditor/scenario/softask.py`, `measure.py`): every permission
dialog of the app it saw (`permission-prompt`), what a `softAsk` step answered and what followed
(`permission-prompt-decision`, `permission-prompt-outcome`), the privacy dialog's controls with their bounds,
classes and (on a device's PNG screenshot) colours, and the second screen a refusal hid behind
(`consent-second-layer`). The words are data: `auditor/rules/data/dark-patterns.yaml`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from auditor.describe import describe_caller
from auditor.models import (
    AppLaunched,
    AppStopped,
    ConsentDecision,
    ConsentDialogShown,
    ConsentRefusalUnavailable,
    ConsentSecondLayer,
    ControlColours,
    DialogControl,
    PermissionDecision,
    PermissionPromptDecision,
    PermissionPromptInfo,
    PermissionPromptOutcome,
    PermissionPromptShown,
    ScreenshotTaken,
    StepStarted,
    Text,
)
from auditor.permissions import UNKNOWN_GROUP
from auditor.rules.engine import Violation, rule
from auditor.rules.settings import RuleSettings
from auditor.scenario.measure import area, choice_sizes, control_style, size_text
from auditor.scenario.phrases import discloses, phrases
from auditor.scenario.softask import imitation_of, purpose_about, speaks_of_permission, states_purpose
from auditor.timeline import DENIED, GRANTED, Timeline

CN, EU = "cn-miit", "eu-gdpr"
METHOD_2019 = "《App违法违规收集使用个人信息行为认定方法》(2019)"
NOTICE_164 = "工信部信管函〔2020〕164号"
NOTICE_26 = "工信部信管〔2023〕26号"
GBT = "GB/T 41391-2022"
MISLEAD_CLAUSE = f"{METHOD_2019} 三、7: 以欺诈、诱骗等不正当方式误导用户同意收集个人信息或打开可收集个人信息的权限"
EDPB_TASKFORCE = "EDPB, Report of the work undertaken by the Cookie Banner Taskforce (2023)"
EDPB_DECEPTIVE = "EDPB Guidelines 03/2022 on deceptive design patterns, v2.0 (2023)"

STANDS_OUT_DELTA_E = 40.0
"""A colour difference (CIE76) at which a control's fill reads as a different colour from its surroundings."""
PLAIN_DELTA_E = 10.0
"""Below this colour difference a control has no fill of its own (text, an outline)."""
_LED_TO_REQUEST_STEPS = 2
"""A system dialog within this many steps after an app's dialog, with nothing else shown between, followed it."""


# -- what the runner saw -----------------------------------------------------------------------------------------

@dataclass
class Showing:
    """One showing of an app's permission dialog, with what the user did with it and what followed."""

    marker: PermissionPromptShown | PermissionPromptDecision
    prompt: PermissionPromptInfo
    position: int
    decision: PermissionPromptDecision | None = None
    outcome: PermissionPromptOutcome | None = None
    system: PermissionDecision | None = None
    """The system permission dialog that followed it (answered), if one did."""


def showings(timeline: Timeline) -> list[Showing]:
    """Every showing, in order. A `softAsk` decision on a dialog already recorded on screen is the same showing."""
    found: list[Showing] = []
    by_decision: dict[int, Showing] = {}
    for position, marker in enumerate(timeline.markers):
        if isinstance(marker, PermissionPromptShown):
            found.append(Showing(marker, marker.prompt, position))
        elif isinstance(marker, PermissionPromptDecision):
            last = found[-1] if found else None
            if (last is not None and last.decision is None and last.outcome is None
                    and last.prompt.texts == marker.prompt.texts and not _between(timeline, last.position, position)):
                last.decision = marker
                last.prompt = marker.prompt
            else:
                last = Showing(marker, marker.prompt, position, decision=marker)
                found.append(last)
            by_decision[marker.seq] = last
        elif isinstance(marker, PermissionPromptOutcome) and marker.decision_seq in by_decision:
            by_decision[marker.decision_seq].outcome = marker
    for showing in found:
        showing.system = _system_dialog_after(timeline, showing)
    return found


def _between(timeline: Timeline, low: int, high: int) -> bool:
    """Something separates two markers: a launch, a stop, a system dialog answered, or another app dialog."""
    return any(isinstance(m, (AppLaunched, AppStopped, PermissionDecision, PermissionPromptShown,
                              PermissionPromptOutcome)) for m in timeline.markers[low + 1:high])


def _system_dialog_after(timeline: Timeline, showing: Showing) -> PermissionDecision | None:
    """The system permission dialog the app's dialog led to: right after a decision whose outcome was the system
    request, or, for a dialog only seen, the next one answered within a couple of steps with nothing in between."""
    start = timeline.position(showing.outcome) if showing.outcome is not None else showing.position
    if showing.outcome is not None and showing.outcome.outcome != "system-request":
        return None
    steps = 0
    for marker in timeline.markers[start + 1:]:
        if isinstance(marker, PermissionDecision):
            if showing.outcome is None and not _group_fits(showing.prompt.group, marker.group):
                return None
            return marker
        if isinstance(marker, (AppLaunched, AppStopped, PermissionPromptShown, PermissionPromptDecision)):
            return None
        if isinstance(marker, StepStarted):
            steps += 1
            if steps > _LED_TO_REQUEST_STEPS:
                return None
    return None


def _group_fits(prompt_group: str, system_group: str) -> bool:
    return UNKNOWN_GROUP in (prompt_group, system_group) or prompt_group == system_group


def is_permission_prompt(showing: Showing) -> bool:
    """Judged as a permission dialog: it speaks of a permission in so many words, or offers to turn one on for a
    named group, or led to the system request. (The runner records more loosely; a dialog only naming a subject
    next to a "Not now" is judged only when it led to the request.)"""
    prompt = showing.prompt
    if showing.system is not None or speaks_of_permission(prompt.message):
        return True
    return prompt.group != UNKNOWN_GROUP and any(_is_explicit_grant(c) for c in prompt.controls)


def _is_explicit_grant(control: DialogControl) -> bool:
    return (not phrases("decline").matches(control.text)
            and (phrases("grant_explicit").matches(control.text) or phrases("system_button").matches(control.text)))


def _denied_before(timeline: Timeline, showing: Showing) -> bool:
    """The prompt's permission group had been denied when it was shown."""
    state = timeline.states[showing.position]
    return any(decision.group == showing.prompt.group and decision.decision in DENIED
               for decision in state.permissions.values())


def _quote(texts: list[str] | tuple[str, ...], joiner: str = ", ") -> str:
    return joiner.join(f"“{text}”" for text in texts)


def _label(control: DialogControl | None) -> str:
    return f"“{control.text}”" if control is not None else "none"


def _delay(ms: float) -> Text:
    if ms < 1000:
        return Text(en=f"{max(ms, 0):.0f} ms", zh=f"{max(ms, 0):.0f} 毫秒")
    return Text(en=f"{ms / 1000:.1f} s", zh=f"{ms / 1000:.1f} 秒")


# -- soft-asks -----------------------------------------------------------------------------------------------------

@rule(
    id="CN-MISLEAD-SOFTASK",
    pack=CN,
    severity="medium",
    title=Text(en="The app's own permission dialog misleads or leaves no choice",
               zh="应用自绘的权限申请弹窗误导用户或不提供拒绝选择"),
    explanation=Text(en="The app's own permission dialog: {subject} ({times}).",
                     zh="应用自绘的权限申请弹窗：{subject}（{times}）。"),
    clauses=(
        MISLEAD_CLAUSE,
        f"{METHOD_2019} 二、3: 在申请打开可收集个人信息的权限时，未同步告知用户其目的，或者目的不明确、难以理解",
        f"{NOTICE_164}: 欺骗误导用户; APP强制、频繁、过度索取权限",
        f"{GBT} §6.5",
        "PIPL Art. 14, 17",
    ),
)
def misleading_soft_ask(timeline: Timeline) -> Iterator[Violation]:
    """
    What it detects: a dialog the app draws about a runtime permission (a soft-ask before the system dialog, see
    docs/scenarios.md) that (1) offers no way to decline: no “Not now”, 暂不, “Cancel”... next to a control that turns
    the permission on or goes to the settings (or whose only control led to the system request); (2) when declined
    by a `softAsk: decline` step, was followed by the system permission request anyway, within the settle time;
    (3) asks for a permission that was not denied yet without saying what the data is for: no purpose clause
    (“to show stores near you”, 用于…, 以便…) in its texts; “to access”, “to continue”, 才能继续 are not purposes.
    A dialog that merely names a subject next to “Not now” is judged only when it led to the system request.

    Why it matters: a soft-ask is the app's chance to explain and to let the user say no before the system asks.
    One that cannot be declined, or whose “no” still triggers the request, manipulates the user into the system
    dialog while looking like a choice; one without a purpose hides why the data is wanted.

    Example evidence: a dialog “需要相机权限” whose only control is “去开启”, with its screenshot and dump; a dialog
    whose “Don't allow” was tapped, then the system dialog “Allow Shop to record audio?” 0.3 s later.

    Remediation: offer “Not now” with the same weight as the grant, honour it (do not request the permission
    after it), and state in the dialog what the permission is used for.

    References: the clauses listed with the rule.
    """
    for showing in showings(timeline):
        if not is_permission_prompt(showing):
            continue
        prompt = showing.prompt
        group = prompt.group
        offered = _quote([c.text for c in prompt.controls])
        led = showing.system is not None
        if prompt.decline is None and (led or any(_is_explicit_grant(c) for c in prompt.controls)):
            back = ""
            if showing.outcome is not None and showing.decision is not None and showing.decision.control is None:
                back = {"closed": "; Back closed it", "shown-again": "; Back did not close it"}.get(
                    showing.outcome.outcome, "")
            yield Violation(marker=showing.marker, subject=f"{group}: no way to decline",
                            detail=Text(en=f"offers only {offered}{back}",
                                        zh=f"仅提供 {offered}" + ("；返回键可关闭" if "closed" in back else
                                                                 "；返回键无法关闭" if back else "")))
        outcome = showing.outcome
        decision = showing.decision
        if (decision is not None and decision.decision == "declined" and outcome is not None
                and outcome.outcome == "system-request"):
            tapped = _label(decision.control) if decision.control is not None else "Back"
            delay = _delay(outcome.ts - decision.ts)
            question = outcome.system_message or ""
            yield Violation(marker=outcome, subject=f"{group}: declining led to the system request",
                            decision=showing.system,
                            detail=Text(en=f"declined with {tapped}; the system dialog “{question}” came up "
                                           f"{delay.en} later",
                                        zh=f"点击 {tapped} 拒绝后 {delay.zh}，系统权限弹窗“{question}”仍然弹出"))
        if (not _denied_before(timeline, showing) and (led or any(_is_explicit_grant(c) for c in prompt.controls))
                and states_purpose(prompt.message) is None):
            said = _quote(prompt.message, "; ") or "nothing"
            yield Violation(marker=showing.marker, subject=f"{group}: no purpose stated",
                            detail=Text(en=f"says: {said}", zh=f"弹窗内容：{said}"))


@rule(
    id="CN-FAKE-SYSTEM-DIALOG",
    pack=CN,
    severity="high",
    title=Text(en="App dialog imitating the system permission dialog", zh="应用自绘弹窗仿冒系统权限申请弹窗"),
    explanation=Text(en="The app drew its own dialog worded like Android's permission dialog ({subject}), "
                        "so the user believes the system is asking ({times}).",
                     zh="应用自绘弹窗仿冒系统权限申请弹窗（{subject}），使用户误以为是系统在询问（{times}）。"),
    clauses=(
        MISLEAD_CLAUSE,
        f"{NOTICE_164}: 欺骗误导用户",
        f"{GBT} §6.5",
        "PIPL Art. 14",
    ),
)
def imitation_of_system_dialog(timeline: Timeline) -> Iterator[Violation]:
    """
    What it detects: a dialog in the app's own window (never the permission controller's) whose question is worded
    as Android's runtime-permission dialog — “Allow <app> to <do>?”, “要允许“<app>”<do>吗？”, “是否允许…”, naming a
    permission group — and all of whose two or more controls carry the system dialog's labels (Allow, Don't allow,
    While using the app, Only this time; 允许, 拒绝, 仅在使用中允许...), one of them a refusal. The evidence is the
    app's dialog dump and the dump of the real system dialog that followed, when one did.

    Why it matters: the user believes the system is asking and that the answer is recorded by Android; the app
    decides what the answer does (a “Don't allow” that leads to the real request, or a “yes” it takes as consent).
    Regulators name apps for deceiving users into turning on permissions.

    Example evidence: an AlertDialog of com.example.shop reading “Allow Shop to record audio?” with buttons “While
    using the app”, “Only this time”, “Don't allow”, then the real microphone dialog 0.2 s after “Don't allow”.

    Remediation: do not reproduce the system dialog; explain in the app's own words and style, then let the system
    ask.

    References: the clauses listed with the rule.
    """
    for showing in showings(timeline):
        imitation = imitation_of(showing.prompt)
        if imitation is None:
            continue
        app_dump = showing.prompt.hierarchy or "not saved"
        system_dump = _system_dump(timeline, showing)
        following_en = f"; the system dialog that followed: {system_dump}" if system_dump else ""
        following_zh = f"；随后的系统弹窗：{system_dump}" if system_dump else ""
        yield Violation(
            marker=showing.marker, subject=showing.prompt.group, decision=showing.system,
            detail=Text(en=f"question “{imitation.question}”, buttons {_quote(imitation.labels)}; "
                           f"the app's dialog: {app_dump}{following_en}",
                        zh=f"问题“{imitation.question}”，按钮 {_quote(imitation.labels)}；应用弹窗：{app_dump}"
                           f"{following_zh}"))


def _system_dump(timeline: Timeline, showing: Showing) -> str:
    """The saved dump of the system dialog that followed the app's dialog."""
    if showing.outcome is not None and showing.outcome.outcome == "system-request" and showing.outcome.hierarchy:
        return showing.outcome.hierarchy
    if showing.system is None:
        return ""
    position = timeline.position(showing.system)
    shots = [m for m in timeline.markers[showing.position + 1: position + 1]
             if isinstance(m, ScreenshotTaken) and m.hierarchy]
    return (shots[-1].hierarchy or "") if shots else ""


# -- unequal choices -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Inequality:
    criterion: str
    detail: Text


def unequal_choice(accept: DialogControl, reject: DialogControl, colours: ControlColours | None,
                   settings: RuleSettings) -> list[Inequality]:
    """How a dialog favours its accept (grant) control over its reject (decline) control, each with its
    measurement: a larger area than its label needs, a button against a line of text, a highlighting colour."""
    found: list[Inequality] = []
    sizes = choice_sizes(accept, reject)
    ratio, weighted = sizes.ratio, sizes.weighted
    if ratio is not None and weighted is not None and weighted > settings.choice_area_ratio and area(accept) > 0:
        allowed_en = allowed_zh = ""
        if round(weighted, 2) != round(ratio, 2):
            allowed_en = f", {weighted:.2f} once the longer label is allowed for"
            allowed_zh = f"，扣除较长文字所需宽度后为 {weighted:.2f} 倍"
        found.append(Inequality("accept larger than reject", Text(
            en=f"accept “{accept.text}” {size_text(accept)}, reject “{reject.text}” {size_text(reject)}: "
               f"{ratio:.2f} times the area{allowed_en} (limit {settings.choice_area_ratio:g})",
            zh=f"接受“{accept.text}”{size_text(accept)}，拒绝“{reject.text}”{size_text(reject)}：面积为 {ratio:.2f} 倍"
               f"{allowed_zh}（阈值 {settings.choice_area_ratio:g}）")))
    accept_fill = reject_fill = None
    if colours is not None:
        accept_fill = has_fill(colours.accept_contrast, colours.accept_delta_e, settings)
        reject_fill = has_fill(colours.reject_contrast, colours.reject_delta_e, settings)
    if control_style(accept, accept_fill) == "button" and control_style(reject, reject_fill) == "text":
        found.append(Inequality("reject shown as plain text, accept as a button", _style_detail(accept, reject, colours)))
    if colours is not None and highlighted(colours, settings):
        found.append(Inequality("accept highlighted by colour", Text(
            en=f"accept “{accept.text}” filled {colours.accept} on {colours.accept_around} (contrast "
               f"{colours.accept_contrast:.1f}:1, ΔE {colours.accept_delta_e:.0f}); reject “{reject.text}” "
               f"{colours.reject} on {colours.reject_around} ({colours.reject_contrast:.1f}:1, "
               f"ΔE {colours.reject_delta_e:.0f})",
            zh=f"接受“{accept.text}”填充色 {colours.accept}，背景 {colours.accept_around}（对比度 "
               f"{colours.accept_contrast:.1f}:1，ΔE {colours.accept_delta_e:.0f}）；拒绝“{reject.text}” "
               f"{colours.reject}，背景 {colours.reject_around}（{colours.reject_contrast:.1f}:1，"
               f"ΔE {colours.reject_delta_e:.0f}）")))
    return found


def _style_detail(accept: DialogControl, reject: DialogControl, colours: ControlColours | None) -> Text:
    if colours is None:
        return Text(en=f"accept “{accept.text}” is a button ({accept.cls}), reject “{reject.text}” a line of text "
                       f"({reject.cls})",
                    zh=f"接受“{accept.text}”为按钮（{accept.cls}），拒绝“{reject.text}”为普通文字（{reject.cls}）")
    return Text(en=f"accept “{accept.text}” is drawn as a button (filled {colours.accept} on {colours.accept_around}; "
                   f"{accept.cls}), reject “{reject.text}” as plain text (no fill of its own on "
                   f"{colours.reject_around}; {reject.cls})",
                zh=f"接受“{accept.text}”显示为按钮（填充色 {colours.accept}，背景 {colours.accept_around}；{accept.cls}），"
                   f"拒绝“{reject.text}”显示为普通文字（无填充色，背景 {colours.reject_around}；{reject.cls}）")


def has_fill(contrast: float, delta_e: float, settings: RuleSettings) -> bool:
    """A control has a fill of its own when it differs from its surroundings by at least `plain_max_contrast` or
    10 ΔE; below both it is text or an outline on the dialog's background."""
    return contrast >= settings.plain_max_contrast or delta_e >= PLAIN_DELTA_E


def highlighted(colours: ControlColours, settings: RuleSettings) -> bool:
    """The accept control stands out from its surroundings while the reject control has no fill of its own."""
    stands_out = (colours.accept_contrast >= settings.highlight_min_contrast
                  or colours.accept_delta_e >= STANDS_OUT_DELTA_E)
    return stands_out and not has_fill(colours.reject_contrast, colours.reject_delta_e, settings)


ConsentMarker = ConsentDecision | ConsentDialogShown | ConsentRefusalUnavailable


def consent_dialogs(timeline: Timeline) -> list[ConsentMarker]:
    """Each privacy dialog once per showing: a dialog only looked at and then answered in the same launch is one."""
    seen: set[tuple[int, tuple[str, ...]]] = set()
    launch = 0
    found: list[ConsentMarker] = []
    for marker in timeline.markers:
        if isinstance(marker, AppLaunched):
            launch += 1
        if isinstance(marker, (ConsentDecision, ConsentDialogShown, ConsentRefusalUnavailable)):
            key = (launch, tuple(marker.dialog.texts))
            if key not in seen:
                seen.add(key)
                found.append(marker)
    return found


def refusal_behind(timeline: Timeline, layer: ConsentSecondLayer) -> ConsentDecision | None:
    """The refusal a second screen offered: the next answer of the privacy dialog after the control that opened it,
    when that answer was a refusal (the scenario refuses through it), else None (no refusal there either)."""
    answer = next((m for m in timeline.markers[timeline.position(layer) + 1:]
                   if isinstance(m, (ConsentDecision, ConsentRefusalUnavailable))), None)
    return answer if isinstance(answer, ConsentDecision) and answer.decision == "refused" else None


def rejects_on_a_second_screen(timeline: Timeline) -> Iterator[tuple[ConsentSecondLayer, ConsentDecision]]:
    """Each first screen without a reject whose refusal the scenario found behind another control. One where none
    was found is a dialog without a way to refuse (CN-CONSENT-UI, EU-GDPR-CONSENT-UI), not a hidden one."""
    for layer in timeline.markers_of(ConsentSecondLayer):
        refusal = refusal_behind(timeline, layer)
        if refusal is not None:
            yield layer, refusal


def _second_layer_detail(layer: ConsentSecondLayer, refusal: ConsentDecision) -> Text:
    more, found = layer.control.text, refusal.control.text
    return Text(en=f"the first screen offers {_label(layer.dialog.accept)} and “{more}”, no reject; the refusal "
                   f"“{found}” is behind “{more}”",
                zh=f"首层仅提供 {_label(layer.dialog.accept)} 和“{more}”，无拒绝选项；拒绝选项“{found}”在“{more}”之后的页面")


@rule(
    id="CN-CONSENT-UI-ASYMMETRY",
    pack=CN,
    severity="medium",
    title=Text(en="Accepting made easier or more prominent than refusing", zh="同意与拒绝选项不对等（诱导同意）"),
    explanation=Text(en="{subject} ({times}).", zh="{subject}（{times}）。"),
    clauses=(
        MISLEAD_CLAUSE,
        f"{METHOD_2019} 三、4: 以默认选择同意隐私政策等非明示方式征求用户同意",
        f"{NOTICE_26}: 不得默认勾选",
        f"{GBT} §6.4, §6.5",
        "PIPL Art. 14",
    ),
)
def unequal_choices(timeline: Timeline, settings: RuleSettings) -> Iterator[Violation]:
    """
    What it detects: in the app's privacy dialog and in its own permission dialogs, measured from the hierarchy as
    the scenario found it and from the PNG screenshot taken with it (a device's, or the sandbox's): the accept
    (grant) control covers more than `choice_area_ratio` (1.5) times the reject (decline) control's area, once the
    width that a longer accept label needs is allowed for (wrap-content buttons “同意并继续” and “不同意” differ by
    their labels: the width ratio is divided by the labels' length ratio, a wide character counting two and each
    label padded by four, before it is multiplied by the height ratio); the accept control is drawn as a button
    while the reject control is a line of text or a link (from the pixels: a fill of its own, or none, whatever the
    widget class, so a borderless Button is text and a filled TextView a button; without a screenshot, by widget
    class: Button, MaterialButton... against TextView); the refusal is only on a second screen (the first shows
    accept and “Manage options” / 更多选项, no reject, and the refusal was found behind it: none there is
    CN-CONSENT-UI's “no way to refuse”); the accept control stands out by colour (WCAG contrast ≥
    `highlight_min_contrast`, 3:1, or 40 ΔE) while the reject control has no fill of its own (contrast <
    `plain_max_contrast`, 1.5:1, and under 10 ΔE); in a permission dialog, a box other than “don't ask again”
    ticked before the user touched it (the privacy dialog's ticked boxes are CN-CONSENT-UI's). Each finding carries
    its measurement.

    Why it matters: a choice whose “yes” is big, coloured and first while its “no” is small grey text, or hidden a
    screen further, steers the user into agreeing: consent obtained that way is not the free, explicit choice the
    law asks for.

    Example evidence: “同意并继续” a 960×192 px button, “不同意” a 960×105 px line of text (1.83 times the area);
    “Accept all” filled #1a73e8 (4.5:1) next to “Reject” drawn as text on white (1.0:1).

    Remediation: give accept and reject the same size, style and colour, side by side on the first screen, and leave
    every box unticked.

    References: the clauses listed with the rule; the EU pack's EU-GDPR-CONSENT-UI-VISUAL for the same measurements
    against the GDPR.
    """
    for marker in consent_dialogs(timeline):
        dialog = marker.dialog
        if dialog.accept is not None and dialog.reject is not None:
            for found in unequal_choice(dialog.accept, dialog.reject, dialog.colours, settings):
                yield Violation(marker=marker, subject=f"privacy dialog: {found.criterion}", detail=found.detail)
    for layer, refusal in rejects_on_a_second_screen(timeline):
        yield Violation(marker=layer, subject="privacy dialog: reject only on a second screen",
                        detail=_second_layer_detail(layer, refusal))
    for showing in showings(timeline):
        if not is_permission_prompt(showing):
            continue
        prompt = showing.prompt
        where = f"{prompt.group} permission dialog"
        if prompt.grant is not None and prompt.decline is not None:
            for found in unequal_choice(prompt.grant, prompt.decline, prompt.colours, settings):
                yield Violation(marker=showing.marker, subject=f"{where}: {found.criterion}", detail=found.detail)
        ticked = [box.text for box in prompt.checkboxes
                  if box.checked and not phrases("dont_ask_again").matches(box.text)]
        if ticked:
            yield Violation(marker=showing.marker, subject=f"{where}: box ticked in advance",
                            detail=Text(en="ticked: " + _quote(ticked), zh="已勾选：" + _quote(ticked, "、")))


@rule(
    id="EU-GDPR-CONSENT-UI-VISUAL",
    pack=EU,
    severity="medium",
    title=Text(en="Consent dialog steering towards accepting (visual design)", zh="同意弹窗以视觉设计诱导接受（GDPR）"),
    explanation=Text(en="The consent dialog: {subject}.", zh="同意弹窗：{subject}。"),
    clauses=(
        "GDPR Art. 4(11), Art. 7(2), Art. 7(3), Art. 25(1)",
        EDPB_TASKFORCE + ": deceptive link design, deceptive button colours and contrast, no reject on the first layer",
        EDPB_DECEPTIVE + ": hidden in plain sight, longer than necessary",
        "EDPB Guidelines 05/2020 on consent",
    ),
)
def consent_dialog_steering(timeline: Timeline, settings: RuleSettings) -> Iterator[Violation]:
    """
    What it detects: the app's consent dialog, measured from the hierarchy and from its PNG screenshot's pixels (a
    device's, or the sandbox's): the accept control covers more than `choice_area_ratio` (1.5) times the reject
    control's area, once the width a longer accept label needs is allowed for; the reject control is drawn as a
    line of text or a link while accept is a button (from the pixels: a fill of its own or none, whatever the
    widget class; without a screenshot, from the class); accept stands out by colour (contrast ≥
    `highlight_min_contrast` or 40 ΔE) while reject has no fill of its own (contrast < `plain_max_contrast` and
    under 10 ΔE); the reject is reachable only through a second screen. (No reject at all — a second screen without
    one included — and pre-ticked boxes are EU-GDPR-CONSENT-UI.) The same measurements as CN-CONSENT-UI-ASYMMETRY,
    which also judges the app's permission dialogs. A rule of its own, by design, rather than sub-findings of
    EU-GDPR-CONSENT-UI: that rule states that the dialog offers no free choice at all (no first-layer reject, a
    pre-ticked box: a fact, with no threshold), while these are measurements against thresholds a lab may tune
    (`choice_area_ratio`, `highlight_min_contrast`, `plain_max_contrast`); with their own id they can be suppressed
    or tuned without silencing the other, and each rule's documentation carries its own criteria.

    Why it matters: refusing must be as easy as accepting; the Cookie Banner Taskforce of the EDPB found reject
    links beside accept buttons, colours that hide the reject, and rejects moved to a second layer to be deceptive
    designs that invalidate consent.

    Example evidence: “Accept all” a 960×192 px button and “Reject” a 960×105 px text link (1.83 times the area);
    “Accept all” with “Manage options” on the first screen and “Reject all” only behind it.

    Remediation: put “Reject all” beside “Accept all” on the first screen, with the same size, style and colour.

    References: the clauses listed with the rule.
    """
    for marker in consent_dialogs(timeline):
        dialog = marker.dialog
        if dialog.accept is not None and dialog.reject is not None:
            for found in unequal_choice(dialog.accept, dialog.reject, dialog.colours, settings):
                yield Violation(marker=marker, subject=found.criterion, detail=found.detail)
    for layer, refusal in rejects_on_a_second_screen(timeline):
        yield Violation(marker=layer, subject="reject only on a second screen",
                        detail=_second_layer_detail(layer, refusal))


# -- wording -------------------------------------------------------------------------------------------------------

@rule(
    id="CN-MISLEAD-WORDING",
    pack=CN,
    severity="medium",
    title=Text(en="Refusal worded to shame or confuse the user", zh="拒绝选项文案羞辱或含糊（诱导同意）"),
    explanation=Text(en="{subject} ({times}).", zh="{subject}（{times}）。"),
    clauses=(
        MISLEAD_CLAUSE,
        f"{NOTICE_164}: 欺骗误导用户",
        "PIPL Art. 14",
        EDPB_DECEPTIVE + ": emotional steering, ambiguous wording",
    ),
)
def misleading_wording(timeline: Timeline) -> Iterator[Violation]:
    """
    What it detects: the reject control of the app's privacy dialog, or the decline control of its permission
    dialog, worded to shame the user for refusing (“残忍拒绝”, “我不需要优惠”, “No thanks, I don't like saving
    money”: the phrase list's `shaming` group); and a privacy dialog whose only way out does not say it refuses
    (“取消”, “关闭”, “Cancel”, “Close”: the `ambiguous_exit` group), leaving the user to guess whether it refuses,
    postpones or quits. (A permission dialog's “Cancel” is Android's convention for declining an explanation and is
    not flagged.) The phrases, with their sources, are in auditor/rules/data/dark-patterns.yaml.

    Why it matters: wording that makes refusing feel stupid or unclear pushes the user into agreeing; it is a
    deception the user cannot see through by reading carefully.

    Example evidence: a location dialog whose decline reads “No thanks, I don't like saving money”; a privacy
    dialog whose only alternative to “同意” is “取消”.

    Remediation: label the refusal plainly and neutrally: “不同意”, “暂不开启”, “Decline”, “Not now”.

    References: the clauses listed with the rule.
    """
    shaming, ambiguous = phrases("shaming"), phrases("ambiguous_exit")
    for marker in consent_dialogs(timeline):
        reject = marker.dialog.reject
        if reject is None:
            continue
        if shaming.matches(reject.text):
            yield Violation(marker=marker, subject=f"privacy dialog: shaming refusal “{reject.text}”",
                            detail=_wording_detail(marker.dialog.texts))
        elif ambiguous.matches(reject.text):
            yield Violation(marker=marker, subject=f"privacy dialog: ambiguous way out “{reject.text}”",
                            detail=_wording_detail(marker.dialog.texts))
    for showing in showings(timeline):
        decline = showing.prompt.decline
        if decline is not None and is_permission_prompt(showing) and shaming.matches(decline.text):
            yield Violation(marker=showing.marker,
                            subject=f"{showing.prompt.group} permission dialog: shaming refusal “{decline.text}”",
                            detail=_wording_detail(showing.prompt.texts))


def _wording_detail(texts: list[str]) -> Text:
    shown = _quote(texts[:6], "; ")
    return Text(en=f"the dialog: {shown}", zh=f"弹窗内容：{shown}")


# -- purpose against first use -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StatedPurpose:
    text: str
    source: Text


def stated_purpose(timeline: Timeline, grant: PermissionDecision) -> StatedPurpose | None:
    """What the app said the permission is for, before the system dialog it was granted in: its own permission
    dialog for that group in the same launch, else its texts on the screens captured at the system dialog."""
    position = timeline.position(grant)
    for showing in reversed(showings(timeline)):
        if showing.position >= position:
            continue
        if any(isinstance(m, AppLaunched) for m in timeline.markers[showing.position:position]):
            break
        if _group_fits(showing.prompt.group, grant.group):
            purpose = states_purpose(showing.prompt.message)
            if purpose is not None:
                return StatedPurpose(purpose, Text(en="the app's permission dialog", zh="应用的权限说明弹窗"))
            break
    paths = [m.hierarchy for m in timeline.markers[: position + 1] if isinstance(m, ScreenshotTaken) and m.hierarchy]
    for path in reversed(paths[-2:]):
        screen = timeline.screens.get(path)
        if screen is None:
            continue
        texts = screen.texts(timeline.app_package)
        purpose = purpose_about(grant.group, texts)
        if purpose is not None:
            return StatedPurpose(purpose, Text(en="the app's screen at the request", zh="申请权限时的应用界面"))
    return None


@rule(
    id="CN-PURPOSE-MISMATCH",
    pack=CN,
    severity="high",
    title=Text(en="Permission used first by a third party the stated purpose did not name",
               zh="权限申请所述目的与实际使用不符（第三方 SDK 首先使用）"),
    explanation=Text(en="{caller} read the {data} {times} right after the user granted the permission for the "
                        "purpose the app stated.",
                     zh="用户按应用所述目的授权后，{caller}随即读取了{data}，共{times}。"),
    clauses=(
        MISLEAD_CLAUSE + "，如故意欺瞒、掩饰收集使用个人信息的真实目的",
        f"{METHOD_2019} 三、9: 违反其所声明的收集使用规则，收集使用个人信息",
        f"{METHOD_2019} 二、1: 未逐一列出App(包括委托的第三方或嵌入的第三方代码、插件)收集使用个人信息的目的、方式、范围",
        "PIPL Art. 6, 14, 17, 23",
    ),
)
def purpose_mismatch(timeline: Timeline, settings: RuleSettings) -> Iterator[Violation]:
    """
    What it detects: a permission granted after the app stated its purpose (in its own permission dialog for that
    group, else in a text on its screen at the system dialog that says what the data is for), whose data a
    third-party SDK reads within `purpose_window_s` (10 s) of the grant, when the stated purpose does not announce
    that use: it names neither the SDK, nor its vendor, nor third parties or partners, nor the kind of use the SDK's
    category stands for (ads for an advertising SDK, statistics for analytics...; data file `disclosures`). A
    maps-and-location SDK reading location is the feature itself and is not flagged. The finding shows the stated
    purpose and the first use side by side.

    Why it matters: a permission granted for “showing stores near you” that feeds an ad network first is obtained
    under a false purpose; the user's grant covers the purpose stated, not another.

    Example evidence: the dialog said “We use your location to show deals in your neighbourhood”; 0.2 s after the
    grant the SDK com.adnet read the last known location, before the app's own code did.

    Remediation: state every purpose, including third parties' use, when asking; or keep SDKs from reading the data.

    References: the clauses listed with the rule.
    """
    window_ms = settings.purpose_window_s * 1000
    for grant in timeline.markers_of(PermissionDecision):
        if grant.decision not in GRANTED:
            continue
        stated = None
        permissions = set(grant.permissions)
        position = timeline.position(grant)
        for group in timeline.collection_groups():
            if group.markers_before <= position:
                continue
            if group.entry is None or not permissions & set(group.entry.permissions) or group.caller.origin != "sdk":
                continue
            if group.caller.category == "maps-location" and grant.group == "LOCATION":
                continue
            # The group's reads within the window after the grant: its first ones, as its times are in order.
            within = bisect_right(group.times, grant.ts + window_ms)
            if within == 0:
                continue
            if stated is None:
                stated = stated_purpose(timeline, grant)
                if stated is None:
                    break
            names = tuple(n for n in (group.caller.sdk, group.caller.vendor, group.caller.package) if n)
            if discloses(stated.text, group.caller.category, names):
                continue
            caller = describe_caller(group.caller)
            data = group.entry.data
            delay = _delay(group.times[0] - grant.ts)
            reads = group.subset([index < within for index in range(len(group))])
            yield Violation(reads, decision=grant, detail=Text(
                en=f"stated purpose: “{stated.text}” ({stated.source.en}) · first use after the grant: {caller.en} "
                   f"read the {data.en} {delay.en} later",
                zh=f"声明目的：“{stated.text}”（{stated.source.zh}）· 授权后的实际使用：{caller.zh} 在 {delay.zh}后"
                   f"读取了{data.zh}"))


# -- nagging -------------------------------------------------------------------------------------------------------

@rule(
    id="CN-NAG-LOOP",
    pack=CN,
    severity="high",
    title=Text(en="Permission dialog shown again on every attempt to go on", zh="拒绝后反复弹窗，强迫用户授权"),
    explanation=Text(en="Each attempt to go on without granting the {subject} permission was met by the app's "
                        "dialog again: {count} times in a row.",
                     zh="用户每次尝试不授权{subject}权限继续使用，应用均再次弹窗阻拦，连续{count}次。"),
    clauses=(
        f"{METHOD_2019} 三、2: 频繁征求用户同意、干扰用户正常使用",
        f"{METHOD_2019} 四、2: 因用户不同意收集非必要个人信息或打开非必要权限，拒绝提供业务功能",
        f"{NOTICE_164}: APP强制、频繁、过度索取权限",
        f"{NOTICE_26}: 不得频繁弹窗",
        "PIPL Art. 16",
    ),
)
def nag_loop(timeline: Timeline, settings: RuleSettings) -> Iterator[Violation]:
    """
    What it detects: `nag_min_rounds` (2) or more attempts in a row to go on without granting — each a
    `softAsk: decline` on the app's permission dialog (its decline control, or Back when it has none) — each met
    again by the app's dialog about that permission (the same one still or again on screen, or another one about
    the same group taking its place: “必须开启权限才能继续”, “去设置”), or by the system request for a permission the
    user had already denied. An attempt that gets through (the dialog closes) ends the loop. The loop count is the
    finding's count. Dialogs the scenario never tried to get past prove nothing and are not counted.

    Why it matters: re-showing a blocking dialog until the user grants leaves no real choice: it is forcing, named
    on the MIIT lists as 强制、频繁索取权限, and refusing service for a refused non-essential permission.

    Example evidence: after the microphone was denied, the dialog “必须开启麦克风权限才能继续使用” with “去设置”
    and “取消” came back after each of three taps on “取消”.

    Remediation: after a denial, let the user go on with what does not need the permission; explain once, and
    offer the settings from the feature that needs it.

    References: the clauses listed with the rule.
    """
    denied: set[str] = set()
    runs: dict[str, list[tuple[PermissionPromptOutcome, PermissionDecision | None]]] = {}
    last_denial: dict[str, PermissionDecision] = {}
    decisions = {m.seq: m for m in timeline.markers_of(PermissionPromptDecision)}

    def flush(group: str) -> Iterator[Violation]:
        run = runs.pop(group, [])
        if len(run) < settings.nag_min_rounds:
            return
        message = run[0][0].prompt.message if run[0][0].prompt is not None else []
        shown_en = _quote(message, "; ") or "the system request"
        shown_zh = _quote(message, "；") or "系统权限申请"
        detail = Text(en=f"{len(run)} attempts in a row were blocked; the dialog: {shown_en}",
                      zh=f"连续 {len(run)} 次尝试均被拦截；弹窗：{shown_zh}")
        for outcome, denial in run:
            yield Violation(marker=outcome, subject=group, decision=denial, detail=detail)

    for marker in timeline.markers:
        if isinstance(marker, PermissionDecision):
            if marker.decision in DENIED:
                denied.add(marker.group)
                last_denial[marker.group] = marker
            elif marker.decision in GRANTED:
                yield from flush(marker.group)
            continue
        if not isinstance(marker, PermissionPromptOutcome):
            continue
        decision = decisions.get(marker.decision_seq)
        if decision is None or decision.decision != "declined":
            continue
        group = decision.prompt.group
        blocked = (marker.outcome == "shown-again"
                   or (marker.outcome == "other-prompt" and marker.prompt is not None
                       and _group_fits(group, marker.prompt.group))
                   or (marker.outcome == "system-request" and marker.system_group in denied))
        if blocked:
            runs.setdefault(group, []).append((marker, last_denial.get(group)))
        else:
            yield from flush(group)
    for group in list(runs):
        yield from flush(group)
