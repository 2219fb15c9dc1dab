"""The timeline picture: where each kind of call fell against the user's decisions, drawn as SVG shapes.

One row per kind of personal information, one dot per group of calls that fall in the same few pixels of a row
(so a run of a million calls still draws a few hundred dots), the user's decisions as vertical lines, and the
spans before consent and after refusal shaded. Only coordinates and plain texts are computed here; the report
template writes the SVG elements, escaping every text like any other.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import repeat
from operator import mul, sub

from auditor.describe import describe_marker
from auditor.models import (
    AppLaunched,
    AppStopped,
    ConsentDecision,
    HookKind,
    Marker,
    PermissionDecision,
    PIType,
)
from auditor.report import wording
from auditor.report.flagged import FlaggedCalls
from auditor.report.wording import Lang
from auditor.timeline import Call, Timeline

WIDTH = 960.0
LABELS_WIDTH = 170.0
RIGHT_MARGIN = 14.0
LANE_HEIGHT = 26.0
LABEL_ROW_HEIGHT = 15.0
AXIS_HEIGHT = 30.0
BIN_WIDTH = 4.0
"""Calls whose dots would fall within this many units of each other in a row are one dot."""
MAX_LABEL_ROWS = 3
_MIN_RADIUS = 2.5
_MAX_RADIUS = 9.0
# Average advance of a label character, in SVG units at the label's font size (CJK characters are wider).
_CHAR_WIDTH = 6.2
_WIDE_CHAR_WIDTH = 11.0
_TICK_STEPS_S = (0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400)
_MAX_TICKS = 10
_LANE_ORDER = [t.value for t in PIType] + [k.value for k in HookKind if k is not HookKind.COLLECT] + ["other"]


@dataclass(frozen=True)
class Lane:
    category: str
    label: str
    y: str
    """Centre line of the row."""
    top: str
    calls: int


@dataclass(frozen=True)
class Dot:
    x: str
    y: str
    r: str
    flagged: bool
    title: str


@dataclass(frozen=True)
class DecisionMark:
    x: str
    kind: str
    """CSS class: consent-accepted, consent-refused, permission-granted, permission-denied."""
    label: str
    label_x: str
    label_y: str
    line_top: str
    title: str


@dataclass(frozen=True)
class Band:
    x: str
    width: str
    kind: str
    """pre-consent or refused."""


@dataclass(frozen=True)
class Tick:
    x: str
    label: str


@dataclass(frozen=True)
class AppMark:
    x: str
    kind: str
    """launch or stop."""
    title: str


@dataclass(frozen=True)
class TimelinePicture:
    width: str
    height: str
    plot_left: str
    plot_right: str
    plot_top: str
    plot_bottom: str
    plot_height: str
    label_x: str
    """Right edge of the row labels."""
    axis_y: str
    tick_end_y: str
    tick_label_y: str
    lanes: list[Lane]
    dots: list[Dot]
    decisions: list[DecisionMark]
    bands: list[Band]
    ticks: list[Tick]
    app_marks: list[AppMark]
    calls: int
    flagged_calls: int


def _number(value: float) -> str:
    return f"{value:.1f}"


def call_category(call: Call) -> str:
    """The picture row of a call: its personal-information type, else what it does."""
    entry = call.entry
    if entry is None:
        return "other"
    if entry.kind is HookKind.COLLECT:
        return str(entry.pi_type.value) if entry.pi_type is not None else "other"
    return str(entry.kind.value)


@dataclass
class _Bin:
    calls: int = 0
    flagged: int = 0
    first: float = math.inf
    last: float = -math.inf
    data: Counter[str] = field(default_factory=Counter)




class _Scale:
    def __init__(self, start: float, end: float) -> None:
        self.start = start
        self.span = max(end - start, 1.0)
        self.left = LABELS_WIDTH
        self.width = WIDTH - LABELS_WIDTH - RIGHT_MARGIN

    def x(self, ts: float) -> float:
        fraction = min(max((ts - self.start) / self.span, 0.0), 1.0)
        return self.left + fraction * self.width


def build_picture(timeline: Timeline, start: float, flagged: FlaggedCalls, lang: Lang) -> TimelinePicture:
    """The picture of `timeline`, with times relative to `start`; calls that are evidence of a finding are red."""
    calls = timeline.calls
    markers = timeline.markers
    end = max([start] + [m.ts for m in markers] + [c.event.ts for c in calls[-1:]])  # calls are in time order
    scale = _Scale(start, end)

    # A million calls pass through here, in a few dozen groups of like calls: each group's calls are put in pixel
    # columns by their times, in C (a group's calls are in time order, so its columns are runs), then counted per
    # API and column; the columns are then merged into rows by kind of data.
    per_unit = scale.width / scale.span / BIN_WIDTH
    last_bin = int(scale.width // BIN_WIDTH)
    columns: dict[tuple[str, int], _Bin] = {}
    examples: dict[str, Call] = {}
    for like in timeline.groups:
        examples.setdefault(like.entry_id, like.calls[0])
        times = like.times
        indexes = list(map(int, map(mul, map(sub, times, repeat(start)), repeat(per_unit))))
        if indexes[0] < 0 or indexes[-1] > last_bin:
            indexes = [min(max(index, 0), last_bin) for index in indexes]
        flags = flagged.flags(like)
        low = 0
        while low < len(indexes):
            high = bisect_right(indexes, indexes[low], low)
            column = columns.get((like.entry_id, indexes[low]))
            if column is None:
                column = columns[(like.entry_id, indexes[low])] = _Bin()
            column.calls += high - low
            column.flagged += sum(flags[low:high])
            column.first = min(column.first, times[low])
            column.last = max(column.last, times[high - 1])
            low = high
    names = {entry_id: call.entry.data.get(lang) if call.entry is not None else call.event.api
             for entry_id, call in examples.items()}
    categories = {entry_id: call_category(call) for entry_id, call in examples.items()}
    bins: dict[tuple[str, int], _Bin] = {}
    per_lane: Counter[str] = Counter()
    flagged_calls = 0
    for (entry_id, index), column in columns.items():
        category = categories[entry_id]
        group = bins.get((category, index))
        if group is None:
            group = bins[(category, index)] = _Bin()
        group.calls += column.calls
        group.flagged += column.flagged
        group.first = min(group.first, column.first)
        group.last = max(group.last, column.last)
        group.data[entry_id] += column.calls
        per_lane[category] += column.calls
        flagged_calls += column.flagged

    label_rows = _label_rows(markers, scale, lang)
    top = 8.0 + LABEL_ROW_HEIGHT * (max((row for _, row in label_rows), default=-1) + 1)
    ordered = sorted(per_lane, key=lambda c: (_LANE_ORDER.index(c) if c in _LANE_ORDER else len(_LANE_ORDER), c))
    lane_y = {category: top + LANE_HEIGHT * (index + 0.5) for index, category in enumerate(ordered)}
    lanes = [Lane(c, wording.category_text(c, lang), _number(lane_y[c]), _number(lane_y[c] - LANE_HEIGHT / 2),
                  per_lane[c]) for c in ordered]
    bottom = top + LANE_HEIGHT * max(len(ordered), 1)

    dots = []
    for (category, index), group in sorted(bins.items(), key=lambda item: (item[0][0], item[0][1])):
        x = scale.left + (index + 0.5) * BIN_WIDTH
        radius = min(_MIN_RADIUS + 1.5 * math.log2(group.calls), _MAX_RADIUS) if group.calls > 1 else _MIN_RADIUS
        dots.append(Dot(_number(min(x, scale.left + scale.width)), _number(lane_y[category]), _number(radius),
                        group.flagged > 0, _dot_title(group, names, start, lang)))
    # Red dots last, so that no grey dot hides one.
    dots.sort(key=lambda dot: dot.flagged)

    decisions = []
    for marker, row in label_rows:
        kind = (f"consent-{marker.decision}" if isinstance(marker, ConsentDecision)
                else f"permission-{'granted' if marker.decision.startswith('granted') else 'denied'}")
        permission_group = marker.group if isinstance(marker, PermissionDecision) else ""
        decisions.append(DecisionMark(
            x=_number(scale.x(marker.ts)),
            kind=kind,
            label=wording.decision_label(marker.kind, marker.decision, permission_group, lang),
            label_x=_number(scale.x(marker.ts) + 3),
            label_y=_number(LABEL_ROW_HEIGHT * (row + 1)),
            line_top=_number(LABEL_ROW_HEIGHT * (row + 1) + 3),
            title=f"{wording.offset(marker.ts - start, lang)} {describe_marker(marker).get(lang)}",
        ))

    app_marks = [
        AppMark(_number(scale.x(m.ts)), "launch" if isinstance(m, AppLaunched) else "stop",
                f"{wording.offset(m.ts - start, lang)} {describe_marker(m).get(lang)}")
        for m in markers if isinstance(m, (AppLaunched, AppStopped))
    ]
    axis_y = bottom + 4
    return TimelinePicture(
        width=_number(WIDTH),
        height=_number(axis_y + AXIS_HEIGHT),
        plot_left=_number(scale.left),
        plot_right=_number(scale.left + scale.width),
        plot_top=_number(top),
        plot_bottom=_number(bottom),
        plot_height=_number(bottom - top),
        label_x=_number(scale.left - 8),
        axis_y=_number(axis_y),
        tick_end_y=_number(axis_y + 4),
        tick_label_y=_number(axis_y + 17),
        lanes=lanes,
        dots=dots,
        decisions=decisions,
        bands=_bands(timeline, scale, end),
        ticks=_ticks(scale, lang),
        app_marks=app_marks,
        calls=len(calls),
        flagged_calls=flagged_calls,
    )


def _dot_title(group: _Bin, names: dict[str, str], start: float, lang: Lang) -> str:
    data = ", ".join(f"{names[entry]} ×{count}" for entry, count in group.data.most_common(3))
    if len(group.data) > 3:
        data += ", …"
    when = wording.offset(group.first - start, lang)
    if group.last > group.first:
        when += f" – {wording.offset(group.last - start, lang)}"
    flagged = ""
    if group.flagged:
        flagged = f" · {group.flagged} 次构成问题证据" if lang == "zh" else f" · {group.flagged} in findings"
    return f"{when} · {data}{flagged}"


def _label_width(label: str) -> float:
    return sum(_WIDE_CHAR_WIDTH if ord(char) > 0x2E80 else _CHAR_WIDTH for char in label)


def _label_rows(markers: Sequence[Marker], scale: _Scale,
                lang: Lang) -> list[tuple[ConsentDecision | PermissionDecision, int]]:
    """Each decision with the row its label goes in: the first row where it does not run into the previous one."""
    row_ends: list[float] = []
    placed: list[tuple[ConsentDecision | PermissionDecision, int]] = []
    for marker in markers:
        if not isinstance(marker, (ConsentDecision, PermissionDecision)):
            continue
        x = scale.x(marker.ts)
        group = marker.group if isinstance(marker, PermissionDecision) else ""
        width = _label_width(wording.decision_label(marker.kind, marker.decision, group, lang))
        row = next((index for index, end in enumerate(row_ends) if end < x - 3), None)
        if row is None and len(row_ends) < MAX_LABEL_ROWS:
            row = len(row_ends)
            row_ends.append(0.0)
        if row is None:  # every row is taken here: overlap where it matters least
            row = min(range(len(row_ends)), key=row_ends.__getitem__)
        row_ends[row] = x + 3 + width
        placed.append((marker, row))
    return placed


def _bands(timeline: Timeline, scale: _Scale, end: float) -> list[Band]:
    """Spans while the app ran without the user's agreement: not yet given, or refused."""
    spans: list[tuple[str, float, float]] = []
    markers = timeline.markers
    for index, state in enumerate(timeline.states):
        if not state.launched or state.consent == "accepted":
            continue
        kind = "pre-consent" if state.consent == "none" else "refused"
        begin = markers[index - 1].ts if index > 0 else scale.start
        until = markers[index].ts if index < len(markers) else end
        if spans and spans[-1][0] == kind and spans[-1][2] >= begin:
            spans[-1] = (kind, spans[-1][1], until)
        else:
            spans.append((kind, begin, until))
    bands = []
    for kind, begin, until in spans:
        left, right = scale.x(begin), scale.x(until)
        bands.append(Band(_number(left), _number(max(right - left, 1.0)), kind))
    return bands


def _ticks(scale: _Scale, lang: Lang) -> list[Tick]:
    span_s = scale.span / 1000
    step = next((s for s in _TICK_STEPS_S if span_s / s <= _MAX_TICKS), _TICK_STEPS_S[-1])
    ticks = []
    count = int(span_s // step) + 1
    for index in range(count):
        at_ms = index * step * 1000
        ticks.append(Tick(_number(scale.x(scale.start + at_ms)), wording.offset(at_ms, lang)))
    return ticks
