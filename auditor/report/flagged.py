"""Which calls of a run are evidence of which findings, worked out per group of like calls.

A run of a million calls may rest a dozen findings on most of them: marking every call for every finding would be
tens of millions of steps. Rules mostly yield whole groups of like calls (CallGroup), so a group is marked once;
only the calls of groups a finding rests on in part (the reads beyond a frequency limit) are marked one by one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from operator import attrgetter

from auditor.models import Finding
from auditor.timeline import CallGroup, Judged

_POSITION = attrgetter("position")


class FlaggedCalls:
    """For each call, the first of `findings` (in their order) that rests on it: its anchor in the report."""

    def __init__(self, groups: Sequence[CallGroup], findings: Sequence[Finding],
                 evidence: Mapping[str, Sequence[Judged]], anchor_of: Mapping[str, str]) -> None:
        self.groups = groups
        self.rank = {anchor_of[f.id]: rank for rank, f in reversed(list(enumerate(findings)))}
        self.whole: dict[int, str] = {}
        """Group index -> the anchor of the first finding resting on every call of the group."""
        self.some: dict[int, dict[int, str]] = {}
        """Group index -> position -> the anchor of the first finding resting on that call, for findings that
        rest on part of the group."""
        for finding in findings:
            anchor = anchor_of[finding.id]
            for judged in evidence.get(finding.id, ()):
                if _whole(judged, groups):
                    self.whole.setdefault(judged.group_index, anchor)
                    continue
                marked = dict.fromkeys(map(_POSITION, judged.calls), anchor)
                earlier = self.some.get(judged.group_index)
                if earlier is not None:
                    marked.update(earlier)  # an earlier finding keeps the calls it marked
                self.some[judged.group_index] = marked

    def first(self, group: CallGroup) -> tuple[int, str] | None:
        """The position of the group's first call that is evidence of a finding, and that finding's anchor."""
        whole = self.whole.get(group.group_index)
        marked = self.some.get(group.group_index, {})
        if whole is not None:
            position = group.calls[0].position
            other = marked.get(position)
            return position, other if other is not None and self.rank[other] < self.rank[whole] else whole
        if marked:
            position = min(marked)
            return position, marked[position]
        return None

    def flags(self, group: CallGroup) -> list[bool]:
        """For each call of the group, in order: whether it is evidence of a finding."""
        if group.group_index in self.whole:
            return [True] * len(group.calls)
        marked = self.some.get(group.group_index)
        if marked is None:
            return [False] * len(group.calls)
        return list(map(marked.__contains__, map(_POSITION, group.calls)))


def distinct_calls(evidence: Iterable[Sequence[Judged]], groups: Sequence[CallGroup]) -> int:
    """How many calls the given findings' evidence holds, each counted once however many findings rest on it."""
    pieces = [judged for judged_list in evidence for judged in judged_list]
    whole = {judged.group_index for judged in pieces if _whole(judged, groups)}
    positions: set[int] = set()
    for judged in pieces:
        if judged.group_index not in whole:
            positions.update(map(_POSITION, judged.calls))
    return sum(len(groups[index].calls) for index in whole) + len(positions)


def _whole(judged: Judged, groups: Sequence[CallGroup]) -> bool:
    return len(judged.calls) == len(groups[judged.group_index].calls)
