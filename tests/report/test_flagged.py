"""Which calls are evidence of which finding, worked out per group of like calls, against the definition: a call
points at the first finding (in the report's order) whose event ids hold it."""

from __future__ import annotations

from types import SimpleNamespace

from auditor.report.flagged import FlaggedCalls, distinct_calls
from auditor.testing.factories import APP_FRAME, PLATFORM_FRAME, SDK_FRAME
from auditor.timeline import calls_in_order

from .conftest import SampleRun, start_run


def polled(sample: SampleRun) -> None:
    """An SDK polling the Android ID before and after consent (every read before it is evidence, the last ones
    twice, being beyond the frequency limit too; after it, only those beyond the limit: a part of the group), and
    reads nothing flags."""
    b = sample.builder
    start_run(sample)
    for _ in range(8):
        b.call("settings.android-id", frames=[SDK_FRAME])
    b.consent("accepted")
    b.tick(31_000)  # a window of its own
    for _ in range(9):
        b.call("settings.android-id", frames=[SDK_FRAME])
        b.call("settings.android-id", frames=[PLATFORM_FRAME])
        b.tick(1000)
    b.call("settings.android-id", frames=[APP_FRAME])


def test_each_call_points_at_the_first_finding_resting_on_it(empty_sample: SampleRun) -> None:
    polled(empty_sample)
    result = empty_sample.analyse()
    findings = [f for f in result.analysis.findings if f.suppressed is None]
    groups = result.timeline.groups
    flagged = FlaggedCalls(groups, findings, result.analysis.evidence, {f.id: f.rule for f in findings})

    first_finding = {}
    for finding in findings:
        for event_id in finding.event_ids:
            first_finding.setdefault(event_id, finding.rule)
    assert {"CN-SDK-PRECONSENT", "CN-OVERFREQ"} <= set(first_finding.values())
    partly = [g for g in groups if 0 < sum(c.event.id in first_finding for c in g.calls) < len(g)]
    assert partly, "a group only some of whose calls are evidence (the reads beyond the limit)"
    for group in groups:
        assert flagged.flags(group) == [c.event.id in first_finding for c in group.calls]
        expected = next(((c.position, first_finding[c.event.id]) for c in group.calls
                         if c.event.id in first_finding), None)
        assert flagged.first(group) == expected


def test_calls_judged_by_several_findings_are_counted_once(empty_sample: SampleRun) -> None:
    polled(empty_sample)
    result = empty_sample.analyse()
    findings = result.analysis.findings
    evidence = result.analysis.evidence
    union = {event_id for f in findings for event_id in f.event_ids}
    assert sum(f.count for f in findings if f.event_ids) > len(union), "some calls are evidence twice"
    assert distinct_calls([evidence[f.id] for f in findings if f.event_ids], result.timeline.groups) == len(union)
    for finding in findings:
        if finding.event_ids:
            assert distinct_calls([evidence[finding.id]], result.timeline.groups) == len(finding.event_ids)
            assert [c.event.id for c in calls_in_order(evidence[finding.id])] == finding.event_ids


def test_a_call_of_a_whole_group_and_of_a_part_of_it_points_at_the_earlier_finding(empty_sample: SampleRun) -> None:
    b = empty_sample.builder
    start_run(empty_sample)
    for _ in range(3):
        b.call("settings.android-id", frames=[SDK_FRAME])
    [group] = empty_sample.analyse().timeline.groups
    first, second, _ = group.calls
    earlier, later = SimpleNamespace(id="earlier"), SimpleNamespace(id="later")
    anchors = {"earlier": "#earlier", "later": "#later"}

    def flagged(part: list[bool]) -> FlaggedCalls:
        evidence = {"earlier": [group.subset(part)], "later": [group]}
        return FlaggedCalls([group], [earlier, later], evidence, anchors)  # type: ignore[list-item]

    assert flagged([True, False, False]).first(group) == (first.position, "#earlier")
    assert flagged([False, True, False]).first(group) == (first.position, "#later")
    assert flagged([False, True, False]).flags(group) == [True, True, True]
    assert distinct_calls([[group.subset([False, True, False])], [group]], [group]) == 3
    assert distinct_calls([[group.subset([False, True, True])], [second]], [group]) == 2
