"""Markers in words, for findings and reports, in English and Chinese."""

from __future__ import annotations

from auditor.models import (
    AppBackgrounded,
    AppForegrounded,
    AppLaunched,
    AppStopped,
    Caller,
    ConsentDecision,
    ConsentDialogMissing,
    ConsentDialogShown,
    ConsentRefusalIneffective,
    ConsentRefusalUnavailable,
    ConsentSecondLayer,
    Marker,
    PermissionDecision,
    PermissionPromptDecision,
    PermissionPromptOutcome,
    PermissionPromptShown,
    ProcessEnded,
    ProcessStarted,
    RunEnded,
    RunStarted,
    ScreenshotTaken,
    StepEnded,
    StepStarted,
    Text,
)

_PERMISSION_CHOICE = {
    "granted": Text(en="allowed", zh="允许"),
    "granted-once": Text(en="allowed only this time", zh="仅本次允许"),
    "denied": Text(en="denied", zh="拒绝"),
    "denied-forever": Text(en="denied and asked not to be asked again", zh="拒绝且不再询问"),
}


def describe_marker(marker: Marker) -> Text:
    if isinstance(marker, ConsentDecision):
        control = marker.control.text
        if marker.decision == "accepted":
            return Text(en=f"The user agreed to the privacy policy (tapped “{control}”)",
                        zh=f"用户同意了隐私政策（点击“{control}”）")
        return Text(en=f"The user refused the privacy policy (tapped “{control}”)",
                    zh=f"用户拒绝了隐私政策（点击“{control}”）")
    if isinstance(marker, PermissionDecision):
        choice = _PERMISSION_CHOICE[marker.decision]
        how_en = " by the audit's policy for unexpected dialogs" if marker.by_policy else ""
        how_zh = "（按未预期弹窗的默认策略）" if marker.by_policy else ""
        return Text(
            en=f"The user {choice.en} the {marker.group} permission (tapped “{marker.control.text}”){how_en}",
            zh=f"用户{choice.zh}了{marker.group}权限（点击“{marker.control.text}”）{how_zh}",
        )
    if isinstance(marker, ConsentDialogMissing):
        return Text(en="No privacy-policy dialog was found", zh="未发现隐私政策弹窗")
    if isinstance(marker, ConsentDialogShown):
        return Text(en="The privacy dialog was on screen (observed, not answered)", zh="隐私政策弹窗出现（仅观察，未作答）")
    if isinstance(marker, ConsentRefusalIneffective):
        return Text(en=f"Refusing (“{marker.control.text}”) only brought the privacy dialog back",
                    zh=f"拒绝（“{marker.control.text}”）后隐私政策弹窗再次出现")
    if isinstance(marker, ConsentSecondLayer):
        return Text(en=f"No way to refuse on the privacy dialog itself: opened “{marker.control.text}” to find one",
                    zh=f"隐私政策弹窗本身没有拒绝选项：点击“{marker.control.text}”进入下一层寻找")
    if isinstance(marker, PermissionPromptShown):
        return Text(en=f"The app's own dialog about the {marker.prompt.group} permission was on screen",
                    zh=f"应用自己的{marker.prompt.group}权限说明弹窗出现")
    if isinstance(marker, PermissionPromptDecision):
        tapped = f" (tapped “{marker.control.text}”)" if marker.control else " (pressed Back: no control to decline)"
        tapped_zh = f"（点击“{marker.control.text}”）" if marker.control else "（按返回键：没有拒绝按钮）"
        verb = {"accepted": ("went on from", "接受了"), "declined": ("declined", "拒绝了")}[marker.decision]
        return Text(en=f"The user {verb[0]} the app's own {marker.prompt.group} dialog{tapped}",
                    zh=f"用户{verb[1]}应用自己的{marker.prompt.group}权限弹窗{tapped_zh}")
    if isinstance(marker, PermissionPromptOutcome):
        outcome = {"closed": ("it closed", "弹窗关闭"), "system-request": ("the system asked next", "随后出现系统权限请求"),
                   "shown-again": ("it came back", "弹窗再次出现"), "other-prompt": ("another dialog followed", "出现另一个弹窗"),
                   "app-ended": ("the app ended", "应用退出")}[marker.outcome]
        return Text(en=f"After that answer, {outcome[0]}", zh=f"作答之后，{outcome[1]}")
    if isinstance(marker, ConsentRefusalUnavailable):
        return Text(en="The privacy dialog offers no way to refuse", zh="隐私政策弹窗没有拒绝选项")
    if isinstance(marker, AppLaunched):
        if marker.clear_state:
            return Text(en="App launched from a clean state", zh="清除数据后启动应用")
        return Text(en="App launched", zh="启动应用")
    if isinstance(marker, AppStopped):
        return Text(en="App stopped", zh="停止应用")
    if isinstance(marker, AppBackgrounded):
        return Text(en="App sent to the background", zh="应用切换到后台")
    if isinstance(marker, AppForegrounded):
        return Text(en="App brought back to the foreground", zh="应用回到前台")
    if isinstance(marker, ProcessStarted):
        return Text(en=f"Process {marker.process} started (pid {marker.pid})",
                    zh=f"进程 {marker.process} 启动（pid {marker.pid}）")
    if isinstance(marker, ProcessEnded):
        code = f", exit code {marker.exit_code}" if marker.exit_code is not None else ""
        return Text(en=f"Process {marker.process} ended ({marker.reason}{code})",
                    zh=f"进程 {marker.process} 结束（{marker.reason}{code}）")
    if isinstance(marker, StepStarted) and marker.step:
        return Text(en=f"Step {marker.step.index + 1}: {marker.step.name}",
                    zh=f"步骤 {marker.step.index + 1}：{marker.step.name}")
    if isinstance(marker, StepEnded) and marker.step:
        status = "done" if marker.ok else f"failed: {marker.message}"
        status_zh = "完成" if marker.ok else f"失败：{marker.message}"
        return Text(en=f"Step {marker.step.index + 1} {status}", zh=f"步骤 {marker.step.index + 1} {status_zh}")
    if isinstance(marker, ScreenshotTaken):
        return Text(en="Screenshot", zh="截图")
    if isinstance(marker, RunStarted):
        return Text(en="Audit started", zh="审计开始")
    if isinstance(marker, RunEnded):
        return Text(en=f"Audit ended ({marker.status})", zh=f"审计结束（{marker.status}）")
    return Text(en=marker.kind, zh=marker.kind)


def describe_caller(caller: Caller) -> Text:
    if caller.origin == "sdk":
        name = caller.sdk or caller.package or "?"
        vendor = f" ({caller.vendor})" if caller.vendor else ""
        return Text(en=f"the SDK {name}{vendor}", zh=f"SDK {name}{vendor}")
    if caller.origin == "app":
        return Text(en="the app's own code", zh="应用自身代码")
    if caller.origin == "system":
        return Text(en="the platform", zh="系统")
    return Text(en="an unknown caller", zh="未知调用方")
