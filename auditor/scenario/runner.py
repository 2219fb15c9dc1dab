"""Carrying out a scenario on a device, and recording what the user did and saw.

Every step is framed by `StepStarted` and `StepEnded` markers, and followed by a screenshot and the hierarchy
dump (`ScreenshotTaken`). A user decision is marked *before* the tap that makes it, so whatever the app does in
reaction carries a later event sequence than the decision. A permission dialog that no step asked for is
answered by the runner's policy, and recorded with `by_policy`, all along the scenario: while a step looks at the
screen, while `sleep` and `background` pass time (they look every `watch_interval`), before a step stops the app,
and after the last step. It is left alone only for a `permission` step that comes next, and by steps that only
watch (`consent: none`, `sleep` with `dialogs: leave`, `when` conditions).

A step that fails records why (its screenshot and hierarchy, and the reason in `StepEnded`), then the run stops,
goes on, or relaunches the app and goes on, as the step's `optional` / `onFailure` say. The app ending while a
step needs it (a crash, `System.exit`, a refusal that quits) is noticed within a second and fails that step with
that reason; the end itself is recorded as a `ProcessEnded` marker by the audit, from the backend's report.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeVar

from auditor.devices.base import Backend, ProcessGate
from auditor.devices.base import Screenshot as DeviceScreenshot
from auditor.errors import AuditError, DeviceError, StepFailed
from auditor.models import (
    AppBackgrounded,
    AppForegrounded,
    AppLaunched,
    AppStopped,
    ConsentDecision,
    ConsentDialogInfo,
    ConsentDialogMissing,
    ConsentDialogShown,
    ConsentRefusalIneffective,
    ConsentRefusalUnavailable,
    ConsentSecondLayer,
    ControlColours,
    DialogControl,
    PermissionChoice,
    PermissionDecision,
    PermissionPromptDecision,
    PermissionPromptInfo,
    PermissionPromptOutcome,
    PermissionPromptShown,
    PromptOutcomeKind,
    ScreenshotTaken,
    StepEnded,
    StepRef,
    StepStarted,
)
from auditor.permissions import BACKGROUND_PERMISSIONS, group_of_permission, permissions_in_group
from auditor.recorder import Recorder
from auditor.scenario.dialogs import (
    PermissionControlKind,
    PermissionDialog,
    classify_control_label,
    control_enabled,
    detect_consent_dialog,
    detect_permission_dialog,
    permission_dialog_windows,
    scrolling_policy,
)
from auditor.scenario.hierarchy import Bounds, Hierarchy, Selector, UiNode, parse_hierarchy
from auditor.scenario.measure import measure_colours
from auditor.scenario.model import (
    AssertNotVisible,
    AssertVisible,
    Back,
    Background,
    Condition,
    Consent,
    Explore,
    Foreground,
    Home,
    InputText,
    LaunchApp,
    Permission,
    PermissionPolicy,
    Relaunch,
    Repeat,
    RunFlow,
    Scenario,
    ScenarioStep,
    Screenshot,
    Scroll,
    ScrollUntilVisible,
    SelectorStep,
    Sleep,
    SoftAsk,
    StepModel,
    StopApp,
    Swipe,
    TapOn,
    WaitFor,
    parse_point,
)
from auditor.scenario.softask import detect_permission_prompt

T = TypeVar("T")

LAUNCH_TIMEOUT_FACTOR = 3
"""launchApp waits this many default timeouts: a cold start under instrumentation is the slowest thing we wait for."""

ALLOW_CONTROLS: tuple[PermissionControlKind, ...] = ("allow", "allow-foreground-only", "allow-all", "allow-always")
"""What `allow` taps, first present wins: plain Allow, else "While using the app" (location, camera and
microphone since Android 11), else the media picker's "Allow all", else "Allow all the time"."""
NO_UPGRADE_CONTROLS: tuple[PermissionControlKind, ...] = ("no-upgrade", "no-upgrade-and-dont-ask-again")

MAX_CONSENT_LAYERS = 3
"""Privacy dialogs answered in a row by one consent step: a refusal often opens a second "are you sure?" dialog."""
MAX_POLICY_SCROLLS = 30
"""Scrolls down a long privacy policy, at most, to bring its controls into view."""

APP_GONE = "the app is not running (its process ended: see the process-end marker and the device log)"

# What `explore` never taps: controls that destroy, pay, send, leave, or answer a privacy dialog behind the
# scenario's back (consent is a decision the scenario takes explicitly).
_EXPLORE_AVOID_EN = re.compile(
    r"\b(?:delete|remove|uninstall|log ?out|sign ?out|sign off|pay|payment|purchase|buy|checkout|check out|"
    r"order|subscribe|unsubscribe|submit|send|call|dial|share|report|block|erase|reset|clear|exit|quit|close|"
    r"back|navigate up|cancel)\b",
    re.IGNORECASE,
)
_EXPLORE_AVOID_ZH = re.compile(r"删除|移除|卸载|退出|注销|登出|支付|付款|购买|下单|结算|提交|发送|拨打|呼叫|分享|举报|拉黑|"
                               r"清除|清空|重置|订阅|返回|关闭|取消")
_EXPLORE_MAX_AREA_SHARE = 0.5
_EXPLORE_MAX_LABEL = 60


@dataclass
class RunnerOptions:
    permission_policy: PermissionPolicy | None = None
    """How to answer a system permission dialog no step asked for: deny, allow, or fail the step. None: the
    scenario header's `permissionPolicy`, else deny."""
    default_timeout: float = 10.0
    """Seconds a step waits for what it looks for, unless it gives its own `timeout`."""
    poll_interval: float = 0.25
    """Seconds between two looks at the screen."""
    screenshot_each_step: bool = True
    """Take a screenshot and save the hierarchy after every step (a failed step always gets one)."""
    settle_timeout: float = 3.0
    """Seconds a tapped dialog has to go away before the step fails for it; a refused privacy dialog is watched
    this long for coming back."""
    app_check_interval: float = 1.0
    """Seconds between two checks, while a step waits, that the app still runs."""
    watch_interval: float = 1.0
    """Seconds between two looks at the screen while a step only passes time (`sleep`, `background`), to answer a
    permission dialog that shows meanwhile by the policy."""


@dataclass
class RunOutcome:
    status: Literal["completed", "step-failed"]
    failed_step: StepRef | None = None
    message: str = ""


@dataclass(frozen=True)
class _Stop:
    """A failure that ends the run: the step that failed and what to tell the user."""

    ref: StepRef
    message: str


class _StepsStopped(Exception):
    """Steps inside a runFlow or repeat stopped the run; the enclosing step decides what happens next."""

    def __init__(self, stop: _Stop) -> None:
        super().__init__(stop.message)
        self.stop = stop


@dataclass(frozen=True)
class _PermissionAnswer:
    control_kind: PermissionControlKind
    control: DialogControl
    decision: PermissionChoice
    tick_dont_ask: bool | None = None
    """Set the Android 6-9 "Don't ask again" box to this before tapping (None: leave it)."""
    note: str = ""


