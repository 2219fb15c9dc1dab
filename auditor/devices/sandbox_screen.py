"""What the sandbox screen shows without the app (the launcher's home screen) and the wireframe screenshot.

Both are built with lxml, so texts coming from an app are always escaped, never markup.
"""

from __future__ import annotations

import re

from lxml import etree

from auditor.errors import DeviceError

SCREEN_WIDTH = 1080
SCREEN_HEIGHT = 2400
LAUNCHER_PACKAGE = "com.android.launcher3"
_HIERARCHY_DECLARATION = "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>"
_BOUNDS = re.compile(r"\[(-?\d+),(-?\d+)\]\[(-?\d+),(-?\d+)\]")
_NODE_DEFAULTS = {
    "checkable": "false", "checked": "false", "clickable": "false", "enabled": "true", "focusable": "false",
    "focused": "false", "scrollable": "false", "long-clickable": "false", "password": "false", "selected": "false",
}
_HOTSEAT = ("Phone", "Messages", "Chrome", "Camera")


def _node(parent: etree._Element, index: int, cls: str, bounds: tuple[int, int, int, int], *, text: str = "",
          resource_id: str = "", desc: str = "", clickable: bool = False) -> etree._Element:
    attributes = {
        "index": str(index), "text": text, "resource-id": resource_id, "class": cls, "package": LAUNCHER_PACKAGE,
        "content-desc": desc, **_NODE_DEFAULTS, "clickable": "true" if clickable else "false",
        "focusable": "true" if clickable else "false",
        "bounds": f"[{bounds[0]},{bounds[1]}][{bounds[2]},{bounds[3]}]",
    }
    return etree.SubElement(parent, "node", attributes)


def home_screen_xml(app_label: str) -> str:
    """The launcher's home screen with the app's icon: what the user sees when no app window is in front."""
    hierarchy = etree.Element("hierarchy", rotation="0")
    full = (0, 0, SCREEN_WIDTH, SCREEN_HEIGHT)
    decor = _node(hierarchy, 0, "android.widget.FrameLayout", full)
    content = _node(decor, 0, "android.widget.FrameLayout", full, resource_id="android:id/content")
    launcher = _node(content, 0, "android.widget.FrameLayout", full, resource_id=f"{LAUNCHER_PACKAGE}:id/launcher")
    workspace = _node(launcher, 0, "android.widget.ScrollView", (0, 84, SCREEN_WIDTH, 2010),
                      resource_id=f"{LAUNCHER_PACKAGE}:id/workspace")
    _node(workspace, 0, "android.widget.TextView", (42, 1700, 282, 1980), text=app_label, desc=app_label,
          clickable=True)
    hotseat = _node(launcher, 1, "android.widget.FrameLayout", (0, 2010, SCREEN_WIDTH, 2274),
                    resource_id=f"{LAUNCHER_PACKAGE}:id/hotseat")
    width = SCREEN_WIDTH // len(_HOTSEAT)
    for index, label in enumerate(_HOTSEAT):
        _node(hotseat, index, "android.widget.TextView", (index * width, 2040, (index + 1) * width, 2244),
              text=label, desc=label, clickable=True)
    body: str = etree.tostring(hierarchy, encoding="unicode")
    return _HIERARCHY_DECLARATION + body


def has_windows(hierarchy_xml: str) -> bool:
    root = _parse(hierarchy_xml)
    return root.find("node") is not None


