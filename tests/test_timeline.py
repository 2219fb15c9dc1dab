import pytest

from auditor.catalog import Catalog
from auditor.models import (
    AppBackgrounded,
    AppForegrounded,
    AppLaunched,
    AppStopped,
    CatalogEntry,
    ScreenshotTaken,
    Text,
)
from auditor.testing.factories import APP_FRAME, PLATFORM_FRAME, SDK_FRAME, RunBuilder

FINE, COARSE = "android.permission.ACCESS_FINE_LOCATION", "android.permission.ACCESS_COARSE_LOCATION"


@pytest.fixture
def catalog():
    def entry(id, cls, method, pi, permissions=()):
        return CatalogEntry.model_validate({
            "id": id, "class": cls, "method": method, "pi_type": pi, "data": {"en": id, "zh": id},
            "permissions": list(permissions), "description": Text(en=id, zh=id),
        })

    return Catalog([
        entry("ids.android-id", "android.provider.Settings$Secure", "getString", "device-id"),
        entry("loc.last", "android.location.LocationManager", "getLastKnownLocation", "location", [FINE, COARSE]),
    ])


def phases(timeline):
    return [(call.event.entry, call.phase) for call in timeline.calls]


def test_phases_follow_the_users_decisions(catalog):
    run = RunBuilder()
    run.mark(AppLaunched, clear_state=True)
    run.call("ids.android-id")
    run.consent("refused")
    run.call("ids.android-id")
    run.consent("accepted")
    run.permission("denied", "LOCATION", [FINE, COARSE])
    run.call("loc.last", frames=[APP_FRAME], threw="java.lang.SecurityException")
    run.permission("granted", "LOCATION", [FINE, COARSE])
    run.call("loc.last", frames=[APP_FRAME])
    run.mark(AppBackgrounded)
    run.call("ids.android-id")
    run.mark(AppForegrounded)
    run.call("ids.android-id")

    assert phases(run.timeline(catalog)) == [
        ("ids.android-id", "pre-consent"),
        ("ids.android-id", "refused"),
        ("loc.last", "permission-denied(LOCATION)"),
        ("loc.last", "consented"),
        ("ids.android-id", "background"),
        ("ids.android-id", "consented"),
    ]


def test_cursor_decides_order_even_when_clocks_say_otherwise(catalog):
    """An event stamped after the marker by the device clock, but counted before it by the agent's cursor,
    happened before the marker: the cursor is exact, the clocks are not."""
    run = RunBuilder()
    run.mark(AppLaunched, clear_state=True)
    early = run.call("ids.android-id")
    refusal = run.consent("refused")
    early.ts = refusal.ts + 5  # a late clock
    timeline = run.timeline(catalog)
    assert timeline.calls[0].state.consent == "none"


def test_processes_without_a_cursor_are_ordered_by_time(catalog):
    run = RunBuilder()
    run.mark(AppLaunched, clear_state=True)
    run.consent("refused")
    run.call("ids.android-id", pid=2000)  # a process that started after the marker: no cursor for it
    assert run.timeline(catalog).calls[0].state.consent == "refused"


def test_decisions_survive_a_relaunch_but_not_a_clear_state(catalog):
    run = RunBuilder()
    run.mark(AppLaunched, clear_state=True)
    run.consent("refused")
    run.mark(AppStopped)
    run.mark(AppLaunched, clear_state=False)
    run.call("ids.android-id")
    run.mark(AppLaunched, clear_state=True)
    run.call("ids.android-id")
    assert [call.phase for call in run.timeline(catalog).calls] == ["refused", "pre-consent"]


def test_one_time_grant_ends_with_the_app(catalog):
    run = RunBuilder()
    run.mark(AppLaunched, clear_state=True)
    run.consent("accepted")
    run.permission("denied", "LOCATION", [FINE, COARSE])
    run.permission("granted-once", "LOCATION", [FINE, COARSE])
    run.call("loc.last", frames=[APP_FRAME])
    run.mark(AppStopped)
    run.mark(AppLaunched, clear_state=False)
    run.call("loc.last", frames=[APP_FRAME])
    # After the one-time grant lapsed, the earlier denial no longer stands either: the permission is back to "ask".
    assert [call.phase for call in run.timeline(catalog).calls] == ["consented", "consented"]


def test_coarse_grant_is_enough_for_location(catalog):
    run = RunBuilder()
    run.mark(AppLaunched, clear_state=True)
    run.consent("accepted")
    run.permission("denied", "LOCATION", [FINE])
    run.permission("granted", "LOCATION", [COARSE])
    run.call("loc.last", frames=[APP_FRAME])
    assert run.timeline(catalog).calls[0].denial is None


def test_collections_leave_out_platform_calls(catalog):
    run = RunBuilder()
    run.call("ids.android-id", frames=[PLATFORM_FRAME])
    run.call("ids.android-id", frames=[SDK_FRAME])
    timeline = run.timeline(catalog)
    assert [call.caller.origin for call in timeline.collections()] == ["sdk"]


