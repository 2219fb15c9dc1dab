"""Build uiautomator dumps for tests: windows of views, laid out so that every view has its own place on screen.

    screen(
        window("com.example.shop",
               text("Welcome"),
               button("Nearby stores", id="nearby_stores")),
        consent_dialog("com.example.shop", "请阅读《隐私政策》", accept="同意", reject="不同意"),
    )

Views without explicit bounds are stacked top to bottom, one row each; a container spans its children. The
result is XML the way a device writes it (declaration, `<hierarchy rotation>`, every attribute present).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

SCREEN_WIDTH = 1080
SCREEN_HEIGHT = 2400
ROW_HEIGHT = 96

PERMISSION_CONTROLLER = "com.google.android.permissioncontroller"
PERMISSION_ID_PACKAGE = "com.android.permissioncontroller"


@dataclass
class View:
    """One view to be written as a `<node>`."""

    cls: str = "android.widget.FrameLayout"
    text: str = ""
    id: str = ""
    """Full resource id, or the bare name (the window's package is put in front)."""
    desc: str = ""
    clickable: bool = False
    checkable: bool = False
    checked: bool = False
    enabled: bool = True
    focused: bool = False
    scrollable: bool = False
    bounds: tuple[int, int, int, int] | None = None
    children: list[View] = field(default_factory=list)
    package: str | None = None


def view(cls: str = "android.widget.FrameLayout", *children: View, **attributes: object) -> View:
    return View(cls, children=list(children), **attributes)  # type: ignore[arg-type]


def text(value: str, cls: str = "android.widget.TextView", **attributes: object) -> View:
    return View(cls, text=value, **attributes)  # type: ignore[arg-type]


def button(label: str, cls: str = "android.widget.Button", **attributes: object) -> View:
    """A clickable view; newer system dialogs use their own button class (pass `cls`)."""
    attributes.setdefault("clickable", True)
    return View(cls, text=label, **attributes)  # type: ignore[arg-type]


def checkbox(label: str = "", checked: bool = False, **attributes: object) -> View:
    return View(
        "android.widget.CheckBox", text=label, clickable=True, checkable=True, checked=checked,
        **attributes,  # type: ignore[arg-type]
    )


def layout(*children: View, **attributes: object) -> View:
    return View("android.widget.LinearLayout", children=list(children), **attributes)  # type: ignore[arg-type]


@dataclass
class Window:
    package: str
    root: View


def window(package: str, *children: View, bounds: tuple[int, int, int, int] | None = None) -> Window:
    root = View("android.widget.FrameLayout", children=list(children),
                bounds=bounds or (0, 0, SCREEN_WIDTH, SCREEN_HEIGHT))
    return Window(package, root)


def screen(*windows: Window, rotation: int = 0) -> str:
    """The dump of a screen made of `windows`, bottom-most first."""
    hierarchy = etree.Element("hierarchy", rotation=str(rotation))
    for window_ in windows:
        rows = _Rows(window_.root.bounds or (0, 0, SCREEN_WIDTH, SCREEN_HEIGHT))
        _layout(window_.root, rows)
        hierarchy.append(_element(window_.root, window_.package, 0))
    body = etree.tostring(hierarchy, encoding="unicode")
    return f"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>{body}"


# --------------------------------------------------------------------------------------------
# Ready-made screens


def app_window(package: str, *texts: str, buttons: tuple[str, ...] = ()) -> Window:
    """An ordinary app screen: some texts, some buttons."""
    return window(package, *(text(value) for value in texts), *(button(label) for label in buttons))


def consent_dialog(
    package: str,
    message: str = "欢迎使用！请阅读《用户协议》和《隐私政策》，了解我们如何处理您的个人信息。",
    accept: str = "同意",
    reject: str | None = "不同意",
    title: str = "个人信息保护指引",
    statement: str | None = None,
    statement_checked: bool = False,
) -> Window:
    """The app's own privacy dialog, as an AlertDialog window over the activity."""
    children: list[View] = [text(title, id="alertTitle"), text(message, id="message")]
    if statement is not None:
        children.append(checkbox(statement, checked=statement_checked, id="agree_checkbox"))
    buttons = [button(accept, id="btn_agree")]
    if reject is not None:
        buttons.insert(0, button(reject, id="btn_disagree"))
    children.append(layout(*buttons))
    return window(package, layout(*children), bounds=(60, 600, SCREEN_WIDTH - 60, 1800))


PERMISSION_BUTTONS = {
    "allow": ("permission_allow_button", "Allow"),
    "allow-foreground-only": ("permission_allow_foreground_only_button", "While using the app"),
    "allow-one-time": ("permission_allow_one_time_button", "Only this time"),
    "allow-always": ("permission_allow_always_button", "Allow all the time"),
    "allow-all": ("permission_allow_all_button", "Allow all"),
    "allow-selected": ("permission_allow_selected_button", "Select photos and videos"),
    "deny": ("permission_deny_button", "Don\u2019t allow"),
    "deny-and-dont-ask-again": ("permission_deny_and_dont_ask_again_button", "Don\u2019t allow"),
}


def permission_dialog(
    message: str = "Allow Shop to access this device\u2019s location?",
    controls: tuple[str, ...] = ("allow-foreground-only", "allow-one-time", "deny"),
    package: str = PERMISSION_CONTROLLER,
    id_package: str = PERMISSION_ID_PACKAGE,
    dont_ask: bool | None = None,
    counter: str | None = None,
) -> Window:
    """Android's grant dialog. `dont_ask` adds the Android 6-9 "Don't ask again" box (ticked or not)."""
    def rid(name: str) -> str:
        return f"{id_package}:id/{name}"

    children: list[View] = [text(message, id=rid("permission_message"))]
    if dont_ask is not None:
        children.append(checkbox("Don't ask again", checked=dont_ask, id=rid("do_not_ask_checkbox")))
    if counter is not None:
        children.append(text(counter, id=rid("current_page_text")))
    for kind in controls:
        name, label = PERMISSION_BUTTONS[kind]
        children.append(button(label, id=rid(name)))
    dialog = layout(*children, id=rid("grant_dialog"))
    return window(package, dialog, bounds=(0, 1200, SCREEN_WIDTH, SCREEN_HEIGHT))


def launcher_window() -> Window:
    return window("com.android.launcher3", text("Phone", desc="Phone", clickable=True),
                  text("Shop", desc="Shop", clickable=True))


# --------------------------------------------------------------------------------------------


class _Rows:
    def __init__(self, bounds: tuple[int, int, int, int]) -> None:
        self.left, self.top, self.right, self.bottom = bounds
        self.next_top = self.top

    def take(self) -> tuple[int, int, int, int]:
        top = self.next_top
        self.next_top += ROW_HEIGHT
        return self.left, top, self.right, top + ROW_HEIGHT


def _layout(node: View, rows: _Rows) -> tuple[int, int, int, int]:
    if not node.children:
        if node.bounds is None:
            node.bounds = rows.take()
        return node.bounds
    boxes = [_layout(child, rows) for child in node.children]
    if node.bounds is None:
        node.bounds = (
            min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)
        )
    return node.bounds


def _element(node: View, package: str, index: int) -> etree._Element:
    own_package = node.package or package
    resource_id = node.id if (not node.id or ":id/" in node.id) else f"{own_package}:id/{node.id}"
    left, top, right, bottom = node.bounds or (0, 0, 0, 0)
    element = etree.Element(
        "node",
        index=str(index),
        text=node.text,
        **{"resource-id": resource_id},
    )
    element.set("class", node.cls)
    element.set("package", own_package)
    element.set("content-desc", node.desc)
    for name, value in (
        ("checkable", node.checkable), ("checked", node.checked), ("clickable", node.clickable),
        ("enabled", node.enabled), ("focusable", node.clickable), ("focused", node.focused),
        ("scrollable", node.scrollable),
        ("long-clickable", False), ("password", False), ("selected", False),
    ):
        element.set(name, "true" if value else "false")
    element.set("bounds", f"[{left},{top}][{right},{bottom}]")
    for child_index, child in enumerate(node.children):
        element.append(_element(child, own_package, child_index))
    return element
