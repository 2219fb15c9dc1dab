"""Events and user decisions on one clock: every call gets the state the user had put the app in at that moment.

A marker is before an event when the marker's cursor for the event's process is at or below the event's
sequence number (exact), or, for a process the marker has no cursor for, when its device time is not later.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field, replace
from itertools import chain, compress, pairwise, repeat
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


class Likeness:
    """What like calls have in common, worked out once for them all: the API, the call site (caller and frames),
    the user state they were made in and what it means for that API, how they ended. Read-only.

    What rules ask of every call (whether it collects, the denial in force, its phase, how it ended) is thus worked
    out once per kind of call and moment rather than at each question: a run of a million calls is asked these
    tens of millions of times."""

    __slots__ = ("entry_id", "entry", "caller", "state", "frames", "markers_before", "collects", "by_app_or_sdk",
                 "outcome", "denial", "phase")

    def __init__(self, entry_id: str, entry: CatalogEntry | None, caller: Caller, state: UserState,
                 frames: tuple[str, ...], markers_before: int, outcome: str, *,
                 judged: tuple[PermissionDecision | None, str] | None = None) -> None:
        """`judged`: the (denial, phase) of `entry` in `state`, when the caller knows them already."""
        self.entry_id = entry_id
        self.entry = entry
        self.caller = caller
        self.state = state
        self.frames = frames
        self.markers_before = markers_before
        self.collects = entry is not None and entry.kind is HookKind.COLLECT
        self.by_app_or_sdk = caller.origin in ("app", "sdk")
        self.outcome = outcome
        self.denial, self.phase = judged if judged is not None else judge(state, entry)


class _Alike:
    """The questions a call and a group of like calls both answer, from their Likeness."""

    __slots__ = ()
    alike: Likeness

    @property
    def entry_id(self) -> str:
        return self.alike.entry_id

    @property
    def entry(self) -> CatalogEntry | None:
        return self.alike.entry

    @property
    def caller(self) -> Caller:
        return self.alike.caller

    @property
    def state(self) -> UserState:
        return self.alike.state

    @property
    def frames(self) -> tuple[str, ...]:
        return self.alike.frames

    @property
    def markers_before(self) -> int:
        """How many markers precede the call."""
        return self.alike.markers_before

    @property
    def collects(self) -> bool:
        """It reads personal information (a `collect` hook of the catalog)."""
        return self.alike.collects

    @property
    def by_app_or_sdk(self) -> bool:
        return self.alike.by_app_or_sdk

    @property
    def outcome(self) -> str:
        """`returned`, or the class of the exception it ended with."""
        return self.alike.outcome

    @property
    def denial(self) -> PermissionDecision | None:
        """The denial of the data's permission in force when it was made, if any."""
        return self.alike.denial

    @property
    def phase(self) -> str:
        """One word for people: where the call stands against the user's decisions (`phase_of`)."""
        return self.alike.phase


class Call(_Alike):
    """A hooked call placed on the timeline: its event, and what it has in common with like calls. Read-only:
    made once per event by `build_timeline`."""

    __slots__ = ("event", "alike", "position", "group_index")

    event: HookEvent
    alike: Likeness
    position: int
    """Its index in the timeline's calls (their order: device time, then process and sequence number)."""
    group_index: int
    """The index of its group of like calls in the timeline's groups."""

    def __init__(self, event: HookEvent, alike: Likeness, position: int, group_index: int) -> None:
        self.event = event
        self.alike = alike
        self.position = position
        self.group_index = group_index

    @property
    def calls(self) -> tuple[Call]:
        """The calls it stands for: itself (as a CallGroup stands for its members)."""
        return (self,)

    @property
    def times(self) -> list[float]:
        return [self.event.ts]

    @property
    def event_ids(self) -> list[str]:
        return [self.event.id]

    def __repr__(self) -> str:
        return (f"Call(event={self.event.id!r}, entry={self.event.entry!r}, caller={self.caller.origin}:"
                f"{self.caller.sdk or self.caller.package}, phase={self.phase!r}, "
                f"markers_before={self.markers_before})")