class ScenarioRunner:
    """Carries out a scenario's steps on `backend`, writing markers and evidence through `recorder`. Every process
    of the app passes through `gate` before it runs (the audit attaches Frida there)."""

    def __init__(
        self,
        scenario: Scenario,
        backend: Backend,
        recorder: Recorder,
        gate: ProcessGate,
        options: RunnerOptions | None = None,
    ) -> None:
        self.scenario = scenario
        self.backend = backend
        self.recorder = recorder
        self.gate = gate
        self.options = options or RunnerOptions()
        # Replaceable, so that tests can run the waits on a fake clock.
        self.clock: Callable[[], float] = time.monotonic
        self.sleep: Callable[[float], None] = time.sleep
        self._requested_permissions: set[str] | None = None
        self._last_app_check = float("-inf")
        self._package: str | None = None
        self._last_shot: DeviceScreenshot | None = None
        self._last_source = ""
        self._prompt_on_screen: tuple[str, ...] | None = None
        """Texts of the app's permission dialog seen at the last look, so that one showing is recorded once."""
        self._watching_prompts = True
        self._upcoming: list[list[ScenarioStep]] = []
        """For each list of steps being run, outermost first, the steps after the one running."""
        self._final_step: ScenarioStep | None = scenario.steps[-1] if scenario.steps else None

    @property
    def permission_policy(self) -> PermissionPolicy:
        return self.options.permission_policy or self.scenario.permission_policy or "deny"

    # ----------------------------------------------------------------------------------------------------------
    def run(self) -> RunOutcome:
        """Run every step in order, until one fails with `onFailure: stop` (the default). Device errors
        propagate after the failing step has been marked as ended."""
        stop = self._run_steps(self.scenario.steps)
        if stop is not None:
            return RunOutcome("step-failed", stop.ref, stop.message)
        return RunOutcome("completed")

    def _run_steps(self, steps: list[ScenarioStep]) -> _Stop | None:
        self._upcoming.append([])
        try:
            for index, planned in enumerate(steps):
                self._upcoming[-1] = steps[index + 1:]
                stop = self._run_step(planned)
                if stop is not None:
                    return stop
            return None
        finally:
            self._upcoming.pop()

    def _run_step(self, planned: ScenarioStep) -> _Stop | None:
        """Carry out one step; what ends the run, or None when the run goes on."""
        action: StepModel = planned.action
        enclosing = self.recorder.step
        self.recorder.step = planned.ref
        ended = False
        try:
            self.recorder.mark(StepStarted)
            failure: str | None = None
            inner_stop: _Stop | None = None
            note = ""
            skipped = False
            try:
                if action.when is not None and not self._condition_holds(action.when):
                    skipped = True
                    note = f"skipped: {action.when.describe()} did not hold"
                else:
                    note = self._perform(planned)
                    if planned is self._final_step and not _hands_off(action):
                        self._last_look(planned)
            except _StepsStopped as stopped:
                inner_stop = stopped.stop
                failure = f"a step inside failed: {stopped.stop.message}"
            except StepFailed as exc:
                failure = str(exc)
            took_own_screenshot = isinstance(action, Screenshot) and failure is None
            if not action.composite and not skipped and (
                failure is not None or (self.options.screenshot_each_step and not took_own_screenshot)
            ):
                self._capture(planned)
            how = action.failure_action if failure is not None else "continue"
            if failure is not None and how == "relaunch":
                try:
                    self._launch(LaunchApp())
                    failure += "; the app was relaunched (onFailure: relaunch)"
                except StepFailed as exc:
                    failure += f"; relaunching the app failed: {exc}"
                    how = "stop"
            self.recorder.mark(StepEnded, ok=failure is None, message=failure or note)
            ended = True
            if failure is None or how != "stop":
                return None
            return inner_stop or _Stop(planned.ref, f"{planned.where}: {action.describe()}: {failure}")
        except AuditError as exc:
            if not ended:
                self.recorder.mark(StepEnded, ok=False, message=str(exc))
            raise
        finally:
            self.recorder.step = enclosing

    def _perform(self, planned: ScenarioStep) -> str:
        """Carry out the step's action; returns a note for its StepEnded marker. Raises StepFailed."""
        action: StepModel = planned.action
        if isinstance(action, (LaunchApp, Relaunch, StopApp)):
            # Stopping the app closes a dialog it shows: answered first, it is recorded.
            self._answer_pending_dialog(planned)
        if isinstance(action, LaunchApp):
            return self._launch(action)
        if isinstance(action, Relaunch):
            self._stop()
            return self._launch(LaunchApp(timeout=action.timeout))
        if isinstance(action, StopApp):
            return self._stop()
        if isinstance(action, ScrollUntilVisible):
            return self._scroll_until_visible(action, planned)
        if isinstance(action, (WaitFor, AssertVisible)):
            return self._wait_visible(action, planned)
        if isinstance(action, TapOn):
            return self._tap_on(action, planned)
        if isinstance(action, AssertNotVisible):
            return self._wait_gone(action, planned)
        if isinstance(action, InputText):
            return self._input_text(action, planned)
        if isinstance(action, Swipe):
            return self._swipe(action, planned)
        if isinstance(action, Scroll):
            return self._scroll(action.direction, planned)
        if isinstance(action, Consent):
            return self._consent(action, planned)
        if isinstance(action, Permission):
            return self._permission(action, planned)
        if isinstance(action, SoftAsk):
            return self._soft_ask(action, planned)
        if isinstance(action, Sleep):
            return self._pass_time(action.seconds, planned, answer_dialogs=action.dialogs == "answer")
        if isinstance(action, Back):
            self._answer_pending_dialog(planned)
            self.backend.driver.press_back()
            return ""
        if isinstance(action, Home):
            self._answer_unasked_dialog(planned)
            self.recorder.mark(AppBackgrounded)
            self.backend.move_to_background()
            return ""
        if isinstance(action, Background):
            return self._background(action, planned)
        if isinstance(action, Foreground):
            return self._foreground()
        if isinstance(action, Screenshot):
            self._capture(planned, action.name or "screenshot")
            return ""
        if isinstance(action, Explore):
            return self._explore(action, planned)
        if isinstance(action, RunFlow):
            stop = self._run_steps(action.commands)
            if stop is not None:
                raise _StepsStopped(stop)
            return ""
        if isinstance(action, Repeat):
            return self._repeat(action)
        raise AssertionError(f"no handler for step {action.describe()}")

    # Flow ----------------------------------------------------------------------------------------------------
    def _repeat(self, action: Repeat) -> str:
        rounds = 0
        while rounds < action.max_rounds:
            if action.while_ is not None and not self._condition_holds(action.while_):
                break
            stop = self._run_steps(action.commands)
            if stop is not None:
                raise _StepsStopped(stop)
            rounds += 1
        note = f"{rounds} round{'s' if rounds != 1 else ''}"
        if action.while_ is not None and action.times is None and rounds == action.max_rounds:
            note += f" (the limit: {action.while_.describe()} still held)"
        return note

    def _condition_holds(self, condition: Condition) -> bool:
        """Look (never touch) until the condition holds or its timeout passes."""
        deadline = self.clock() + condition.timeout
        while True:
            hierarchy = self._dump()
            visible = condition.visible is None or hierarchy.find_first(condition.visible.selector) is not None
            absent = condition.not_visible is None or not hierarchy.find(condition.not_visible.selector)
            dialog = (condition.permission_dialog is None
                      or (detect_permission_dialog(hierarchy) is not None) == condition.permission_dialog)
            if visible and absent and dialog:
                return True
            if self.clock() >= deadline:
                return False
            self.sleep(self.options.poll_interval)

    # App life cycle ------------------------------------------------------------------------------------------
    def _launch(self, action: LaunchApp) -> str:
        # Stopping the old processes first keeps their last calls before the launch marker.
        self.backend.reset_app(clear_data=action.clear_state)
        self.recorder.mark(AppLaunched, clear_state=action.clear_state)
        self.backend.launch_app(self.gate)
        timeout = action.timeout or self.options.default_timeout * LAUNCH_TIMEOUT_FACTOR
        self._wait_for_foreground(timeout, "after launch")
        return ""

    def _stop(self) -> str:
        self.recorder.mark(AppStopped)
        self.backend.stop_app()
        deadline = self.clock() + self.options.default_timeout
        while self.backend.app_state().alive:
            if self.clock() >= deadline:
                raise StepFailed(f"the app still runs {self.options.default_timeout:g}s after being stopped")
            self.sleep(self.options.poll_interval)
        return ""

    def _background(self, action: Background, planned: ScenarioStep) -> str:
        self._answer_unasked_dialog(planned)
        self.recorder.mark(AppBackgrounded)
        self.backend.move_to_background()
        if action.seconds is None:
            return ""
        note = self._pass_time(action.seconds, planned, answer_dialogs=True)
        return "; ".join(part for part in (note, self._foreground()) if part)

    def _pass_time(self, seconds: float, planned: ScenarioStep, answer_dialogs: bool) -> str:
        """Wait `seconds`, looking at the screen every `watch_interval` (and at the end) to answer by policy a
        permission dialog that shows meanwhile, unless `answer_dialogs` is off or the next step is a `permission`
        step that will answer it. The time spent answering counts in the wait."""
        deadline = self.clock() + seconds
        answered = 0
        while True:
            if answer_dialogs and self._answer_unasked_dialog(planned):
                answered += 1
            remaining = deadline - self.clock()
            if remaining <= 0:
                break
            self.sleep(min(self.options.watch_interval, remaining))
        if not answered:
            return ""
        return f"{answered} permission dialog{'s' if answered != 1 else ''} shown meanwhile answered by the policy"

    def _answer_unasked_dialog(self, planned: ScenarioStep) -> bool:
        """Answer by policy a permission dialog on screen now, unless a `permission` step comes next to answer it
        (only `sleep` and `screenshot` steps before it). Whether one was answered."""
        if self._permission_step_next():
            return False
        return self._answer_pending_dialog(planned)

    def _permission_step_next(self) -> bool:
        for upcoming in reversed(self._upcoming):
            for planned in upcoming:
                if not isinstance(planned.action, (Sleep, Screenshot)):
                    return _answers_permission_dialogs(planned.action)
        return False

    def _last_look(self, planned: ScenarioStep) -> None:
        """After the scenario's last step: a permission dialog still up is answered by policy, so that a request made
        at the very end is recorded too."""
        if self.backend.app_state().alive:
            self._answer_pending_dialog(planned)

    def _foreground(self) -> str:
        self.recorder.mark(AppForegrounded)
        self.backend.move_to_foreground()
        self._wait_for_foreground(self.options.default_timeout, "after bringing it back")
        return ""

    def _wait_for_foreground(self, timeout: float, when: str) -> None:
        """Until the app runs and is what the user sees, or asks something in a system permission dialog
        (which covers it on a device). An app that is found not running twice, a second apart, has ended."""
        start = self.clock()
        deadline = start + timeout
        first_seen_dead: float | None = None
        while True:
            state = self.backend.app_state()
            now = self.clock()
            if state.alive and (state.foreground or detect_permission_dialog(self._dump()) is not None):
                return
            if not state.alive:
                first_seen_dead = now if first_seen_dead is None else first_seen_dead
                if now >= deadline:
                    raise StepFailed(f"the app is not running {timeout:g}s {when} (did it crash? see the "
                                     "process-end marker and the device log)")
                if now - first_seen_dead >= self.options.app_check_interval:
                    raise StepFailed(f"the app stopped running {now - start:.1f}s {when} (did it crash? see the "
                                     "process-end marker and the device log)")
            else:
                first_seen_dead = None
                if now >= deadline:
                    raise StepFailed(f"the app did not come to the foreground within {timeout:g}s {when}")
            self.sleep(self.options.poll_interval)

    def _app_gone(self) -> bool:
        """Whether the app has no process any more; asked at most once per `app_check_interval`."""
        now = self.clock()
        if now - self._last_app_check < self.options.app_check_interval:
            return False
        self._last_app_check = now
        return not self.backend.app_state().alive

    # Selectors -----------------------------------------------------------------------------------------------
    def _wait_visible(self, action: SelectorStep, planned: ScenarioStep) -> str:
        node = self._find(action, planned)
        return "" if node is not None else self._optional_miss(action)

    def _tap_on(self, action: TapOn, planned: ScenarioStep) -> str:
        node = self._find(action, planned)
        if node is None:
            return self._optional_miss(action)
        x, y = node.center
        self.backend.driver.click(x, y)
        return ""

    def _find(self, action: SelectorStep, planned: ScenarioStep) -> UiNode | None:
        selector = action.selector
        timeout = action.timeout or self.options.default_timeout
        found, _ = self._poll(selector_probe(selector), timeout, planned)
        if found is None and not action.optional:
            raise StepFailed(f"nothing matching {selector.describe()} appeared within {timeout:g}s")
        return found

    def _wait_gone(self, action: AssertNotVisible, planned: ScenarioStep) -> str:
        selector = action.selector
        timeout = action.timeout or self.options.default_timeout
        gone, _ = self._poll(lambda h: True if not h.find(selector) else None, timeout, planned)
        if gone is None:
            if action.optional:
                return f"{selector.describe()} was still visible after {timeout:g}s (optional)"
            raise StepFailed(f"{selector.describe()} was still visible after {timeout:g}s")
        return ""

    def _optional_miss(self, action: SelectorStep) -> str:
        timeout = action.timeout or self.options.default_timeout
        return f"nothing matching {action.selector.describe()} within {timeout:g}s (optional, skipped)"

    def _input_text(self, action: InputText, planned: ScenarioStep) -> str:
        timeout = action.timeout or self.options.default_timeout
        if action.into is not None:
            selector = action.into.selector
            field, _ = self._poll(selector_probe(selector), timeout, planned)
            if field is None:
                if action.optional:
                    return f"no text field matching {selector.describe()} within {timeout:g}s (optional, skipped)"
                raise StepFailed(f"no text field matching {selector.describe()} appeared within {timeout:g}s")
        else:
            field, _ = self._poll(_text_field, timeout, planned)
            if field is None:
                if action.optional:
                    return f"no text field to type into within {timeout:g}s (optional, skipped)"
                raise StepFailed("no text field has focus and the screen has not exactly one: tap the field first, "
                                 "or name it with `into`")
        x, y = field.center
        self.backend.driver.input_text(x, y, action.text)
        return ""

    # Gestures ------------------------------------------------------------------------------------------------
    def _swipe(self, action: Swipe, planned: ScenarioStep) -> str:
        self._answer_pending_dialog(planned)
        screen = _screen_bounds(self._dump())
        if action.direction is not None:
            start, end = _directional_swipe(screen, action.direction)
        else:
            assert action.start is not None and action.end is not None
            start, end = _screen_point(screen, action.start), _screen_point(screen, action.end)
        self.backend.driver.swipe(start[0], start[1], end[0], end[1], action.duration)
        return ""

    def _scroll(self, direction: Literal["down", "up"], planned: ScenarioStep) -> str:
        """One scroll in the middle of the largest scrollable view on top (else of the screen)."""
        self._answer_pending_dialog(planned)
        hierarchy = self._dump()
        area = _scroll_area(hierarchy)
        x = (area.left + area.right) // 2
        low, high = area.top + area.height * 3 // 4, area.top + area.height // 4
        # Scrolling down reveals what lies below: the finger moves up.
        start, end = ((x, low), (x, high)) if direction == "down" else ((x, high), (x, low))
        self.backend.driver.swipe(start[0], start[1], end[0], end[1], 0.3)
        return ""

    def _scroll_until_visible(self, action: ScrollUntilVisible, planned: ScenarioStep) -> str:
        selector = action.selector
        timeout = action.timeout or self.options.default_timeout
        deadline = self.clock() + timeout
        scrolls = 0
        while True:
            found, _ = self._poll(selector_probe(selector), 0, planned)
            if found is not None:
                return f"visible after {scrolls} scroll{'s' if scrolls != 1 else ''}"
            if scrolls >= action.max_scrolls or self.clock() >= deadline:
                message = f"nothing matching {selector.describe()} after {scrolls} scrolls {action.direction}"
                if action.optional:
                    return message + " (optional, skipped)"
                raise StepFailed(message)
            self._scroll(action.direction, planned)
            scrolls += 1
            self.sleep(self.options.poll_interval)

    # Using the app -------------------------------------------------------------------------------------------
    def _explore(self, action: Explore, planned: ScenarioStep) -> str:
        package = self.backend.app_info().package
        avoid = [re.compile(pattern) for pattern in action.avoid]
        tried: set[tuple[str, str]] = set()
        tapped: list[str] = []
        stopped_by = ""
        while len(tapped) < action.taps:
            hierarchy = self._look(planned)
            if not self.backend.app_state().alive:
                raise StepFailed(f"{APP_GONE}; tapped before: {_listing(tapped)}")
            blocked = _consent_dialog_on_top(hierarchy, package)
            if blocked:
                stopped_by = "a privacy dialog covers the app (left for a consent step)"
                break
            target = _next_control(hierarchy, package, tried, avoid)
            if target is None:
                stopped_by = "nothing untried left to tap"
                break
            node, label = target
            tried.add((label, node.resource_id))
            tapped.append(label)
            self.backend.driver.click(*node.center)
            try:
                self._poll(lambda _h: None, action.wait, planned)
            except StepFailed as exc:
                raise StepFailed(f"after tapping {label!r}: {exc}") from None
            self._return_to_app(planned)
        note = f"tapped {len(tapped)}: {_listing(tapped)}"
        return f"{note}; {stopped_by}" if stopped_by else note

    def _return_to_app(self, planned: ScenarioStep) -> None:
        """A tap that opened another app (a browser, a share sheet): come back as a user would, with Back."""
        state = self.backend.app_state()
        if not state.alive:
            raise StepFailed(APP_GONE)
        if state.foreground or detect_permission_dialog(self._dump()) is not None:
            return
        self.backend.driver.press_back()
        self._poll(lambda _h: None, self.options.poll_interval * 2, planned)
        if not self.backend.app_state().foreground:
            self._foreground()

    def _look(self, planned: ScenarioStep) -> Hierarchy:
        """The screen now, after answering by policy a permission dialog on it."""
        _, hierarchy = self._poll(lambda _h: True, 0, planned)
        return hierarchy

    # Consent -------------------------------------------------------------------------------------------------
    def _consent(self, action: Consent, planned: ScenarioStep) -> str:
        timeout = action.timeout or self.options.default_timeout
        notes: list[str] = []
        if action.action == "none":
            # Only looking must not touch anything, not even a permission dialog in front of the privacy dialog.
            dialog, hierarchy = self._poll(detect_consent_dialog, timeout, planned, answer_dialogs=False)
        else:
            found, hierarchy = self._poll(lambda h: detect_consent_dialog(h) or scrolling_policy(h) or None,
                                          timeout, planned)
            dialog, hierarchy = self._scroll_to_consent_controls(
                found if isinstance(found, ConsentDialogInfo) else None, hierarchy, action.action, planned, notes)
        if dialog is None:
            self.recorder.mark(ConsentDialogMissing, wanted=action.action, texts=hierarchy.texts())
            if action.optional:
                return f"no privacy dialog within {timeout:g}s (optional, skipped)"
            raise StepFailed(f"no privacy/consent dialog appeared within {timeout:g}s")
        if action.action == "none":
            evidence = self._capture(planned, "consent-dialog", hierarchy)
            dialog.hierarchy = evidence.hierarchy
            dialog.colours = self._colours(dialog.accept, dialog.reject)
            self.recorder.mark(ConsentDialogShown, dialog=dialog)
            return _dialog_summary(dialog)
        # Each dialog answered in this step and the control tapped on it, to see one come back.
        path: list[tuple[ConsentDialogInfo, DialogControl]] = []
        for layer in range(1, MAX_CONSENT_LAYERS + 1):
            tapped, following = self._answer_consent(dialog, hierarchy, action.action, planned, notes)
            path.append((dialog, tapped))
            if following is None:
                break
            dialog, hierarchy = following
            if action.action == "refuse":
                self._check_refusal_loop(dialog, hierarchy, path, planned)
            if layer == MAX_CONSENT_LAYERS:
                raise StepFailed(f"still a privacy dialog after answering {MAX_CONSENT_LAYERS} in a row "
                                 f"({dialog.texts[:1]})")
            notes.append(f"a further privacy dialog followed: answered it too ({_dialog_summary(dialog)})")
        return "; ".join(notes)

    def _check_refusal_loop(
        self, dialog: ConsentDialogInfo, hierarchy: Hierarchy, path: list[tuple[ConsentDialogInfo, DialogControl]],
        planned: ScenarioStep,
    ) -> None:
        """A dialog answered earlier in this refusal is shown again (A, 不同意, B "are you sure?", 再想想, A): refusing
        only leads back to it. Marked as ConsentRefusalIneffective, with the controls tapped on the way; raises
        StepFailed."""
        earlier = next((index for index, (seen, _) in enumerate(path) if seen.texts == dialog.texts), None)
        if earlier is None:
            return
        control = path[earlier][1]
        via = [tapped for _, tapped in path[earlier + 1:]]
        evidence = self._capture(planned, "consent-dialog-again", hierarchy)
        dialog.hierarchy = evidence.hierarchy
        self.recorder.mark(ConsentRefusalIneffective, dialog=dialog, control=control, via=via)
        route = " then ".join(repr(c.text) for c in [control, *via])
        raise StepFailed(f"refusing leads back to the privacy dialog: tapped {route}, and it is shown again; "
                         "recorded as consent-refusal-ineffective")

    def _scroll_to_consent_controls(
        self, dialog: ConsentDialogInfo | None, hierarchy: Hierarchy, action: Literal["accept", "refuse"],
        planned: ScenarioStep, notes: list[str],
    ) -> tuple[ConsentDialogInfo | None, Hierarchy]:
        """A policy longer than its window may keep its buttons at its end, and enable Agree only there: while the
        control the step needs is not in view (or greyed out) and the policy scrolls, scroll it down, as a user
        would, before concluding anything (a refusal is unavailable only if the end of the policy offers none)."""
        scrolls = 0
        while scrolls < MAX_POLICY_SCROLLS and scrolling_policy(hierarchy):
            wanted = None if dialog is None else dialog.accept if action == "accept" else dialog.reject
            if wanted is not None and control_enabled(hierarchy, wanted):
                break
            self._scroll("down", planned)
            after = self._look(planned)
            if after.source == hierarchy.source:
                break  # the end: nothing moved
            scrolls += 1
            hierarchy = after
            dialog = detect_consent_dialog(hierarchy)
        if scrolls:
            notes.append(f"scrolled the policy {scrolls} time{'s' if scrolls != 1 else ''} to reach its controls")
        return dialog, hierarchy

    def _answer_consent(
        self, dialog: ConsentDialogInfo, hierarchy: Hierarchy, action: Literal["accept", "refuse"],
        planned: ScenarioStep, notes: list[str],
    ) -> tuple[DialogControl, tuple[ConsentDialogInfo, Hierarchy] | None]:
        """Tap the dialog's accept or reject control, marked first: the control tapped, and the next privacy dialog
        that follows, if any. A dialog without the control wanted but with one that goes back ("再想想") or opens
        further choices ("Manage options") is left that way, to answer the dialog it leads to. Raises StepFailed
        when refusing is impossible or leads back to the same dialog."""
        evidence = self._capture(planned, "consent-dialog", hierarchy)
        dialog.hierarchy = evidence.hierarchy
        dialog.colours = self._colours(dialog.accept, dialog.reject)
        if action == "accept":
            control, decision = dialog.accept, "accepted"
        else:
            control, decision = dialog.reject, "refused"
        if control is None and dialog.go_back is not None:
            return dialog.go_back, self._go_back(dialog, dialog.go_back, action, planned, notes)
        if control is None and action == "refuse" and dialog.more_options is not None:
            return dialog.more_options, self._open_second_layer(dialog, dialog.more_options, planned, notes)
        if control is None and action == "accept":
            raise StepFailed(f"the privacy dialog offers no control to accept with ({_dialog_summary(dialog)})")
        if control is None:
            self.recorder.mark(ConsentRefusalUnavailable, dialog=dialog)
            accept_label = dialog.accept.text if dialog.accept else "?"
            raise StepFailed(
                f"the privacy dialog offers no control to refuse with (only {accept_label!r}); recorded as "
                "consent-refusal-unavailable"
            )
        self.recorder.mark(ConsentDecision, decision=decision, dialog=dialog, control=control)
        if action == "accept":
            for box in _statement_boxes_to_tick(dialog):
                self._tap(box)
                notes.append(f"ticked {box.text!r} first")
        self._tap(control)
        return control, self._after_consent_tap(dialog, control, action, planned)

    def _go_back(
        self, dialog: ConsentDialogInfo, back: DialogControl, action: Literal["accept", "refuse"],
        planned: ScenarioStep, notes: list[str],
    ) -> tuple[ConsentDialogInfo, Hierarchy]:
        """An "are you sure?" dialog without the control wanted: tap its way back ("再想想") and return the privacy
        dialog it leads to. Raises StepFailed when none follows (refusing: marked ConsentRefusalUnavailable)."""
        self._tap(back)
        notes.append(f"the dialog offers no control to {action} with: tapped {back.text!r}")

        def next_layer(hierarchy: Hierarchy) -> ConsentDialogInfo | None:
            found = detect_consent_dialog(hierarchy, after_refusal=action == "refuse")
            return found if found is not None and found.texts != dialog.texts else None

        following, hierarchy = self._poll(next_layer, self.options.settle_timeout, planned)
        if following is not None:
            return following, hierarchy
        if action == "refuse":
            self.recorder.mark(ConsentRefusalUnavailable, dialog=dialog)
        raise StepFailed(f"the privacy dialog offers no control to {action} with, and {back.text!r} led to no other "
                         "privacy dialog" + ("; recorded as consent-refusal-unavailable" if action == "refuse" else ""))

    def _open_second_layer(
        self, dialog: ConsentDialogInfo, more: DialogControl, planned: ScenarioStep, notes: list[str],
    ) -> tuple[ConsentDialogInfo, Hierarchy]:
        """To refuse a dialog without a reject control but with one that opens further choices: mark that, tap it,
        and return the privacy dialog it opens (answered as the next layer). Raises StepFailed when none opens."""
        self.recorder.mark(ConsentSecondLayer, dialog=dialog, control=more)
        self._tap(more)
        notes.append(f"no control to refuse with: opened {more.text!r} to look for one")

        def next_layer(hierarchy: Hierarchy) -> ConsentDialogInfo | None:
            found = detect_consent_dialog(hierarchy)
            return found if found is not None and found.texts != dialog.texts else None

        following, hierarchy = self._poll(next_layer, self.options.settle_timeout, planned)
        if following is None:
            self.recorder.mark(ConsentRefusalUnavailable, dialog=dialog)
            raise StepFailed(
                f"the privacy dialog offers no control to refuse with, and {more.text!r} opened no further privacy "
                "dialog; recorded as consent-refusal-unavailable"
            )
        return following, hierarchy

    def _after_consent_tap(
        self, dialog: ConsentDialogInfo, control: DialogControl, action: Literal["accept", "refuse"],
        planned: ScenarioStep,
    ) -> tuple[ConsentDialogInfo, Hierarchy] | None:
        """Watch the screen after the tap: the dialog should go. Another privacy dialog in its place is returned
        (a second layer); the same dialog still there, or back, fails the step. After an acceptance the watch ends
        as soon as the dialog has gone; after a refusal it lasts the whole settle time, to see it come back."""
        deadline = self.clock() + self.options.settle_timeout
        while True:
            hierarchy = self._dump()
            current = detect_consent_dialog(hierarchy, after_refusal=action == "refuse")
            if current is not None and current.texts != dialog.texts:
                return current, hierarchy
            same = current is not None
            if not same and action == "accept":
                return None
            if self.clock() >= deadline:
                break
            self.sleep(self.options.poll_interval)
        if not same:
            return None
        if action == "refuse":
            assert current is not None
            evidence = self._capture(planned, "consent-dialog-again", hierarchy)
            current.hierarchy = evidence.hierarchy
            self.recorder.mark(ConsentRefusalIneffective, dialog=current, control=control)
            raise StepFailed(
                f"the privacy dialog is shown again {self.options.settle_timeout:g}s after tapping {control.text!r}: "
                "refusing leads back to it; recorded as consent-refusal-ineffective"
            )
        raise StepFailed(
            f"the privacy dialog is still shown {self.options.settle_timeout:g}s after tapping {control.text!r} "
            "(does it need a checkbox ticked first? tap it with tapOn before this step)"
        )

    # Permissions ---------------------------------------------------------------------------------------------
    def _permission(self, action: Permission, planned: ScenarioStep) -> str:
        timeout = action.timeout or self.options.default_timeout
        dialog, hierarchy = self._poll(detect_permission_dialog, timeout, planned, answer_dialogs=False)
        if dialog is None:
            if action.optional:
                return f"no permission dialog within {timeout:g}s (optional, skipped)"
            raise StepFailed(f"no permission dialog appeared within {timeout:g}s")
        notes: list[str] = []
        if dialog.by_label:
            notes.append(f"a dialog of {dialog.package} without the standard ids, recognised by its buttons")
        if action.permission is not None:
            if dialog.recognised and action.permission not in dialog.permissions:
                raise StepFailed(
                    f"the dialog asks for {dialog.group} ({dialog.message!r}), which does not include "
                    f"{action.permission}"
                )
            if not dialog.recognised:
                group = group_of_permission(action.permission) or dialog.group
                dialog.group, dialog.permissions = group, permissions_in_group(group)
                notes.append(f"dialog wording not recognised; taken as {group} as the step says")
        notes.append(self._answer(dialog, hierarchy, action.action, planned, by_policy=False))
        return "; ".join(note for note in notes if note)

    def _answer_pending_dialog(self, planned: ScenarioStep) -> bool:
        """Answer, by policy, a permission dialog on screen now (before a step acts on what lies under it). Whether
        there was one."""
        hierarchy = self._dump()
        dialog = detect_permission_dialog(hierarchy)
        if dialog is None:
            return False
        self._answer_by_policy(dialog, hierarchy, planned)
        return True

    def _answer_by_policy(self, dialog: PermissionDialog, hierarchy: Hierarchy, planned: ScenarioStep) -> None:
        policy = self.permission_policy
        if policy == "fail":
            raise StepFailed(
                f"a permission dialog no step asked for appeared ({dialog.group}: {dialog.message!r}) and the "
                "permission policy is 'fail'"
            )
        self._answer(dialog, hierarchy, "allow" if policy == "allow" else "deny", planned, by_policy=True)

    def _answer(
        self,
        dialog: PermissionDialog,
        hierarchy: Hierarchy,
        action: Literal["allow", "deny", "deny-forever", "allow-once"],
        planned: ScenarioStep,
        by_policy: bool,
    ) -> str:
        """Tap the dialog's control for `action`, with the PermissionDecision marked just before the tap."""
        answer = _choose_answer(dialog, action)
        if answer.tick_dont_ask is not None:
            dialog, hierarchy = self._set_dont_ask_again(dialog, answer.tick_dont_ask)
            answer = _choose_answer(dialog, action)
        self._capture(planned, "permission-dialog-policy" if by_policy else "permission-dialog", hierarchy)
        self.recorder.mark(
            PermissionDecision,
            decision=answer.decision,
            group=dialog.group,
            permissions=self._decided_permissions(dialog, answer),
            message=dialog.message,
            control=answer.control,
            by_policy=by_policy,
        )
        self._tap(answer.control)
        shown_texts = dialog.texts

        def same_dialog_shown(h: Hierarchy) -> bool:
            again = detect_permission_dialog(h)
            return again is not None and again.texts == shown_texts

        if not self._settle(same_dialog_shown):
            raise StepFailed(
                f"the permission dialog is still shown {self.options.settle_timeout:g}s after tapping "
                f"{answer.control.text!r}"
            )
        return answer.note

    def _set_dont_ask_again(self, dialog: PermissionDialog, ticked: bool) -> tuple[PermissionDialog, Hierarchy]:
        box = dialog.dont_ask_checkbox
        assert box is not None
        self._tap(box)
        deadline = self.clock() + self.options.settle_timeout
        while True:
            hierarchy = self._dump()
            again = detect_permission_dialog(hierarchy)
            if again is None:
                raise StepFailed("the permission dialog went away when its \"Don't ask again\" box was tapped")
            if again.dont_ask_checkbox is not None and again.dont_ask_checkbox.checked == ticked:
                return again, hierarchy
            if self.clock() >= deadline:
                state = "tick" if ticked else "untick"
                raise StepFailed(f"could not {state} the dialog's \"Don't ask again\" box")
            self.sleep(self.options.poll_interval)

    def _decided_permissions(self, dialog: PermissionDialog, answer: _PermissionAnswer) -> list[str]:
        """The permissions the decision applies to: the group's, narrowed to those the app requests when its
        manifest is known; a grant "while using the app" leaves the background permissions out, and declining
        an upgrade to "all the time" is about those alone."""
        permissions = list(dialog.permissions)
        requested = self._app_permissions()
        narrowed = [p for p in permissions if p in requested]
        if narrowed:
            permissions = narrowed
        if answer.control_kind in NO_UPGRADE_CONTROLS:
            return [p for p in permissions if p in BACKGROUND_PERMISSIONS] or permissions
        if answer.decision in ("granted", "granted-once") and answer.control_kind != "allow-always":
            foreground = [p for p in permissions if p not in BACKGROUND_PERMISSIONS]
            return foreground or permissions
        return permissions

    def _app_permissions(self) -> set[str]:
        if self._requested_permissions is None:
            self._requested_permissions = set(self.backend.app_info().permissions)
        return self._requested_permissions

    # Screen --------------------------------------------------------------------------------------------------
    def _poll(
        self,
        probe: Callable[[Hierarchy], T | None],
        timeout: float,
        planned: ScenarioStep,
        answer_dialogs: bool = True,
    ) -> tuple[T | None, Hierarchy]:
        """Look at the screen until `probe` finds something or `timeout` passes. A permission dialog seen
        meanwhile is answered by policy first (unless `answer_dialogs` is off). Raises StepFailed when the app
        has ended meanwhile (what the step waits for will not come)."""
        deadline = self.clock() + timeout
        while True:
            hierarchy = self._dump()
            if answer_dialogs:
                dialog = detect_permission_dialog(hierarchy)
                if dialog is not None:
                    self._answer_by_policy(dialog, hierarchy, planned)
                    hierarchy = self._dump()
            found = probe(hierarchy)
            if found is not None:
                return found, hierarchy
            if self._app_gone():
                raise StepFailed(APP_GONE)
            if self.clock() >= deadline:
                return None, hierarchy
            self.sleep(self.options.poll_interval)

    def _settle(self, still_shown: Callable[[Hierarchy], bool]) -> bool:
        """Wait for a tapped dialog to go (or to be replaced by another); False when it stays."""
        deadline = self.clock() + self.options.settle_timeout
        while True:
            if not still_shown(self._dump()):
                return True
            if self.clock() >= deadline:
                return False
            self.sleep(self.options.poll_interval)

    def _dump(self) -> Hierarchy:
        hierarchy = parse_hierarchy(self.backend.driver.dump_hierarchy())
        self._watch_prompts(hierarchy)
        return hierarchy

    def _tap(self, control: DialogControl) -> None:
        left, top, right, bottom = control.bounds
        self.backend.driver.click((left + right) // 2, (top + bottom) // 2)

    def _capture(self, planned: ScenarioStep, label: str | None = None,
                 hierarchy: Hierarchy | None = None) -> ScreenshotTaken:
        """Screenshot and hierarchy as evidence, saved and marked. `hierarchy` is the dump a decision was taken
        on, saved as it was read rather than dumped again."""
        evidence = self._capture_at(planned.ref, label, hierarchy)
        if hierarchy is None:
            # A permission dialog of the app on this screen is recorded with this very evidence.
            try:
                seen = parse_hierarchy(self._last_source)
            except DeviceError:
                return evidence
            self._watch_prompts(seen, evidence)
        return evidence

    def _capture_at(self, ref: StepRef, label: str | None, hierarchy: Hierarchy | None) -> ScreenshotTaken:
        driver = self.backend.driver
        shot = driver.screenshot()
        self._last_shot = shot
        source = hierarchy.source if hierarchy is not None else driver.dump_hierarchy()
        self._last_source = source
        stem = f"{ref.index + 1:02d}-{_file_stem(label or ref.name)}"
        path = self.recorder.save_artifact("screenshots", stem, shot.extension, shot.data)
        hierarchy_path = self.recorder.save_artifact("hierarchy", stem, "xml", source.encode("utf-8"))
        return self.recorder.mark(ScreenshotTaken, path=path, hierarchy=hierarchy_path)

    def _colours(self, accept: DialogControl | None, reject: DialogControl | None) -> ControlColours | None:
        """The two controls' colours on the screenshot just taken, when it is a PNG (a device's, and the sandbox's,
        drawn with the colours the app set)."""
        shot = self._last_shot
        if accept is None or reject is None or shot is None or shot.mime != "image/png":
            return None
        return measure_colours(shot.data, accept, reject, self._last_source)

    # The app's own permission dialogs --------------------------------------------------------------------------
    def _app_package(self) -> str:
        if self._package is None:
            self._package = self.backend.app_info().package
        return self._package

    def _watch_prompts(self, hierarchy: Hierarchy, evidence: ScreenshotTaken | None = None) -> None:
        """Record the app's permission dialog when one appears on a screen the runner looks at (once per showing),
        with a screenshot: `evidence` when this screen was just captured, else a new capture."""
        if not self._watching_prompts or self.recorder.step is None:
            return
        prompt = detect_permission_prompt(hierarchy, self._app_package())
        if prompt is None:
            self._prompt_on_screen = None
            return
        if tuple(prompt.texts) == self._prompt_on_screen:
            return
        self._prompt_on_screen = tuple(prompt.texts)
        if evidence is None:
            evidence = self._capture_at(self.recorder.step, "permission-prompt", hierarchy)
        self._attach_evidence(prompt, evidence)
        self.recorder.mark(PermissionPromptShown, prompt=prompt)

    def _attach_evidence(self, prompt: PermissionPromptInfo, evidence: ScreenshotTaken) -> None:
        prompt.hierarchy, prompt.screenshot = evidence.hierarchy, evidence.path
        prompt.colours = self._colours(prompt.grant, prompt.decline)

    def _soft_ask(self, action: SoftAsk, planned: ScenarioStep) -> str:
        """Find the app's permission dialog, record it, tap its grant or decline control (Back when there is no
        way to decline) with the decision marked first, then watch what follows."""
        timeout = action.timeout or self.options.default_timeout
        package = self._app_package()
        self._watching_prompts = False  # this step records the dialog it answers itself
        try:
            prompt, hierarchy = self._poll(lambda h: detect_permission_prompt(h, package), timeout, planned,
                                           answer_dialogs=action.action != "none")
        finally:
            self._watching_prompts = True
        if prompt is None:
            if action.optional:
                return f"no permission dialog of the app within {timeout:g}s (optional, skipped)"
            raise StepFailed(f"no permission dialog of the app appeared within {timeout:g}s")
        already_recorded = tuple(prompt.texts) == self._prompt_on_screen
        self._prompt_on_screen = tuple(prompt.texts)
        self._attach_evidence(prompt, self._capture(planned, "permission-prompt", hierarchy))
        summary = _prompt_summary(prompt)
        if action.action == "none":
            if already_recorded:
                return f"{summary} (recorded when it appeared)"
            self.recorder.mark(PermissionPromptShown, prompt=prompt)
            return summary
        control = prompt.grant if action.action == "accept" else prompt.decline
        decision = self.recorder.mark(PermissionPromptDecision,
                                      decision="accepted" if action.action == "accept" else "declined",
                                      prompt=prompt, control=control)
        if control is None:
            self.backend.driver.press_back()
            how = "it offers no way to decline: pressed Back"
        else:
            self._tap(control)
            how = f"tapped {control.text!r}"
        return f"{summary}; {how}; then {self._prompt_outcome(prompt, decision, planned)}"

    def _prompt_outcome(self, prompt: PermissionPromptInfo, decision: PermissionPromptDecision,
                        planned: ScenarioStep) -> str:
        """Watch the screen for the settle time after a prompt was answered, and mark what followed. A system
        permission dialog that comes up is left for the next step."""
        package = self._app_package()
        deadline = self.clock() + self.options.settle_timeout
        outcome: PromptOutcomeKind
        self._watching_prompts = False
        try:
            while True:
                hierarchy = self._dump()
                system = detect_permission_dialog(hierarchy)
                current = detect_permission_prompt(hierarchy, package)
                if system is not None:
                    outcome = "system-request"
                    break
                if current is not None and current.texts != prompt.texts:
                    outcome = "other-prompt"
                    break
                if self._app_gone():
                    outcome = "app-ended"
                    break
                if self.clock() >= deadline:
                    outcome = "shown-again" if current is not None else "closed"
                    break
                self.sleep(self.options.poll_interval)
        finally:
            self._watching_prompts = True
        self._prompt_on_screen = tuple(current.texts) if current is not None else None
        fields: dict[str, object] = {"decision_seq": decision.seq, "outcome": outcome}
        if outcome in ("system-request", "shown-again", "other-prompt"):
            evidence = self._capture(planned, "after-permission-prompt", hierarchy)
            fields["hierarchy"] = evidence.hierarchy
            if current is not None and outcome != "system-request":
                self._attach_evidence(current, evidence)
                fields["prompt"] = current
        if system is not None:
            fields["system_group"], fields["system_message"] = system.group, system.message
        self.recorder.mark(PermissionPromptOutcome, **fields)
        return _OUTCOME_NOTES[outcome] + (f" ({system.group}: {system.message!r})" if system is not None else "")


def _hands_off(action: StepModel) -> bool:
    """The step only watches, touching nothing, not even a permission dialog: `consent: none`, `sleep` with
    `dialogs: leave`."""
    return ((isinstance(action, Consent) and action.action == "none")
            or (isinstance(action, Sleep) and action.dialogs == "leave"))


def _answers_permission_dialogs(action: StepModel) -> bool:
    """The step answers a system permission dialog itself: a `permission` step, or a flow that starts with one."""
    if isinstance(action, Permission):
        return True
    if isinstance(action, (Repeat, RunFlow)) and action.commands:
        first = next((c.action for c in action.commands if not isinstance(c.action, (Sleep, Screenshot))), None)
        return first is not None and _answers_permission_dialogs(first)
    return False


def selector_probe(selector: Selector) -> Callable[[Hierarchy], UiNode | None]:
    return lambda hierarchy: hierarchy.find_first(selector)


def _text_field(hierarchy: Hierarchy) -> UiNode | None:
    """Where typing goes without a selector: the focused text field, else the only one on the top window."""
    fields = [node for node in hierarchy.nodes if node.visible and node.editable]
    focused = [node for node in fields if node.focused]
    if focused:
        return max(focused, key=lambda node: node.window)
    if fields:
        top = max(node.window for node in fields)
        on_top = [node for node in fields if node.window == top]
        if len(on_top) == 1:
            return on_top[0]
    return None


def _screen_bounds(hierarchy: Hierarchy) -> Bounds:
    roots = [node.bounds for node in hierarchy.nodes if node.parent is None and node.visible]
    if not roots:
        return Bounds(0, 0, 1080, 2400)
    return Bounds(0, 0, max(b.right for b in roots), max(b.bottom for b in roots))


def _screen_point(screen: Bounds, written: str) -> tuple[int, int]:
    x, x_percent, y, y_percent = parse_point(written)
    return (round(screen.width * x / 100) if x_percent else round(x),
            round(screen.height * y / 100) if y_percent else round(y))


def _directional_swipe(screen: Bounds, direction: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """The finger's path for a swipe `direction`, across the middle of the screen."""
    middle_x, middle_y = screen.width // 2, screen.height // 2
    near_top, near_bottom = screen.height * 3 // 10, screen.height * 7 // 10
    near_left, near_right = screen.width // 5, screen.width * 4 // 5
    paths = {
        "up": ((middle_x, near_bottom), (middle_x, near_top)),
        "down": ((middle_x, near_top), (middle_x, near_bottom)),
        "left": ((near_right, middle_y), (near_left, middle_y)),
        "right": ((near_left, middle_y), (near_right, middle_y)),
    }
    return paths[direction]


def _scroll_area(hierarchy: Hierarchy) -> Bounds:
    """The largest scrollable view of the topmost window that has one; else the screen."""
    for window in hierarchy.windows_top_down():
        scrollable = [n for n in hierarchy.window_nodes(window) if n.scrollable and n.visible]
        if scrollable:
            return max(scrollable, key=lambda n: n.bounds.area).bounds
    return _screen_bounds(hierarchy)


def _consent_dialog_on_top(hierarchy: Hierarchy, package: str) -> bool:
    dialog = detect_consent_dialog(hierarchy)
    top = _top_app_window(hierarchy, package)
    return dialog is not None and top is not None and hierarchy.texts(top) == dialog.texts


def _top_app_window(hierarchy: Hierarchy, package: str) -> int | None:
    skip = permission_dialog_windows(hierarchy)
    for window in hierarchy.windows_top_down():
        if window in skip:
            continue
        if any(node.package == package for node in hierarchy.window_nodes(window)):
            return window
    return None


def _next_control(
    hierarchy: Hierarchy, package: str, tried: set[tuple[str, str]], avoid: list[re.Pattern[str]],
) -> tuple[UiNode, str] | None:
    """The first control, in screen order, of the app's topmost window that explore may tap and has not."""
    window = _top_app_window(hierarchy, package)
    if window is None:
        return None
    limit = hierarchy.window_bounds(window).area * _EXPLORE_MAX_AREA_SHARE
    candidates = []
    for node in hierarchy.window_nodes(window):
        if not (node.visible and node.clickable and node.enabled) or node.checkable or node.editable:
            continue
        if limit and node.bounds.area > limit:
            continue
        label = node.label or " ".join(child.label for child in hierarchy.descendants(node) if child.label)
        label = " ".join(label.split())[:_EXPLORE_MAX_LABEL] or node.id_name
        if not label or (label, node.resource_id) in tried:
            continue
        if _EXPLORE_AVOID_EN.search(label) or _EXPLORE_AVOID_ZH.search(label):
            continue
        if classify_control_label(label) in ("accept", "reject"):
            continue
        if any(pattern.search(label) for pattern in avoid):
            continue
        candidates.append((node, label))
    if not candidates:
        return None
    return min(candidates, key=lambda found: (found[0].bounds.top, found[0].bounds.left))


def _statement_boxes_to_tick(dialog: ConsentDialogInfo) -> list[DialogControl]:
    """Unticked boxes of the dialog whose label is an agreement statement (我已阅读并同意..., I have read and
    agree...): accepting includes ticking them, as the user would."""
    statement = re.compile(r"i have read|i've read|i agree|agree to|已阅读|已仔细阅读|同意|隐私|协议|privacy|terms",
                           re.IGNORECASE)
    return [box for box in dialog.checkboxes if box.checked is False and statement.search(box.text)]


_OUTCOME_NOTES: dict[str, str] = {
    "closed": "the dialog closed",
    "system-request": "the system permission dialog came up",
    "shown-again": "the same dialog was on screen again",
    "other-prompt": "another permission dialog of the app took its place",
    "app-ended": "the app ended",
}


def _prompt_summary(prompt: PermissionPromptInfo) -> str:
    grant = repr(prompt.grant.text) if prompt.grant else "none"
    decline = repr(prompt.decline.text) if prompt.decline else "none"
    return f"permission dialog of the app ({prompt.group}): grant {grant}, decline {decline}"


def _dialog_summary(dialog: ConsentDialogInfo) -> str:
    accept = repr(dialog.accept.text) if dialog.accept else "none"
    reject = repr(dialog.reject.text) if dialog.reject else "none"
    parts = [f"privacy dialog: accept {accept}, reject {reject}"]
    if dialog.acknowledge_only:
        parts.append("acknowledgement only")
    if dialog.prechecked:
        parts.append("a box ticked in advance")
    return ", ".join(parts)


def _listing(labels: list[str]) -> str:
    return ", ".join(repr(label) for label in labels) or "nothing"


def _choose_answer(
    dialog: PermissionDialog, action: Literal["allow", "deny", "deny-forever", "allow-once"],
) -> _PermissionAnswer:
    """Which control answers `action` on this dialog, and what the answer decides. Raises StepFailed."""
    controls = dialog.controls
    if action == "allow":
        for kind in ALLOW_CONTROLS:
            control = controls.get(kind)
            if control is not None:
                return _PermissionAnswer(kind, control, "granted")
        raise StepFailed(f"the permission dialog has no allow control (offers: {_offers(dialog)})")
    if action == "allow-once":
        control = controls.get("allow-one-time")
        if control is None:
            raise StepFailed(f"the permission dialog offers no 'Only this time' (offers: {_offers(dialog)})")
        return _PermissionAnswer("allow-one-time", control, "granted-once")
    box = dialog.dont_ask_checkbox
    if action == "deny":
        deny = controls.get("deny")
        if deny is not None:
            if box is not None and box.checked:
                return _PermissionAnswer("deny", deny, "denied", tick_dont_ask=False)
            return _PermissionAnswer("deny", deny, "denied")
        forever = controls.get("deny-and-dont-ask-again")
        if forever is not None:
            return _PermissionAnswer(
                "deny-and-dont-ask-again", forever, "denied-forever",
                note="the dialog only offered \"Don't allow & don't ask again\": denied forever",
            )
        for kind in NO_UPGRADE_CONTROLS:
            control = controls.get(kind)
            if control is not None:
                return _PermissionAnswer(kind, control, "denied")
        raise StepFailed(f"the permission dialog has no deny control (offers: {_offers(dialog)})")
    forever = controls.get("deny-and-dont-ask-again")
    if forever is not None:
        return _PermissionAnswer("deny-and-dont-ask-again", forever, "denied-forever")
    deny = controls.get("deny")
    if deny is not None and box is not None:
        return _PermissionAnswer("deny", deny, "denied-forever", tick_dont_ask=None if box.checked else True)
    raise StepFailed(
        "the permission dialog offers no \"don't ask again\" (Android shows it from the second request on); "
        f"offers: {_offers(dialog)}"
    )


def _offers(dialog: PermissionDialog) -> str:
    return ", ".join(f"{kind} {control.text!r}" for kind, control in dialog.controls.items()) or "nothing"


def _file_stem(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", label).strip("-") or "step"
