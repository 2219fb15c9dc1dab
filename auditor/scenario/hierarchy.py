"""The screen as uiautomator describes it, and the selectors scenario steps use to find things on it.

Dumps are parsed as devices give them: a UTF-8 byte-order mark, uiautomator's "UI hierchary dumped to: /dev/tty"
trailer after the XML, `rotation="1"`, attributes in any order, no `resource-id` on old API levels. Each child of
`<hierarchy>` is a window; windows are listed bottom to top, so the topmost (a dialog) comes last.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from lxml import etree

from auditor.errors import DeviceError, InputError
from auditor.permissions import fold_text

_BOUNDS = re.compile(r"\[(-?\d+),(-?\d+)\]\[(-?\d+),(-?\d+)\]")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_END_TAG = "</hierarchy>"
# Characters XML 1.0 forbids; some views put them in their text and uiautomator writes them out raw.
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Bounds:
    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        return max(0, self.right - self.left)

    @property
    def height(self) -> int:
        return max(0, self.bottom - self.top)

    @property
    def area(self) -> int:
        return self.width * self.height

    @property
    def center(self) -> tuple[int, int]:
        return (self.left + self.right) // 2, (self.top + self.bottom) // 2

    def contains(self, x: int, y: int) -> bool:
        return self.left <= x < self.right and self.top <= y < self.bottom

    def as_tuple(self) -> tuple[int, int, int, int]:
        return self.left, self.top, self.right, self.bottom

    @classmethod
    def parse(cls, text: str) -> Bounds:
        """`[l,t][r,b]`; a missing or malformed value is an empty box (the node cannot be seen or tapped)."""
        match = _BOUNDS.search(text)
        if match is None:
            return cls(0, 0, 0, 0)
        left, top, right, bottom = (int(part) for part in match.groups())
        return cls(left, top, right, bottom)


@dataclass(frozen=True)
class UiNode:
    """One view of the dump."""

    position: int
    """Place in document order; `Hierarchy.nodes[position]` is this node."""
    parent: int | None
    """Position of the parent node; None for a window's root."""
    window: int
    """Which window (0 = bottom-most; the highest number is the topmost)."""
    depth: int
    text: str
    resource_id: str
    class_name: str
    package: str
    content_desc: str
    checkable: bool
    checked: bool
    clickable: bool
    enabled: bool
    bounds: Bounds
    index: int = 0
    """uiautomator's `index`: place among its siblings."""
    children: tuple[int, ...] = field(default=())
    focused: bool = False
    """Has input focus (a text field that was tapped)."""
    scrollable: bool = False

    @property
    def editable(self) -> bool:
        """A text field: typing goes here."""
        return "EditText" in self.class_name or "AutoCompleteTextView" in self.class_name

    @property
    def center(self) -> tuple[int, int]:
        return self.bounds.center

    @property
    def id_name(self) -> str:
        """The resource id without its package: `permission_allow_button` for `com.x:id/permission_allow_button`."""
        _, separator, name = self.resource_id.partition(":id/")
        return name if separator else self.resource_id

    @property
    def label(self) -> str:
        """What the user reads on it: its text, else its content description."""
        return (self.text or self.content_desc).strip()

    @property
    def visible(self) -> bool:
        return self.bounds.area > 0


