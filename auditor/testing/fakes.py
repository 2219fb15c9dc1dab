"""A device, an app and a recorder without a device: the runner and the audit are tested against these.

`FakeDriver` serves scripted screens (uiautomator XML, from fixture files or `auditor.testing.screens`) and
reacts to taps by rules: a tap lands on the view under the point, as on a device, and the first rule whose
selector matches that view (or a view inside it) switches the screen. `FakeBackend` plays the app's life
cycle on top of it. `FakeRecorder` keeps markers and artifacts in memory. All three can write into one shared
`journal`, so tests can check the order of markers and taps.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar
from xml.sax.saxutils import escape

from auditor.devices.base import (
    AppState,
    ExitListener,
    LogSink,
    ProcessExit,
    ProcessGate,
    ProcessInfo,
    Screenshot,
)
from auditor.errors import InputError
from auditor.models import AppInfo, DeviceInfo, MarkerBase, StepRef
from auditor.recorder import ArtifactKind
from auditor.scenario.hierarchy import Hierarchy, Selector, UiNode, parse_hierarchy

M = TypeVar("M", bound=MarkerBase)

JournalEntry = tuple[str, str]
"""(`mark` | `tap` | `back` | `type` | `swipe` | `backend`, detail): markers by kind, taps by the label of the view
hit, swipes by their direction."""

EMPTY_SCREEN = "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?><hierarchy rotation=\"0\"></hierarchy>"

ScreenAction = Callable[["FakeDriver"], None]


@dataclass
class TapRule:
    screen: str | None
    """Screen name the rule applies on; None for any screen."""
    selector: Selector
    show: str | None = None
    action: ScreenAction | None = None
    once: bool = False


@dataclass
class Tap:
    x: int
    y: int
    screen: str
    """The screen's name when it was tapped."""
    label: str
    """Text of the view hit (or of what it contains), or its resource id."""
    resource_id: str


@dataclass
class _Scheduled:
    screen: str
    after_dumps: int
    show: str


