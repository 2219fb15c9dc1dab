"""What a batch shows while it runs: on a terminal a live display (apps done, failed and remaining, each device's
state, the estimated time left), elsewhere (CI logs, files) one plain line per event."""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field
from typing import IO, Any

from auditor.batch.applist import Job


@dataclass
class Counts:
    total: int = 0
    already_done: int = 0
    done: int = 0
    failed: int = 0
    poisoned: int = 0
    retried: int = 0
    durations: list[float] = field(default_factory=list)

    @property
    def finished(self) -> int:
        return self.already_done + self.done + self.failed + self.poisoned

    @property
    def remaining(self) -> int:
        return self.total - self.finished


def format_seconds(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


class Progress:
    """Counts and device states, told to a terminal (live) or a log (plain lines). Thread-safe."""

    def __init__(self, stream: IO[str] | None = None, *, live: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self.counts = Counts()
        self.devices: dict[str, str] = {}
        self._lock = threading.Lock()
        self._started = time.monotonic()
        self._display: Any = None

    # Events -----------------------------------------------------------------------------------------------------
    def start(self, total: int, already_done: int, devices: list[str]) -> None:
        with self._lock:
            self.counts.total, self.counts.already_done = total, already_done
            self.devices = dict.fromkeys(devices, "idle")
            self._started = time.monotonic()
        if self.live:
            from rich.console import Console
            from rich.live import Live

            self._display = Live(self._render(), console=Console(file=self.stream), refresh_per_second=4,
                                 transient=False)
            self._display.start()
        else:
            self._line(f"batch: {total} app(s), {already_done} already done, {total - already_done} to audit on "
                       f"{len(devices)} device(s): {', '.join(devices)}")

    def device_state(self, device: str, state: str) -> None:
        with self._lock:
            changed = self.devices.get(device) != state
            self.devices[device] = state
        if changed and not self.live and (state.startswith("quarantined") or state.startswith("check failed")):
            self._line(f"device {device}: {state}")
        self._refresh()

    def note(self, text: str) -> None:
        """Something the user should know about the whole batch (printed above the live display too)."""
        if self._display is not None:
            self._display.console.print(text, markup=False, highlight=False)
        else:
            self._line(text)

    def job_started(self, job: Job, device: str) -> None:
        if not self.live:
            self._line(f"start {job.display} on {device}")

    def job_retried(self, job: Job, device: str, reason: str, message: str) -> None:
        with self._lock:
            self.counts.retried += 1
        if not self.live:
            self._line(f"retry {job.display}: {reason} on {device}: {message}")
        self._refresh()

    def job_finished(self, job: Job, state: str, reason: str, message: str, device: str,
                     duration_s: float | None = None) -> None:
        with self._lock:
            if state == "done":
                self.counts.done += 1
                self.counts.durations.append(time.monotonic() - self._started)
            elif state == "poisoned":
                self.counts.poisoned += 1
            elif state == "failed":
                self.counts.failed += 1
        if not self.live:
            where = f" on {device}" if device else ""
            detail = f": {message}" if message and state != "done" else ""
            self._line(f"{state} {job.display}{where} ({reason}){detail}; {self.summary()}")
        self._refresh()

    def close(self) -> None:
        if self._display is not None:
            self._display.update(self._render())
            self._display.stop()
            self._display = None

    # Rendering --------------------------------------------------------------------------------------------------
    def eta_s(self) -> float | None:
        """Time left at the rate apps were done so far in this run."""
        with self._lock:
            done_here = self.counts.done + self.counts.failed + self.counts.poisoned
            remaining = self.counts.remaining
        if not done_here or not remaining:
            return None if remaining else 0.0
        elapsed = time.monotonic() - self._started
        return elapsed / done_here * remaining

    def summary(self) -> str:
        c = self.counts
        eta = self.eta_s()
        text = (f"{c.finished}/{c.total} finished: {c.already_done + c.done} done, {c.failed} failed, "
                f"{c.poisoned} poisoned, {c.remaining} remaining")
        return text + (f", ETA {format_seconds(eta)}" if eta else "")

    def _render(self) -> Any:
        from rich.console import Group
        from rich.table import Table
        from rich.text import Text

        # Text, not strings: an app's or a device's name must never be read as rich markup.
        table = Table(expand=False)
        table.add_column("device")
        table.add_column("state")
        with self._lock:
            for name, state in sorted(self.devices.items()):
                table.add_row(Text(name), Text(state))
        return Group(Text(self.summary()), table)

    def _refresh(self) -> None:
        if self._display is not None:
            self._display.update(self._render())

    def _line(self, text: str) -> None:
        stamp = time.strftime("%H:%M:%S")
        with self._lock:
            print(f"{stamp} {text}", file=self.stream, flush=True)