def test_screenshot_for_a_call_is_the_last_one_before_it(catalog):
    run = RunBuilder()
    run.mark(ScreenshotTaken, path="screenshots/1.svg")
    run.mark(ScreenshotTaken, path="screenshots/2.svg")
    run.call("ids.android-id")
    run.mark(ScreenshotTaken, path="screenshots/3.svg")
    timeline = run.timeline(catalog)
    assert timeline.screenshot_for(timeline.calls[0]).path == "screenshots/2.svg"


def test_screenshot_falls_back_to_the_first_after(catalog):
    run = RunBuilder()
    run.call("ids.android-id")
    run.mark(ScreenshotTaken, path="screenshots/1.svg")
    timeline = run.timeline(catalog)
    assert timeline.screenshot_for(timeline.calls[0]).path == "screenshots/1.svg"


def test_calls_are_placed_among_the_markers_alike_by_cursor_or_by_time(catalog):
    """The placement bisects the markers' cursors in C when each marker has one for the call's process, and falls
    back to the marker-by-marker comparison otherwise (a process that started mid-run): both give the count the
    definition gives, for every call."""
    from auditor.timeline import _MarkerPlacer, _markers_before

    run = RunBuilder()
    run.call("ids.android-id")  # pid 1000 runs from the start: every marker has its cursor
    run.mark(AppLaunched, clear_state=True)
    for _ in range(2):
        run.call("ids.android-id")
    run.consent("refused")
    run.call("ids.android-id", pid=2000)  # markers so far have no cursor for pid 2000
    run.call("loc.last")
    run.mark(AppBackgrounded)
    run.call("ids.android-id", pid=2000)
    run.mark(AppForegrounded)
    run.call("loc.last")
    markers = sorted(run.markers, key=lambda m: m.seq)
    place = _MarkerPlacer(markers)
    placed = [place(event) for event in run.events]
    assert placed == [_markers_before(markers, event) for event in run.events]
    assert place.cursors[1000] is not None and place.cursors[2000] is None, "each path was taken"
    assert placed == [0, 1, 1, 2, 2, 3, 4]


def test_every_call_is_in_one_group_of_calls_alike_in_all_a_rule_judges_by(catalog):
    run = RunBuilder()
    run.mark(AppLaunched, clear_state=True)
    for frames in ([SDK_FRAME], [APP_FRAME], [SDK_FRAME]):
        run.call("ids.android-id", frames=frames)
    run.call("loc.last", frames=[APP_FRAME], threw="java.lang.SecurityException")
    run.call("loc.last", frames=[APP_FRAME])
    run.consent("refused")
    run.call("ids.android-id", frames=[SDK_FRAME])
    timeline = run.timeline(catalog)

    members = [call for group in timeline.groups for call in group.calls]
    assert sorted(c.position for c in members) == list(range(len(timeline.calls))), "each call in exactly one"
    assert [len(g) for g in timeline.groups] == [2, 1, 1, 1, 1], "by site, outcome and moment, not by API alone"
    for index, group in enumerate(timeline.groups):
        assert {(c.event.stack, c.entry_id, c.markers_before, c.outcome) for c in group.calls} == {
            (group.event.stack, group.entry_id, group.markers_before, group.outcome)}
        assert [c.group_index for c in group.calls] == [index] * len(group)
        assert group.times == [c.event.ts for c in group.calls]
        assert group.event_ids == [c.event.id for c in group.calls]
        assert (group.phase, group.caller, group.state) == (group.calls[0].phase, group.calls[0].caller,
                                                            group.calls[0].state)
    firsts = [group.calls[0].position for group in timeline.groups]
    assert firsts == sorted(firsts), "groups come in the order of their first calls"
    assert [c.position for c in timeline.collections()] == sorted(c.position for c in timeline.collections())


def test_the_calls_of_interleaved_groups_are_merged_in_timeline_order(catalog):
    from auditor.timeline import calls_in_order, interleaved

    run = RunBuilder()
    for index in range(6):
        run.call("ids.android-id", frames=[SDK_FRAME if index % 2 else APP_FRAME])
    timeline = run.timeline(catalog)
    assert interleaved(timeline.groups)
    assert [c.position for c in calls_in_order(timeline.groups)] == list(range(6))
    assert timeline.event_ids(timeline.groups) == [c.event.id for c in timeline.calls]
    part = timeline.groups[0].subset([True, False, True])
    assert (part.event_ids, part.times) == ([c.event.id for c in part.calls], [c.event.ts for c in part.calls])
    assert [c.position for c in part.calls] == [0, 4] and part.group_index == 0


def test_a_run_of_one_process_is_placed_at_once_as_call_by_call(catalog):
    from auditor.timeline import _MarkerPlacer

    run = RunBuilder()
    run.call("ids.android-id")
    run.mark(AppLaunched, clear_state=True)
    for _ in range(3):
        run.call("ids.android-id")
    run.consent("refused")
    run.call("loc.last")
    run.mark(AppBackgrounded)
    run.call("ids.android-id")
    markers = sorted(run.markers, key=lambda m: m.seq)
    one_by_one = [_MarkerPlacer(markers)(event) for event in run.events]
    assert _MarkerPlacer(markers).place_all(run.events) == one_by_one == [0, 1, 1, 1, 2, 3]
    run.call("ids.android-id", pid=2000)  # two processes: placed one by one
    assert _MarkerPlacer(markers).place_all(run.events) == one_by_one + [3]