class CallGroup(_Alike):
    """Calls alike in everything a rule can judge without looking at their values or times: the same API, made
    from the same call site (so the same caller and frames), between the same two records of the run (so in the
    same user state), ending the same way. A rule that decides by these alone decides once for the group and
    yields it as one piece of evidence: a run of a million calls is a few dozen groups.

    It answers the same questions as a Call (`entry`, `caller`, `state`, `phase`...); `calls` are its members, in
    timeline order."""

    __slots__ = ("calls", "times", "event_ids", "alike", "group_index")

    calls: list[Call]
    times: list[float]
    """The members' device times, in order (kept apart: a million calls are read faster from one list)."""
    event_ids: list[str]
    """The members' event ids, in order."""
    alike: Likeness
    group_index: int
    """Its index in the timeline's groups (for a `subset`, that of the group it was taken from)."""

    def __init__(self, alike: Likeness, group_index: int, calls: list[Call], times: list[float],
                 event_ids: list[str]) -> None:
        self.alike = alike
        self.group_index = group_index
        self.calls = calls
        self.times = times
        self.event_ids = event_ids

    @property
    def event(self) -> HookEvent:
        """The first member's event (the API, the process: alike in every member)."""
        return self.calls[0].event

    def subset(self, chosen: Sequence[bool]) -> CallGroup:
        """The members for which `chosen` (one flag per member) is true, as a group of their own (they are alike
        in the same way)."""
        return CallGroup(self.alike, self.group_index, list(compress(self.calls, chosen)),
                         list(compress(self.times, chosen)), list(compress(self.event_ids, chosen)))

    def __len__(self) -> int:
        return len(self.calls)

    def __repr__(self) -> str:
        return f"CallGroup({len(self.calls)} x {self.calls[0]!r})"


Judged = Call | CallGroup
"""What a rule yields as evidence of calls, and what the facts about calls accept."""


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
    groups: list[CallGroup] = field(default_factory=list)
    """The calls as groups of like ones (CallGroup), in the order of their first calls; every call in one."""
    _collections: list[Call] | None = field(default=None, repr=False)
    _by_kind: dict[HookKind | None, list[Call]] = field(default_factory=dict, repr=False)

    def collections(self) -> list[Call]:
        """Calls that read personal information, made by the app or a third party (not by the platform itself)."""
        if self._collections is None:
            self._collections = calls_in_order([g for g in self.groups if g.collects and g.by_app_or_sdk])
        return self._collections

    def collection_groups(self) -> list[CallGroup]:
        """`collections()` as groups of like calls: for rules that judge calls by their state, caller and API."""
        return [g for g in self.groups if g.collects and g.by_app_or_sdk]

    def event_ids(self, calls: Sequence[Judged]) -> list[str]:
        """The event ids of `calls` (calls and groups of like calls) in timeline order."""
        if interleaved(calls):
            return list(map(_EVENT_ID, calls_in_order(calls)))
        return list(chain.from_iterable(judged.event_ids for judged in calls))

    def calls_of(self, kind: HookKind) -> list[Call]:
        """The calls of catalog entries of one kind (permission requests, network calls...), in timeline order."""
        found = self._by_kind.get(kind)
        if found is None:
            found = self._by_kind[kind] = calls_in_order([g for g in self.groups if g.entry is not None
                                                     and g.entry.kind is kind])
        return found

    def first_marker_after(self, anchor: Judged | MarkerBase, kind: type[AnyMarker]) -> AnyMarker | None:
        """The first marker of `kind` after a call (or group of calls) or a marker."""
        start = anchor.markers_before if isinstance(anchor, (Call, CallGroup)) \
            else self.position(anchor) + 1  # type: ignore[arg-type]
        for marker in self.markers[start:]:
            if isinstance(marker, kind):
                return marker
        return None

    def screenshot_for(self, call: Judged) -> ScreenshotTaken | None:
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
    ordered = sorted(events, key=attrgetter("ts", "pid", "seq"))
    befores = _MarkerPlacer(ordered_markers).place_all(ordered)
    # Many calls share a few call sites, entries and moments: what they share is worked out once per kind.
    callers: dict[str | None, tuple[Caller, tuple[str, ...]]] = {}
    judged: dict[tuple[int, str], tuple[PermissionDecision | None, str]] = {}
    groups: dict[tuple[str | None, str, int, str], CallGroup] = {}
    calls: list[Call] = []
    for position, (event, before) in enumerate(zip(ordered, befores, strict=True)):
        threw = event.threw
        alike = (event.stack, event.entry, before, threw.cls if threw else "returned")
        group = groups.get(alike)
        if group is None:
            group = groups[alike] = CallGroup(
                _likeness(event, before, states, stacks, catalog, app_package, attribution, callers, judged),
                len(groups), [], [], [])
        call = Call(event, group.alike, position, group.group_index)
        group.calls.append(call)
        group.times.append(event.ts)
        group.event_ids.append(event.id)
        calls.append(call)
    return Timeline(calls, ordered_markers, states, app_package, dict(screens or {}), list(groups.values()))


