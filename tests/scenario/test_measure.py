"""Measuring two choices: widget styles and areas on real device dumps, and colours on generated PNG screenshots."""

import io

import pytest
from PIL import Image, ImageDraw

from auditor.models import DialogControl
from auditor.scenario.dialogs import detect_consent_dialog, detect_permission_dialog
from auditor.scenario.hierarchy import parse_hierarchy
from auditor.scenario.measure import (
    area,
    choice_sizes,
    contrast_ratio,
    control_style,
    delta_e,
    label_units,
    measure_colours,
    size_text,
)
from auditor.testing.fixtures import android_fixture as fixture_path


def control(cls: str, bounds=(0, 0, 100, 50), text: str = "x") -> DialogControl:
    return DialogControl(text=text, cls=cls, bounds=bounds)


@pytest.mark.parametrize(("cls", "style"), [
    ("android.widget.Button", "button"),
    ("android.widget.ImageButton", "button"),
    ("com.google.android.material.button.MaterialButton", "button"),
    ("androidx.appcompat.widget.AppCompatButton", "button"),
    ("com.google.android.material.chip.Chip", "button"),
    ("android.widget.TextView", "text"),
    ("androidx.appcompat.widget.AppCompatTextView", "text"),
    ("android.widget.ImageView", "image"),
    ("android.widget.LinearLayout", "container"),
    ("android.view.ViewGroup", "container"),
    ("android.view.View", "container"),
    ("", "unknown"),
])
def test_the_style_of_a_control_comes_from_its_widget_class(cls, style):
    assert control_style(control(cls)) == style


def test_areas_and_their_ratio():
    accept = control("android.widget.Button", (60, 1000, 1020, 1288))
    reject = control("android.widget.TextView", (60, 1288, 1020, 1450))

    sizes = choice_sizes(accept, reject)
    assert (sizes.accept_area, sizes.reject_area) == (960 * 288, 960 * 162)
    assert sizes.ratio == pytest.approx(288 / 162)
    assert size_text(accept) == "960×288 px"
    assert choice_sizes(accept, control("x", (0, 0, 0, 0))).ratio is None
    assert area(control("x", (10, 10, 5, 5))) == 0


def test_a_wider_control_for_a_longer_label_is_allowed_its_width():
    """Wrap-content buttons side by side: “同意并继续” is wider than “不同意” because its label is longer."""
    accept = DialogControl(text="同意并继续", cls="android.widget.Button", bounds=(450, 1500, 780, 1644))
    reject = DialogControl(text="不同意", cls="android.widget.Button", bounds=(240, 1500, 450, 1644))

    sizes = choice_sizes(accept, reject)
    assert sizes.ratio == pytest.approx(330 / 210)
    assert sizes.label_ratio == pytest.approx((10 + 4) / (6 + 4))
    assert sizes.weighted == pytest.approx(330 / 210 / 1.4)


def test_what_the_label_does_not_explain_still_counts():
    taller = choice_sizes(DialogControl(text="同意并继续", cls="b", bounds=(450, 1500, 780, 1788)),
                          DialogControl(text="不同意", cls="b", bounds=(240, 1500, 450, 1644)))
    assert taller.weighted == pytest.approx(330 / 210 / 1.4 * 2), "the height is not the label's doing"
    weighted_layout = choice_sizes(DialogControl(text="Yes", cls="b", bounds=(360, 1500, 1080, 1644)),
                                   DialogControl(text="No!", cls="b", bounds=(0, 1500, 360, 1644)))
    assert weighted_layout.weighted == pytest.approx(2.0), "labels of one length: the width is the layout's"
    shorter_accept = choice_sizes(DialogControl(text="OK", cls="b", bounds=(0, 0, 600, 144)),
                                  DialogControl(text="No thanks", cls="b", bounds=(600, 0, 900, 144)))
    assert shorter_accept.label_ratio == 1.0 and shorter_accept.weighted == pytest.approx(2.0)
    assert label_units("同意") == 4 and label_units("OK") == 2


