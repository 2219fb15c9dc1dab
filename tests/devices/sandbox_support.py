"""Helpers for tests that drive real sandbox JVMs: log recording, a recording gate, hierarchy lookups."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from auditor.devices.base import ProcessExit, ProcessInfo
from auditor.devices.sandbox import SandboxBackend

APPS = Path(__file__).resolve().parents[1] / "apps"
_BOUNDS = re.compile(r"\[(-?\d+),(-?\d+)\]\[(-?\d+),(-?\d+)\]")


class LogRecorder:
    """Collects device-log lines and process exits as they arrive (from the backend's reader threads)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.exits: list[ProcessExit] = []
        self._changed = threading.Condition()

    def on_log(self, line: str) -> None:
        with self._changed:
            self.lines.append(line)
            self._changed.notify_all()

    def on_exit(self, exit_: ProcessExit) -> None:
        with self._changed:
            self.exits.append(exit_)
            self._changed.notify_all()

    def wait_for(self, pattern: str, timeout: float = 15.0, after: int = 0) -> str:
        """The first log line (from index `after`) matching the regex `pattern`; fails the test on timeout."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for line in self.lines[after:]:
                    if regex.search(line):
                        return line
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    tail = "\n".join(self.lines[-15:])
                    pytest.fail(f"no log line matching {pattern!r} within {timeout} s; last lines:\n{tail}")
                self._changed.wait(remaining)

    def wait_for_exit(self, timeout: float = 15.0) -> ProcessExit:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not self.exits:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    pytest.fail("no process exit reported")
                self._changed.wait(remaining)
            return self.exits[-1]

    def lifecycle(self, after: int = 0) -> list[str]:
        """`Class.callback()` entries of the life-cycle log, in order."""
        return [line.split("Lifecycle: ", 1)[1] for line in self.lines[after:] if " Lifecycle: " in line]


class RecordingGate:
    """A gate that records each process and what the device log held when the gate was called and returned."""

    def __init__(self, recorder: LogRecorder, hold_seconds: float = 0.0,
                 action: Callable[[ProcessInfo], None] | None = None) -> None:
        self.recorder = recorder
        self.hold_seconds = hold_seconds
        self.action = action
        self.calls: list[ProcessInfo] = []
        self.log_at_return: list[list[str]] = []

    def __call__(self, info: ProcessInfo) -> None:
        self.calls.append(info)
        if self.action is not None:
            self.action(info)
        time.sleep(self.hold_seconds)
        self.log_at_return.append(list(self.recorder.lines))


class Screen:
    """A parsed hierarchy dump with lookups by resource id and text."""

    def __init__(self, xml: str) -> None:
        self.xml = xml
        self.root = etree.fromstring(xml.encode("utf-8"))
        self.windows = self.root.findall("node")

    def nodes(self) -> list[etree._Element]:
        return list(self.root.iter("node"))

    def find(self, resource_id: str) -> etree._Element | None:
        for node in self.root.iter("node"):
            if node.get("resource-id") == resource_id:
                return node
        return None

    def get(self, resource_id: str) -> etree._Element:
        node = self.find(resource_id)
        assert node is not None, f"{resource_id} not on screen:\n{self.xml}"
        return node

    def text(self, resource_id: str) -> str:
        return str(self.get(resource_id).get("text"))

    def ids(self) -> list[str]:
        return [str(node.get("resource-id")) for node in self.root.iter("node") if node.get("resource-id")]


def bounds(node: etree._Element) -> tuple[int, int, int, int]:
    match = _BOUNDS.fullmatch(str(node.get("bounds")))
    assert match is not None, node.get("bounds")
    left, top, right, bottom = (int(value) for value in match.groups())
    return left, top, right, bottom


def center(node: etree._Element) -> tuple[int, int]:
    left, top, right, bottom = bounds(node)
    return (left + right) // 2, (top + bottom) // 2


class Sandbox:
    """A backend, its log, and small helpers a test reads like a scenario."""

    def __init__(self, backend: SandboxBackend, recorder: LogRecorder) -> None:
        self.backend = backend
        self.log = recorder

    def launch(self, gate: Callable[[ProcessInfo], None] | None = None) -> None:
        self.backend.launch_app(gate or (lambda _info: None))
        self.backend.wait_idle()

    def screen(self) -> Screen:
        return Screen(self.backend.driver.dump_hierarchy())

    def tap(self, resource_id: str) -> Screen:
        x, y = center(self.screen().get(resource_id))
        self.backend.driver.click(x, y)
        self.backend.wait_idle()
        return self.screen()

    def status(self) -> str:
        return self.screen().text(self.backend.manifest.package + ":id/status")
