"""Recognising the two dialogs an audit answers: the app's own privacy dialog, and Android's permission dialog.

Permission dialog
    A window holding a control whose resource id, after `:id/`, is one of the grant dialog's button ids
    (`permission_allow_button`, `permission_deny_button`, ...). The package is not looked at: it differs across
    Android versions and vendors (`com.android.packageinstaller`, `com.android.permissioncontroller`,
    `com.google.android.permissioncontroller`, vendor ROMs), while the ids stay. Neither is the widget class
    (newer layouts use their own button class). Vendor dialogs without these ids are recognised by their buttons'
    labels (允许, 仅在使用中允许, 拒绝, 禁止, Allow, Deny...), only in a window of a permission-controller or security
    package (never in the app's own window) that offers both a grant and a refusal. The question is read from
    `permission_message` (else the longest text that is no button) and mapped to a permission group by its wording
    (`auditor.permissions`), else by another text of the dialog (a title naming the permission).

Consent dialog
    Looked for window by window, topmost first, skipping permission dialogs. A window is the app's consent
    dialog when both hold:
      1. it speaks of a policy: a visible text names a privacy policy, terms, user agreement, personal
         information protection, consent (English or Chinese), or a view's resource id contains privacy,
         consent, gdpr, policy, agreement, eula or terms;
      2. it offers an accept control: a tappable view (the view itself, or a small clickable ancestor) whose
         short label is an agreement word (agree, I agree, accept, accept all, 同意, 同意并继续, ...) or whose
         resource id says agree/accept/consent; or a button labelled with the agreement statement itself
         (我已阅读并同意) when there is no box to tick; words that only mean agreeing next to a refusal (开始使用,
         "Yes") count only when the dialog has one.
    A control is classified as *reject* before *accept*, because refusals contain the accept words:
    不同意 and 暂不同意 contain 同意, "disagree" contains "agree", and an id like `do_not_accept_btn` contains
    "accept". Only short labels count as controls, so a sentence such as "By clicking Agree, you agree to ..."
    is read as text, not as a button. Checkbox labels ("I have read and agree", 我已阅读并同意) are never
    controls: they are recorded as checkboxes, with whether they were ticked before the user touched them.
    A window with policy words but no accept control (a banner announcing updated terms) is not a consent
    dialog, and neither is a dialog with accept/reject buttons that never mentions a policy. A policy window whose
    only way on is an acknowledgement ("OK", "Got it", 我知道了, 确定) is one: it is recorded as
    `acknowledge_only`, a dialog that asks nothing and cannot be refused. A dialog without a reject control records
    the control that opens further choices, if it has one ("Manage options", 更多选项: `more_options`), where the
    refusal may be on a second screen.

    An "are you sure?" dialog shown after a refusal offers a way back besides its refusal: "再想想", "Go back"
    (`go_back`), which decides nothing and is never taken for a refusal. Next to it, or under a question that asks
    to confirm a refusal ("确定不同意吗？", "Are you sure you want to exit?"), the plain yes (确定, OK) confirms the
    refusal and the plain no (取消, Cancel) goes back. Such a dialog is a privacy dialog with a reject control and a
    way back, even without an accept control; right after a refusal, one whose question confirms it counts even
    when it does not name the policy again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal

from auditor.models import ConsentDialogInfo, DialogControl
from auditor.permissions import UNKNOWN_GROUP, classify_permission_message, fold_text
from auditor.scenario.hierarchy import Hierarchy, UiNode
from auditor.scenario.phrases import phrases

# --------------------------------------------------------------------------------------------
# Permission dialogs

PermissionControlKind = Literal[
    "allow",
    "allow-foreground-only",
    "allow-one-time",
    "allow-always",
    "allow-all",
    "allow-selected",
    "deny",
    "deny-and-dont-ask-again",
    "no-upgrade",
    "no-upgrade-and-dont-ask-again",
]

PERMISSION_BUTTON_IDS: dict[str, PermissionControlKind] = {
    "permission_allow_button": "allow",
    "permission_allow_foreground_only_button": "allow-foreground-only",
    "permission_allow_one_time_button": "allow-one-time",
    "permission_allow_always_button": "allow-always",
    "permission_allow_all_button": "allow-all",
    "permission_allow_selected_button": "allow-selected",
    "permission_deny_button": "deny",
    "permission_deny_and_dont_ask_again_button": "deny-and-dont-ask-again",
    "permission_no_upgrade_button": "no-upgrade",
    "permission_no_upgrade_and_dont_ask_again_button": "no-upgrade-and-dont-ask-again",
}
"""Grant-dialog button ids (the part after `:id/`) and what each does."""

DONT_ASK_AGAIN_CHECKBOX_ID = "do_not_ask_checkbox"
"""Android 6-9: a "Don't ask again" box shown from the second request on; ticked, the deny button denies forever."""

PERMISSION_MESSAGE_ID = "permission_message"


# Vendor ROMs that draw their own grant dialog without the standard ids: it is recognised by its buttons' labels,
# and only in a window of the system's permission controller (or of the system itself), never in the app's own
# window: an app's "允许 / 拒绝" dialog is no system dialog.
_PERMISSION_PACKAGE = re.compile(
    r"^android$|(?:^|\.)(?:permissioncontroller|packageinstaller|permission\w*|\w*permission|securitycenter|"
    r"security|systemmanager|safecenter|secure)(?:\.|$)",
    re.IGNORECASE,
)
_PERMISSION_LABELS: tuple[tuple[PermissionControlKind, re.Pattern[str]], ...] = (
    ("deny-and-dont-ask-again", re.compile(
        r"^(?:(?:拒绝|禁止|不允许)[，,]?(?:且|并|后)?不再(?:询问|提示|提醒)|(?:deny|don't allow)(?: and| &|,) don't ask again)$",
        re.IGNORECASE)),
    ("allow-one-time", re.compile(r"^(?:本次运行允许|仅本次允许|本次允许|仅限这一次|仅此一次|仅限本次|只允许这一次|only this time|"
                                  r"allow (?:only )?this time|allow once)$", re.IGNORECASE)),
    ("allow-foreground-only", re.compile(
        r"^(?:仅在使用中允许|使用时允许|仅使用期间允许|仅在使用该应用时允许|使用应用时允许|仅在使用时允许|仅在前台使用时允许|使用期间允许|"
        r"(?:allow )?(?:only )?while using the app|allow only while in use)$", re.IGNORECASE)),
    ("allow-always", re.compile(r"^(?:始终允许|一律允许|总是允许|allow all the time|always allow)$", re.IGNORECASE)),
    ("allow", re.compile(r"^(?:允许|allow)$", re.IGNORECASE)),
    ("deny", re.compile(r"^(?:拒绝|禁止|不允许|deny|don't allow|do not allow)$", re.IGNORECASE)),
)
_DONT_ASK_AGAIN_LABEL = re.compile(r"不再询问|不再提示|不再提醒|don't ask again|do not ask again", re.IGNORECASE)
_ALLOW_KINDS = {"allow", "allow-foreground-only", "allow-one-time", "allow-always"}
_DENY_KINDS = {"deny", "deny-and-dont-ask-again"}


@dataclass
class PermissionDialog:
    """A runtime-permission dialog on screen."""

    window: int
    package: str
    message: str
    """The question as shown (`permission_message`; on a dialog without it, the longest text that is no button)."""
    group: str
    """Permission group asked for, from the wording; `UNKNOWN` when not recognised."""
    permissions: list[str]
    """Full names of the group's runtime permissions (empty for UNKNOWN)."""
    controls: dict[PermissionControlKind, DialogControl]
    dont_ask_checkbox: DialogControl | None = None
    texts: list[str] = field(default_factory=list)
    """Every text of the dialog's window, to tell one dialog from the next (`1 of 3`, `2 of 3`)."""
    by_label: bool = False
    """Recognised by its buttons' labels in a system package (a vendor dialog without the standard ids)."""

    def control(self, kind: PermissionControlKind) -> DialogControl | None:
        return self.controls.get(kind)

    @property
    def recognised(self) -> bool:
        return self.group != UNKNOWN_GROUP