@dataclass
class Hierarchy:
    """A parsed dump."""

    nodes: list[UiNode]
    rotation: int = 0
    window_count: int = 0
    source: str = field(default="", repr=False)
    """The dump as given, for saving as evidence."""

    def node(self, position: int) -> UiNode:
        return self.nodes[position]

    def parent_of(self, node: UiNode) -> UiNode | None:
        return self.nodes[node.parent] if node.parent is not None else None

    def ancestors(self, node: UiNode) -> Iterator[UiNode]:
        current = self.parent_of(node)
        while current is not None:
            yield current
            current = self.parent_of(current)

    def descendants(self, node: UiNode) -> Iterator[UiNode]:
        stack = list(reversed(node.children))
        while stack:
            child = self.nodes[stack.pop()]
            yield child
            stack.extend(reversed(child.children))

    def window_nodes(self, window: int) -> list[UiNode]:
        return [node for node in self.nodes if node.window == window]

    def windows_top_down(self) -> list[int]:
        return list(range(self.window_count - 1, -1, -1))

    def window_bounds(self, window: int) -> Bounds:
        roots = [node for node in self.nodes if node.window == window and node.parent is None]
        if not roots:
            return Bounds(0, 0, 0, 0)
        return roots[0].bounds

    def texts(self, window: int | None = None) -> list[str]:
        """Every text and content description the user can see, in reading order of the dump, without repeats."""
        seen: dict[str, None] = {}
        for node in self.nodes:
            if window is not None and node.window != window:
                continue
            if not node.visible:
                continue
            for value in (node.text, node.content_desc):
                value = value.strip()
                if value:
                    seen.setdefault(value, None)
        return list(seen)

    def find(self, selector: Selector) -> list[UiNode]:
        """Visible nodes matching `selector`, topmost window first, then in document order."""
        matches = [node for node in self.nodes if node.visible and selector.matches(node)]
        return sorted(matches, key=lambda node: (-node.window, node.position))

    def find_first(self, selector: Selector) -> UiNode | None:
        found = self.find(selector)
        return found[0] if found else None

    def clickable_target(self, node: UiNode, max_area_share: float = 1.0, *,
                         allow_disabled: bool = False) -> UiNode | None:
        """The view a tap on `node` lands on: the node when clickable, else its nearest clickable ancestor no
        larger than `max_area_share` of its window (a clickable full-screen container is not a control).
        `allow_disabled`: a control greyed out for now counts too (an "Agree" enabled only once a box is ticked)."""
        limit = self.window_bounds(node.window).area * max_area_share
        for candidate in (node, *self.ancestors(node)):
            if candidate.clickable and (candidate.enabled or allow_disabled) and candidate.visible:
                return candidate if candidate.bounds.area <= limit or limit == 0 else None
        return None

    def node_at(self, x: int, y: int) -> UiNode | None:
        """The view a tap at (x, y) reaches: in the topmost window containing the point, the deepest clickable
        node under it, else the deepest node under it."""
        for window in self.windows_top_down():
            under = [n for n in self.window_nodes(window) if n.visible and n.bounds.contains(x, y)]
            if not under:
                continue
            clickable = [n for n in under if n.clickable]
            pool = clickable or under
            return max(pool, key=lambda n: (n.depth, n.position))
        return None


def parse_hierarchy(dump: str | bytes, source: str = "the device") -> Hierarchy:
    """Parse a uiautomator dump. Raises DeviceError naming `source` when it is not one."""
    text = _decode(dump)
    body = _XML_DECLARATION.sub("", text.lstrip("\ufeff \t\r\n"), count=1)
    end = body.rfind(_END_TAG)
    if end >= 0:
        body = body[: end + len(_END_TAG)]
    root = _parse_xml(body, source)
    if root.tag != "hierarchy":
        raise DeviceError(f"the UI dump from {source} is not a uiautomator hierarchy (root element <{root.tag}>)")
    rotation = _int(root.get("rotation"), 0)
    nodes: list[UiNode] = []
    windows = [child for child in root if isinstance(child.tag, str)]
    for window, element in enumerate(windows):
        _collect(element, None, window, 0, nodes)
    return Hierarchy(nodes=nodes, rotation=rotation, window_count=len(windows), source=text)


def _decode(dump: str | bytes) -> str:
    if isinstance(dump, str):
        return dump
    if dump.startswith((b"\xff\xfe", b"\xfe\xff")):
        return dump.decode("utf-16")
    return dump.decode("utf-8-sig", errors="replace")


