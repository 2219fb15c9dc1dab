"""Carrying out a scenario on a device, and recording what the user did and saw.

Every step is framed by `StepStarted` and `StepEnded` markers, and followed by a screenshot and the hierarchy
dump (`ScreenshotTaken`). A user decision is marked *before* the tap that makes it, so whatever the app does in
reaction carries a later event sequence than the decision. A permission dialog that no step asked for is
answered by the runner's policy while a step waits for something on screen, and recorded with `by_policy`.
Steps that only pass time or move the app (`sleep`, `launchApp`, `background`...) leave dialogs alone, so the
next step can answer them itself.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeVar

from auditor.devices.base import Backend, ProcessGate
from auditor.errors import AuditError, StepFailed
from auditor.models import (
    AppBackgrounded,
    AppForegrounded,
    AppLaunched,
    AppStopped,
    ConsentDecision,
    ConsentDialogMissing,
    ConsentRefusalUnavailable,
    DialogControl,
    PermissionChoice,
    PermissionDecision,
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
    detect_consent_dialog,
    detect_permission_dialog,
)
from auditor.scenario.hierarchy import Hierarchy, Selector, UiNode, parse_hierarchy
from auditor.scenario.model import (
    AssertNotVisible,
    AssertVisible,
    Back,
    Background,
    Consent,
    Foreground,
    LaunchApp,
    Permission,
    Scenario,
    ScenarioStep,
    Screenshot,
    SelectorStep,
    Sleep,
    StepModel,
    StopApp,
    TapOn,
    WaitFor,
)

T = TypeVar("T")

PermissionPolicy = Literal["deny", "allow", "fail"]

LAUNCH_TIMEOUT_FACTOR = 3
"""launchApp waits this many default timeouts: a cold start under instrumentation is the slowest thing we wait for."""

ALLOW_CONTROLS: tuple[PermissionControlKind, ...] = ("allow", "allow-foreground-only", "allow-all", "allow-always")
"""What `allow` taps, first present wins: plain Allow, else "While using the app" (location, camera and
microphone since Android 11), else the media picker's "Allow all", else "Allow all the time"."""
NO_UPGRADE_CONTROLS: tuple[PermissionControlKind, ...] = ("no-upgrade", "no-upgrade-and-dont-ask-again")


@dataclass
class RunnerOptions:
    permission_policy: PermissionPolicy = "deny"
    """How to answer a system permission dialog no step asked for: deny, allow, or fail the step."""
    default_timeout: float = 10.0
    """Seconds a step waits for what it looks for, unless it gives its own `timeout`."""
    poll_interval: float = 0.25
    """Seconds between two looks at the screen."""
    screenshot_each_step: bool = True
    """Take a screenshot and save the hierarchy after every step (a failed step always gets one)."""
    settle_timeout: float = 3.0
    """Seconds a tapped dialog has to go away before the step fails for it."""