class FakeDriver:
    """Screens by name; taps and Back switch between them by rules."""

    def __init__(
        self,
        screens: dict[str, str] | None = None,
        current: str | None = None,
        journal: list[JournalEntry] | None = None,
    ) -> None:
        self.screens: dict[str, str] = {"empty": EMPTY_SCREEN, **(screens or {})}
        self.current = current or "empty"
        self.journal = journal if journal is not None else []
        self.taps: list[Tap] = []
        self.back_presses = 0
        self.dumps = 0
        self.screenshots = 0
        self.typed: list[tuple[int, int, str]] = []
        self.swipes: list[tuple[int, int, int, int, float]] = []
        self._rules: list[TapRule] = []
        self._back_rules: dict[str | None, str] = {}
        self._swipe_rules: dict[tuple[str | None, str], str] = {}
        self._scheduled: list[_Scheduled] = []
        self._dumps_on_current = 0
        self.check(self.current)

    # Scripting -------------------------------------------------------------------------------------------
    def add_screen(self, name: str, xml: str) -> None:
        self.screens[name] = xml

    def show(self, name: str) -> None:
        self.check(name)
        if name != self.current:
            self._dumps_on_current = 0
        self.current = name

    def on_tap(
        self,
        screen: str | None,
        selector: Selector | str,
        show: str | None = None,
        action: ScreenAction | None = None,
        once: bool = False,
    ) -> None:
        """When a tap on `screen` hits a view matching `selector` (a string is exact text), show screen `show`
        and/or call `action`."""
        if show is not None:
            self.check(show)
        wanted = selector if isinstance(selector, Selector) else Selector("text", selector)
        self._rules.append(TapRule(screen, wanted, show, action, once))

    def clear_tap_rules(self) -> None:
        """From now on taps land but change nothing (a frozen or unresponsive screen)."""
        self._rules.clear()

    def on_back(self, screen: str | None, show: str) -> None:
        self.check(show)
        self._back_rules[screen] = show

    def on_swipe(self, screen: str | None, direction: str, show: str) -> None:
        """When a swipe mostly `up`, `down`, `left` or `right` (the finger's way) is made on `screen`, show `show`
        (content scrolled into view)."""
        self.check(show)
        self._swipe_rules[(screen, direction)] = show

    def show_after(self, screen: str, dumps: int, show: str) -> None:
        """While `screen` is shown, switch to `show` once it has been dumped `dumps` times (a dialog that appears
        a little later)."""
        self.check(show)
        self._scheduled.append(_Scheduled(screen, dumps, show))

    def check(self, name: str) -> None:
        if name not in self.screens:
            raise InputError(f"the fake driver has no screen named {name!r} (has: {', '.join(self.screens)})")

    @property
    def xml(self) -> str:
        return self.screens[self.current]

    # Driver ------------------------------------------------------------------------------------------------
    def dump_hierarchy(self) -> str:
        self.dumps += 1
        self._dumps_on_current += 1
        for scheduled in list(self._scheduled):
            if scheduled.screen == self.current and self._dumps_on_current > scheduled.after_dumps:
                self._scheduled.remove(scheduled)
                self.show(scheduled.show)
                self._dumps_on_current = 1
                break
        return self.xml

    def click(self, x: int, y: int) -> None:
        hierarchy = parse_hierarchy(self.xml)
        hit = hierarchy.node_at(x, y)
        label = ""
        resource_id = ""
        if hit is not None:
            label = hit.label or " ".join(n.label for n in hierarchy.descendants(hit) if n.label)
            resource_id = hit.resource_id
        screen = self.current
        self.taps.append(Tap(x, y, screen, label or resource_id, resource_id))
        self.journal.append(("tap", label or resource_id or f"{x},{y}"))
        if hit is None:
            return
        for rule in list(self._rules):
            if rule.screen not in (None, screen):
                continue
            if not _hits(rule.selector, hit, hierarchy):
                continue
            if rule.once:
                self._rules.remove(rule)
            if rule.show is not None:
                self.show(rule.show)
            if rule.action is not None:
                rule.action(self)
            return

    def input_text(self, x: int, y: int, text: str) -> None:
        self.typed.append((x, y, text))
        self.journal.append(("type", text))

    def swipe(self, x1: int, y1: int, x2: int, y2: int, duration: float) -> None:
        self.swipes.append((x1, y1, x2, y2, duration))
        dx, dy = x2 - x1, y2 - y1
        direction = ("left" if dx < 0 else "right") if abs(dx) > abs(dy) else ("up" if dy < 0 else "down")
        self.journal.append(("swipe", direction))
        target = self._swipe_rules.get((self.current, direction), self._swipe_rules.get((None, direction)))
        if target is not None:
            self.show(target)

    def press_back(self) -> None:
        self.back_presses += 1
        self.journal.append(("back", self.current))
        target = self._back_rules.get(self.current, self._back_rules.get(None))
        if target is not None:
            self.show(target)

    def screenshot(self) -> Screenshot:
        self.screenshots += 1
        texts = parse_hierarchy(self.xml).texts()
        lines = "".join(
            f'<text x="10" y="{20 * (i + 1)}">{escape(value)}</text>' for i, value in enumerate(texts[:40])
        )
        svg = f'<svg xmlns="http://www.w3.org/2000/svg" data-screen="{escape(self.current)}">{lines}</svg>'
        return Screenshot(svg.encode("utf-8"), "image/svg+xml")


def _hits(selector: Selector, hit: UiNode, hierarchy: Hierarchy) -> bool:
    return selector.matches(hit) or any(selector.matches(node) for node in hierarchy.descendants(hit))


