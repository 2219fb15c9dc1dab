"""A JSON Schema of the scenario language for editors, generated from the step models.

YAML editors (the YAML language server behind VS Code, IntelliJ...) check each document of a file against the
schema, so it accepts either a header or a list of steps. A step is written as the loader reads it: the bare
name (`- back`), the name with its shorthand value (`- tapOn: "OK"`), or the name with a mapping of its fields.
Numbers, booleans and choices (`consent: ${ACTION}`) may be `${VARIABLE}` references, as the loader allows;
selectors inside other fields (`when: {visible: ...}`) may be a plain string. The rules that tie fields together are
in the schema too, as far as JSON Schema can say them (`oneOf` / `anyOf` / `not` over which fields are present):
exactly one selector, a condition to check, a direction or two points, a file or commands, a bound for `repeat`,
never `optional: true` with `onFailure: stop`. What a schema cannot say (an undefined variable, a missing or
cyclic include, a regular expression that does not compile) is `consent-audit scenario validate`'s job.
"""

from __future__ import annotations

import copy
from typing import Any

from auditor.permissions import PERMISSION_GROUPS, full_permission_name
from auditor.scenario.hierarchy import SELECTOR_KINDS
from auditor.scenario.model import (
    STEP_TYPES,
    STEPS_SCHEMA_MARK,
    Repeat,
    RunFlow,
    ScenarioHeader,
    SelectorFields,
    StepModel,
    Swipe,
)

SCHEMA_ID = "https://consent-audit.invalid/schemas/scenario.json"
_VARIABLE_REFERENCE = {"type": "string", "pattern": r"^\$\{[A-Za-z_][A-Za-z0-9_]*\}$"}
_SELECTOR_DEF = "SelectorSpec"
_CONDITION_DEF = "Condition"
_REF_PREFIX = "#/$defs/"
# A string that holds a variable reference is checked once expanded, so a pattern lets it through.
_OR_VARIABLE = r"|.*\$\{.*"
_FIELD_PATTERNS: dict[tuple[type[StepModel], str], str] = {
    (Swipe, "from"): r"^(?:\s*\d+(?:\.\d+)?%?\s*,\s*\d+(?:\.\d+)?%?\s*" + _OR_VARIABLE + ")$",
    (Swipe, "to"): r"^(?:\s*\d+(?:\.\d+)?%?\s*,\s*\d+(?:\.\d+)?%?\s*" + _OR_VARIABLE + ")$",
}


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) one document of a scenario file must satisfy."""
    definitions: dict[str, Any] = {}
    step_forms: list[dict[str, Any]] = []
    for name, model in STEP_TYPES.items():
        fields = _model_schema(model, definitions)
        definitions[f"step.{name}"] = fields
        step_forms.extend(_step_forms(name, model, fields))
    definitions["step"] = {"description": "One step: `- name`, `- name: value` or `- name: {field: value}`.",
                           "anyOf": step_forms}
    definitions["steps"] = {"type": "array", "minItems": 1, "items": {"$ref": _REF_PREFIX + "step"},
                            "description": "The list of steps, run in order."}
    definitions[_SELECTOR_DEF]["oneOf"] = [_present(kind) for kind in SELECTOR_KINDS]
    definitions[_CONDITION_DEF]["anyOf"] = [_present(name) for name in ("visible", "notVisible", "permissionDialog")]
    steps_part = _allow_variables(_selectors_as_strings(_nested_steps(definitions)))
    # The header's fields are read as written: no variables there but in name, appId and tags (strings anyway).
    steps_part["header"] = _model_schema(ScenarioHeader, {})
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "description": "A scenario file: an optional header document, `---`, then the list of steps. "
        "Each YAML document of the file matches this schema.",
        "anyOf": [{"$ref": _REF_PREFIX + "steps"}, {"$ref": _REF_PREFIX + "header"}],
        "$defs": steps_part,
    }
    tidy: dict[str, Any] = _tidy_descriptions(schema)
    return {"$schema": tidy.pop("$schema"), "$id": tidy.pop("$id"), "title": "consent-audit scenario", **tidy}


def _present(name: str) -> dict[str, Any]:
    """The field is written, with a value (an optional field may be written empty, which is as if it were not)."""
    return {"required": [name], "properties": {name: {"not": {"type": "null"}}}}


def _absent(*names: str) -> dict[str, Any]:
    return {"not": {"anyOf": [_present(name) for name in names]}}


def _field_rules(model: type[StepModel]) -> list[dict[str, Any]]:
    """What the step's validators demand of which fields are written, as JSON Schema."""
    rules: list[dict[str, Any]] = []
    if issubclass(model, SelectorFields):
        rules.append({"oneOf": [_present(kind) for kind in SELECTOR_KINDS]})
    if model is Swipe:
        rules.append({"oneOf": [{"allOf": [_present("direction"), _absent("from", "to")]},
                                {"allOf": [_present("from"), _present("to"), _absent("direction")]}]})
    if model is RunFlow:
        rules.append({"oneOf": [{"allOf": [_present("file"), _absent("commands")]},
                                {"allOf": [_present("commands"), _absent("file")]}]})
    if model is Repeat:
        rules.append({"anyOf": [_present("times"), _present("while")]})
    return rules


_OPTIONAL_AND_STOP: dict[str, Any] = {"not": {"required": ["optional", "onFailure"], "properties": {
    "optional": {"const": True}, "onFailure": {"const": "stop"}}}}
