"""What the sandbox screen shows without the app (the launcher's home screen), and its screenshot.

The home screen is built with lxml, so texts coming from an app are always escaped, never markup. The screenshot is
a PNG drawn with Pillow from the screen's layout, as the runtime dumps it for drawing (the hierarchy's views with
the colours the app gave them, `background` and `text-color`): windows, the dimming under dialogs, buttons, check
boxes, text fields and texts, each within its bounds, one pixel per hierarchy pixel as on a device. So the colour
measurement of a dialog's controls (`auditor.scenario.measure`) reads the sandbox's screenshots as it reads a
device's.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from functools import lru_cache
from typing import TYPE_CHECKING

from lxml import etree

from auditor.errors import DeviceError

if TYPE_CHECKING:
    from PIL import ImageDraw, ImageFont

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


FONT_ENV = "CONSENT_AUDIT_FONT"
"""A TrueType/OpenType font file to draw the screenshots' texts with, instead of the one fontconfig offers."""
TEXT_SIZE = 40
"""Pixels; narrow glyphs stay within the layout's `CHAR_WIDTH`, wide ones within twice it."""
LINE_HEIGHT = 57
CHAR_WIDTH = 25
PADDING_HORIZONTAL = 42
PADDING_VERTICAL = 24
"""The runtime's text layout (android.widget.TextView): a line is 57 px tall, a narrow character 25 px wide."""

RGB = tuple[int, int, int]
_SCREEN = (0xEC, 0xEF, 0xF1)
_WINDOW = (0xFF, 0xFF, 0xFF)
_WINDOW_EDGE = (0x90, 0xA4, 0xAE)
_DIMMED = [round(value * 0.65) for value in range(256)] * 3
"""What a dialog does to the windows under it: black at 35% over them, as a lookup table per channel."""
_TEXT = (0x21, 0x21, 0x21)
_HINT = (0x9E, 0x9E, 0x9E)
_BUTTON = (0xD6, 0xD7, 0xD7)
"""A button without a background of the app's: Android's default (Material) button, light grey."""
_BUTTON_EDGE = (0xB0, 0xB3, 0xB5)
_BOX_EDGE = (0x45, 0x5A, 0x64)
_TICK = (0x15, 0x65, 0xC0)
_ICON = (0xCF, 0xD8, 0xDC)


def png_screenshot(drawing_xml: str) -> bytes:
    """The screen as a PNG, 1080 x 2400, from the runtime's dump for drawing (see the module doc)."""
    from PIL import Image, ImageDraw

    root = _parse(drawing_xml)
    image = Image.new("RGB", (SCREEN_WIDTH, SCREEN_HEIGHT), _SCREEN)
    for position, window in enumerate(root.findall("node")):
        if position > 0:
            image = image.point(_DIMMED)
        draw = ImageDraw.Draw(image)
        left, top, right, bottom = _bounds(window)
        if right > left and bottom > top:
            draw.rounded_rectangle((left, top, right - 1, bottom - 1), radius=0 if position == 0 else 24,
                                   fill=_colour(window.get("background")) or _WINDOW, outline=_WINDOW_EDGE, width=3)
        for node in window.iter("node"):
            _draw(draw, node, is_window=node is window)
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=6)
    return out.getvalue()


def _colour(value: str | None, under: RGB = _WINDOW) -> RGB | None:
    """An #AARRGGBB (or #RRGGBB) colour over `under`, or None when absent or fully transparent."""
    if not value or not re.fullmatch(r"#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{8})", value):
        return None
    digits = value[1:]
    alpha = int(digits[:2], 16) if len(digits) == 8 else 255
    if alpha == 0:
        return None
    rgb = [int(digits[i:i + 2], 16) for i in range(len(digits) - 6, len(digits), 2)]
    return (round((rgb[0] * alpha + under[0] * (255 - alpha)) / 255),
            round((rgb[1] * alpha + under[1] * (255 - alpha)) / 255),
            round((rgb[2] * alpha + under[2] * (255 - alpha)) / 255))