@pytest.mark.parametrize(("cls", "has_fill", "style"), [
    ("android.widget.Button", False, "text"),
    ("android.widget.TextView", True, "button"),
    ("android.widget.LinearLayout", True, "button"),
    ("android.widget.ImageView", True, "image"),
    ("android.widget.TextView", None, "text"),
])
def test_the_pixels_decide_between_a_button_and_text_when_known(cls, has_fill, style):
    assert control_style(control(cls), has_fill) == style


# --------------------------------------------------------------------------------------------- real device dumps


def test_ebays_terms_screen_offers_two_equal_buttons():
    hierarchy = parse_hierarchy(fixture_path("consent-dialog/droidmate-ebay-terms-of-use-agree.xml").read_bytes())
    dialog = detect_consent_dialog(hierarchy)

    assert dialog is not None and dialog.accept is not None and dialog.reject is not None
    assert (dialog.accept.text, dialog.reject.text) == ("Agree", "Cancel")
    assert control_style(dialog.accept) == control_style(dialog.reject) == "button"
    assert choice_sizes(dialog.accept, dialog.reject).ratio == pytest.approx(399 * 64 / (400 * 64))


def test_android_permission_dialogs_draw_allow_and_deny_alike():
    """The system's own dialogs stay well under the default 1.5 area ratio: Android 6-9's ALLOW is 12% wider than
    DENY (the labels' widths), later versions draw full-width buttons of one size."""
    for name in ("perm-dialog/buccancs-location-precise-approx.xml", "perm-dialog/buccancs-notifications.xml",
                 "perm-dialog/justdial-packageinstaller-location-dont-ask-again-1of3.xml"):
        dialog = detect_permission_dialog(parse_hierarchy(fixture_path(name).read_bytes()))
        assert dialog is not None, name
        allow = dialog.controls.get("allow") or dialog.controls["allow-foreground-only"]
        deny = dialog.controls["deny"]
        assert control_style(allow) == control_style(deny) == "button", name
        ratio = choice_sizes(allow, deny).ratio
        assert ratio is not None and 1.0 <= ratio < 1.2, name


def test_a_real_crash_dialog_lays_its_two_buttons_out_equally():
    hierarchy = parse_hierarchy(fixture_path("plain-screen/buccancs-app-keeps-stopping.xml").read_bytes())
    buttons = [n for n in hierarchy.nodes if n.class_name == "android.widget.Button"]

    first, second = (DialogControl(text=n.text, cls=n.class_name, bounds=n.bounds.as_tuple()) for n in buttons)
    assert choice_sizes(first, second).ratio == 1.0


# --------------------------------------------------------------------------------------------- colours on PNGs

WHITE, BLUE, YELLOW, GREY, DARK = (255, 255, 255), (26, 115, 232), (255, 235, 59), (224, 224, 224), (33, 33, 33)
ACCEPT_BOX, REJECT_BOX = (100, 1000, 980, 1150), (100, 1200, 980, 1350)


def screenshot(accept_fill, reject_fill, background=WHITE) -> bytes:
    """A 1080x2400 screen: a dialog of `background`, the two controls filled, each with a line of 'text'."""
    image = Image.new("RGB", (1080, 2400), (40, 40, 40))
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 800, 1020, 1600), fill=background)
    for box, fill in ((ACCEPT_BOX, accept_fill), (REJECT_BOX, reject_fill)):
        if fill is not None:
            draw.rectangle((box[0], box[1], box[2] - 1, box[3] - 1), fill=fill)
        left, top, right, bottom = box
        draw.rectangle((left + 300, top + 60, right - 300, bottom - 60), fill=DARK)  # the label's glyphs
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


ACCEPT = control("android.widget.Button", ACCEPT_BOX, "Accept all")
REJECT = control("android.widget.TextView", REJECT_BOX, "Reject")


def test_a_filled_accept_button_stands_out_while_a_text_reject_does_not():
    colours = measure_colours(screenshot(BLUE, None), ACCEPT, REJECT)

    assert colours is not None
    assert colours.accept == "#1a73e8" and colours.accept_around == "#ffffff"
    assert colours.reject == "#ffffff" and colours.reject_around == "#ffffff"
    assert colours.accept_contrast > 3 and colours.accept_delta_e > 40
    assert colours.reject_contrast == 1.0 and colours.reject_delta_e == 0


