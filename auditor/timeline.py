"""Events and user decisions on one clock: every call gets the state the user had put the app in at that moment.

A marker is before an event when the marker's cursor for the event's process is at or below the event's
sequence number (exact), or, for a process the marker has no cursor for, when its device time is not later.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Literal, Mapping, Sequence, TypeVar

from auditor.catalog import Catalog
from auditor.models import (
    AppBackgrounded,
    AppForegrounded,
    AppLaunched,
    AppStopped,
    Caller,
    CatalogEntry,
    ConsentDecision,
    HookEvent,
    HookKind,
    Marker,
    MarkerBase,
    PermissionChoice,
    PermissionDecision,
    ProcessEnded,
    ScreenshotTaken,
    StepRef,
)
from auditor.sdk import Attribution, attribute

AnyMarker = TypeVar("AnyMarker", bound=MarkerBase)
ConsentState = Literal["none", "refused", "accepted"]
DENIED: frozenset[str] = frozenset({"denied", "denied-forever"})
GRANTED: frozenset[str] = frozenset({"granted", "granted-once"})


@dataclass(frozen=True)
class UserState:
    """What the user had decided, and what the app was doing, at one moment of the run."""

    consent: ConsentState = "none"
    consent_marker: ConsentDecision | None = None
    permissions: Mapping[str, PermissionDecision] = field(default_factory=lambda: MappingProxyType({}))
    """Each permission's decision in force."""
    launched: bool = False
    foreground: bool = False
    step: StepRef | None = None

    def permission_choice(self, permission: str) -> PermissionChoice | None:
        decision = self.permissions.get(permission)
        return decision.decision if decision else None

    def denial_of(self, guarding: Sequence[str]) -> PermissionDecision | None:
        """The denial that applies to data guarded by any one of `guarding`: none is granted, one was denied."""
        if not guarding or any(self.permission_choice(p) in GRANTED for p in guarding):
            return None
        for permission in guarding:
            decision = self.permissions.get(permission)
            if decision is not None and decision.decision in DENIED:
                return decision
        return None


def apply_marker(state: UserState, marker: Marker) -> UserState:
    """The state after `marker`."""
    if isinstance(marker, AppLaunched):
        if marker.clear_state:
            return UserState(launched=True, foreground=True, step=marker.step)
        return replace(state, launched=True, foreground=True, permissions=_drop_one_time(state.permissions))
    if isinstance(marker, AppStopped):
        return replace(state, launched=False, foreground=False, permissions=_drop_one_time(state.permissions))
    if isinstance(marker, ConsentDecision):
        return replace(state, consent=marker.decision, consent_marker=marker)
    if isinstance(marker, PermissionDecision):
        permissions = dict(state.permissions)
        for permission in marker.permissions:
            permissions[permission] = marker
        return replace(state, permissions=MappingProxyType(permissions))
    if isinstance(marker, AppBackgrounded):
        return replace(state, foreground=False)
    if isinstance(marker, AppForegrounded):
        return replace(state, foreground=True)
    if marker.step is not None and marker.step != state.step:
        return replace(state, step=marker.step)
    return state


def _drop_one_time(permissions: Mapping[str, PermissionDecision]) -> Mapping[str, PermissionDecision]:
    return MappingProxyType({p: d for p, d in permissions.items() if d.decision != "granted-once"})


def phase_of(state: UserState, denial: PermissionDecision | None = None) -> str:
    """Where a moment stands against the user's decisions, in one word: `pre-consent`, `refused`,
    `permission-denied(GROUP)` (the data's permission was denied), `background` or `consented`."""
    if state.consent == "none":
        return "pre-consent"
    if state.consent == "refused":
        return "refused"
    if denial is not None:
        return f"permission-denied({denial.group})"
    if not state.foreground:
        return "background"
    return "consented"


@dataclass(frozen=True)
class ScreenText:
    """The texts of one saved screen (hierarchy dump), window by window, topmost last."""

    windows: tuple[tuple[str, tuple[str, ...]], ...]
    """(package, texts and content descriptions) per window."""

    def texts(self, package: str | None = None) -> list[str]:
        return [text for pkg, texts in self.windows if package is None or pkg == package for text in texts]


