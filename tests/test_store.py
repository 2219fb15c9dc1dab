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


def _repeated_calls(tmp_path, raws):
    """A run of calls alike but for their ids, times and unmasked values (`raws`, one per call)."""
    from auditor.models import RecordedValue

    build = RunBuilder()
    events = []
    for raw in raws:
        event = build.call("telephony.imei")
        event.ret = RecordedValue(type="java.lang.String", text="3569********809", masked=True, raw=raw)
        events.append(event)
    writer = RunWriter(tmp_path / "run", run_meta())
    writer.append_events(events, [])
    writer.close()
    return events


def test_calls_read_alike_are_the_events_validated_in_full(tmp_path):
    """Lines that differ in id, seq and time only are read as copies of the first one validated: they must be
    exactly the events the model makes of each line, unmasked values included, and never share a raw value with
    a call that read another one."""
    from auditor.models import HookEvent

    written = _repeated_calls(tmp_path, ["356938035643809", "356938035643809", "490154203237518", None,
                                         "356938035643809"])
    events = read_run(tmp_path / "run").events
    assert events == written
    lines = (tmp_path / "run" / EVENTS).read_bytes().splitlines()
    for event, line in zip(events, lines, strict=True):
        alone = HookEvent.model_validate_json(line)
        assert event.model_dump(exclude_unset=True) == alone.model_dump(exclude_unset=True)
        assert event.model_fields_set == alone.model_fields_set
    assert [e.ret.raw for e in events] == ["356938035643809", "356938035643809", "490154203237518", None,
                                           "356938035643809"]
    assert events[1].ret is events[0].ret, "calls read alike share their values"
    assert events[2].ret is not events[0].ret and events[3].ret is not events[0].ret
    events[1].seq = 99
    assert events[0].seq != 99 and events[4].seq != 99


@pytest.mark.parametrize("change", [b'"seq": "first"', b'"ts": "soon"', b'"id": 7', b'"pid": "x"'])
def test_a_bad_line_among_calls_read_alike_is_reported_with_its_line(tmp_path, change):
    _repeated_calls(tmp_path, [None, None, None])
    path = tmp_path / "run" / EVENTS
    lines = path.read_bytes().splitlines()
    field = change.split(b":")[0]
    start = lines[1].index(field + b":")
    end = min(i for i in (lines[1].find(b",", start), lines[1].find(b"}", start)) if i > 0)
    lines[1] = lines[1][:start] + change + lines[1][end:]
    path.write_bytes(b"\n".join(lines) + b"\n")
    run = read_run(tmp_path / "run")
    assert len(run.events) == 2
    assert run.problems == ["events.jsonl:2: unreadable record (1 validation error for HookEvent)"]


def test_a_number_the_model_accepts_is_read_as_the_model_reads_it(tmp_path):
    _repeated_calls(tmp_path, [None, None])
    path = tmp_path / "run" / EVENTS
    text = path.read_text().splitlines()
    second = json.loads(text[1])
    text[1] = text[1].replace(f'"seq":{second["seq"]}', f'"seq":{second["seq"]}.0')
    assert f'"seq":{second["seq"]}.0' in text[1]
    path.write_text("\n".join(text) + "\n")
    run = read_run(tmp_path / "run")
    assert run.problems == [] and run.events[1].seq == second["seq"]


# ------------------------------------------------------------------------------------------------- integrity


def sealed_run(tmp_path):
    from auditor.models import RunEnded

    build = RunBuilder()
    event = build.call("settings.android-id")
    writer = RunWriter(tmp_path / "run", run_meta())
    writer.append_events([event], [StackRecord(id=event.stack, frames=build.stacks[event.stack])])
    writer.append_marker(build.mark(RunEnded, status="completed"))
    writer.write_artifact("screenshots/0001.svg", b"<svg/>")
    digest = writer.seal()
    return tmp_path / "run", writer, digest


