"""Reading scenario files: YAML documents in, a validated `Scenario` out, or every problem at `file:line:column`.

A file is an optional header document, `---`, then the list of steps; a file holding only the list is fine.
`${NAME}` in any string value is replaced by a variable: the header's `env`, overridden by those passed in
(`$${` writes a literal `${`). `runFlow: other.yaml` includes another file's steps, found relative to the file
that names it; its header's `env` gives defaults, the including side's variables and the step's `env` override
them.

The loader does not stop at the first mistake: it reports all of them (`check_scenario`), each on one line with
its position and, where one helps, a hint. A step with a structural mistake (unknown name or field, undefined
variable) is not validated further, so one typo gives one error, not a cascade.
"""

from __future__ import annotations

import difflib
import os
import re
import types
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Union, get_args, get_origin

from pydantic import ValidationError

from auditor.errors import InputError
from auditor.models import Model, StepRef
from auditor.resources import data_dir
from auditor.scenario.hierarchy import SELECTOR_KINDS
from auditor.scenario.model import (
    HEADER_FIELDS,
    STEP_TYPES,
    VARIABLE_NAME,
    RunFlow,
    Scenario,
    ScenarioHeader,
    ScenarioStep,
    SelectorFields,
    StepModel,
)
from auditor.yamlfile import Position, load_documents, position_of

_REFERENCE = re.compile(r"\$(\$)?\{([^}]*)(\})?")
MAESTRO_NAMES = {
    "takeScreenshot": "screenshot",
    "killApp": "stopApp",
    "extendedWaitUntil": "waitFor",
    "waitForAnimationToEnd": "sleep",
    "pressKey": "back' or 'home",
    "clearState": "launchApp: {clearState: true}",
    "scrollUntil": "scrollUntilVisible",
}
"""Maestro commands and what this language calls them, for the hint of an unknown step."""
_COMPOSITE_FIELD = "commands"
MAX_INCLUDE_DEPTH = 16
"""runFlow inside runFlow at most this deep (a cycle is reported as one before this is reached)."""