def detect_permission_dialog(hierarchy: Hierarchy) -> PermissionDialog | None:
    """The topmost runtime-permission dialog on screen, or None."""
    for window in hierarchy.windows_top_down():
        dialog = _permission_dialog_in(hierarchy, window)
        if dialog is not None:
            return dialog
    return None


def _permission_dialog_in(hierarchy: Hierarchy, window: int) -> PermissionDialog | None:
    nodes = [node for node in hierarchy.window_nodes(window) if node.visible]
    package = next((n.package for n in nodes if n.package), "")
    controls: dict[PermissionControlKind, DialogControl] = {}
    for node in nodes:
        kind = PERMISSION_BUTTON_IDS.get(node.id_name)
        if kind is not None and kind not in controls:
            controls[kind] = control_of(node, hierarchy)
    by_label = not controls
    if by_label:
        if not _PERMISSION_PACKAGE.search(package):
            return None
        controls = _controls_by_label(hierarchy, nodes)
        if not (controls.keys() & _ALLOW_KINDS and controls.keys() & _DENY_KINDS):
            return None
    message_node = next((n for n in nodes if n.id_name == PERMISSION_MESSAGE_ID), None)
    labels = {control.text for control in controls.values()}
    others = [n.text.strip() for n in nodes if n.text.strip() and n.text.strip() not in labels and not n.checkable]
    if message_node is not None:
        message = message_node.text.strip()
    else:
        message = max(others, key=len, default="")
    checkbox_node = next((n for n in nodes if n.checkable and (
        n.id_name == DONT_ASK_AGAIN_CHECKBOX_ID or (by_label and _DONT_ASK_AGAIN_LABEL.search(n.label)))), None)
    group = classify_permission_message(message)
    if group.group == UNKNOWN_GROUP:
        # The question in words the table does not know: a title or a line beside it may name the permission
        # ("位置信息", "Location permission").
        group = next((found for found in map(classify_permission_message, others) if found.group != UNKNOWN_GROUP),
                     group)
    return PermissionDialog(
        window=window,
        package=package,
        message=message,
        group=group.group,
        permissions=group.permissions,
        controls=controls,
        dont_ask_checkbox=control_of(checkbox_node, hierarchy) if checkbox_node is not None else None,
        texts=hierarchy.texts(window),
        by_label=by_label,
    )


