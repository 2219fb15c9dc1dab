"""The JSON Schema of findings.json, generated from the pydantic model that writes it.

The schema ships as `reports/findings.schema.json` (in a wheel, `auditor/_data/reports/`), so that CI jobs and
other tools can validate findings.json without consent-audit. A test checks the file equals what the model
generates now; after changing `FindingsDocument` or what it holds, regenerate it:

    python -m auditor.report.schema

Versioning: `schema_version` in findings.json names the schema's major version. Adding an optional field keeps
it; removing or renaming a field, or changing its meaning or type, raises it. So the schema lets every object hold
fields it does not name (`additionalProperties: true`): a findings.json from a later consent-audit of the same
major version validates against this schema, and a consumer must ignore what it does not know. (The model itself
forbids unknown fields: what this tool writes is exactly what it declares.)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from auditor.models import FindingsDocument
from auditor.resources import SOURCE_ROOT, data_dir

SCHEMA_FILE = "findings.schema.json"
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def findings_schema() -> dict[str, Any]:
    schema = _open_objects(FindingsDocument.model_json_schema(mode="serialization"))
    version = FindingsDocument.model_fields["schema_version"].default
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": f"urn:consent-audit:findings:{version}",
        "title": "consent-audit findings.json",
        "description": "The findings of one consent-audit run: which rules ran and what each found, with the "
                       "evidence (event ids in events.jsonl, marker seq numbers in markers.jsonl, screenshot) it "
                       f"rests on. Schema version {version}.",
        **{key: value for key, value in schema.items() if key not in ("title", "description")},
    }


def _open_objects(node: Any) -> Any:
    """Every object schema of `node` allowing fields it does not name (see Versioning above)."""
    if isinstance(node, dict):
        opened = {key: _open_objects(value) for key, value in node.items()}
        if opened.get("additionalProperties") is False:
            opened["additionalProperties"] = True
        return opened
    if isinstance(node, list):
        return [_open_objects(item) for item in node]
    return node


def schema_text() -> str:
    return json.dumps(findings_schema(), ensure_ascii=False, indent=2) + "\n"


def shipped_schema_path() -> Path:
    return data_dir("reports") / SCHEMA_FILE


def main() -> int:
    target = SOURCE_ROOT / "reports" / SCHEMA_FILE
    target.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
