"""Measuring how a dialog presents its two choices: what each control looks like in the hierarchy (a button, a line
of text, an icon), how much of the screen each covers, and, on a PNG screenshot, how strongly each stands out by
colour from what surrounds it.

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


def control_style(control: DialogControl) -> ControlStyle:
    """How the control is drawn, from its widget class: `button` (Button and its kin), `text` (a TextView with a
    click listener: plain text or a link), `image` (an icon such as a close cross), `container` (a layout made
    clickable, whose look the hierarchy does not tell), `unknown`."""
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


@dataclass(frozen=True)
class ChoiceSizes:
    accept_area: int
    reject_area: int

    @property
    def ratio(self) -> float | None:
        """Accept area over reject area; None when the reject control has no size on screen."""
        return self.accept_area / self.reject_area if self.reject_area else None


def choice_sizes(accept: DialogControl, reject: DialogControl) -> ChoiceSizes:
    return ChoiceSizes(area(accept), area(reject))


# --------------------------------------------------------------------------------------------
# Colour, on PNG screenshots

_BAND = 0.25
"""The band around a control whose colour is its surroundings, as a share of the control's height (at least 8 px)."""
_QUANTUM = 8
"""Colours are counted in steps of this much per channel, so anti-aliasing and gradients do not split a fill."""

RGB = tuple[int, int, int]


def measure_colours(png: bytes, accept: DialogControl, reject: DialogControl) -> ControlColours | None:
    """Each control's dominant colour and that of the band around it, on a PNG screenshot whose pixels map 1:1 to
    the hierarchy's coordinates (as a device's screenshot does); None when the image cannot be read or a control
    lies outside it."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(png)) as opened:
            image = opened.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    accept_colours = _fill_and_around(image, accept)
    reject_colours = _fill_and_around(image, reject)
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


def _fill_and_around(image: Image.Image, control: DialogControl) -> tuple[RGB, RGB] | None:
    width, height = image.size
    left, top, right, bottom = control.bounds
    left, top, right, bottom = max(0, left), max(0, top), min(width, right), min(height, bottom)
    if right - left < 2 or bottom - top < 2:
        return None
    band = max(8, round((bottom - top) * _BAND))
    outer_left, outer_top = max(0, left - band), max(0, top - band)
    outer_right, outer_bottom = min(width, right + band), min(height, bottom + band)
    ring_boxes = [
        (outer_left, outer_top, outer_right, top),          # above
        (outer_left, bottom, outer_right, outer_bottom),    # below
        (outer_left, top, left, bottom),                    # left
        (right, top, outer_right, bottom),                  # right
    ]
    ring = [pixel for box in ring_boxes if box[2] > box[0] and box[3] > box[1] for pixel in _pixels(image, box)]
    if not ring:
        return None
    return _dominant(_pixels(image, (left, top, right, bottom))), _dominant(ring)


def _pixels(image: Image.Image, box: tuple[int, int, int, int]) -> list[RGB]:
    data = image.crop(box).tobytes()
    return list(zip(data[0::3], data[1::3], data[2::3], strict=True))


def _dominant(pixels: list[RGB]) -> RGB:
    """The most common colour, counted in quantised steps, returned as the mean of the pixels in the winning step."""
    buckets: Counter[RGB] = Counter((r // _QUANTUM, g // _QUANTUM, b // _QUANTUM) for r, g, b in pixels)
    winner = buckets.most_common(1)[0][0]
    chosen = [p for p in pixels if (p[0] // _QUANTUM, p[1] // _QUANTUM, p[2] // _QUANTUM) == winner]
    return (round(sum(p[0] for p in chosen) / len(chosen)), round(sum(p[1] for p in chosen) / len(chosen)),
            round(sum(p[2] for p in chosen) / len(chosen)))


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