class ScenarioInvalid(InputError):
    """Every problem found in a scenario and the files it includes, in the order they were found. Its one-line
    form is the first problem, with a count of the others."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors
        first = errors[0]
        message = first.message
        if len(errors) > 1:
            others = len(errors) - 1
            message += (f" [and {others} more problem{'s' if others > 1 else ''}: "
                        "`consent-audit scenario validate` lists them all]")
        super().__init__(message, where=first.where, hint=first.hint)


def load_scenario(path: Path | str, env: Mapping[str, str] | None = None) -> Scenario:
    """Read and validate the scenario at `path`. `env` overrides the header's variables. Raises ScenarioInvalid
    (an InputError) naming the first problem and counting the others."""
    scenario, errors = check_scenario(path, env)
    if errors or scenario is None:
        raise ScenarioInvalid(errors)
    return scenario


def check_scenario(
    path: Path | str, env: Mapping[str, str] | None = None,
) -> tuple[Scenario | None, list[InputError]]:
    """The scenario at `path` and every problem in it and in the files it includes; the scenario is None unless
    there is no problem."""
    path = Path(path)
    loader = _Loader(env)
    try:
        documents = load_documents(path)
    except InputError as exc:
        return None, [exc]
    scenario = loader.root(documents, str(path), path.parent, path)
    return (scenario if not loader.errors else None), loader.errors


def parse_scenario(documents: list[Any], file: str, env: Mapping[str, str] | None = None) -> Scenario:
    """Validate the YAML documents of a scenario file (as `auditor.yamlfile.load_documents` gives them; plain
    dicts and lists work too, without positions). Included files are found relative to `file`'s folder.

    Pure apart from reading included files: the same documents and variables give the same scenario. Raises
    ScenarioInvalid naming `file:line:column`."""
    loader = _Loader(env)
    scenario = loader.root(documents, file, Path(file).parent, Path(file))
    if loader.errors or scenario is None:
        raise ScenarioInvalid(loader.errors)
    return scenario


# --------------------------------------------------------------------------------------------
# Built-in scenarios


def builtin_scenarios() -> dict[str, Path]:
    """The scenarios shipped with consent-audit, by name (the file name without `.yaml`)."""
    folder = data_dir("scenarios")
    if not folder.is_dir():
        return {}
    return {path.stem: path for path in sorted(folder.glob("*.yaml"))}


def resolve_scenario(spec: str | Path) -> Path:
    """A scenario file, or the built-in scenario named `spec` when no such file exists (`miit-standard`).
    Raises InputError naming what was looked for."""
    path = Path(spec)
    if path.is_file():
        return path
    builtins = builtin_scenarios()
    name = path.name.removesuffix(".yaml").removesuffix(".yml")
    if len(path.parts) == 1 and name in builtins:
        return builtins[name]
    if path.is_dir():
        raise InputError("is a folder, not a scenario file", where=str(path))
    known = ", ".join(builtins) or "none"
    suggestion = _closest(name, builtins)
    hint = f"did you mean '{suggestion}'? " if suggestion else ""
    raise InputError(f"no such scenario file, and no built-in scenario of that name ({hint}built-ins: {known})",
                     where=str(path))


# --------------------------------------------------------------------------------------------
# The loader


class _Loader:
    """One load: the variables given, the problems found so far, the files read and the chain of includes."""

    def __init__(self, env: Mapping[str, str] | None) -> None:
        self.overrides = dict(env or {})
        self.errors: list[InputError] = []
        self.files: list[str] = []
        self._next_index = 0
        self._including: list[tuple[Path, str]] = []
        """The files being read, outermost first: resolved path (to find cycles) and name (for messages)."""
        self._unknown_values: set[str] = set()
        """Variables defined with a value already reported as wrong: a step using one is not checked further."""
        self._uses_unknown_value = False
        self._anchored: set[int] = set()
        """Anchored YAML values met so far: meeting one again is an alias (`*name`)."""

    def error(self, message: str, where: Position | str) -> None:
        problem = InputError(message, where=str(where))
        if not any(str(known) == str(problem) for known in self.errors):
            self.errors.append(problem)

    # Files ---------------------------------------------------------------------------------------------------
    def root(self, documents: list[Any], file: str, folder: Path, path: Path) -> Scenario | None:
        self.files.append(file)
        self._including.append((_resolved(path), file))
        split = self._split_documents(documents, file)
        if split is None:
            return None
        header_node, steps_node = split
        header = self._header(header_node, file)
        variables = {**header.env, **self.overrides}
        name = self._expand(header.name, variables, _position(header_node, ["name"], file)) if header.name else None
        app_id = (self._expand(header.app_id, variables, _position(header_node, ["appId"], file))
                  if header.app_id else None)
        tags = [
            self._expand(tag, variables, _position(header_node, ["tags", index], file))
            for index, tag in enumerate(header.tags)
        ]
        steps = self._steps(steps_node, file, variables, folder)
        if self.errors:
            return None
        return Scenario(
            name=name or Path(file).stem,
            path=file,
            app_id=app_id,
            tags=tags,
            env=variables,
            permission_policy=header.permission_policy,
            steps=steps,
            files=self.files,
        )

    def _include(
        self, written: str, position: Position, folder: Path, variables: Mapping[str, str],
    ) -> list[ScenarioStep] | None:
        target = Path(os.path.normpath(Path(written) if Path(written).is_absolute() else folder / written))
        resolved = _resolved(target)
        chain = [name for _, name in self._including]
        if any(resolved == known for known, _ in self._including):
            cycle = " -> ".join([*chain[[p for p, _ in self._including].index(resolved):], str(target)])
            self.error(f"runFlow: include cycle: {cycle} (a file cannot include itself)", position)
            return None
        if len(self._including) >= MAX_INCLUDE_DEPTH:
            self.error(f"runFlow: includes nested more than {MAX_INCLUDE_DEPTH} deep", position)
            return None
        if target.is_dir():
            self.error(f"runFlow: '{written}' is a folder, not a scenario file", position)
            return None
        if not target.is_file():
            siblings = ({p.stem: p.name for p in target.parent.glob("*.y*ml") if p.is_file()}
                        if target.parent.is_dir() else {})
            close = _closest(target.stem, siblings)
            suggestion = siblings[close] if close is not None else None
            if suggestion:
                hint = f" (did you mean '{suggestion}'?)"
            elif Path(written).is_absolute():
                hint = ""
            else:
                hint = f" (looked in {target.parent})"
            self.error(f"runFlow: no scenario file '{written}'{hint}", position)
            return None
        try:
            documents = load_documents(target)
        except InputError as exc:
            self.errors.append(exc)
            return None
        file = str(target)
        if file not in self.files:
            self.files.append(file)
        self._including.append((resolved, file))
        try:
            split = self._split_documents(documents, file)
            if split is None:
                return None
            header_node, steps_node = split
            header = self._header(header_node, file)
            return self._steps(steps_node, file, {**header.env, **variables}, target.parent)
        finally:
            self._including.pop()

    def _split_documents(self, documents: list[Any], file: str) -> tuple[dict[Any, Any] | None, list[Any]] | None:
        present = list(documents)
        while present and present[-1] is None:
            present.pop()
        if not present:
            self.error("the scenario is empty: write the list of steps (`- launchApp` ...)", Position(file, 1, 1))
            return None
        if len(present) > 2:
            self.error("a scenario has at most two documents: a header, `---`, then the list of steps",
                       _own_position(present[2], file))
            return None
        if len(present) == 1:
            header, steps = None, present[0]
            if isinstance(steps, dict):
                self.error("this is a header without steps: add `---` after it and then the list of steps",
                           _own_position(steps, file))
                return None
        else:
            header, steps = present
            if header is not None and not isinstance(header, dict):
                self.error("the first document must be the header (`name: ...`, `appId: ...`) or be left out",
                           _own_position(header, file))
                header = None
        if not isinstance(steps, list):
            self.error("the steps must be a YAML list (`- launchApp`, `- tapOn: ...`)", _own_position(steps, file))
            return None
        if not steps:
            self.error("the list of steps is empty", _own_position(steps, file))
            return None
        return header, steps

    def _header(self, node: dict[Any, Any] | None, file: str) -> ScenarioHeader:
        """The header; on a mistake, the problem is recorded and what can be read of `env` is used, so that
        variables it defines are not reported as undefined too."""
        if node is None:
            return ScenarioHeader()
        unknown = self._unknown_keys(node, HEADER_FIELDS, file, "header field")
        if not unknown:
            try:
                return ScenarioHeader.model_validate(_plain(node))
            except ValidationError as exc:
                self._validation_errors(exc, node, file, "", _own_position(node, file), ScenarioHeader)
        env = node.get("env")
        readable = {str(key): _variable_text(value) for key, value in env.items()} if isinstance(env, dict) else {}
        self._unknown_values |= {key for key, value in readable.items() if value is None}
        return ScenarioHeader.model_construct(env={key: value or "" for key, value in readable.items()})

    # Steps ---------------------------------------------------------------------------------------------------
    def _steps(self, seq: list[Any], file: str, variables: Mapping[str, str], folder: Path) -> list[ScenarioStep]:
        steps = []
        for index in range(len(seq)):
            parsed = self._step(seq, index, file, variables, folder)
            if parsed is not None:
                steps.append(parsed)
        return steps

    def _step(
        self, seq: list[Any], index: int, file: str, variables: Mapping[str, str], folder: Path,
    ) -> ScenarioStep | None:
        """One step. A step whose value is an alias (`- waitFor: *options`) has its problems reported where the
        alias is written, naming the anchor, rather than at the anchor's line."""
        item = seq[index]
        value = next(iter(item.values())) if isinstance(item, dict) and len(item) == 1 else None
        anchor = getattr(getattr(value, "anchor", None), "value", None)
        alias = anchor is not None and id(value) in self._anchored
        if anchor is not None:
            self._anchored.add(id(value))
        errors_before = len(self.errors)
        outer_uses_unknown = self._uses_unknown_value
        self._uses_unknown_value = False
        try:
            return self._step_at(seq, index, file, variables, folder)
        finally:
            self._uses_unknown_value = outer_uses_unknown
            if alias:
                self._report_at_alias(errors_before, item, file, str(anchor), value)

    def _report_at_alias(self, since: int, item: dict[Any, Any], file: str, anchor: str, value: Any) -> None:
        name = next(iter(item))
        key = _key_position(item, name, file)
        where = Position(file, key.line, key.column + len(str(name)) + 2)
        written = _own_position(value, file).line
        for index in range(since, len(self.errors)):
            problem = self.errors[index]
            self.errors[index] = InputError(f"{problem.message} (in *{anchor}, the value written at line {written})",
                                            where=str(where), hint=problem.hint)

    def _step_at(
        self, seq: list[Any], index: int, file: str, variables: Mapping[str, str], folder: Path,
    ) -> ScenarioStep | None:
        position_in_run = self._next_index
        self._next_index += 1
        item = seq[index]
        item_position = _item_position(seq, index, file)
        value_position = item_position
        if isinstance(item, str):
            name, value = item, None
        elif isinstance(item, dict) and len(item) == 1:
            name, value = next(iter(item.items()))
            name = str(name)
            value_position = _position(item, [name], file)
        elif isinstance(item, dict):
            keys = ", ".join(str(key) for key in item)
            self.error(f"a step has one name, this item has {len(item)} ({keys}): indent a step's options under "
                       "its name", item_position)
            return None
        else:
            self.error("a step is a step name (`- back`) or `- name: value`", item_position)
            return None

        model = STEP_TYPES.get(name)
        if model is None:
            suggestion = MAESTRO_NAMES.get(name) or _closest(name, STEP_TYPES)
            hint = f" (did you mean '{suggestion}'?)" if suggestion else f" (steps: {', '.join(STEP_TYPES)})"
            self.error(f"unknown step '{name}'{hint}", item_position)
            return None

        errors_before = len(self.errors)
        data = self._step_data(model, name, value, file, value_position, variables)
        if data is None or self._uses_unknown_value:
            return None  # its value depends on a variable whose own value is wrong: reported there
        if model is RunFlow:
            # Its own fields first: a mistake in the included file must not hide one in this step's env.
            try:
                RunFlow.model_validate(data)
            except ValidationError as exc:
                self._validation_errors(exc, value, file, name, value_position, model)
        if model.composite:
            children = self._children(model, name, value, data, file, value_position, variables, folder)
            if children is None:
                return None
            data[_COMPOSITE_FIELD] = children
        if len(self.errors) > errors_before:
            return None
        try:
            action = model.model_validate(data)
        except ValidationError as exc:
            self._validation_errors(exc, value, file, name, value_position, model)
            return None
        ref = StepRef(index=position_in_run, name=name, file=file, line=item_position.line)
        return ScenarioStep.model_validate({"ref": ref, "action": action})

    def _step_data(
        self, model: type[StepModel], name: str, value: Any, file: str, position: Position,
        variables: Mapping[str, str],
    ) -> dict[str, Any] | None:
        if value is None or (isinstance(value, dict) and not value):
            required = [field.alias or key for key, field in model.model_fields.items() if field.is_required()]
            if required:
                self.error(f"'{name}' needs a value: {required[0]}", position)
                return None
            if issubclass(model, SelectorFields):
                self.error(f"'{name}' needs a selector: write `- {name}: \"text\"` or `- {name}: {{id: ...}}` "
                           f"(one of {', '.join(SELECTOR_KINDS)})", position)
                return None
            if model is RunFlow:
                self.error("'runFlow' needs a value: a file (`- runFlow: other.yaml`) or `commands`", position)
                return None
            return {}
        if isinstance(value, dict):
            allowed = _field_names(model)
            if self._unknown_keys(value, allowed, file, "field", owner=name, model=model):
                return None
            errors_before = len(self.errors)
            fields = {key: item for key, item in value.items() if key != _COMPOSITE_FIELD}
            expanded = self._plain(fields, variables, file, value)
            if len(self.errors) > errors_before:
                return None
            assert isinstance(expanded, dict)
            return expanded
        if isinstance(value, list):
            self.error(f"'{name}' takes a value or a mapping of fields, not a list", position)
            return None
        if model.takes_no_value:
            self.error(f"'{name}' takes no value: write `- {name}`", position)
            return None
        if model.shorthand is None:
            fields_text = ", ".join(_field_names(model, own_only=True))
            self.error(f"'{name}' takes a mapping of fields ({fields_text}), not a single value", position)
            return None
        errors_before = len(self.errors)
        scalar = self._expand(value, variables, position) if isinstance(value, str) else _scalar(value)
        if len(self.errors) > errors_before:
            return None
        return {model.shorthand: scalar}

    def _children(
        self, model: type[StepModel], name: str, value: Any, data: dict[str, Any], file: str, position: Position,
        variables: Mapping[str, str], folder: Path,
    ) -> list[ScenarioStep] | None:
        """The steps a runFlow or repeat holds: written under `commands`, or (runFlow) read from `file`."""
        commands = value.get(_COMPOSITE_FIELD) if isinstance(value, dict) else None
        commands_position = _position(value, [_COMPOSITE_FIELD], file) if commands is not None else position
        if model is RunFlow:
            written_file = data.get("file")
            if (written_file is None) == (commands is None):
                both = written_file is not None
                self.error(f"runFlow: give {'either ' if both else ''}file or commands{', not both' if both else ''}",
                           position)
                return None
            env = data.get("env")
            own_env = {str(key): _variable_text(value) for key, value in env.items()} if isinstance(env, dict) else {}
            self._unknown_values |= {key for key, value in own_env.items() if value is None}
            inner = {**variables, **{key: value or "" for key, value in own_env.items()}}
            if written_file is not None:
                file_position = _position(value, ["file"], file) if isinstance(value, dict) else position
                return self._include(str(written_file), file_position, folder, inner)
        else:
            inner = dict(variables)
            if commands is None:
                self.error(f"'{name}' needs a value: commands", position)
                return None
        if not isinstance(commands, list):
            self.error(f"{name}.commands: write the steps as a list (`- tapOn: ...`)", commands_position)
            return None
        if not commands:
            self.error(f"{name}.commands: the list of steps is empty", commands_position)
            return None
        return self._steps(commands, file, inner, folder)

    # Variables -----------------------------------------------------------------------------------------------
    def _expand(self, text: str, variables: Mapping[str, str], position: Position) -> str:
        def replace(match: re.Match[str]) -> str:
            escaped, name, closed = match.group(1), match.group(2), match.group(3)
            if escaped:
                return "${" + name + (closed or "")
            if closed is None:
                self.error("unclosed '${' (write '$${' for a literal '${')", position)
                return match.group(0)
            if not VARIABLE_NAME.fullmatch(name):
                self.error(f"'${{{name}}}' does not name a variable (letters, digits, underscores)", position)
                return match.group(0)
            if name in self._unknown_values:
                self._uses_unknown_value = True
                return variables.get(name, "")
            if name not in variables:
                known = _closest(name, variables)
                hint = (f"did you mean '{known}'? " if known else "") + \
                    "define it under `env:` in the header, or pass it with --env NAME=VALUE"
                self.error(f"undefined variable '{name}' ({hint})", position)
                return match.group(0)
            return variables[name]

        return _REFERENCE.sub(replace, text)

    def _plain(self, node: Any, variables: Mapping[str, str], file: str, owner: Any = None) -> Any:
        """Plain dicts, lists and scalars for pydantic, with variables expanded in strings."""
        if isinstance(node, dict):
            source = owner if owner is not None else node
            return {
                str(key): self._expand(value, variables, _position(source, [key], file)) if isinstance(value, str)
                else self._plain(value, variables, file)
                for key, value in node.items()
            }
        if isinstance(node, list):
            return [
                self._expand(value, variables, _item_position(node, index, file)) if isinstance(value, str)
                else self._plain(value, variables, file)
                for index, value in enumerate(node)
            ]
        return _scalar(node)

    # Errors --------------------------------------------------------------------------------------------------
    def _unknown_keys(
        self, node: dict[Any, Any], allowed: Iterable[str], file: str, what: str, owner: str = "",
        model: type[Model] | None = None,
    ) -> bool:
        """Record every key of `node` (and of the mappings of nested fields) that is not a field; True if any."""
        allowed = list(allowed)
        found = False
        for key in node:
            if key not in allowed:
                suggestion = _closest(str(key), allowed)
                hint = (f" (did you mean '{suggestion}'?)" if suggestion
                        else f" (expected one of: {', '.join(allowed)})")
                within = f" in '{owner}'" if owner else ""
                self.error(f"unknown {what} '{key}'{within}{hint}", _key_position(node, key, file))
                found = True
                continue
            nested = _nested_model(model, str(key)) if model is not None else None
            value = node[key]
            if nested is not None and isinstance(value, dict):
                found |= self._unknown_keys(value, _field_names(nested), file, "field", f"{owner}.{key}", nested)
        return found

    def _validation_errors(
        self, exc: ValidationError, node: Any, file: str, step_name: str, fallback: Position,
        model: type[Model] | None = None,
    ) -> None:
        for problem in exc.errors():
            loc = [part for part in problem["loc"] if not str(part).startswith("function-")]
            message = str(problem["msg"]).removeprefix("Value error, ")
            given = problem.get("input")
            if problem["type"] in {"literal_error", "enum"} and isinstance(given, (str, int, float)):
                message += f", not {given!r}"
            elif problem["type"] == "string_type" and given is None:
                message = 'has no value (write "" for an empty text)'
            elif problem["type"] in {"model_type", "dict_type"}:
                nested = _model_at(model, loc) if model is not None else None
                fields = f" ({', '.join(_field_names(nested))})" if nested is not None else ""
                message = f"write a mapping of its fields{fields}, not {given!r}"
            if isinstance(node, dict) and loc:
                position = position_of(node, loc, file)
            elif isinstance(node, dict):
                position = _own_position(node, file)
            else:
                position = fallback
            field_path = ".".join(str(part) for part in loc)
            label = ".".join(part for part in (step_name, field_path) if part)
            self.error(f"{label}: {message}" if label else message, position)