def _draw(draw: ImageDraw.ImageDraw, node: etree._Element, *, is_window: bool) -> None:
    cls = node.get("class", "")
    text = node.get("text", "") or node.get("content-desc", "")
    left, top, right, bottom = _bounds(node)
    width, height = right - left, bottom - top
    if width <= 0 or height <= 0:
        return
    background = None if is_window else _colour(node.get("background"))
    colour = _colour(node.get("text-color"), background or _WINDOW) or _TEXT
    if background is not None:
        # Android draws a background over the whole view, in place of the widget's own look.
        draw.rectangle((left, top, right - 1, bottom - 1), fill=background)
    if cls.endswith(("CheckBox", "RadioButton", "Switch")):
        box = 48
        box_top = top + (height - box) // 2
        draw.rectangle((left + 24, box_top, left + 24 + box, box_top + box), fill=_WINDOW, outline=_BOX_EDGE,
                       width=4)
        if node.get("checked") == "true":
            draw.line([(left + 32, box_top + 24), (left + 44, box_top + 38), (left + 66, box_top + 10)],
                      fill=_TICK, width=6)
        _text(draw, text, left + 96, top + height // 2, width - 96 - PADDING_HORIZONTAL, colour, middle=True)
    elif cls.endswith("Button"):
        if background is None:
            draw.rounded_rectangle((left + 12, top + 12, right - 12, bottom - 12), radius=20, fill=_BUTTON,
                                   outline=_BUTTON_EDGE, width=3)
        _text(draw, text, left + width // 2, top + height // 2, width - 2 * PADDING_HORIZONTAL, colour, centred=True)
    elif cls.endswith("EditText"):
        draw.line([(left + 24, bottom - 20), (right - 24, bottom - 20)], fill=_BOX_EDGE, width=3)
        _text(draw, text or "(empty)", left + PADDING_HORIZONTAL, top + height // 2, width - 2 * PADDING_HORIZONTAL,
              colour if text else _HINT, middle=True)
    elif cls.endswith("ImageView"):
        radius = min(width, height) // 2
        centre_x, centre_y = left + width // 2, top + height // 2
        draw.ellipse((centre_x - radius, centre_y - radius, centre_x + radius, centre_y + radius), fill=_ICON)
    elif text:
        _text(draw, text, left + PADDING_HORIZONTAL, top + PADDING_VERTICAL, width - 2 * PADDING_HORIZONTAL, colour)


def _text(draw: ImageDraw.ImageDraw, text: str, x: int, y: int, width: int, colour: RGB, *,
          centred: bool = False, middle: bool = False) -> None:
    """Wrapped lines from (x, y) (top left; `centred`: the block's centre; `middle`: left, vertically centred)."""
    font = _font()
    lines = _wrap(text, width)
    block = LINE_HEIGHT * len(lines)
    if centred or middle:
        y -= block // 2
    for number, line in enumerate(lines):
        draw.text((x, y + number * LINE_HEIGHT + (LINE_HEIGHT - TEXT_SIZE) // 2), line, fill=colour, font=font,
                  anchor="ma" if centred else "la")


def _wrap(text: str, width: int) -> list[str]:
    """Lines as the runtime lays a text out (`TextView.lineCount`): `CHAR_WIDTH` pixels a narrow character, twice that
    a wide (CJK) one, broken between characters, so the drawing keeps to the heights the hierarchy gives."""
    per_line = max(1, width // CHAR_WIDTH)
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


@lru_cache(maxsize=1)
def _font() -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A font with Chinese glyphs when the system has one: $CONSENT_AUDIT_FONT, else what fontconfig matches for
    Chinese sans-serif text, else Pillow's own (Latin only: Chinese characters then show as boxes)."""
    from PIL import ImageFont

    for path in (os.environ.get(FONT_ENV), _fontconfig_match()):
        if path:
            try:
                return ImageFont.truetype(path, TEXT_SIZE)
            except OSError:
                continue
    return ImageFont.load_default(size=TEXT_SIZE)


def _fontconfig_match() -> str | None:
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:
        found = subprocess.run([fc_match, "--format=%{file}", "sans-serif:lang=zh-cn"], capture_output=True,
                               text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return found.stdout.strip() or None
