"""Measuring how a dialog presents its two choices: what each control looks like (a button, a line of text, an icon:
from the screenshot's pixels when there is one, else from the widget class), how much of the screen each covers
against what its label needs, and, on the PNG screenshot (a device's, or the sandbox's), how strongly each stands
out by colour from what surrounds it.

Everything here is a measurement, not a judgement: the rules compare the numbers with their thresholds.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from auditor.models import ControlColours, DialogControl

if TYPE_CHECKING:
    from PIL import Image

ControlStyle = Literal["button", "text", "image", "container", "unknown"]

_BUTTON_CLASSES = ("button", "chip")
"""Class-name parts of views drawn as buttons: Button, ImageButton, MaterialButton, AppCompatButton, Chip..."""
_TEXT_CLASSES = ("textview",)
_IMAGE_CLASSES = ("imageview",)
_CONTAINER_CLASSES = ("layout", "viewgroup", "cardview", "android.view.view")


def control_style(control: DialogControl, has_fill: bool | None = None) -> ControlStyle:
    """How the control is drawn. From a screenshot's pixels when they are known (`has_fill`: whether the control has
    a fill of its own against its surroundings): a clickable view with a fill is drawn as a `button`, one without
    as `text` (a link, a borderless button), whatever its class; an icon stays an `image`. Otherwise from its
    widget class: `button` (Button and its kin), `text` (a TextView with a click listener: plain text or a link),
    `image` (an icon such as a close cross), `container` (a layout made clickable, whose look the hierarchy does not
    tell), `unknown`."""
    by_class = _style_by_class(control)
    if has_fill is None or by_class == "image":
        return by_class
    return "button" if has_fill else "text"


def _style_by_class(control: DialogControl) -> ControlStyle:
    name = control.cls.lower()
    short = name.rsplit(".", 1)[-1]
    if any(part in short for part in _BUTTON_CLASSES):
        return "button"
    if any(part in short for part in _TEXT_CLASSES):
        return "text"
    if any(part in short for part in _IMAGE_CLASSES):
        return "image"
    if any(part in name for part in _CONTAINER_CLASSES):
        return "container"
    return "unknown"


def area(control: DialogControl) -> int:
    left, top, right, bottom = control.bounds
    return max(0, right - left) * max(0, bottom - top)


def size_text(control: DialogControl) -> str:
    left, top, right, bottom = control.bounds
    return f"{max(0, right - left)}×{max(0, bottom - top)} px"


LABEL_PADDING_UNITS = 4
"""What a control's padding adds to its label's width, in narrow characters (Material buttons: 16 dp each side,
about two characters of 14 sp text)."""


def label_units(text: str) -> int:
    """A label's width in narrow characters: a wide (CJK) character counts two."""
    return sum(2 if ord(char) >= 0x1100 else 1 for char in text)


@dataclass(frozen=True)
class ChoiceSizes:
    """The two controls' sizes. A control sized to its label (wrap content) is wider for a longer label: that part of
    the width difference says nothing about steering, so `weighted` divides the width ratio by what the labels
    explain (their length ratio, padding included) before multiplying by the height ratio."""

    accept: tuple[int, int]
    """Width and height, px."""
    reject: tuple[int, int]
    label_ratio: float
    """How much wider the accept label needs to be than the reject label (at least 1)."""

    @property
    def accept_area(self) -> int:
        return self.accept[0] * self.accept[1]

    @property
    def reject_area(self) -> int:
        return self.reject[0] * self.reject[1]

    @property
    def ratio(self) -> float | None:
        """Accept area over reject area; None when the reject control has no size on screen."""
        return self.accept_area / self.reject_area if self.reject_area else None

    @property
    def weighted(self) -> float | None:
        """The area ratio with the width the longer accept label needs allowed for; None as for `ratio`."""
        if not self.reject_area:
            return None
        width_ratio = self.accept[0] / self.reject[0]
        if width_ratio > 1:
            width_ratio = max(1.0, width_ratio / self.label_ratio)
        return width_ratio * self.accept[1] / self.reject[1]