def _parse_xml(body: str, source: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        return etree.fromstring(body, parser)
    except etree.XMLSyntaxError as first_error:
        cleaned = _INVALID_XML_CHARS.sub("", body)
        if cleaned != body:
            try:
                return etree.fromstring(cleaned, parser)
            except etree.XMLSyntaxError:
                pass
        detail = str(first_error) or "no XML"
        raise DeviceError(f"the UI dump from {source} is not valid XML: {detail}") from None


def _collect(element: etree._Element, parent: int | None, window: int, depth: int, nodes: list[UiNode]) -> int:
    position = len(nodes)
    attributes = element.attrib
    class_name = attributes.get("class") or ("" if element.tag == "node" else str(element.tag))
    nodes.append(
        UiNode(
            position=position,
            parent=parent,
            window=window,
            depth=depth,
            text=attributes.get("text", ""),
            resource_id=attributes.get("resource-id", ""),
            class_name=class_name,
            package=attributes.get("package", ""),
            content_desc=attributes.get("content-desc", ""),
            checkable=_bool(attributes.get("checkable")),
            checked=_bool(attributes.get("checked")),
            clickable=_bool(attributes.get("clickable")),
            enabled=_bool(attributes.get("enabled"), default=True),
            bounds=Bounds.parse(attributes.get("bounds", "")),
            index=_int(attributes.get("index"), 0),
            focused=_bool(attributes.get("focused")),
            scrollable=_bool(attributes.get("scrollable")),
        )
    )
    children = [
        _collect(child, position, window, depth + 1, nodes) for child in element if isinstance(child.tag, str)
    ]
    node = nodes[position]
    nodes[position] = UiNode(**{**node.__dict__, "children": tuple(children)})
    return position


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() == "true"


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


# --------------------------------------------------------------------------------------------
# Selectors

SelectorKind = Literal["text", "textContains", "regex", "id", "description"]
SELECTOR_KINDS: tuple[SelectorKind, ...] = ("text", "textContains", "regex", "id", "description")


@lru_cache(maxsize=256)
def compile_selector_regex(pattern: str) -> re.Pattern[str]:
    """The pattern as selectors use it (straight and curly apostrophes alike). Raises InputError when invalid."""
    try:
        return re.compile(fold_apostrophes(pattern))
    except re.error as exc:
        raise InputError(f"invalid regular expression {pattern!r}: {exc}") from None


def fold_apostrophes(text: str) -> str:
    return text.replace("\u2019", "'").replace("\u2018", "'")


@dataclass(frozen=True)
class Selector:
    """How a step names a view.

    - `text`: the whole text or content description, trimmed, with runs of whitespace as one space and
      curly and straight apostrophes alike (`Don't allow` finds `Don’t allow`); case matters.
    - `textContains`: a part of the text or content description, compared the same way.
    - `regex`: a regular expression matching the whole text or content description.
    - `id`: the full resource id (`com.example.shop:id/agree`) or the part after `:id/` (`agree`).
    - `description`: the whole content description, compared like `text`.
    """

    kind: SelectorKind
    value: str

    def matches(self, node: UiNode) -> bool:
        if self.kind == "id":
            if ":id/" in self.value:
                return node.resource_id == self.value
            return node.id_name == self.value or node.resource_id == self.value
        if self.kind == "description":
            return bool(node.content_desc) and fold_text(node.content_desc) == fold_text(self.value)
        candidates = [value for value in (node.text, node.content_desc) if value]
        if self.kind == "text":
            wanted = fold_text(self.value)
            return any(fold_text(value) == wanted for value in candidates)
        if self.kind == "textContains":
            wanted = fold_text(self.value)
            return any(wanted in fold_text(value) for value in candidates)
        pattern = compile_selector_regex(self.value)
        return any(
            pattern.fullmatch(fold_text(value)) or pattern.fullmatch(fold_apostrophes(value)) for value in candidates
        )

    def describe(self) -> str:
        return f"{self.kind} {self.value!r}"
