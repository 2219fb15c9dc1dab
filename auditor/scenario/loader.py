"""Reading scenario files: YAML documents in, a validated `Scenario` out, or an InputError at `file:line:column`.

A file is an optional header document, `---`, then the list of steps; a file holding only the list is fine.
`${NAME}` in any string value is replaced by a variable: the header's `env`, overridden by those passed in
(`$${` writes a literal `${`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from auditor.errors import InputError
from auditor.models import StepRef
from auditor.scenario.model import (
    HEADER_FIELDS,
    STEP_TYPES,
    VARIABLE_NAME,
    Scenario,
    ScenarioHeader,
    ScenarioStep,
    StepModel,
)
from auditor.yamlfile import Position, load_documents, position_of

_REFERENCE = re.compile(r"\$(\$)?\{([^}]*)(\})?")


def load_scenario(path: Path | str, env: Mapping[str, str] | None = None) -> Scenario:
    """Read and validate the scenario at `path`. `env` overrides the header's variables. Raises InputError."""
    path = Path(path)
    return parse_scenario(load_documents(path), str(path), env)


def parse_scenario(documents: list[Any], file: str, env: Mapping[str, str] | None = None) -> Scenario:
    """Validate the YAML documents of a scenario file (as `auditor.yamlfile.load_documents` gives them; plain
    dicts and lists work too, without positions).

    Pure: the same documents and variables give the same scenario. Raises InputError naming `file:line:column`."""
    header_node, steps_node = _split_documents(documents, file)
    header = _parse_header(header_node, file)
    variables = {**header.env, **dict(env or {})}
    name = _expand(header.name, variables, _position(header_node, ["name"], file)) if header.name else None
    app_id = _expand(header.app_id, variables, _position(header_node, ["appId"], file)) if header.app_id else None
    tags = [
        _expand(tag, variables, _position(header_node, ["tags", index], file))
        for index, tag in enumerate(header.tags)
    ]
    steps = [_parse_step(steps_node, index, file, variables) for index in range(len(steps_node))]
    return Scenario(
        name=name or Path(file).stem,
        path=file,
        app_id=app_id,
        tags=tags,
        env=variables,
        steps=steps,
    )


# --------------------------------------------------------------------------------------------
# Documents and header


def _split_documents(documents: list[Any], file: str) -> tuple[dict[Any, Any] | None, list[Any]]:
    present = list(documents)
    while present and present[-1] is None:
        present.pop()
    if not present:
        raise InputError("the scenario is empty: write the list of steps (`- launchApp` ...)", where=file)
    if len(present) > 2:
        raise InputError(
            "a scenario has at most two documents: a header, `---`, then the list of steps",
            where=str(_own_position(present[2], file)),
        )
    if len(present) == 1:
        header, steps = None, present[0]
        if isinstance(steps, dict):
            raise InputError(
                "this is a header without steps: add `---` after it and then the list of steps",
                where=str(_own_position(steps, file)),
            )
    else:
        header, steps = present
        if header is not None and not isinstance(header, dict):
            raise InputError(
                "the first document must be the header (`name: ...`, `appId: ...`) or be left out",
                where=str(_own_position(header, file)),
            )
    if not isinstance(steps, list):
        raise InputError("the steps must be a YAML list (`- launchApp`, `- tapOn: ...`)",
                         where=str(_own_position(steps, file)))
    if not steps:
        raise InputError("the list of steps is empty", where=str(_own_position(steps, file)))
    return header, steps


def _parse_header(node: dict[Any, Any] | None, file: str) -> ScenarioHeader:
    if node is None:
        return ScenarioHeader()
    _reject_unknown_keys(node, HEADER_FIELDS, file, "header field")
    try:
        return ScenarioHeader.model_validate(_plain(node))
    except ValidationError as exc:
        raise _validation_error(exc, node, file, "", _own_position(node, file)) from None


# --------------------------------------------------------------------------------------------
# Steps


def _parse_step(steps: list[Any], index: int, file: str, variables: Mapping[str, str]) -> ScenarioStep:
    item = steps[index]
    item_position = _item_position(steps, index, file)
    value_position = item_position
    if isinstance(item, str):
        name, value = item, None
    elif isinstance(item, dict) and len(item) == 1:
        name, value = next(iter(item.items()))
        name = str(name)
        value_position = _position(item, [name], file)
    elif isinstance(item, dict):
        keys = ", ".join(str(key) for key in item)
        raise InputError(
            f"a step has one name, this item has {len(item)} ({keys}): indent a step's options under its name",
            where=str(item_position),
        )
    else:
        raise InputError("a step is a step name (`- back`) or `- name: value`", where=str(item_position))

    model = STEP_TYPES.get(name)
    if model is None:
        suggestion = _closest(name, STEP_TYPES)
        hint = f" (did you mean '{suggestion}'?)" if suggestion else f" (steps: {', '.join(STEP_TYPES)})"
        raise InputError(f"unknown step '{name}'{hint}", where=str(item_position))

    data = _step_data(model, name, value, file, value_position, variables)
    try:
        action = model.model_validate(data)
    except ValidationError as exc:
        raise _validation_error(exc, value, file, name, value_position) from None
    ref = StepRef(index=index, name=name, file=file, line=item_position.line)
    return ScenarioStep.model_validate({"ref": ref, "action": action})


