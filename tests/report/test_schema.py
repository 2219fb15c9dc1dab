"""findings.schema.json: shipped, generated from the model, and what findings.json really validates against."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from auditor.models import FindingsDocument
from auditor.report import write_reports
from auditor.report.schema import findings_schema, schema_text, shipped_schema_path
from auditor.store import read_run

from .conftest import SampleRun, small_catalog


def test_the_shipped_schema_is_what_the_model_generates() -> None:
    shipped = shipped_schema_path().read_text(encoding="utf-8")
    assert shipped == schema_text(), "findings.schema.json is stale: run `python -m auditor.report.schema`"


def test_the_schema_is_valid_versioned_and_documented() -> None:
    schema = findings_schema()

    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"] == "urn:consent-audit:findings:1"
    assert schema["properties"]["schema_version"]["const"] == 1
    finding = schema["$defs"]["Finding"]["properties"]
    assert finding["screenshot"]["description"].startswith("Run-dir-relative screenshot")  # from the docstring
    assert FindingsDocument.model_fields["schema_version"].default == 1


def test_a_written_findings_json_validates(sample: SampleRun, tmp_path: Path) -> None:
    from auditor.analysis import analyse_run

    result = analyse_run(read_run(sample.record(tmp_path / "recorded")), packs=["cn-miit"], catalog=small_catalog())
    paths = write_reports(result, formats=("json",))

    assert paths.findings is not None
    document = json.loads(paths.findings.read_text(encoding="utf-8"))
    jsonschema.validate(document, findings_schema(), cls=jsonschema.Draft202012Validator)
    assert document["findings"]


def test_the_schema_rejects_what_findings_json_never_holds_and_takes_added_fields() -> None:
    """An optional field added in a later version keeps schema_version (docs/report.md): documents carrying one,
    anywhere, still validate; a missing or mistyped field, or another major version, does not."""
    validator = jsonschema.Draft202012Validator(findings_schema())
    good = {"tool_version": "0", "run_id": "r", "app": {"package": "p"}, "rules_run": [], "findings": []}
    assert validator.is_valid(good)
    assert not validator.is_valid({**good, "schema_version": 2})
    assert not validator.is_valid({k: v for k, v in good.items() if k != "run_id"})
    assert not validator.is_valid({**good, "rules_run": "CN-OVERFREQ"})
    assert validator.is_valid({**good, "surprise": 1, "app": {"package": "p", "store_url": "https://x.invalid"}})
    assert '"additionalProperties": false' not in schema_text()