def _controls_by_label(hierarchy: Hierarchy, nodes: list[UiNode]) -> dict[PermissionControlKind, DialogControl]:
    controls: dict[PermissionControlKind, DialogControl] = {}
    for node in nodes:
        label = fold_text(node.label)
        if not label or node.checkable:
            continue
        kind = next((kind for kind, pattern in _PERMISSION_LABELS if pattern.match(label)), None)
        if kind is None or kind in controls:
            continue
        target = hierarchy.clickable_target(node, MAX_CONTROL_AREA_SHARE)
        if target is not None:
            controls[kind] = control_of(target, hierarchy).model_copy(update={"text": label})
    return controls


def permission_dialog_windows(hierarchy: Hierarchy) -> set[int]:
    return {window for window in hierarchy.windows_top_down() if _permission_dialog_in(hierarchy, window) is not None}


# --------------------------------------------------------------------------------------------
# Consent dialogs

# Labels longer than this are sentences, not buttons ("By clicking Agree, you agree to be bound by ...").
MAX_CONTROL_LABEL = 32
MAX_CJK_CONTROL_LABEL = 10
# A clickable ancestor bigger than this share of its window is a container, not the control under the label.
MAX_CONTROL_AREA_SHARE = 0.4

_REJECT_EN = re.compile(
    r"\b(?:disagree|decline|declined|reject|reject all|refuse|deny|not now|no,? thanks|no thank you|"
    r"(?:i )?do not (?:agree|accept|consent)|(?:i )?don't (?:agree|accept|consent)|"
    r"continue without (?:accepting|agreeing|consenting|consent|cookies)|"
    r"cancel|exit|quit|close app|browse only|skip)\b"
)
# Whole labels that refuse the optional part: "Only necessary" is the refusal of a cookie-style dialog.
_REJECT_EN_WHOLE = re.compile(
    r"^(?:no|no,? exit|(?:use |allow |accept |continue with )?(?:only )?(?:the )?(?:strictly )?"
    r"(?:necessary|essential|required)(?: cookies| ones| data)?(?: only)?)[.!]?$"
)
_REJECT_ZH = re.compile(r"不同意|拒绝|仅浏览|仅使用基本功能|基本功能模式|退出|不接受|暂不|不使用|放弃|取消|以后再说|稍后再说|"
                        r"仅必要|仅同意必要|仅允许必要|不授权")