def _step_data(
    model: type[StepModel], name: str, value: Any, file: str, position: Position, variables: Mapping[str, str],
) -> dict[str, Any]:
    if value is None or (isinstance(value, dict) and not value):
        required = [
            field.alias or key for key, field in model.model_fields.items() if field.is_required()
        ]
        if required:
            raise InputError(f"'{name}' needs a value: {required[0]}", where=str(position))
        return {}
    if model.takes_no_value:
        raise InputError(f"'{name}' takes no value: write `- {name}`", where=str(position))
    if isinstance(value, dict):
        _reject_unknown_keys(value, _field_names(model), file, "field", owner=name)
        expanded = _plain(value, variables, file)
        assert isinstance(expanded, dict)
        return expanded
    if isinstance(value, list):
        raise InputError(f"'{name}' takes a value or a mapping of fields, not a list", where=str(position))
    if model.shorthand is None:
        fields = ", ".join(_field_names(model))
        raise InputError(f"'{name}' takes a mapping of fields ({fields}), not a single value", where=str(position))
    return {model.shorthand: _plain_scalar(value, variables, position)}


def _field_names(model: type[StepModel]) -> list[str]:
    return [field.alias or key for key, field in model.model_fields.items() if key != "step"]


# --------------------------------------------------------------------------------------------
# Variables


def _expand(text: str, variables: Mapping[str, str], position: Position) -> str:
    def replace(match: re.Match[str]) -> str:
        escaped, name, closed = match.group(1), match.group(2), match.group(3)
        if escaped:
            return "${" + name + (closed or "")
        if closed is None:
            raise InputError("unclosed '${' (write '$${' for a literal '${')", where=str(position))
        if not VARIABLE_NAME.fullmatch(name):
            raise InputError(f"'${{{name}}}' does not name a variable (letters, digits, underscores)",
                             where=str(position))
        if name not in variables:
            raise InputError(
                f"undefined variable '{name}' (define it under `env:` in the header, or pass it when running)",
                where=str(position),
            )
        return variables[name]

    return _REFERENCE.sub(replace, text)


def _plain(node: Any, variables: Mapping[str, str] | None = None, file: str = "") -> Any:
    """Plain dicts, lists and scalars for pydantic, with variables expanded in strings when `variables` is given."""
    if isinstance(node, dict):
        return {
            str(key): _plain(value, variables, file) if not isinstance(value, str) or variables is None
            else _expand(value, variables, _position(node, [key], file))
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [
            _plain(value, variables, file) if not isinstance(value, str) or variables is None
            else _expand(value, variables, _item_position(node, index, file))
            for index, value in enumerate(node)
        ]
    return _scalar(node)


def _plain_scalar(value: Any, variables: Mapping[str, str], position: Position) -> Any:
    return _expand(value, variables, position) if isinstance(value, str) else _scalar(value)


def _scalar(value: Any) -> Any:
    # ruamel gives int/float subclasses that remember their formatting; pydantic wants the plain values.
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    return value


# --------------------------------------------------------------------------------------------
# Errors and positions


def _reject_unknown_keys(
    node: dict[Any, Any], allowed: Iterable[str], file: str, what: str, owner: str = "",
) -> None:
    allowed = list(allowed)
    for key in node:
        if key in allowed:
            continue
        suggestion = _closest(str(key), allowed)
        hint = f" (did you mean '{suggestion}'?)" if suggestion else f" (expected one of: {', '.join(allowed)})"
        where = _key_position(node, key, file)
        within = f" in '{owner}'" if owner else ""
        raise InputError(f"unknown {what} '{key}'{within}{hint}", where=str(where))


def _closest(word: str, choices: Iterable[str]) -> str | None:
    by_lower = {choice.lower(): choice for choice in choices}
    if word.lower() in by_lower:
        return by_lower[word.lower()]
    close = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[close[0]] if close else None


def _validation_error(
    exc: ValidationError, node: Any, file: str, step_name: str, fallback: Position,
) -> InputError:
    first = exc.errors()[0]
    loc = list(first["loc"])
    message = str(first["msg"]).removeprefix("Value error, ")
    given = first.get("input")
    if first["type"] in {"literal_error", "enum"} and isinstance(given, (str, int, float)):
        message += f", not {given!r}"
    if isinstance(node, dict) and loc:
        position = position_of(node, loc, file)
    elif isinstance(node, dict):
        position = _own_position(node, file)
    else:
        position = fallback
    field_path = ".".join(str(part) for part in loc)
    label = ".".join(part for part in (step_name, field_path) if part)
    return InputError(f"{label}: {message}" if label else message, where=str(position))


def _own_position(node: Any, file: str) -> Position:
    return position_of(node, [], file) if hasattr(node, "lc") else Position(file, 1, 1)


def _position(node: Any, loc: list[str | int], file: str) -> Position:
    if node is None:
        return Position(file, 1, 1)
    return position_of(node, loc, file)


def _item_position(seq: list[Any], index: int, file: str) -> Position:
    try:
        line, column = seq.lc.item(index)  # type: ignore[attr-defined]
        return Position(file, line + 1, column + 1)
    except (KeyError, TypeError, AttributeError):
        return _own_position(seq, file)


def _key_position(node: dict[Any, Any], key: Any, file: str) -> Position:
    try:
        line, column = node.lc.key(key)  # type: ignore[attr-defined]
        return Position(file, line + 1, column + 1)
    except (KeyError, TypeError, AttributeError):
        return _own_position(node, file)
