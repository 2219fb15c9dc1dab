"""The home screen shown without the app, and the PNG screenshots drawn from the runtime's dump for drawing."""

from __future__ import annotations

import io

import pytest
from lxml import etree
from PIL import Image

from auditor.devices.sandbox_screen import has_windows, home_screen_xml, png_screenshot
from auditor.errors import DeviceError
from auditor.models import DialogControl
from auditor.scenario.measure import measure_colours


def node(text: str, cls: str, bounds: str, **extra: str) -> str:
    attributes = {"index": "0", "text": text, "resource-id": "", "class": cls, "package": "p", "content-desc": "",
                  "checked": "false", "bounds": bounds, **extra}
    rendered = " ".join(f'{key}="{value}"' for key, value in attributes.items())
    return f"<node {rendered} />"


def test_home_screen_is_the_launcher_with_the_app_icon() -> None:
    xml = home_screen_xml('Shop "<&>"')
    assert xml.startswith("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?><hierarchy rotation=\"0\">")
    root = etree.fromstring(xml.encode())
    assert {n.get("package") for n in root.iter("node")} == {"com.android.launcher3"}
    icon = [n for n in root.iter("node") if n.get("text") == 'Shop "<&>"']
    assert len(icon) == 1 and icon[0].get("content-desc") == 'Shop "<&>"'
    assert has_windows(xml)
    assert not has_windows("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?><hierarchy rotation=\"0\"/>")


def screen(*windows: str) -> str:
    return '<hierarchy rotation="0">' + "".join(windows) + "</hierarchy>"


def window(bounds: str, *children: str) -> str:
    return (f'<node index="0" class="android.widget.FrameLayout" bounds="{bounds}" text="" package="app">'
            + "".join(children) + "</node>")


def pixels(xml: str) -> Image.Image:
    image = Image.open(io.BytesIO(png_screenshot(xml)))
    assert image.format == "PNG" and image.size == (1080, 2400), "one pixel per hierarchy pixel, as on a device"
    return image.convert("RGB")


def test_the_colours_an_app_gave_its_views_fill_their_bounds() -> None:
    image = pixels(screen(window(
        "[0,0][1080,2400]",
        node("Agree", "android.widget.Button", "[0,200][540,344]", background="#ff1a73e8", **{"text-color": "#ffffffff"}),
        node("Disagree", "android.widget.TextView", "[540,200][1080,305]", **{"text-color": "#ff9e9e9e"}),
        node("Later", "android.widget.Button", "[0,400][1080,544]"),
        node("Clear", "android.widget.Button", "[0,600][1080,744]", background="#00ff0000"),
    )))

    assert image.getpixel((4, 204)) == (0x1A, 0x73, 0xE8), "a background covers the whole view, corners too"
    assert image.getpixel((1070, 210)) == (255, 255, 255), "a text without a background is drawn on its window"
    assert image.getpixel((30, 470)) == (0xD6, 0xD7, 0xD7), "a button of its own look: Android's grey"
    assert image.getpixel((4, 404)) == (255, 255, 255), "...with rounded, inset corners"
    assert image.getpixel((30, 670)) == (0xD6, 0xD7, 0xD7), "a fully transparent background leaves the widget's look"
    text_colours = {image.getpixel((x, y)) for x in range(560, 1060) for y in range(205, 300)}
    assert (0x9E, 0x9E, 0x9E) in text_colours, "the text in its own colour"


def test_the_colour_measurement_reads_what_was_drawn() -> None:
    accept = DialogControl(text="Agree", cls="android.widget.Button", bounds=(60, 1300, 540, 1444))
    reject = DialogControl(text="Disagree", cls="android.widget.TextView", bounds=(540, 1300, 1020, 1405))
    xml = screen(window("[0,0][1080,2400]"), window(
        "[60,900][1020,1500]",
        node("Agree", "android.widget.Button", "[60,1300][540,1444]", background="#ff1a73e8"),
        node("Disagree", "android.widget.TextView", "[540,1300][1020,1405]", **{"text-color": "#ff757575"})))

    colours = measure_colours(png_screenshot(xml), accept, reject)
    assert colours is not None
    assert (colours.accept, colours.accept_around, colours.reject, colours.reject_around) == (
        "#1a73e8", "#ffffff", "#ffffff", "#ffffff")
    assert colours.accept_contrast == pytest.approx(4.5, abs=0.1) and colours.reject_contrast == 1.0


def test_a_dialog_dims_the_windows_under_it_and_draws_over_them() -> None:
    image = pixels(screen(window("[0,0][1080,2400]"), window("[60,900][1020,1500]",
                                                            node("Dialog text", "android.widget.TextView",
                                                                 "[60,900][1020,1005]"))))

    assert image.getpixel((10, 10)) == (166, 166, 166), "white at 65%"
    assert image.getpixel((540, 1300)) == (255, 255, 255)


def test_check_boxes_show_their_state_and_app_text_is_only_pixels() -> None:
    hostile = "&lt;script&gt;alert(1)&lt;/script&gt;"
    ticked = pixels(screen(window("[0,0][1080,2400]", node(hostile, "android.widget.CheckBox", "[0,344][1080,488]",
                                                          checked="true"))))
    unticked = pixels(screen(window("[0,0][1080,2400]", node(hostile, "android.widget.CheckBox", "[0,344][1080,488]",
                                                            checked="false"))))
    tick = {ticked.getpixel((x, y)) for x in range(30, 70) for y in range(400, 440)}
    assert (0x15, 0x65, 0xC0) in tick
    assert (0x15, 0x65, 0xC0) not in {unticked.getpixel((x, y)) for x in range(30, 70) for y in range(400, 440)}


def test_a_hierarchy_that_is_not_xml_is_a_device_error() -> None:
    with pytest.raises(DeviceError, match="not XML"):
        png_screenshot("<hierarchy")