def test_equal_fills_measure_alike():
    colours = measure_colours(screenshot(BLUE, BLUE), ACCEPT, REJECT)

    assert colours is not None
    assert colours.accept == colours.reject
    assert colours.accept_contrast == colours.reject_contrast


def test_a_yellow_button_differs_in_hue_where_luminance_contrast_misses_it():
    colours = measure_colours(screenshot(YELLOW, None), ACCEPT, REJECT)

    assert colours is not None
    assert colours.accept_contrast < 1.5
    assert colours.accept_delta_e > 40


def test_a_light_grey_reject_fill_is_a_fill_of_its_own():
    colours = measure_colours(screenshot(BLUE, GREY), ACCEPT, REJECT)

    assert colours is not None
    assert colours.reject == "#e0e0e0"
    assert colours.reject_delta_e > 10


def test_no_measurement_without_a_readable_png_or_with_controls_off_the_image():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"/>'
    assert measure_colours(svg, ACCEPT, REJECT) is None
    assert measure_colours(b"not an image", ACCEPT, REJECT) is None
    off = control("android.widget.Button", (2000, 3000, 2100, 3100))
    assert measure_colours(screenshot(BLUE, None), off, REJECT) is None


def test_contrast_and_colour_difference_of_known_colours():
    assert contrast_ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast_ratio(WHITE, WHITE) == 1.0
    assert delta_e(WHITE, WHITE) == 0
    assert delta_e((0, 0, 0), WHITE) == pytest.approx(100, abs=0.5)


def test_the_band_around_a_control_keeps_to_its_window():
    """A reject as wide as the dialog at its bottom edge: without the hierarchy, three sides of its band lie on the
    dark screen around the dialog; with it, only the dialog around the control counts."""
    edge = control("android.widget.TextView", (60, 1450, 1020, 1600), "Reject")
    hierarchy = ('<hierarchy rotation="0"><node class="android.widget.FrameLayout" bounds="[0,0][1080,2400]" '
                 'package="app" text=""/><node class="android.widget.FrameLayout" bounds="[60,800][1020,1600]" '
                 'package="app" text=""/></hierarchy>')

    unclipped = measure_colours(screenshot(BLUE, None), ACCEPT, edge)
    clipped = measure_colours(screenshot(BLUE, None), ACCEPT, edge, hierarchy)
    assert unclipped is not None and unclipped.reject_around == "#282828"
    assert clipped is not None and clipped.reject == clipped.reject_around == "#ffffff"
    assert clipped.reject_contrast == 1.0
    assert measure_colours(screenshot(BLUE, None), ACCEPT, edge, "<not xml") == unclipped


def test_stacked_buttons_are_not_each_others_surroundings():
    """Three grey buttons one under the other in a white dialog (the system dialog's layout): the band around the
    last one crosses the one above it and the screen below the dialog; without the hierarchy, those read as its
    surroundings."""
    boxes = [(60, 1000, 1020, 1144), (60, 1144, 1020, 1288), (60, 1288, 1020, 1432)]
    image = Image.new("RGB", (1080, 2400), (40, 40, 40))
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 800, 1019, 1431), fill=WHITE)
    for box in boxes:
        draw.rectangle((box[0], box[1], box[2] - 1, box[3] - 1), fill=(214, 215, 215))
    out = io.BytesIO()
    image.save(out, format="PNG")
    nodes = "".join(f'<node class="android.widget.Button" clickable="true" text="b" package="app" '
                    f'bounds="[{b[0]},{b[1]}][{b[2]},{b[3]}]"/>' for b in boxes)
    hierarchy = ('<hierarchy rotation="0"><node class="android.widget.FrameLayout" bounds="[60,800][1020,1432]" '
                 f'package="app" text="">{nodes}</node></hierarchy>')
    first, last = (control("android.widget.Button", boxes[0]), control("android.widget.Button", boxes[2]))

    assert measure_colours(out.getvalue(), first, last).reject_around != "#ffffff"
    colours = measure_colours(out.getvalue(), first, last, hierarchy)
    assert colours is not None and colours.accept_around == colours.reject_around == "#ffffff"
    assert colours.reject_delta_e > 10, "the last button has a fill of its own"