@dataclass
class RunOutcome:
    status: Literal["completed", "step-failed"]
    failed_step: StepRef | None = None
    message: str = ""


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

    # ----------------------------------------------------------------------------------------------------------
    def run(self) -> RunOutcome:
        """Run every step in order; stop at the first that fails. Device errors propagate after the failing
        step has been marked as ended."""
        for planned in self.scenario.steps:
            failure = self._run_step(planned)
            if failure is not None:
                return RunOutcome(
                    "step-failed", planned.ref, f"{planned.where}: {planned.action.describe()}: {failure}"
                )
        return RunOutcome("completed")

    def _run_step(self, planned: ScenarioStep) -> str | None:
        """Carry out one step; the failure message, or None when it succeeded."""
        self.recorder.step = planned.ref
        ended = False
        try:
            self.recorder.mark(StepStarted)
            failure: str | None = None
            note = ""
            try:
                note = self._perform(planned)
            except StepFailed as exc:
                failure = str(exc)
            took_own_screenshot = isinstance(planned.action, Screenshot) and failure is None
            if failure is not None or (self.options.screenshot_each_step and not took_own_screenshot):
                self._capture(planned)
            self.recorder.mark(StepEnded, ok=failure is None, message=failure or note)
            ended = True
            return failure
        except AuditError as exc:
            if not ended:
                self.recorder.mark(StepEnded, ok=False, message=str(exc))
            raise
        finally:
            self.recorder.step = None

    def _perform(self, planned: ScenarioStep) -> str:
        """Carry out the step's action; returns a note for its StepEnded marker. Raises StepFailed."""
        action: StepModel = planned.action
        if isinstance(action, LaunchApp):
            return self._launch(action)
        if isinstance(action, StopApp):
            return self._stop()
        if isinstance(action, (WaitFor, AssertVisible)):
            return self._wait_visible(action, planned)
        if isinstance(action, TapOn):
            return self._tap_on(action, planned)
        if isinstance(action, AssertNotVisible):
            return self._wait_gone(action, planned)
        if isinstance(action, Consent):
            return self._consent(action, planned)
        if isinstance(action, Permission):
            return self._permission(action, planned)
        if isinstance(action, Sleep):
            self.sleep(action.seconds)
            return ""
        if isinstance(action, Back):
            self._answer_pending_dialog(planned)
            self.backend.driver.press_back()
            return ""
        if isinstance(action, Background):
            return self._background(action)
        if isinstance(action, Foreground):
            return self._foreground()
        if isinstance(action, Screenshot):
            self._capture(planned, action.name or "screenshot")
            return ""
        raise AssertionError(f"no handler for step {action.describe()}")

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

    def _background(self, action: Background) -> str:
        self.recorder.mark(AppBackgrounded)
        self.backend.move_to_background()
        if action.seconds is None:
            return ""
        self.sleep(action.seconds)
        return self._foreground()

    def _foreground(self) -> str:
        self.recorder.mark(AppForegrounded)
        self.backend.move_to_foreground()
        self._wait_for_foreground(self.options.default_timeout, "after bringing it back")
        return ""

    def _wait_for_foreground(self, timeout: float, when: str) -> None:
        """Until the app runs and is what the user sees, or asks something in a system permission dialog
        (which covers it on a device)."""
        deadline = self.clock() + timeout
        while True:
            state = self.backend.app_state()
            if state.alive and (state.foreground or detect_permission_dialog(self._dump()) is not None):
                return
            if self.clock() >= deadline:
                if not state.alive:
                    raise StepFailed(f"the app is not running {timeout:g}s {when} (did it crash? see the device log)")
                raise StepFailed(f"the app did not come to the foreground within {timeout:g}s {when}")
            self.sleep(self.options.poll_interval)

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

    # Consent -------------------------------------------------------------------------------------------------
    def _consent(self, action: Consent, planned: ScenarioStep) -> str:
        timeout = action.timeout or self.options.default_timeout
        dialog, hierarchy = self._poll(detect_consent_dialog, timeout, planned)
        if dialog is None:
            self.recorder.mark(ConsentDialogMissing, wanted=action.action, texts=hierarchy.texts())
            if action.optional:
                return f"no privacy dialog within {timeout:g}s (optional, skipped)"
            raise StepFailed(f"no privacy/consent dialog appeared within {timeout:g}s")
        evidence = self._capture(planned, "consent-dialog", hierarchy)
        dialog.hierarchy = evidence.hierarchy
        if action.action == "accept":
            control, decision = dialog.accept, "accepted"
        else:
            control, decision = dialog.reject, "refused"
        if control is None:
            self.recorder.mark(ConsentRefusalUnavailable, dialog=dialog)
            accept_label = dialog.accept.text if dialog.accept else "?"
            raise StepFailed(
                f"the privacy dialog offers no control to refuse with (only {accept_label!r}); recorded as "
                "consent-refusal-unavailable"
            )
        self.recorder.mark(ConsentDecision, decision=decision, dialog=dialog, control=control)
        self._tap(control)
        shown_texts = dialog.texts

        def same_dialog_shown(h: Hierarchy) -> bool:
            again = detect_consent_dialog(h)
            return again is not None and again.texts == shown_texts

        if not self._settle(same_dialog_shown):
            raise StepFailed(
                f"the privacy dialog is still shown {self.options.settle_timeout:g}s after tapping {control.text!r} "
                "(does it need a checkbox ticked first? tap it with tapOn before this step)"
            )
        return ""

    # Permissions ---------------------------------------------------------------------------------------------
    def _permission(self, action: Permission, planned: ScenarioStep) -> str:
        timeout = action.timeout or self.options.default_timeout
        dialog, hierarchy = self._poll(detect_permission_dialog, timeout, planned, answer_dialogs=False)
        if dialog is None:
            if action.optional:
                return f"no permission dialog within {timeout:g}s (optional, skipped)"
            raise StepFailed(f"no permission dialog appeared within {timeout:g}s")
        notes: list[str] = []
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

    def _answer_pending_dialog(self, planned: ScenarioStep) -> None:
        """Answer, by policy, a permission dialog on screen now (before a step acts on what lies under it)."""
        hierarchy = self._dump()
        dialog = detect_permission_dialog(hierarchy)
        if dialog is not None:
            self._answer_by_policy(dialog, hierarchy, planned)

    def _answer_by_policy(self, dialog: PermissionDialog, hierarchy: Hierarchy, planned: ScenarioStep) -> None:
        policy = self.options.permission_policy
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
        meanwhile is answered by policy first (unless `answer_dialogs` is off)."""
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
        return parse_hierarchy(self.backend.driver.dump_hierarchy())

    def _tap(self, control: DialogControl) -> None:
        left, top, right, bottom = control.bounds
        self.backend.driver.click((left + right) // 2, (top + bottom) // 2)

    def _capture(self, planned: ScenarioStep, label: str | None = None,
                 hierarchy: Hierarchy | None = None) -> ScreenshotTaken:
        """Screenshot and hierarchy as evidence, saved and marked. `hierarchy` is the dump a decision was taken
        on, saved as it was read rather than dumped again."""
        driver = self.backend.driver
        shot = driver.screenshot()
        source = hierarchy.source if hierarchy is not None else driver.dump_hierarchy()
        stem = f"{planned.ref.index + 1:02d}-{_file_stem(label or planned.ref.name)}"
        path = self.recorder.save_artifact("screenshots", stem, shot.extension, shot.data)
        hierarchy_path = self.recorder.save_artifact("hierarchy", stem, "xml", source.encode("utf-8"))
        return self.recorder.mark(ScreenshotTaken, path=path, hierarchy=hierarchy_path)


def selector_probe(selector: Selector) -> Callable[[Hierarchy], UiNode | None]:
    return lambda hierarchy: hierarchy.find_first(selector)


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