# Accept labels must be an agreement phrase as a whole ("Manage consent" is not one), refusals only contain one.
_ACCEPT_EN = re.compile(
    r"^(?:yes,? )?(?:i )?(?:agree|accept|consent|allow)(?: all| to all)?(?: cookies)?"
    r"(?:,? (?:and|&) (?:continue|proceed|start|sign up|close|get started|use))?[.!]?$"
)
_ACCEPT_ZH = re.compile(r"同意|接受|我已知晓并同意")
# Words that go on, and mean agreeing, only next to a refusal ("暂不使用" / "开始使用", "No" / "Yes"); alone on a
# screen that mentions a policy (a welcome page with a policy link) they decide nothing.
_WEAK_ACCEPT_EN = re.compile(r"^(?:yes|yes,? (?:continue|please)|start|get started|start using|let's go|enter)[.!]?$")
_WEAK_ACCEPT_ZH = re.compile(r"^(?:开始使用|立即使用|立即体验|开始体验|进入应用|进入|继续使用)[。！!]?$")
# Acknowledgements move on without agreeing to anything: a policy dialog whose only way on is one of these offers
# no choice at all. Whole labels only.
_ACKNOWLEDGE_EN = re.compile(r"^(?:ok|okay|got it|i understand|understood|i see|continue|next)[.!]?$")
_ACKNOWLEDGE_ZH = re.compile(r"^(?:我知道了|知道了|好的|好|确定|确认|继续|下一步)[。！!]?$")
# Controls that go back to the dialog before without deciding anything: the "let me reconsider" of an "are you
# sure?" dialog shown after a refusal. Whole labels only (a bare "Back" or 返回 is a page's, not a dialog's).
_BACK_EN = re.compile(
    r"^(?:go back|take me back|let me reconsider|reconsider|let me think(?: about it)?|i'll think about it|"
    r"think again|review again|read again|back to (?:the )?(?:privacy )?(?:policy|notice|agreement|terms))[.!]?$"
)
_BACK_ZH = re.compile(r"^(?:我?再想想|我?再看看|我?再考虑一下|重新考虑|重新阅读|返回查看|返回阅读|返回上一步|回到上一步|再次查看)"
                      r"[。！!]?$")
# An "are you sure?" dialog after a refusal: its plain yes confirms the refusal and its plain no goes back.
_CONFIRMS_REFUSAL_EN = re.compile(
    r"\b(?:are you sure|do you (?:really )?want|sure you want|confirm)(?: you want)? to (?:decline|refuse|reject|"
    r"exit|quit|leave|not (?:agree|accept|consent))|\bsure you (?:don't|do not) want to (?:agree|accept|consent)"
)
_CONFIRMS_REFUSAL_ZH = re.compile(r"(?:确定|确认|是否|真的)要?(?:不同意|拒绝|退出|放弃|离开)|仍要(?:拒绝|退出|不同意)")
_CONFIRM_YES = re.compile(r"^(?:yes|ok|okay|confirm|sure|i'm sure|是|是的|确定|确认|好的|好)[.!。！]?$")
_CONFIRM_NO = re.compile(r"^(?:no|cancel|back|go back|否|不|取消|返回)[.!。！]?$")
# Words of a checkbox's statement, never of a button.
_STATEMENT = re.compile(r"i have read|i've read|i have reviewed|已阅读|已仔细阅读|已阅读并同意|已读")

