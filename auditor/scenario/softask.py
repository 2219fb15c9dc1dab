"""The app's own dialogs about runtime permissions: soft-asks before the system dialog, explanations, dialogs that
insist after a denial, and dialogs that imitate the system's.

Permission prompt
    Looked for in the topmost window of the app's own package (a permission dialog drawn by the system is never
    one). The window must be drawn over the app's screen: above another window of the app, or not anchored at the
    screen's corner (a device's dump holds only the dialog's window, whose root starts where the dialog does). Full
    screens are not prompts: an app's own page about permissions is not a question put to the user. Then:
      1. it is not the app's privacy dialog (those are consent dialogs: `auditor.scenario.dialogs`);
      2. it speaks of a permission: a text says permission/权限/授权, asks to allow, turn on or grant access, or
         names what a permission group is about (location, 相机...) next to a control that grants or declines;
      3. it offers a way on: a control whose label grants or turns on ("Allow", "Turn on", 去开启, 去设置) or
         acknowledges ("OK", "Continue", 确定).
    Its controls are read by label (`auditor/rules/data/dark-patterns.yaml`): a decline ("Not now", "No thanks",
    暂不, 取消, 残忍拒绝) is recognised before a grant, as refusals contain grant words ("Don't allow" contains
    "allow", 不允许 contains 允许). The group it is about comes from the system's own wording when it uses it
    ("Allow X to record audio?"), else from the words of each group.

Imitation of the system dialog
    A prompt laid out and worded as the runtime-permission dialog: its question has the system's exact shape
    ("Allow <app> to access…/take pictures…/record audio?", "要允许“<app>”访问…吗？", naming a permission group; an
    app's own question with a purpose, "Allow notifications to get delivery updates?", is not that shape), it says
    nothing besides the question but short labels (a title, "Precise", "1 of 3": the system's dialog has no
    explanation of the app's), and all of its two or more controls carry the system dialog's labels (Allow, Don't
    allow, While using the app, Only this time, 允许, 拒绝, 仅在使用中允许...), at least one of them a refusal: what
    the user reads as the system asking is the app.

Purpose
    What the app says a permission is for is read with one list of words (`purpose` in the phrase data): a purpose
    clause ("to show stores near you", 用于…, 以便…), never the system dialog's question itself. Texts around a
    request count when they are about its permission: they name the data in the group's words or speak of a
    permission; the app's own permission dialog is about its group.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from auditor.models import DialogControl, PermissionPromptInfo
from auditor.permissions import UNKNOWN_GROUP, classify_permission_message, fold_text
from auditor.scenario.dialogs import control_of, detect_consent_dialog
from auditor.scenario.hierarchy import Hierarchy, UiNode
from auditor.scenario.phrases import phrases

MAX_CONTROL_LABEL = 60
"""Longer labels are sentences, not buttons (a shaming refusal can be long: "No thanks, I don't like saving
money")."""
MAX_CONTROL_AREA_SHARE = 0.5
"""A clickable view covering more of its window than this is a container, not a control."""
MIN_DIALOG_ROOT_OFFSET = 1
"""A window whose root starts this far (px) from the screen's top-left corner is drawn over the screen."""
MAX_IMITATION_SIDE_TEXT = 30
"""Besides its question, the system dialog shows only labels this short (a title, "Precise", "Don't ask again",
"1 of 3"); an app's dialog that explains itself in a sentence is not posing as the system."""

GROUP_WORDS: dict[str, tuple[str, ...]] = {
    "LOCATION": ("location", "gps", "nearby", "near you", "位置", "定位", "附近"),
    "CAMERA": ("camera", "take photo", "take a photo", "scan", "相机", "摄像头", "拍照", "拍摄", "扫码", "扫一扫"),
    "MICROPHONE": ("microphone", "voice", "audio", "record", "麦克风", "录音", "语音"),
    "CONTACTS": ("contacts", "address book", "通讯录", "联系人"),
    "CALL_LOG": ("call log", "call history", "通话记录"),
    "PHONE": ("phone state", "phone calls", "device id", "电话", "设备信息", "设备标识", "手机状态"),
    "SMS": ("sms", "text message", "短信"),
    "CALENDAR": ("calendar", "日历", "日程"),
    "STORAGE": ("storage", "files", "photos", "album", "gallery", "存储", "文件", "相册", "照片"),
    "NEARBY_DEVICES": ("bluetooth", "nearby devices", "蓝牙", "附近设备"),
    "NOTIFICATIONS": ("notification", "通知", "推送"),
    "SENSORS": ("body sensor", "heart rate", "传感器", "心率"),
    "ACTIVITY_RECOGNITION": ("physical activity", "steps", "运动", "步数"),
}
"""What an app calls each permission group in its own words (the system's wording is read first)."""


def detect_permission_prompt(hierarchy: Hierarchy, package: str) -> PermissionPromptInfo | None:
    """The app's permission dialog on screen (see the module doc), or None."""
    window = _top_app_window(hierarchy, package)
    if window is None or not _drawn_over_screen(hierarchy, window, package):
        return None
    consent = detect_consent_dialog(hierarchy)
    if consent is not None and consent.texts == hierarchy.texts(window):
        return None
    nodes = [node for node in hierarchy.window_nodes(window) if node.visible]
    controls = _controls(hierarchy, nodes)
    labels = {fold_text(control.text) for control in controls}
    message = [text for text in hierarchy.texts(window) if fold_text(text) not in labels]
    roles = [(control, control_role(control.text)) for control in controls]
    grant = _first(roles, "grant") or _first(roles, "acknowledge")
    if grant is None:
        return None
    group = prompt_group(message)
    decline = _first(roles, "decline")
    explicit_grant = _first(roles, "grant") is not None
    if not (speaks_of_permission(message) or (group != UNKNOWN_GROUP and (explicit_grant or decline is not None))):
        return None
    return PermissionPromptInfo(
        texts=hierarchy.texts(window),
        message=message,
        group=group,
        controls=controls,
        grant=grant,
        decline=decline,
        checkboxes=[control_of(node, hierarchy) for node in nodes
                    if node.checkable and "radiobutton" not in node.class_name.lower()],
        window=hierarchy.window_bounds(window).as_tuple(),
    )


PromptControlRole = Literal["grant", "acknowledge", "decline"]


def control_role(label: str) -> PromptControlRole | None:
    """`decline`, `grant` (says it grants or turns on), `acknowledge` (OK, Continue) or None; declines first."""
    if phrases("decline").matches(label):
        return "decline"
    if phrases("grant_explicit").matches(label) or phrases("system_button").matches(label):
        return "grant"
    if phrases("grant_neutral").matches(label):
        return "acknowledge"
    return None


def speaks_of_permission(texts: list[str]) -> bool:
    talk = phrases("permission_talk")
    return any(talk.matches(text) for text in texts)


def prompt_group(texts: list[str]) -> str:
    """The permission group the texts are about: the system's own wording first, then each group's words."""
    question = phrases("system_question")
    for text in texts:
        if question.matches(text) or phrases("permission_talk").matches(text):
            group = classify_permission_message(text).group
            if group != UNKNOWN_GROUP:
                return group
    folded = " ".join(fold_text(text) for text in texts).lower()
    for group, words in GROUP_WORDS.items():
        if any(word in folded for word in words):
            return group
    return UNKNOWN_GROUP


def states_purpose(texts: list[str]) -> str | None:
    """The first text that says what the data is for ("to show stores near you", 用于...), or None. The system
    dialog's own question ("Allow Shop to record audio?") says what is asked, not why."""
    purpose, question = phrases("purpose"), phrases("system_question")
    return next((text for text in texts if purpose.matches(text) and not question.matches(text)), None)


def names_group(text: str, group: str) -> bool:
    """Whether a text names what permissions of `group` are about, in the system's wording or the group's words."""
    if classify_permission_message(text).group == group:
        return True
    folded = fold_text(text).lower()
    return any(word in folded for word in GROUP_WORDS.get(group, ()))


def purpose_about(group: str, texts: list[str]) -> str | None:
    """The first of `texts` (what the app showed around a request for `group`) that is about that permission (names
    its data, or speaks of a permission without naming another's) and says what it is for; None when none does."""
    return states_purpose([text for text in texts if names_group(text, group) or (
        speaks_of_permission([text]) and prompt_group([text]) == UNKNOWN_GROUP)])


@dataclass(frozen=True)
class Imitation:
    question: str
    """The text worded as the system dialog's question."""
    labels: tuple[str, ...]
    """The controls' labels, all the system dialog's."""


def imitation_of(prompt: PermissionPromptInfo) -> Imitation | None:
    """Whether the prompt imitates the runtime-permission dialog (see the module doc), and how."""
    question_words = phrases("system_question")
    question = next((text for text in prompt.message
                     if question_words.matches(text) and classify_permission_message(text).group != UNKNOWN_GROUP),
                    None)
    if question is None or len(prompt.controls) < 2:
        return None
    if any(len(fold_text(text)) > MAX_IMITATION_SIDE_TEXT for text in prompt.message if text != question):
        return None
    labels = tuple(control.text for control in prompt.controls)
    system = phrases("system_button")
    if not all(system.matches(label) for label in labels):
        return None
    if not any(phrases("system_deny_button").matches(label) for label in labels):
        return None
    return Imitation(question, labels)


def same_prompt(first: PermissionPromptInfo, second: PermissionPromptInfo) -> bool:
    return first.texts == second.texts


# --------------------------------------------------------------------------------------------


def _top_app_window(hierarchy: Hierarchy, package: str) -> int | None:
    for window in hierarchy.windows_top_down():
        nodes = hierarchy.window_nodes(window)
        if nodes and any(node.package == package for node in nodes):
            owner = next((node.package for node in nodes if node.package), "")
            return window if owner == package else None
    return None


def _drawn_over_screen(hierarchy: Hierarchy, window: int, package: str) -> bool:
    below = [w for w in range(window) if any(node.package == package for node in hierarchy.window_nodes(w))]
    if below:
        return True
    bounds = hierarchy.window_bounds(window)
    return bounds.left >= MIN_DIALOG_ROOT_OFFSET or bounds.top >= MIN_DIALOG_ROOT_OFFSET


def _controls(hierarchy: Hierarchy, nodes: list[UiNode]) -> list[DialogControl]:
    """Every tappable view with a short label, once each, in screen order."""
    if not nodes:
        return []
    limit = hierarchy.window_bounds(nodes[0].window).area * MAX_CONTROL_AREA_SHARE
    seen: set[int] = set()
    found: list[tuple[UiNode, DialogControl]] = []
    for node in nodes:
        if node.checkable or not node.label:
            continue
        label = fold_text(node.label)
        if len(label) > MAX_CONTROL_LABEL:
            continue
        target = _tap_target(hierarchy, node, limit)
        if target is None or target.checkable or target.position in seen:
            continue
        seen.add(target.position)
        control = control_of(target, hierarchy)
        found.append((target, control.model_copy(update={"text": label})))
    found.sort(key=lambda item: (item[0].bounds.top, item[0].bounds.left))
    return [control for _, control in found]


def _tap_target(hierarchy: Hierarchy, node: UiNode, limit: float) -> UiNode | None:
    """The view a tap on `node` lands on: itself when clickable, else its nearest clickable ancestor no larger than
    `limit`. A control shown disabled (Android greys a grant button out for a moment) is still one the user sees."""
    for candidate in (node, *hierarchy.ancestors(node)):
        if candidate.clickable and candidate.visible:
            return candidate if not limit or candidate.bounds.area <= limit else None
    return None


def _first(
    roles: list[tuple[DialogControl, PromptControlRole | None]], wanted: PromptControlRole,
) -> DialogControl | None:
    return next((control for control, role in roles if role == wanted), None)