class FakeBackend:
    """One app on a fake device. Launches show `launch_screens` in turn (the last one repeats); Home shows
    `home_screen`; the app's screen comes back on foreground."""

    kind: Literal["sandbox", "android"] = "sandbox"

    def __init__(
        self,
        driver: FakeDriver,
        app: AppInfo | None = None,
        launch_screens: Sequence[str] | Callable[[int, bool], str] = ("empty",),
        home_screen: str = "empty",
        journal: list[JournalEntry] | None = None,
        launch_fails: bool = False,
    ) -> None:
        self.driver = driver
        self.app = app or AppInfo(package="com.example.shop", label="Shop")
        self.launch_screens = launch_screens
        self.home_screen = home_screen
        self.journal = journal if journal is not None else driver.journal
        self.launch_fails = launch_fails
        self.calls: list[str] = []
        self.gated: list[ProcessInfo] = []
        self.launches = 0
        self.alive = False
        self.foreground = False
        self._pid = 1000
        self._screen_before_home: str | None = None
        self._cleared_since_launch = False
        self.on_exit: ExitListener | None = None
        self.on_log: LogSink | None = None

    def _call(self, description: str) -> None:
        self.calls.append(description)
        self.journal.append(("backend", description))

    def device_info(self) -> DeviceInfo:
        return DeviceInfo(backend="sandbox", model="fake", runtime="fake")

    def app_info(self) -> AppInfo:
        return self.app

    def set_listeners(self, on_exit: ExitListener, on_log: LogSink) -> None:
        self.on_exit, self.on_log = on_exit, on_log

    def reset_app(self, clear_data: bool) -> None:
        self._call(f"reset_app(clear_data={clear_data})")
        self._end_process()
        self._cleared_since_launch = clear_data

    def launch_app(self, gate: ProcessGate) -> None:
        self._call("launch_app")
        self._pid += 1
        process = ProcessInfo(self._pid, self.app.package)
        gate(process)
        self.gated.append(process)
        if self.launch_fails:
            return
        self.launches += 1
        self.alive = True
        self.foreground = True
        self.driver.show(self._launch_screen())

    def _launch_screen(self) -> str:
        if callable(self.launch_screens):
            return self.launch_screens(self.launches, self._cleared_since_launch)
        screens = list(self.launch_screens)
        return screens[min(self.launches, len(screens)) - 1]

    def stop_app(self) -> None:
        self._call("stop_app")
        self._end_process()

    def _end_process(self) -> None:
        if self.alive:
            self.alive = False
            self.foreground = False
            self.driver.show(self.home_screen)
            if self.on_exit is not None:
                self.on_exit(ProcessExit(self._pid, self.app.package, None, "killed"))

    def move_to_background(self) -> None:
        self._call("move_to_background")
        self.foreground = False
        self._screen_before_home = self.driver.current
        self.driver.show(self.home_screen)

    def move_to_foreground(self) -> None:
        self._call("move_to_foreground")
        if not self.alive:
            return
        self.foreground = True
        if self._screen_before_home is not None:
            self.driver.show(self._screen_before_home)

    def app_state(self) -> AppState:
        return AppState(alive=self.alive, foreground=self.foreground)

    def close(self) -> None:
        self._call("close")
        self._end_process()


class FakeRecorder:
    """Markers and artifacts in memory, stamped as the real recorder stamps them (seq, times, step)."""

    def __init__(self, journal: list[JournalEntry] | None = None) -> None:
        self.step: StepRef | None = None
        self.markers: list[MarkerBase] = []
        self.artifacts: dict[str, bytes] = {}
        self.journal = journal if journal is not None else []

    def mark(self, marker_type: type[M], **fields: Any) -> M:
        now = time.time() * 1000
        fields.setdefault("step", self.step)
        marker = marker_type(seq=len(self.markers), ts=now, host_ts=now, **fields)
        self.markers.append(marker)
        self.journal.append(("mark", str(getattr(marker, "kind", marker_type.__name__))))
        return marker

    def save_artifact(self, kind: ArtifactKind, stem: str, extension: str, data: bytes) -> str:
        path = f"{kind}/{stem}.{extension}"
        counter = 2
        while path in self.artifacts:
            path = f"{kind}/{stem}-{counter}.{extension}"
            counter += 1
        self.artifacts[path] = data
        return path

    def kinds(self) -> list[str]:
        return [str(getattr(marker, "kind", "")) for marker in self.markers]

    def of_type(self, marker_type: type[M]) -> list[M]:
        return [marker for marker in self.markers if isinstance(marker, marker_type)]


@dataclass
class Rig:
    """A fake device with one app, a recorder, and the journal they share."""

    driver: FakeDriver
    backend: FakeBackend
    recorder: FakeRecorder
    journal: list[JournalEntry] = field(default_factory=list)
    gated: list[ProcessInfo] = field(default_factory=list)

    def gate(self, process: ProcessInfo) -> None:
        self.gated.append(process)
        self.journal.append(("gate", process.name))


def fake_rig(
    screens: dict[str, str],
    launch_screens: Sequence[str] | Callable[[int, bool], str],
    home_screen: str = "empty",
    app: AppInfo | None = None,
    current: str | None = None,
) -> Rig:
    journal: list[JournalEntry] = []
    driver = FakeDriver(screens, current=current or home_screen, journal=journal)
    backend = FakeBackend(driver, app=app, launch_screens=launch_screens, home_screen=home_screen, journal=journal)
    recorder = FakeRecorder(journal)
    return Rig(driver, backend, recorder, journal)