@dataclass(frozen=True)
class Call:
    """A hooked call placed on the timeline."""

    event: HookEvent
    entry: CatalogEntry | None
    caller: Caller
    state: UserState
    frames: tuple[str, ...]
    markers_before: int
    """How many markers precede this call."""

    @property
    def collects(self) -> bool:
        return self.entry is not None and self.entry.kind is HookKind.COLLECT

    @property
    def by_app_or_sdk(self) -> bool:
        return self.caller.origin in ("app", "sdk")

    @property
    def outcome(self) -> str:
        return self.event.threw.cls if self.event.threw else "returned"

    @property
    def denial(self) -> PermissionDecision | None:
        return self.state.denial_of(self.entry.permissions) if self.entry else None

    @property
    def phase(self) -> str:
        """One word for people: where this call stands against the user's decisions."""
        return phase_of(self.state, self.denial)


@dataclass
class Timeline:
    calls: list[Call]
    markers: list[Marker]
    states: list[UserState]
    """states[k] is the state after the first k markers."""
    app_package: str
    screens: Mapping[str, ScreenText] = field(default_factory=dict)
    """Saved screens by run-relative hierarchy path (loaded by the analysis, so rules stay free of I/O)."""
    _collections: list[Call] | None = field(default=None, repr=False)

    def collections(self) -> list[Call]:
        """Calls that read personal information, made by the app or a third party (not by the platform itself)."""
        if self._collections is None:
            self._collections = [call for call in self.calls if call.collects and call.by_app_or_sdk]
        return self._collections

    def first_marker_after(self, anchor: Call | MarkerBase, kind: type[AnyMarker]) -> AnyMarker | None:
        """The first marker of `kind` after a call or a marker."""
        start = anchor.markers_before if isinstance(anchor, Call) else self.position(anchor) + 1  # type: ignore[arg-type]
        for marker in self.markers[start:]:
            if isinstance(marker, kind):
                return marker
        return None

    def screenshot_for(self, call: Call) -> ScreenshotTaken | None:
        """What the user saw: the last screenshot taken before the call, else the first one after it."""
        before = [m for m in self.markers[: call.markers_before] if isinstance(m, ScreenshotTaken)]
        if before:
            return before[-1]
        return next((m for m in self.markers[call.markers_before:] if isinstance(m, ScreenshotTaken)), None)

    def screenshot_near(self, marker: Marker) -> ScreenshotTaken | None:
        """What the user saw at a moment: the last screenshot taken at or before the marker, else the next one."""
        position = self.position(marker)
        before = [m for m in self.markers[: position + 1] if isinstance(m, ScreenshotTaken)]
        if before:
            return before[-1]
        return next((m for m in self.markers[position + 1:] if isinstance(m, ScreenshotTaken)), None)

    def position(self, marker: Marker) -> int:
        """Index of `marker` in `markers` (seq numbers may have gaps where a record was unreadable)."""
        return bisect_right([m.seq for m in self.markers], marker.seq) - 1

    def state_after(self, marker: Marker) -> UserState:
        return self.states[self.position(marker) + 1]

    def markers_of(self, kind: type[AnyMarker]) -> list[AnyMarker]:
        return [m for m in self.markers if isinstance(m, kind)]

    def process_ends(self) -> list[ProcessEnded]:
        return [m for m in self.markers if isinstance(m, ProcessEnded)]


def build_timeline(
    events: Sequence[HookEvent],
    markers: Sequence[Marker],
    stacks: Mapping[str, Sequence[str]],
    catalog: Catalog,
    app_package: str,
    screens: Mapping[str, ScreenText] | None = None,
    attribution: Attribution | None = None,
) -> Timeline:
    ordered_markers = sorted(markers, key=lambda marker: marker.seq)
    states = [UserState()]
    for marker in ordered_markers:
        states.append(apply_marker(states[-1], marker))
    calls = []
    callers: dict[str | None, Caller] = {}
    """Attribution by stack id: many calls share a few call sites."""
    for event in sorted(events, key=lambda e: (e.ts, e.pid, e.seq)):
        before = _markers_before(ordered_markers, event)
        frames = tuple(stacks.get(event.stack, ())) if event.stack else ()
        caller = callers.get(event.stack)
        if caller is None:
            caller = callers[event.stack] = attribute(frames, app_package, attribution)
        calls.append(
            Call(
                event=event,
                entry=catalog.get(event.entry),
                caller=caller,
                state=states[before],
                frames=frames,
                markers_before=before,
            )
        )
    return Timeline(calls, ordered_markers, states, app_package, dict(screens or {}))


def _markers_before(markers: Sequence[Marker], event: HookEvent) -> int:
    """How many markers precede `event`. Markers are monotone in seq, time and cursors, so this is a bisection."""
    pid = str(event.pid)

    def after_event(index: int) -> bool:
        marker = markers[index]
        cursor = marker.cursors.get(pid)
        return cursor > event.seq if cursor is not None else marker.ts > event.ts

    return bisect_right(range(len(markers)), False, key=after_event)