def _parse(hierarchy_xml: str) -> etree._Element:
    try:
        return etree.fromstring(hierarchy_xml.encode("utf-8"), etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError as exc:
        raise DeviceError(f"the sandbox returned a hierarchy that is not XML: {exc}") from None


def _bounds(node: etree._Element) -> tuple[int, int, int, int]:
    match = _BOUNDS.fullmatch(node.get("bounds", ""))
    if match is None:
        return (0, 0, 0, 0)
    left, top, right, bottom = (int(value) for value in match.groups())
    return left, top, right, bottom


def _wrap(text: str, width: int, font_size: int) -> list[str]:
    """Lines that fit `width` pixels, counting wide (CJK) characters double."""
    per_line = max(1, int(width / (font_size * 0.55)))
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current, units = "", 0
        for char in paragraph:
            cost = 2 if ord(char) >= 0x1100 else 1
            if units + cost > per_line and current:
                lines.append(current)
                current, units = "", 0
            current += char
            units += cost
        lines.append(current)
    return lines


def svg_wireframe(hierarchy_xml: str) -> bytes:
    """An SVG wireframe of a uiautomator hierarchy: windows (dialogs dim what is under them), buttons, texts,
    checkboxes and text fields, so a report shows what the user saw."""
    root = _parse(hierarchy_xml)
    svg_ns = "http://www.w3.org/2000/svg"
    svg = etree.Element(
        f"{{{svg_ns}}}svg", nsmap={None: svg_ns},
        width=str(SCREEN_WIDTH // 3), height=str(SCREEN_HEIGHT // 3),
        viewBox=f"0 0 {SCREEN_WIDTH} {SCREEN_HEIGHT}", **{"font-family": "sans-serif"},
    )
    windows = root.findall("node")
    title = etree.SubElement(svg, f"{{{svg_ns}}}title")
    title.text = ", ".join(dict.fromkeys(window.get("package", "") for window in windows)) or "empty screen"
    etree.SubElement(svg, f"{{{svg_ns}}}rect", x="0", y="0", width=str(SCREEN_WIDTH), height=str(SCREEN_HEIGHT),
                     fill="#eceff1")
    for position, window in enumerate(windows):
        if position > 0:
            etree.SubElement(svg, f"{{{svg_ns}}}rect", x="0", y="0", width=str(SCREEN_WIDTH),
                             height=str(SCREEN_HEIGHT), fill="#000000", **{"fill-opacity": "0.35"})
        left, top, right, bottom = _bounds(window)
        etree.SubElement(svg, f"{{{svg_ns}}}rect", x=str(left), y=str(top), width=str(max(0, right - left)),
                         height=str(max(0, bottom - top)), fill="#ffffff", stroke="#90a4ae",
                         **{"stroke-width": "3", "rx": "0" if position == 0 else "24"})
        for node in window.iter("node"):
            _draw(svg, svg_ns, node)
    return bytes(etree.tostring(svg, xml_declaration=True, encoding="UTF-8"))


def _text(svg: etree._Element, ns: str, text: str, x: int, y: int, width: int, size: int, *,
          anchor: str = "start", color: str = "#212121") -> None:
    for number, line in enumerate(_wrap(text, width, size)):
        element = etree.SubElement(svg, f"{{{ns}}}text", x=str(x), y=str(y + number * int(size * 1.3)),
                                   fill=color, **{"font-size": str(size), "text-anchor": anchor})
        element.text = line


def _draw(svg: etree._Element, ns: str, node: etree._Element) -> None:
    cls = node.get("class", "")
    text = node.get("text", "") or node.get("content-desc", "")
    left, top, right, bottom = _bounds(node)
    width, height = right - left, bottom - top
    if width <= 0 or height <= 0:
        return
    if cls.endswith(("CheckBox", "RadioButton", "Switch")):
        box = 48
        box_top = top + (height - box) // 2
        etree.SubElement(svg, f"{{{ns}}}rect", x=str(left + 24), y=str(box_top), width=str(box), height=str(box),
                         fill="#ffffff", stroke="#455a64", **{"stroke-width": "4"})
        if node.get("checked") == "true":
            etree.SubElement(svg, f"{{{ns}}}path", d=f"M{left + 32} {box_top + 24} l12 14 l22 -28",
                             fill="none", stroke="#1565c0", **{"stroke-width": "6"})
        _text(svg, ns, text, left + 96, box_top + 36, width - 120, 40)
    elif cls.endswith("Button"):
        etree.SubElement(svg, f"{{{ns}}}rect", x=str(left + 12), y=str(top + 12), width=str(max(0, width - 24)),
                         height=str(max(0, height - 24)), fill="#e3f2fd", stroke="#1565c0",
                         **{"stroke-width": "3", "rx": "20"})
        _text(svg, ns, text, left + width // 2, top + height // 2 + 14, width - 48, 40, anchor="middle",
              color="#0d47a1")
    elif cls.endswith("EditText"):
        etree.SubElement(svg, f"{{{ns}}}line", x1=str(left + 24), y1=str(bottom - 20), x2=str(right - 24),
                         y2=str(bottom - 20), stroke="#455a64", **{"stroke-width": "3"})
        _text(svg, ns, text or "(empty)", left + 36, top + height // 2 + 14, width - 72, 40,
              color="#212121" if text else "#9e9e9e")
    elif cls.endswith("ImageView"):
        radius = min(width, height) // 2
        etree.SubElement(svg, f"{{{ns}}}circle", cx=str(left + width // 2), cy=str(top + height // 2),
                         r=str(radius), fill="#cfd8dc")
    elif text:
        _text(svg, ns, text, left + 36, top + 52, width - 72, 40)