_POLICY_TEXT_EN = re.compile(
    r"privacy|terms of (?:use|service)|terms and conditions|terms & conditions|\bterms\b|user agreement|"
    r"\bconsent\b|personal (?:data|information)|\bgdpr\b|\beula\b|cookie"
)
_POLICY_TEXT_ZH = re.compile(r"隐私|用户协议|服务协议|个人信息|协议")
_POLICY_ID = re.compile(r"privacy|consent|gdpr|policy|agreement|eula|terms|protocol|licen[cs]e", re.IGNORECASE)

_REJECT_ID = re.compile(
    r"disagree|not_?agree|no_?agree|do_?not_?accept|not_?accept|reject|decline|refuse|deny|cancel|exit|quit",
    re.IGNORECASE,
)
_ACCEPT_ID = re.compile(r"agree|accept|consent|confirm", re.IGNORECASE)
_CJK = re.compile(r"[\u3400-\u9fff]")

ControlRole = Literal["accept", "reject", "acknowledge", "back"]


@dataclass(frozen=True)
class _Candidate:
    role: ControlRole
    label: str
    target: UiNode
    strength: int
    """Higher is more certain: 2 label and id agree, 1 label only, 0 id only, -1 a statement used as a button."""
    weak: bool = False
    """An accept that means agreeing only next to a refusal ("开始使用", "Yes")."""


def detect_consent_dialog(hierarchy: Hierarchy, after_refusal: bool = False) -> ConsentDialogInfo | None:
    """The app's privacy/terms consent dialog on screen (topmost window first), or None. See the module doc.
    `after_refusal`: the user has just refused, so a dialog asking to confirm that refusal ("确定要退出吗？") is the
    next layer of the privacy dialog even when it does not name the policy again."""
    skip = permission_dialog_windows(hierarchy)
    for window in hierarchy.windows_top_down():
        if window in skip:
            continue
        info = _consent_dialog_in(hierarchy, window, after_refusal)
        if info is not None:
            return info
    return None


def _consent_dialog_in(hierarchy: Hierarchy, window: int, after_refusal: bool) -> ConsentDialogInfo | None:
    nodes = [node for node in hierarchy.window_nodes(window) if node.visible]
    confirming = _confirms_refusal(nodes)
    if not (_speaks_of_policy(nodes) or (after_refusal and confirming)):
        return None
    candidates = _control_candidates(hierarchy, nodes, confirming)
    back = _best(candidates, "back")
    if back is not None or confirming:
        # Next to "let me reconsider", the plain acknowledgement (确定, OK) goes on with the refusal.
        candidates = [replace(c, role="reject") if c.role == "acknowledge" else c for c in candidates]
    reject = _best(candidates, "reject")
    if reject is None:
        candidates = [c for c in candidates if not c.weak]
    accept = _best(candidates, "accept")
    acknowledge_only = False
    if accept is None:
        accept = _best(candidates, "acknowledge")
        acknowledge_only = accept is not None
    if accept is None and (reject is None or back is None):
        return None
    more_options = _more_options(hierarchy, nodes) if reject is None else None
    checkboxes = [
        control_of(node, hierarchy)
        for node in nodes
        if node.checkable and "radiobutton" not in node.class_name.lower()
    ]
    return ConsentDialogInfo(
        texts=hierarchy.texts(window),
        accept=_as_control(accept, hierarchy) if accept is not None else None,
        reject=_as_control(reject, hierarchy) if reject is not None else None,
        checkboxes=checkboxes,
        prechecked=any(box.checked for box in checkboxes),
        acknowledge_only=acknowledge_only and reject is None,
        more_options=more_options,
        go_back=_as_control(back, hierarchy) if back is not None else None,
    )


POLICY_TEXT_MIN_CHARS = 200
"""A scrolling view shows at least this much text to be read as a policy (a feed's short items are not one)."""


