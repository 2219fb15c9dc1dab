"""YAML with positions: every mapping and list remembers its file, line and column, so errors can point at them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from auditor.errors import InputError


@dataclass(frozen=True)
class Position:
    file: str
    line: int
    """1-based."""
    column: int
    """1-based."""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


# What some of the YAML parser's messages mean in a scenario, said after them.
_YAML_HINTS: tuple[tuple[str, str], ...] = (
    ("expected <block end>, but found '-'",
     "the items of one list start in the same column: indent this step as the one above it, or, to nest steps, "
     "put them under `commands:`"),
    ("found undefined alias", "an alias (`*name`) needs an anchor (`&name`) written before it"),
)


def read_text(path: Path) -> str:
    """The file's text, as UTF-8. Raises InputError: not found, unreadable, or not UTF-8 (with the line and column
    of the first byte that is not)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("file not found", where=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", where=str(path)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line_start = before.rfind(b"\n") + 1
        column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
        line = before.count(b"\n") + 1
        where = f"{path}:{line}:{column}"
        raise InputError(f"not UTF-8 text: byte 0x{data[exc.start]:02x} cannot be read (save the file as UTF-8)",
                         where=where) from None


def load_documents(path: Path) -> list[Any]:
    """Every YAML document in `path`, as ruamel's position-carrying maps and lists. Raises InputError."""
    text = read_text(path)
    try:
        return list(YAML(typ="rt").load_all(text))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = str(exc.problem or exc.context)
        hint = next((f" ({meaning})" for start, meaning in _YAML_HINTS if problem.startswith(start)), "")
        raise InputError(f"invalid YAML: {problem}{hint}", where=where) from None


def load_plain(path: Path) -> list[Any]:
    """Every YAML document in `path` as plain dicts and lists, read with the fast loader: for files that are
    usually right (shipped data). Positions are not kept; on a problem, read the file again with `load_documents`
    to say where it is. Raises InputError on unreadable files or invalid YAML."""
    text = read_text(path)
    try:
        return list(YAML(typ="safe").load_all(text))
    except MarkedYAMLError:
        return load_documents(path)  # the careful reader says where the YAML is wrong


def position_of(node: Any, loc: Sequence[str | int], file: str) -> Position:
    """The position of the item at `loc` (a pydantic error location) inside `node`, as deep as it can be found."""
    line, column = _own_position(node)
    current = node
    for key in loc:
        if isinstance(current, CommentedMap) and key in current:
            try:
                key_line, key_col = current.lc.key(key)
                line, column = key_line + 1, key_col + 1
                value = current[key]
                if isinstance(value, (CommentedMap, CommentedSeq)):
                    line, column = _own_position(value)
                else:
                    value_line, value_col = current.lc.value(key)
                    # Written empty at the end of its line, a value is placed at the next token: keep the key's.
                    if value is not None or value_line == key_line:
                        line, column = value_line + 1, value_col + 1
            except (KeyError, TypeError):
                pass
            current = current[key]
        elif isinstance(current, CommentedSeq) and isinstance(key, int) and 0 <= key < len(current):
            try:
                item_line, item_col = current.lc.item(key)
                line, column = item_line + 1, item_col + 1
            except (KeyError, TypeError):
                pass
            current = current[key]
        else:
            break
    return Position(file, line, column)


def _own_position(node: Any) -> tuple[int, int]:
    lc = getattr(node, "lc", None)
    if lc is None or lc.line is None:
        return 1, 1
    return lc.line + 1, lc.col + 1


def validation_error(exc: ValidationError, node: Any, file: str, base: Sequence[str | int] = ()) -> InputError:
    """The first pydantic error of `exc` as an InputError pointing at its place in the YAML file."""
    first = exc.errors()[0]
    loc = [*base, *first["loc"]]
    position = position_of(node, loc, file)
    field = ".".join(str(part) for part in first["loc"]) or "document"
    return InputError(f"{field}: {first['msg']}", where=str(position))


def to_plain(node: Any) -> Any:
    """Plain dicts and lists (pydantic validates these)."""
    if isinstance(node, dict):
        return {str(k): to_plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [to_plain(v) for v in node]
    return node
