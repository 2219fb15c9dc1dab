import json

import pytest

from auditor.errors import InputError
from auditor.models import AppLaunched, ConsentDecision, CoverageRecord, StackRecord
from auditor.store import EVENTS, MARKERS, RunWriter, read_run
from auditor.testing.factories import RunBuilder, run_meta


def test_a_run_reads_back_exactly_what_was_written(tmp_path):
    build = RunBuilder()
    build.mark(AppLaunched, clear_state=True)
    event = build.call("settings.android-id")
    build.consent("refused")
    writer = RunWriter(tmp_path / "run", run_meta())
    writer.append_events([event], [StackRecord(id=event.stack, frames=build.stacks[event.stack])])
    for marker in build.markers:
        writer.append_marker(marker)
    writer.append_coverage(CoverageRecord(pid=1000, process="p", ts=1.0, installed=[], failed=[]))
    writer.close()

    run = read_run(tmp_path / "run")
    assert run.events == [event]
    assert run.stacks == {event.stack: build.stacks[event.stack]}
    assert [m.kind for m in run.markers] == ["app-launch", "consent"]
    assert isinstance(run.markers[1], ConsentDecision) and run.markers[1].decision == "refused"
    assert run.problems == []


def test_each_record_is_on_disk_as_soon_as_it_is_appended(tmp_path):
    build = RunBuilder()
    writer = RunWriter(tmp_path / "run", run_meta())
    writer.append_events([build.call("wifi.mac")], [])
    # No close(): a crashed harness must still leave the record readable.
    assert len((tmp_path / "run" / EVENTS).read_text().splitlines()) == 1


def test_a_torn_last_line_is_reported_not_fatal(tmp_path):
    build = RunBuilder()
    writer = RunWriter(tmp_path / "run", run_meta())
    writer.append_marker(build.mark(AppLaunched, clear_state=False))
    writer.close()
    with open(tmp_path / "run" / MARKERS, "a") as handle:
        handle.write('{"kind": "consent", "seq": 1, "ts"')
    run = read_run(tmp_path / "run")
    assert len(run.markers) == 1
    assert run.problems and run.problems[0].startswith("markers.jsonl:2:")


def test_an_existing_run_is_never_overwritten(tmp_path):
    RunWriter(tmp_path / "run", run_meta()).close()
    with pytest.raises(InputError, match="already exists"):
        RunWriter(tmp_path / "run", run_meta())


def test_artifacts_are_write_once(tmp_path):
    writer = RunWriter(tmp_path / "run", run_meta())
    writer.write_artifact("screenshots/a.svg", b"<svg/>")
    with pytest.raises(FileExistsError):
        writer.write_artifact("screenshots/a.svg", b"<svg/>")


def test_reading_something_that_is_not_a_run_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="not a run directory"):
        read_run(tmp_path)
    (tmp_path / "meta.json").write_text(json.dumps({"run_id": 3}))
    with pytest.raises(InputError, match="unreadable run metadata"):
        read_run(tmp_path)


def test_unmasked_values_are_kept_apart_from_the_events_and_restored_on_reading(tmp_path):
    from auditor.models import RecordedValue

    build = RunBuilder()
    event = build.call("telephony.imei")
    event.ret = RecordedValue(type="java.lang.String", text="3569********809", masked=True, raw="356938035643809")
    writer = RunWriter(tmp_path / "run", run_meta())
    writer.append_events([event], [])
    writer.close()
    assert "356938035643809" not in (tmp_path / "run" / EVENTS).read_text()
    assert "356938035643809" in (tmp_path / "run" / "values.jsonl").read_text()
    [restored] = read_run(tmp_path / "run").events
    assert restored.ret.text == "3569********809" and restored.ret.raw == "356938035643809"
