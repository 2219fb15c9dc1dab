"""What of a recorded value reaches the disk: personal information is masked by its type, the rest kept.

Evidence must show *that* an app read an IMEI or a location without becoming a second copy of it:
identifiers keep their first 4 and last 3 characters (enough to tell two apart in a report), coordinates
one decimal (about 10 km), clipboard text its length, and lists of installed apps their count.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from auditor.models import AgentValue, CatalogEntry, PIType, RecordedValue

MAX_TEXT_CHARS = 4096
"""Longest rendering kept for one value (the agent already cuts each string; lists can add up)."""

_IDENTIFIER_HEAD = 4
_IDENTIFIER_TAIL = 3
_DECIMAL = re.compile(r"(-?\d+)\.(\d)\d+")


def render(value: AgentValue) -> str:
    """A value as readable text: strings as they are, lists in brackets, app objects as `<class>`."""
    if value.v is None:
        return "null" if value.t == "null" else f"<{value.t}>"
    if isinstance(value.v, list):
        items = ", ".join(_render_item(item) for item in value.v)
        hidden = (value.n or 0) - len(value.v)
        more = f", … {hidden} more" if hidden > 0 else ""
        text = f"[{items}{more}]"
    else:
        text = _render_item(value.v)
        if isinstance(value.v, str) and value.n is not None and value.n > len(value.v):
            text += "…"
    return text if len(text) <= MAX_TEXT_CHARS else text[:MAX_TEXT_CHARS] + "…"


def _render_item(item: Any) -> str:
    if item is None:
        return "null"
    if isinstance(item, bool):
        return "true" if item else "false"
    return str(item)


def mask_identifier(text: str) -> str:
    """Keep the first 4 and last 3 letters or digits; separators (`:` `-` in MACs and UUIDs) stay in place."""
    positions = [index for index, char in enumerate(text) if char.isalnum()]
    if len(positions) <= _IDENTIFIER_HEAD + _IDENTIFIER_TAIL:
        hidden = set(positions)
    else:
        hidden = set(positions[_IDENTIFIER_HEAD:-_IDENTIFIER_TAIL])
    return "".join("*" if index in hidden else char for index, char in enumerate(text))


def mask_coordinates(text: str) -> str:
    """Cut every decimal number to one decimal: `39.908722,116.397499` -> `39.9,116.3`."""
    return _DECIMAL.sub(lambda match: f"{match.group(1)}.{match.group(2)}", text)


def _text_length(value: AgentValue) -> int:
    if isinstance(value.v, str):
        return value.n if value.n is not None else len(value.v)
    return len(render(value))


def _is_collection(value: AgentValue) -> bool:
    return isinstance(value.v, list)


def _collection_size(value: AgentValue) -> int:
    assert isinstance(value.v, list)
    return value.n if value.n is not None else len(value.v)


def _masked_identifier(value: AgentValue) -> RecordedValue:
    if _is_collection(value):
        assert isinstance(value.v, list)
        masked = AgentValue(t=value.t, v=[mask_identifier(_render_item(item)) for item in value.v], n=value.n)
        return RecordedValue(type=value.t, text=render(masked), masked=True, size=_collection_size(value))
    return RecordedValue(type=value.t, text=mask_identifier(render(value)), masked=True, size=value.n)


def _masked_coordinates(value: AgentValue) -> RecordedValue:
    return RecordedValue(type=value.t, text=mask_coordinates(render(value)), masked=True, size=value.n)


def _masked_length(value: AgentValue) -> RecordedValue:
    length = _text_length(value)
    return RecordedValue(type=value.t, text=f"<{length} chars>", masked=True, size=length)


def _masked_count(value: AgentValue) -> RecordedValue:
    if not _is_collection(value):
        return _masked_length(value)
    size = _collection_size(value)
    return RecordedValue(type=value.t, text=f"<{size} items>", masked=True, size=size)


_MASKERS: dict[PIType, Callable[[AgentValue], RecordedValue]] = {
    PIType.DEVICE_ID: _masked_identifier,
    PIType.PHONE_NUMBER: _masked_identifier,
    PIType.BLUETOOTH: _masked_identifier,
    PIType.NETWORK_INFO: _masked_identifier,
    PIType.LOCATION: _masked_coordinates,
    PIType.CLIPBOARD: _masked_length,
    PIType.CAMERA: _masked_length,
    PIType.MICROPHONE: _masked_length,
    PIType.INSTALLED_APPS: _masked_count,
    PIType.RUNNING_APPS: _masked_count,
    PIType.CONTACTS: _masked_count,
    PIType.SMS: _masked_count,
    PIType.CALL_LOG: _masked_count,
    PIType.CALENDAR: _masked_count,
    PIType.MEDIA: _masked_count,
    PIType.ACCOUNTS: _masked_count,
    PIType.SENSORS: _masked_count,
}


def record_value(value: AgentValue, entry: CatalogEntry, position: str) -> RecordedValue:
    """`value` as stored for `entry` at `position` (`return`, `arg0`, `arg1`...): masked where the entry says
    personal information travels, by the entry's pi_type; as given otherwise. A null is kept as null."""
    if position not in entry.sensitive or (value.v is None and value.t == "null"):
        return RecordedValue(type=value.t, text=render(value), size=value.n)
    masker = _MASKERS.get(entry.pi_type, _masked_length) if entry.pi_type is not None else _masked_length
    return masker(value).model_copy(update={"raw": render(value)})


def mask_unknown(value: AgentValue) -> RecordedValue:
    """For a value whose catalog entry is unknown: nothing of it is kept but its type and size."""
    return RecordedValue(type=value.t, text="<masked>", masked=True, size=value.n)