def scrolling_policy(hierarchy: Hierarchy) -> bool:
    """The topmost app window shows a privacy policy in a view that scrolls: long text that speaks of the policy.
    Its controls may lie below the fold (many policies put their buttons at their end, some enable Agree only
    there)."""
    skip = permission_dialog_windows(hierarchy)
    for window in hierarchy.windows_top_down():
        if window in skip:
            continue
        for node in hierarchy.window_nodes(window):
            if not (node.scrollable and node.visible):
                continue
            inside = [child for child in hierarchy.descendants(node) if child.visible]
            if sum(len(child.text) for child in inside) >= POLICY_TEXT_MIN_CHARS and _speaks_of_policy(inside):
                return True
        return False
    return False


def control_enabled(hierarchy: Hierarchy, control: DialogControl) -> bool:
    """The control is not greyed out (the node at its place is enabled)."""
    return not any(node.bounds.as_tuple() == control.bounds and not node.enabled for node in hierarchy.nodes)


def _more_options(hierarchy: Hierarchy, nodes: list[UiNode]) -> DialogControl | None:
    """A control that opens further choices ("Manage options", 更多选项): where a refusal may hide when the dialog
    shows none (the phrase list's `second_layer` group)."""
    second_layer = phrases("second_layer")
    for node in nodes:
        if node.checkable or not node.label or not second_layer.matches(node.label):
            continue
        target = hierarchy.clickable_target(node, MAX_CONTROL_AREA_SHARE)
        if target is not None and not target.checkable:
            return control_of(target, hierarchy).model_copy(update={"text": fold_text(node.label)})
    return None


def _speaks_of_policy(nodes: list[UiNode]) -> bool:
    for node in nodes:
        for value in (node.text, node.content_desc):
            folded = fold_text(value)
            if folded and (_POLICY_TEXT_EN.search(folded.lower()) or _POLICY_TEXT_ZH.search(folded)):
                return True
        if node.resource_id and _POLICY_ID.search(node.id_name):
            return True
    return False


def _confirms_refusal(nodes: list[UiNode]) -> bool:
    """A text of the window asks the user to confirm a refusal ("确定不同意吗？", "Are you sure you want to exit?")."""
    for node in nodes:
        folded = fold_text(node.text)
        if folded and (_CONFIRMS_REFUSAL_EN.search(folded.lower()) or _CONFIRMS_REFUSAL_ZH.search(folded)):
            return True
    return False


def _control_candidates(hierarchy: Hierarchy, nodes: list[UiNode], confirming: bool) -> list[_Candidate]:
    candidates: list[_Candidate] = []
    seen_targets: set[int] = set()
    has_checkbox = any(node.checkable for node in nodes)
    for node in nodes:
        if node.checkable:
            continue
        label = _label_for(node, hierarchy)
        role_by_label = classify_control_label(label, confirming) if label else None
        weak = role_by_label is None and bool(label) and _weak_accept(label)
        if weak:
            role_by_label = "accept"
        statement = role_by_label is None and not has_checkbox and _statement_button(label)
        if statement:
            role_by_label = "accept"  # "我已阅读并同意" written on the button itself, with no box to tick
        role_by_id = _role_by_id(node.id_name) if node.resource_id else None
        if role_by_label is None and role_by_id is None:
            continue
        if role_by_label == "back" or (role_by_label is not None and role_by_id is None):
            role: ControlRole = role_by_label
            strength = 1
        elif role_by_label is not None and role_by_id is not None and role_by_label != role_by_id:
            # The id names the action; the label can be a neutral "Cancel" or "OK" read differently.
            role = role_by_id
            strength = 1
        else:
            role = role_by_label or role_by_id  # type: ignore[assignment]
            strength = 2 if role_by_label and role_by_id else (1 if role_by_label else 0)
        if statement:
            strength = -1
        # Many apps grey out "Agree" until the statement box is ticked: still the dialog's accept control.
        target = hierarchy.clickable_target(node, MAX_CONTROL_AREA_SHARE, allow_disabled=True)
        if target is None or target.checkable or target.position in seen_targets:
            continue
        seen_targets.add(target.position)
        candidates.append(_Candidate(role, label or node.id_name, target, strength, weak=weak and role == "accept"))
    return candidates