def choice_sizes(accept: DialogControl, reject: DialogControl) -> ChoiceSizes:
    needed = (label_units(accept.text) + LABEL_PADDING_UNITS) / (label_units(reject.text) + LABEL_PADDING_UNITS)
    return ChoiceSizes(_size(accept), _size(reject), max(1.0, needed))


def _size(control: DialogControl) -> tuple[int, int]:
    left, top, right, bottom = control.bounds
    return max(0, right - left), max(0, bottom - top)


# --------------------------------------------------------------------------------------------
# Colour, on PNG screenshots

_BAND = 0.25
"""The band around a control whose colour is its surroundings, as a share of the control's height (at least 8 px)."""
_QUANTUM = 8
"""Colours are counted in steps of this much per channel, so anti-aliasing and gradients do not split a fill."""

RGB = tuple[int, int, int]
_MIN_RING = 64
"""Fewer pixels than this around a control, once the window's edges and the other controls are left out, say
nothing of its surroundings."""
_COVERED = (1, 2, 3)
"""Marks what controls cover when the window's background is counted (a colour no screen draws on purpose)."""


Box = tuple[int, int, int, int]


def measure_colours(png: bytes, accept: DialogControl, reject: DialogControl,
                    hierarchy: str | None = None) -> ControlColours | None:
    """Each control's dominant colour and that of the band around it, on a PNG screenshot whose pixels map 1:1 to
    the hierarchy's coordinates (as a device's screenshot does, and the sandbox's); None when the image cannot be
    read or a control lies outside it. With the `hierarchy` the screenshot was taken with, the band is what lies
    behind the control: it keeps to the window the control is drawn in (a control at a dialog's edge is surrounded
    by the dialog, not by the dimmed screen beyond it) and leaves out the other controls next to it (stacked
    buttons do not make each other's surroundings)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(png)) as opened:
            image = opened.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    windows = _windows(hierarchy)
    accept_colours = _fill_and_around(image, accept, windows)
    reject_colours = _fill_and_around(image, reject, windows)
    if accept_colours is None or reject_colours is None:
        return None
    (accept_fill, accept_around), (reject_fill, reject_around) = accept_colours, reject_colours
    return ControlColours(
        accept=_hex(accept_fill), accept_around=_hex(accept_around),
        accept_contrast=round(contrast_ratio(accept_fill, accept_around), 2),
        accept_delta_e=round(delta_e(accept_fill, accept_around), 1),
        reject=_hex(reject_fill), reject_around=_hex(reject_around),
        reject_contrast=round(contrast_ratio(reject_fill, reject_around), 2),
        reject_delta_e=round(delta_e(reject_fill, reject_around), 1),
    )


@dataclass(frozen=True)
class _Window:
    box: Box
    controls: tuple[Box, ...]
    """The bounds of every tappable or tickable view in it."""


def _windows(hierarchy: str | None) -> list[_Window]:
    """The screen's windows, topmost first, with their controls; none without a (readable) hierarchy."""
    if not hierarchy:
        return []
    from auditor.errors import DeviceError
    from auditor.scenario.hierarchy import parse_hierarchy

    try:
        parsed = parse_hierarchy(hierarchy)
    except DeviceError:
        return []
    return [_Window(parsed.window_bounds(window).as_tuple(),
                    tuple(node.bounds.as_tuple() for node in parsed.window_nodes(window)
                          if node.clickable or node.checkable))
            for window in parsed.windows_top_down()]