def _likeness(event: HookEvent, before: int, states: Sequence[UserState], stacks: Mapping[str, Sequence[str]],
              catalog: Catalog, app_package: str, attribution: Attribution | None,
              callers: dict[str | None, tuple[Caller, tuple[str, ...]]],
              judged: dict[tuple[int, str], tuple[PermissionDecision | None, str]]) -> Likeness:
    """What the calls like `event`, made after `before` markers, have in common; callers and judgements are
    shared between kinds of call through the two caches."""
    attributed = callers.get(event.stack)
    if attributed is None:
        frames = tuple(stacks.get(event.stack, ())) if event.stack else ()
        attributed = callers[event.stack] = (attribute(frames, app_package, attribution), frames)
    entry = catalog.get(event.entry)
    state = states[before]
    moment = judged.get((before, event.entry))
    if moment is None:
        moment = judged[(before, event.entry)] = judge(state, entry)
    return Likeness(event.entry, entry, attributed[0], state, attributed[1], before,
                    event.threw.cls if event.threw else "returned", judged=moment)


_EVENT_ID = attrgetter("event.id")


def calls_in_order(groups: Sequence[Judged]) -> list[Call]:
    """The calls of `groups` (groups of like calls, or calls) in timeline order: joined as they are when the groups
    follow one another (the usual case, as a group lies between two records of the run), else sorted."""
    calls = list(chain.from_iterable(group.calls for group in groups))
    if interleaved(groups):
        calls.sort(key=attrgetter("position"))
    return calls


def interleaved(groups: Sequence[Judged]) -> bool:
    """Whether some call of one of `groups` comes after the first call of the next one."""
    return any(a.calls[-1].position > b.calls[0].position for a, b in pairwise(groups))


class _MarkerPlacer:
    """How many markers precede an event. Markers are monotone in seq, time and cursors, so this is a bisection:
    on the markers' cursors for the event's process when every marker has one (the usual case, in C), else on
    each marker's cursor or, for a process it has no cursor for, its device time."""

    def __init__(self, markers: Sequence[Marker]) -> None:
        self.markers = markers
        self.cursors: dict[int, list[int] | None] = {}

    def place_all(self, events: Sequence[HookEvent]) -> list[int]:
        """How many markers precede each of `events`: for a run of one process whose markers all have its cursor
        (the usual case), all at once."""
        pids = set(map(attrgetter("pid"), events))
        if len(pids) == 1:
            cursors = self.cursors_for(pids.pop())
            if cursors is not None:
                return list(map(bisect_right, repeat(cursors), map(attrgetter("seq"), events)))
        return list(map(self, events))

    def cursors_for(self, pid: int) -> list[int] | None:
        """Every marker's cursor for process `pid`, or None when a marker has none for it."""
        if pid not in self.cursors:
            found = [marker.cursors.get(str(pid)) for marker in self.markers]
            self.cursors[pid] = [cursor for cursor in found if cursor is not None] if None not in found else None
        return self.cursors[pid]

    def __call__(self, event: HookEvent) -> int:
        cursors = self.cursors_for(event.pid)
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