def _label_for(node: UiNode, hierarchy: Hierarchy) -> str:
    """A control's own words; a clickable view without text takes the text of its descendants (a button
    drawn as a container around a label)."""
    if node.label:
        return fold_text(node.label)
    if node.clickable:
        parts = [fold_text(child.label) for child in hierarchy.descendants(node) if child.label]
        return " ".join(parts)
    return ""


def _short_enough(folded: str) -> bool:
    return len(folded) <= (MAX_CJK_CONTROL_LABEL if _CJK.search(folded) else MAX_CONTROL_LABEL)


def classify_control_label(label: str, confirming_refusal: bool = False) -> ControlRole | None:
    """`reject`, `accept`, `acknowledge` (OK, 我知道了: going on without agreeing), `back` (再想想: back to the
    dialog before, deciding nothing) or None for a control's label; refusals are recognised before agreements
    (不同意 contains 同意). `confirming_refusal`: the dialog asks to confirm a refusal, so its plain yes (确定, OK)
    refuses and its plain no (取消, Cancel) goes back."""
    folded = fold_text(label)
    if not folded or not _short_enough(folded):
        return None
    lowered = folded.lower()
    if _STATEMENT.search(lowered):
        return None
    if confirming_refusal:
        if _CONFIRM_YES.match(lowered):
            return "reject"
        if _CONFIRM_NO.match(lowered):
            return "back"
    if _BACK_ZH.match(folded) or _BACK_EN.match(lowered):
        return "back"
    if _REJECT_ZH.search(folded) or _REJECT_EN.search(lowered) or _REJECT_EN_WHOLE.match(lowered):
        return "reject"
    if _ACCEPT_ZH.search(folded) or _ACCEPT_EN.match(lowered):
        return "accept"
    if _ACKNOWLEDGE_ZH.match(folded) or _ACKNOWLEDGE_EN.match(lowered):
        return "acknowledge"
    return None


def _weak_accept(label: str) -> bool:
    folded = fold_text(label)
    return _short_enough(folded) and bool(_WEAK_ACCEPT_ZH.match(folded) or _WEAK_ACCEPT_EN.match(folded.lower()))


def _statement_button(label: str) -> bool:
    """An agreement statement short enough to be a button's label ("我已阅读并同意", "I have read and agree")."""
    folded = fold_text(label)
    lowered = folded.lower()
    return (_short_enough(folded) and bool(_STATEMENT.search(lowered))
            and bool(_ACCEPT_ZH.search(folded) or re.search(r"\b(?:agree|accept)\b", lowered))
            and not (_REJECT_ZH.search(folded) or _REJECT_EN.search(lowered)))


def _role_by_id(id_name: str) -> ControlRole | None:
    if _REJECT_ID.search(id_name):
        return "reject"
    if _ACCEPT_ID.search(id_name):
        return "accept"
    return None


def _best(candidates: list[_Candidate], role: ControlRole) -> _Candidate | None:
    matching = [c for c in candidates if c.role == role]
    if not matching:
        return None
    # The strongest evidence wins; between equals, a shorter label is more button-like.
    return max(matching, key=lambda c: (c.strength, -len(c.label)))


def _as_control(candidate: _Candidate, hierarchy: Hierarchy) -> DialogControl:
    target = candidate.target
    return DialogControl(
        text=candidate.label,
        resource_id=target.resource_id,
        cls=target.class_name,
        bounds=target.bounds.as_tuple(),
        clickable=target.clickable,
        checked=target.checked if target.checkable else None,
    )


def control_of(node: UiNode, hierarchy: Hierarchy) -> DialogControl:
    """A node as a dialog control: its label (or its descendants' text when it has none) and where to tap."""
    label = node.label or " ".join(child.label for child in hierarchy.descendants(node) if child.label)
    return DialogControl(
        text=label,
        resource_id=node.resource_id,
        cls=node.class_name,
        bounds=node.bounds.as_tuple(),
        clickable=node.clickable,
        checked=node.checked if node.checkable else None,
    )