def test_sealing_writes_the_digest_of_every_recorded_file(tmp_path):
    import hashlib

    from auditor.store import MANIFEST, EvidenceManifest

    directory, _, digest = sealed_run(tmp_path)

    raw = (directory / MANIFEST).read_bytes()
    assert digest == hashlib.sha256(raw).hexdigest()
    manifest = EvidenceManifest.model_validate_json(raw)
    assert sorted(manifest.files) == [
        "events.jsonl", "markers.jsonl", "meta.json", "screenshots/0001.svg", "stacks.jsonl",
    ]
    assert manifest.files["screenshots/0001.svg"].sha256 == hashlib.sha256(b"<svg/>").hexdigest()
    assert manifest.files["screenshots/0001.svg"].size == 6
    assert manifest.run_id == "testrun" and manifest.tool_version == "0"


def test_a_sealed_run_records_nothing_more(tmp_path):
    _, writer, _ = sealed_run(tmp_path)
    with pytest.raises(RuntimeError, match="sealed"):
        writer.append_device_log("late line")
    with pytest.raises(RuntimeError, match="sealed"):
        writer.write_artifact("screenshots/late.svg", b"<svg/>")


def test_a_sealed_run_verifies_intact(tmp_path):
    from auditor.store import verify_run

    directory, _, digest = sealed_run(tmp_path)

    result = verify_run(directory)
    assert result.intact
    assert (result.manifest_sha256, result.evidence_files, result.derived_files) == (digest, 5, 0)


def test_verify_names_a_file_changed_by_one_byte(tmp_path):
    from auditor.store import verify_run

    directory, _, _ = sealed_run(tmp_path)
    data = bytearray((directory / EVENTS).read_bytes())
    data[10] ^= 0x01
    (directory / EVENTS).write_bytes(bytes(data))

    result = verify_run(directory)
    assert not result.intact
    assert (result.changed, result.missing, result.added) == ([EVENTS], [], [])


def test_verify_names_missing_and_added_files(tmp_path):
    from auditor.store import verify_run

    directory, _, _ = sealed_run(tmp_path)
    (directory / "screenshots" / "0001.svg").unlink()
    (directory / "screenshots" / "0002.svg").write_bytes(b"<svg/>")

    result = verify_run(directory)
    assert (result.changed, result.missing, result.added) == ([], ["screenshots/0001.svg"], ["screenshots/0002.svg"])


def test_derived_files_are_checked_and_bound_to_the_evidence_manifest(tmp_path):
    from auditor.store import DERIVED_MANIFEST, MANIFEST, verify_run, write_derived_manifest

    directory, _, digest = sealed_run(tmp_path)
    (directory / "report.html").write_text("<p>report</p>")
    write_derived_manifest(directory, ["report.html"], "0")
    assert verify_run(directory).intact
    assert json.loads((directory / DERIVED_MANIFEST).read_text())["evidence_manifest_sha256"] == digest

    (directory / "report.html").write_text("<p>edited</p>")
    assert verify_run(directory).changed == ["report.html"]

    (directory / "report.html").write_text("<p>report</p>")
    manifest = json.loads((directory / MANIFEST).read_text())
    manifest["sealed_at"] = "2000-01-01T00:00:00+00:00"  # a manifest rewritten after the fact
    (directory / MANIFEST).write_text(json.dumps(manifest))
    result = verify_run(directory)
    assert not result.intact and result.notes[0].startswith(f"{DERIVED_MANIFEST} was made from another {MANIFEST}")


def test_a_run_without_manifest_is_not_intact(tmp_path):
    from auditor.store import verify_run

    writer = RunWriter(tmp_path / "run", run_meta())
    writer.close()  # cut off: never sealed

    result = verify_run(tmp_path / "run")
    assert not result.intact and result.manifest_sha256 is None
    assert result.notes == ["no manifest.json: the run did not end normally, so its files were never sealed"]


def test_verify_refuses_what_is_not_a_run_and_an_unreadable_manifest(tmp_path):
    from auditor.store import MANIFEST, verify_run

    with pytest.raises(InputError, match="not a run directory"):
        verify_run(tmp_path)
    directory, _, _ = sealed_run(tmp_path)
    (directory / MANIFEST).write_text("{")
    with pytest.raises(InputError, match=r"manifest.json: unreadable manifest"):
        verify_run(directory)
