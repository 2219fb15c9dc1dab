"""The home screen shown without the app, and the SVG wireframe screenshots."""

from __future__ import annotations

import pytest
from lxml import etree

from auditor.devices.sandbox_screen import has_windows, home_screen_xml, svg_wireframe
from auditor.errors import DeviceError

SVG = "{http://www.w3.org/2000/svg}"


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


def test_wireframe_draws_controls_and_dims_under_dialogs() -> None:
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    xml = (
        '<hierarchy rotation="0"><node index="0" class="android.widget.FrameLayout" bounds="[0,0][1080,2400]" '
        'text="" package="app">'
        + node(escaped, "android.widget.TextView", "[0,84][1080,200]")
        + node("Agree", "android.widget.Button", "[0,200][540,344]")
        + node("Send offers", "android.widget.CheckBox", "[0,344][1080,488]", checked="true")
        + node("", "android.widget.EditText", "[0,488][1080,632]")
        + "</node>"
        '<node index="0" class="android.widget.FrameLayout" bounds="[60,900][1020,1500]" text="" package="app">'
        + node("Dialog text", "android.widget.TextView", "[60,900][1020,1000]")
        + "</node></hierarchy>"
    )
    svg = etree.fromstring(svg_wireframe(xml))
    assert svg.tag == f"{SVG}svg" and svg.get("viewBox") == "0 0 1080 2400"
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "<script>alert(1)</script>" in texts
    assert {"Agree", "Send offers", "(empty)", "Dialog text"} <= set(texts)
    assert not [e for e in svg.iter() if isinstance(e.tag, str) and e.tag.endswith("script")]
    dims = [r for r in svg.iter(f"{SVG}rect") if r.get("fill-opacity")]
    assert len(dims) == 1, "one dim layer under the one dialog"
    assert len(list(svg.iter(f"{SVG}path"))) == 1, "the checked box has its tick"


def test_wireframe_wraps_long_text_without_losing_characters() -> None:
    long_text = "中文" * 40 + " and some English words that wrap"
    xml = ('<hierarchy rotation="0"><node class="android.widget.FrameLayout" bounds="[0,0][1080,2400]" text="">'
           + node(long_text, "android.widget.TextView", "[0,84][1080,600]") + "</node></hierarchy>")
    lines = [t.text or "" for t in etree.fromstring(svg_wireframe(xml)).iter(f"{SVG}text")]
    assert len(lines) > 1 and "".join(lines) == long_text


def test_a_hierarchy_that_is_not_xml_is_a_device_error() -> None:
    with pytest.raises(DeviceError, match="not XML"):
        svg_wireframe("<hierarchy")
