"""The protocol every backend speaks. The scenario runner and the audit only see these types."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Literal, Protocol, runtime_checkable

from auditor.models import ENDED_BY_REASON, AppInfo, DeviceInfo, EndedBy

if TYPE_CHECKING:
    from auditor.instrument import FridaDevice


@dataclass(frozen=True)
class ProcessInfo:
    pid: int
    name: str
    """Android process name: the package, or `package:suffix` for `android:process` components."""


@dataclass(frozen=True)
class ProcessExit:
    pid: int
    name: str
    exit_code: int | None
    reason: str
    """`exited` or `crashed` (the app's doing), `killed` (stopped by the harness), `device-lost` or `transport-lost`
    (the device, or Frida's connection to it, went away: the process may still run)."""
    detail: str = ""

    @property
    def ended_by(self) -> EndedBy | None:
        return ENDED_BY_REASON.get(self.reason)


@dataclass(frozen=True)
class Screenshot:
    data: bytes
    mime: Literal["image/png", "image/svg+xml"]

    @property
    def extension(self) -> str:
        return "png" if self.mime == "image/png" else "svg"


@dataclass(frozen=True)
class AppState:
    alive: bool
    """At least one process of the app is running."""
    foreground: bool
    """The app's window is the one the user sees."""
    activity: str = ""


ProcessGate = Callable[[ProcessInfo], None]
"""Called for every process of the app before its first line of app code runs; the process waits until it returns."""

ExitListener = Callable[[ProcessExit], None]

LogSink = Callable[[str], None]
"""Receives device log lines (logcat or the sandbox's log), one line per call, without the newline."""


class Driver(Protocol):
    """Touches the screen: what a user could do, and what a user could see."""

    def dump_hierarchy(self) -> str:
        """The screen as uiautomator XML (`<hierarchy><node .../></hierarchy>`), topmost window last."""
        ...

    def click(self, x: int, y: int) -> None: ...

    def input_text(self, x: int, y: int, text: str) -> None: ...

    def press_back(self) -> None: ...

    def swipe(self, x1: int, y1: int, x2: int, y2: int, duration: float) -> None:
        """Drag a finger from (x1, y1) to (x2, y2) in `duration` seconds (scrolls what is under it)."""
        ...

    def screenshot(self) -> Screenshot: ...


class Backend(Protocol):
    """One device and one app on it."""

    @property
    def kind(self) -> Literal["sandbox", "android"]: ...

    @property
    def driver(self) -> Driver: ...

    def device_info(self) -> DeviceInfo: ...

    def app_info(self) -> AppInfo: ...

    def set_listeners(self, on_exit: ExitListener, on_log: LogSink) -> None: ...

    def reset_app(self, clear_data: bool) -> None:
        """Stop every process of the app; with clear_data, wipe its data and return every runtime permission to 'ask'."""
        ...

    def launch_app(self, gate: ProcessGate) -> None:
        """Start the app's launcher activity. Every process of the app passes through `gate` before it runs."""
        ...

    def stop_app(self) -> None: ...

    def move_to_background(self) -> None:
        """What pressing Home does."""
        ...

    def move_to_foreground(self) -> None:
        """What tapping the app in recents does: resume it, without a new launch."""
        ...

    def app_state(self) -> AppState: ...

    def close(self) -> None:
        """Release the device; stop everything this backend started."""
        ...


@runtime_checkable
class OnFridaDevice(Protocol):
    """A backend whose app processes Frida reaches on a device of its own (a phone or emulator over USB or TCP),
    not on this machine. The instrumenter attaches there, and resumes the processes that device holds suspended."""

    @property
    def frida_device(self) -> FridaDevice: ...
