"""Events and user decisions on one clock: every call gets the state the user had put the app in at that moment.

A marker is before an event when the marker's cursor for the event's process is at or below the event's
sequence number (exact), or, for a process the marker has no cursor for, when its device time is not later.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field, replace
from operator import attrgetter
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


class Call:
    """A hooked call placed on the timeline. Read-only: made once per event by `build_timeline`.

    What rules ask of every call (whether it collects, the denial in force, its phase, how it ended) is worked out
    when the call is placed, once per kind of call and moment rather than at each question: a run of a million
    calls is asked these tens of millions of times."""

    __slots__ = ("event", "entry", "caller", "state", "frames", "markers_before", "collects", "by_app_or_sdk",
                 "outcome", "denial", "phase")

    event: HookEvent
    entry: CatalogEntry | None
    caller: Caller
    state: UserState
    frames: tuple[str, ...]
    markers_before: int
    """How many markers precede this call."""
    collects: bool
    """It reads personal information (a `collect` hook of the catalog)."""
    by_app_or_sdk: bool
    outcome: str
    """`returned`, or the class of the exception it ended with."""
    denial: PermissionDecision | None
    """The denial of the data's permission in force when it was made, if any."""
    phase: str
    """One word for people: where this call stands against the user's decisions (`phase_of`)."""

    def __init__(self, event: HookEvent, entry: CatalogEntry | None, caller: Caller, state: UserState,
                 frames: tuple[str, ...], markers_before: int, *,
                 judged: tuple[PermissionDecision | None, str] | None = None) -> None:
        """`judged`: the (denial, phase) of `entry` in `state`, when the caller knows them already."""
        self.event = event
        self.entry = entry
        self.caller = caller
        self.state = state
        self.frames = frames
        self.markers_before = markers_before
        self.collects = entry is not None and entry.kind is HookKind.COLLECT
        self.by_app_or_sdk = caller.origin in ("app", "sdk")
        self.outcome = event.threw.cls if event.threw else "returned"
        self.denial, self.phase = judged if judged is not None else judge(state, entry)

    def __repr__(self) -> str:
        return (f"Call(event={self.event.id!r}, entry={self.event.entry!r}, caller={self.caller.origin}:"
                f"{self.caller.sdk or self.caller.package}, phase={self.phase!r}, "
                f"markers_before={self.markers_before})")


def judge(state: UserState, entry: CatalogEntry | None) -> tuple[PermissionDecision | None, str]:
    """The denial in force for a call of `entry` in `state`, and its phase."""
    denial = state.denial_of(entry.permissions) if entry else None
    return denial, phase_of(state, denial)


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
    place = _MarkerPlacer(ordered_markers)
    # Many calls share a few call sites, entries and moments: each is worked out once.
    callers: dict[str | None, tuple[Caller, tuple[str, ...]]] = {}
    entries: dict[str, CatalogEntry | None] = {}
    judged: dict[tuple[int, str], tuple[PermissionDecision | None, str]] = {}
    calls = []
    for event in sorted(events, key=attrgetter("ts", "pid", "seq")):
        before = place(event)
        attributed = callers.get(event.stack)
        if attributed is None:
            frames = tuple(stacks.get(event.stack, ())) if event.stack else ()
            attributed = callers[event.stack] = (attribute(frames, app_package, attribution), frames)
        entry_id = event.entry
        if entry_id in entries:
            entry = entries[entry_id]
        else:
            entry = entries[entry_id] = catalog.get(entry_id)
        state = states[before]
        moment = judged.get((before, entry_id))
        if moment is None:
            moment = judged[(before, entry_id)] = judge(state, entry)
        calls.append(Call(event, entry, attributed[0], state, attributed[1], before, judged=moment))
    return Timeline(calls, ordered_markers, states, app_package, dict(screens or {}))


class _MarkerPlacer:
    """How many markers precede an event. Markers are monotone in seq, time and cursors, so this is a bisection:
    on the markers' cursors for the event's process when every marker has one (the usual case, in C), else on
    each marker's cursor or, for a process it has no cursor for, its device time."""

    def __init__(self, markers: Sequence[Marker]) -> None:
        self.markers = markers
        self.cursors: dict[int, list[int] | None] = {}

    def __call__(self, event: HookEvent) -> int:
        if event.pid not in self.cursors:
            pid = str(event.pid)
            found = [marker.cursors.get(pid) for marker in self.markers]
            self.cursors[event.pid] = [cursor for cursor in found if cursor is not None] \
                if None not in found else None
        cursors = self.cursors[event.pid]
        if cursors is not None:
            return bisect_right(cursors, event.seq)
        return _markers_before(self.markers, event)


def _markers_before(markers: Sequence[Marker], event: HookEvent) -> int:
    """How many markers precede `event`. Markers are monotone in seq, time and cursors, so this is a bisection."""
    pid = str(event.pid)

    def after_event(index: int) -> bool:
        marker = markers[index]
        cursor = marker.cursors.get(pid)
        return cursor > event.seq if cursor is not None else marker.ts > event.ts

    return bisect_right(range(len(markers)), False, key=after_event)