"""`optional: true` means going on after a failure: `onFailure: stop` contradicts it."""


def _permission_names() -> list[str]:
    """Every runtime permission by the names a `permission` step takes: short (`CAMERA`) and full."""
    names: list[str] = []
    for permissions in PERMISSION_GROUPS.values():
        for permission in permissions:
            full = full_permission_name(permission)
            names.extend([permission, full] if full != permission else [full])
    return names


def _model_schema(model: type[Any], definitions: dict[str, Any]) -> dict[str, Any]:
    """The model's own schema (fields by their YAML names), its nested models moved into `definitions`."""
    generated = model.model_json_schema(by_alias=True, ref_template=_REF_PREFIX + "{model}")
    for key, nested in generated.pop("$defs", {}).items():
        definitions.setdefault(key, nested)
    properties = generated.get("properties", {})
    properties.pop("step", None)
    generated["required"] = [name for name in generated.get("required", []) if name != "step"]
    if not generated["required"]:
        del generated["required"]
    generated["additionalProperties"] = False
    if model.model_config.get("coerce_numbers_to_str"):
        # `tapOn: 7` taps the key labelled 7: such text fields take numbers too.
        generated["properties"] = properties = _numbers_as_text(properties)
    for (owner, name), pattern in _FIELD_PATTERNS.items():
        if model is owner:
            properties[name]["pattern"] = pattern
    if "permission" in properties and model is STEP_TYPES["permission"]:
        properties["permission"]["enum"] = [*_permission_names(), None]
    if issubclass(model, StepModel):
        rules = [*_field_rules(model), _OPTIONAL_AND_STOP]
        generated["allOf"] = rules
    doc = (model.__doc__ or "").strip()
    if doc:
        generated["description"] = " ".join(doc.split("\n\n")[0].split())
    return dict(generated)


def _step_forms(name: str, model: type[StepModel], fields: dict[str, Any]) -> list[dict[str, Any]]:
    ref = {"$ref": f"{_REF_PREFIX}step.{name}"}
    needs_value = bool(fields.get("required")) or bool(_field_rules(model))
    values: list[dict[str, Any]] = [ref]
    if model.shorthand is not None and not model.takes_no_value:
        shorthand = copy.deepcopy(fields["properties"][model.shorthand])
        shorthand.pop("default", None)
        if "anyOf" in shorthand:
            # `- tapOn:` written empty is the bare name, not a value.
            shorthand["anyOf"] = [option for option in shorthand["anyOf"] if option != {"type": "null"}]
        values.insert(0, shorthand)
    if not needs_value:
        values.append({"type": "null"})
    forms: list[dict[str, Any]] = [{
        "type": "object",
        "properties": {name: {"anyOf": values}},
        "required": [name],
        "additionalProperties": False,
        "description": fields.get("description", ""),
    }]
    if not needs_value:
        forms.insert(0, {"const": name, "description": fields.get("description", "")})
    return forms


def _numbers_as_text(node: Any) -> Any:
    if isinstance(node, dict):
        converted = {key: _numbers_as_text(value) for key, value in node.items()}
        if converted.get("type") == "string":
            converted["type"] = ["string", "number"]
        return converted
    if isinstance(node, list):
        return [_numbers_as_text(value) for value in node]
    return node


def _tidy_descriptions(node: Any) -> Any:
    """Descriptions come from docstrings: one line each, and no generated titles (the names say it)."""
    if isinstance(node, dict):
        return {
            key: " ".join(value.split()) if key == "description" and isinstance(value, str)
            else _tidy_descriptions(value)
            for key, value in node.items()
            if not (key == "title" and isinstance(value, str))
        }
    if isinstance(node, list):
        return [_tidy_descriptions(value) for value in node]
    return node


def _nested_steps(node: Any) -> Any:
    """`commands` of runFlow and repeat hold steps: point them at the list of steps."""
    if isinstance(node, dict):
        if node.get(STEPS_SCHEMA_MARK):
            kept = {key: value for key, value in node.items() if key in ("description", "title")}
            return {**kept, "$ref": _REF_PREFIX + "steps"}
        return {key: _nested_steps(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_nested_steps(value) for value in node]
    return node


def _selectors_as_strings(node: Any) -> Any:
    """Wherever a selector mapping is expected, a plain string (its text) is fine too."""
    if isinstance(node, dict):
        if node.get("$ref") == _REF_PREFIX + _SELECTOR_DEF and len(node) == 1:
            return {"anyOf": [{"type": ["string", "number"]}, dict(node)]}
        return {key: _selectors_as_strings(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_selectors_as_strings(value) for value in node]
    return node


def _allow_variables(node: Any) -> Any:
    """A number, boolean or choice may be written as a `${VARIABLE}` reference (expanded when loading)."""
    if isinstance(node, dict):
        converted = {key: _allow_variables(value) for key, value in node.items()}
        kind = converted.get("type")
        if kind in ("number", "integer", "boolean") or "enum" in converted:
            typed = {key: value for key, value in converted.items() if key not in ("default", "description",
                                                                                  "title")}
            wrapper = {key: value for key, value in converted.items() if key in ("default", "description", "title")}
            wrapper["anyOf"] = [typed, dict(_VARIABLE_REFERENCE)]
            return wrapper
        return converted
    if isinstance(node, list):
        return [_allow_variables(value) for value in node]
    return node