def _fill_and_around(image: Image.Image, control: DialogControl, windows: list[_Window]) -> tuple[RGB, RGB] | None:
    from PIL import Image, ImageDraw

    width, height = image.size
    left, top, right, bottom = control.bounds
    x, y = (left + right) // 2, (top + bottom) // 2
    window = next((w for w in windows if w.box[0] <= x < w.box[2] and w.box[1] <= y < w.box[3]), None)
    low_x, low_y, high_x, high_y = window.box if window is not None else (0, 0, width, height)
    low_x, low_y, high_x, high_y = max(0, low_x), max(0, low_y), min(width, high_x), min(height, high_y)
    left, top, right, bottom = max(low_x, left), max(low_y, top), min(high_x, right), min(high_y, bottom)
    if right - left < 2 or bottom - top < 2:
        return None
    band = max(8, round((bottom - top) * _BAND))
    outer: Box = (max(low_x, left - band), max(low_y, top - band), min(high_x, right + band), min(high_y, bottom + band))
    mask = Image.new("L", (outer[2] - outer[0], outer[3] - outer[1]), 255)
    draw = ImageDraw.Draw(mask)
    own = (left, top, right, bottom)
    neighbours = [box for box in (window.controls if window is not None else ())
                  if not _inside(own, box) and not _inside(box, own)]
    for box in (own, *neighbours):
        draw.rectangle((box[0] - outer[0], box[1] - outer[1], box[2] - outer[0] - 1, box[3] - outer[1] - 1), fill=0)
    ring = [pixel for pixel, keep in zip(_pixels(image, outer), mask.tobytes(), strict=True) if keep]
    if len(ring) < _MIN_RING and window is not None:
        # Hemmed in by the window's edges and its neighbours (the last of stacked buttons): what lies behind it is
        # the window's own background, the colour of what no control covers.
        behind = _background(image, window, (own, *neighbours))
        return (_dominant(_pixels(image, own)), behind) if behind is not None else None
    if not ring:
        return None
    return _dominant(_pixels(image, own)), _dominant(ring)


def _background(image: Image.Image, window: _Window, covered: tuple[Box, ...]) -> RGB | None:
    from PIL import ImageDraw

    box = window.box
    if box[2] - box[0] < 2 or box[3] - box[1] < 2:
        return None
    region = image.crop(box)
    draw = ImageDraw.Draw(region)
    for left, top, right, bottom in covered:
        draw.rectangle((left - box[0], top - box[1], right - box[0] - 1, bottom - box[1] - 1), fill=_COVERED)
    found = region.getcolors(maxcolors=region.width * region.height) or []
    counts: list[tuple[int, RGB]] = [(count, (colour[0], colour[1], colour[2])) for count, colour in found
                                     if isinstance(colour, tuple) and colour[:3] != _COVERED]
    return _dominant_of(counts) if counts else None


def _inside(inner: Box, outer: Box) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


def _pixels(image: Image.Image, box: tuple[int, int, int, int]) -> list[RGB]:
    data = image.crop(box).tobytes()
    return list(zip(data[0::3], data[1::3], data[2::3], strict=True))


def _dominant(pixels: list[RGB]) -> RGB:
    return _dominant_of([(count, colour) for colour, count in Counter(pixels).items()])


def _dominant_of(counts: list[tuple[int, RGB]]) -> RGB:
    """The most common colour, counted in quantised steps, returned as the mean of the pixels in the winning step."""
    buckets: Counter[RGB] = Counter()
    for count, (r, g, b) in counts:
        buckets[(r // _QUANTUM, g // _QUANTUM, b // _QUANTUM)] += count
    winner = buckets.most_common(1)[0][0]
    chosen = [(count, colour) for count, colour in counts
              if (colour[0] // _QUANTUM, colour[1] // _QUANTUM, colour[2] // _QUANTUM) == winner]
    total = sum(count for count, _ in chosen)
    return (round(sum(count * colour[0] for count, colour in chosen) / total),
            round(sum(count * colour[1] for count, colour in chosen) / total),
            round(sum(count * colour[2] for count, colour in chosen) / total))


def _linear(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: RGB) -> float:
    """WCAG 2.x relative luminance of an sRGB colour."""
    r, g, b = (_linear(v) for v in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: RGB, second: RGB) -> float:
    """WCAG 2.x contrast ratio, 1 (same luminance) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _lab(colour: RGB) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of an sRGB colour."""
    r, g, b = (_linear(v) for v in colour)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def delta_e(first: RGB, second: RGB) -> float:
    """CIE76 colour difference: about 2.3 is just noticeable; above 40 the two read as different colours. Unlike the
    contrast ratio it sees hue, so a yellow button on white counts as standing out."""
    a, b = _lab(first), _lab(second)
    return float(sum((p - q) ** 2 for p, q in zip(a, b, strict=True)) ** 0.5)


def _hex(colour: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*colour)
