"""The timeline picture: rows by kind of data, dots where calls fell, decisions as lines, unconsented spans shaded."""

from __future__ import annotations

from auditor.models import AppLaunched, AppStopped, RunEnded
from auditor.report.flagged import FlaggedCalls
from auditor.report.picture import BIN_WIDTH, LABELS_WIDTH, RIGHT_MARGIN, WIDTH, build_picture
from auditor.testing.factories import APP_FRAME

from .conftest import COARSE, FINE, SampleRun, start_run


def picture_of(sample: SampleRun, lang: str = "en"):  # type: ignore[no-untyped-def]
    result = sample.analyse()
    findings = result.analysis.findings
    flagged = FlaggedCalls(result.timeline.groups, findings, result.analysis.evidence, {f.id: f.id for f in findings})
    return build_picture(result.timeline, sample.start, flagged, lang)  # type: ignore[arg-type]


def test_rows_are_the_kinds_of_data_read_with_their_counts(sample: SampleRun) -> None:
    picture = picture_of(sample)

    assert [(lane.category, lane.label, lane.calls) for lane in picture.lanes] == [
        ("device-id", "device identifiers", 1), ("location", "location", 2),
    ]
    assert (picture.calls, picture.flagged_calls) == (3, 3)


def test_a_call_before_consent_falls_inside_the_shaded_span_before_the_agreement(sample: SampleRun) -> None:
    picture = picture_of(sample)

    [band] = picture.bands
    agreed, denied = picture.decisions
    [android_id] = [dot for dot in picture.dots if dot.y == picture.lanes[0].y]
    assert band.kind == "pre-consent"
    assert float(band.x) <= float(android_id.x) <= float(band.x) + float(band.width)
    assert float(android_id.x) < float(agreed.x)
    assert abs(float(band.x) + float(band.width) - float(agreed.x)) < 0.2, "the span ends at the agreement"
    assert android_id.flagged and "Android ID ×1" in android_id.title and "1 in findings" in android_id.title


def test_decisions_are_labelled_lines_whose_labels_do_not_overlap(sample: SampleRun) -> None:
    picture = picture_of(sample)

    assert [(d.kind, d.label) for d in picture.decisions] == [
        ("consent-accepted", "agreed"), ("permission-denied", "LOCATION denied"),
    ]
    agreed, denied = picture.decisions
    assert float(denied.x) - float(agreed.x) < 20, "100 ms apart: the labels would collide on one row"
    assert agreed.label_y != denied.label_y
    assert agreed.title == "+4.6 s The user agreed to the privacy policy (tapped “Agree”)"


def test_calls_after_the_grant_are_drawn_but_not_red(empty_sample: SampleRun) -> None:
    b = empty_sample.builder
    start_run(empty_sample)
    b.consent("accepted")
    b.permission("granted", "LOCATION", [FINE, COARSE])
    b.call("location.last-known", frames=[APP_FRAME])
    b.mark(RunEnded, status="completed")

    picture = picture_of(empty_sample)

    [dot] = picture.dots
    assert not dot.flagged and "in findings" not in dot.title
    assert [band.kind for band in picture.bands] == ["pre-consent"]
    assert [d.kind for d in picture.decisions] == ["consent-accepted", "permission-granted"]


def test_a_refused_span_lasts_across_relaunches_until_the_user_agrees(empty_sample: SampleRun) -> None:
    b = empty_sample.builder
    start_run(empty_sample)
    b.consent("refused")
    b.tick(1000)
    b.mark(AppStopped)
    b.tick(1000)
    b.mark(AppLaunched, clear_state=False)
    b.tick(1000)
    b.consent("accepted")
    b.mark(RunEnded, status="completed")

    picture = picture_of(empty_sample)

    assert [band.kind for band in picture.bands] == ["pre-consent", "refused", "refused"]
    assert [app.kind for app in picture.app_marks] == ["launch", "stop", "launch"]


def test_many_calls_draw_a_bounded_number_of_dots(empty_sample: SampleRun) -> None:
    b = empty_sample.builder
    start_run(empty_sample)
    for _ in range(20_000):
        b.call("settings.android-id", frames=[APP_FRAME])
        b.now -= 99.0  # 1 ms apart: 20 s of calls
    b.mark(RunEnded, status="completed")

    picture = picture_of(empty_sample)

    most = (WIDTH - LABELS_WIDTH - RIGHT_MARGIN) / BIN_WIDTH + 1
    assert 0 < len(picture.dots) <= most
    assert max(float(dot.r) for dot in picture.dots) <= 9.0
    assert picture.calls == 20_000


def test_ticks_cover_the_run_in_round_steps(sample: SampleRun) -> None:
    picture = picture_of(sample)

    assert [tick.label for tick in picture.ticks] == [
        "+0 ms", "+1.0 s", "+2.0 s", "+3.0 s", "+4.0 s", "+5.0 s", "+6.0 s", "+7.0 s", "+8.0 s",
    ]
    assert float(picture.ticks[0].x) == LABELS_WIDTH


def test_chinese_labels(sample: SampleRun) -> None:
    picture = picture_of(sample, "zh")

    assert [lane.label for lane in picture.lanes] == ["设备标识符", "位置"]
    assert [d.label for d in picture.decisions] == ["同意隐私政策", "LOCATION 拒绝"]