# --------------------------------------------------------------------------------------------
# Helpers


def _field_names(model: type[Model], own_only: bool = False) -> list[str]:
    """The fields of `model` by their YAML names: a step's own fields first, then those every step has."""
    common = [key for key in StepModel.model_fields if key != "step"] if issubclass(model, StepModel) else []
    own = [field.alias or key for key, field in model.model_fields.items() if key != "step" and key not in common]
    if own_only:
        return own
    return own + [StepModel.model_fields[key].alias or key for key in common]


def _model_at(model: type[Model], loc: list[Any]) -> type[Model] | None:
    """The model of the mapping at `loc` (YAML names) inside `model`, when it is one."""
    current: type[Model] | None = model
    for part in loc:
        current = _nested_model(current, str(part)) if current is not None else None
    return current


def _nested_model(model: type[Model], written: str) -> type[Model] | None:
    """The model of field `written` (by its YAML name) when it is a mapping of fields of its own."""
    for key, info in model.model_fields.items():
        if (info.alias or key) == written and key != _COMPOSITE_FIELD:
            return _model_in(info.annotation)
    return None


def _model_in(annotation: Any) -> type[Model] | None:
    if isinstance(annotation, type) and issubclass(annotation, Model):
        return annotation
    if get_origin(annotation) in (Union, types.UnionType):
        for argument in get_args(annotation):
            found = _model_in(argument)
            if found is not None:
                return found
    return None


def _variable_text(value: Any) -> str | None:
    """A variable's value as text (`true`, not `True`), or None when it is no scalar (an error of its own)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def _plain(node: Any) -> Any:
    """Plain dicts, lists and scalars for pydantic (no variables: the header's own fields)."""
    if isinstance(node, dict):
        return {str(key): _plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain(value) for value in node]
    return _scalar(node)


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


def _closest(word: str, choices: Iterable[str]) -> str | None:
    by_lower = {choice.lower(): choice for choice in choices}
    if word.lower() in by_lower:
        return by_lower[word.lower()]
    # A word cut short is the start of what was meant: `launch` is `launchApp`, not `relaunch`.
    starting = sorted((c for c in by_lower if len(word) >= 3 and c.startswith(word.lower())), key=len)
    if starting:
        return by_lower[starting[0]]
    close = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[close[0]] if close else None


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


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
