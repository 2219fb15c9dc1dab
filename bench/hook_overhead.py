"""Per-call cost of a hooked Java call in the sandbox, three ways in one run, and a count of events lost.

    python bench/hook_overhead.py [--calls N] [--rounds R] [--lost-check N] [--strict]

One sandbox app (bench/apps/hot-loop) calls WifiInfo.getMacAddress() in a loop on a worker thread and times the
loop itself (System.nanoTime). Four copies of it run side by side, each its own JVM:

- no hook: the call as the app makes it, for reference;
- floor: a bare hook that only counts (bench/agents/floor.ts), the least a Frida Java hook costs;
- naive: a hook that takes a full stack trace and sends one message per call (bench/agents/naive.ts), what
  peer tools do;
- consent-audit: our agent with the whole shipped catalog, through the Instrumenter, every call recorded.

Measurements rotate among the four, round after round, so the machine's other load falls on all of them alike; each
figure is the median over the rounds. Then our copy makes `--lost-check` calls more, and every one of them must arrive
as an event, numbered without gaps. Goals: ours within 1.5x of the floor, naive at least 4x ours. The exit status
is 1 when an event was lost (and, with --strict, when a goal is missed), else 0.
"""

from __future__ import annotations

import argparse
import queue
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import frida
from lxml import etree

from auditor.catalog import load_catalog
from auditor.devices.base import ProcessExit, ProcessInfo
from auditor.devices.sandbox import SandboxBackend
from auditor.instrument import Instrumenter
from auditor.models import CoverageRecord, HookEvent, StackRecord
from auditor.resources import hooks_project

BENCH = Path(__file__).resolve().parent
APP = BENCH / "apps" / "hot-loop"
AGENTS = BENCH / "agents"
HOOKED_CLASS = "android.net.wifi.WifiInfo"
HOOKED_METHOD = "getMacAddress"
LOOP_DONE = re.compile(r"HotLoop: calls=(\d+) elapsed_ns=(\d+)")
BOUNDS = re.compile(r"\[(-?\d+),(-?\d+)\]\[(-?\d+),(-?\d+)\]")
GOAL_OF_FLOOR = 1.5
GOAL_OVER_NAIVE = 4.0


def compile_baseline(name: str) -> str:
    """A baseline agent, compiled with Frida's compiler against the agent project's installed frida-java-bridge."""
    hooks = hooks_project()
    with tempfile.TemporaryDirectory(prefix="bench-agent-") as folder:
        project = Path(folder)
        (project / "src").mkdir()
        shutil.copy2(AGENTS / f"{name}.ts", project / "src" / f"{name}.ts")
        for support in ("package.json", "tsconfig.json"):
            shutil.copy2(hooks / support, project / support)
        (project / "node_modules").symlink_to(hooks / "node_modules", target_is_directory=True)
        compiler = frida.Compiler()  # type: ignore[no-untyped-call]
        problems: list[Any] = []
        compiler.on("diagnostics", problems.extend)
        code: str = compiler.build(f"src/{name}.ts", project_root=str(project))
        if problems:
            raise SystemExit(f"bench/agents/{name}.ts does not compile: {problems}")
        return code


class CountingSink:
    """The Instrumenter's sink for the benchmark: counts what arrives, checks the numbering, keeps nothing."""

    def __init__(self) -> None:
        self.events = 0
        self.next_seq: dict[int, int] = {}
        self.gaps: list[str] = []
        self.problems: list[str] = []
        self.lock = threading.Lock()

    def record_events(self, events: list[HookEvent], stacks: list[StackRecord]) -> None:
        with self.lock:
            for event in events:
                expected = self.next_seq.get(event.pid, 0)
                if event.seq != expected:
                    self.gaps.append(f"pid {event.pid}: expected seq {expected}, got {event.seq}")
                self.next_seq[event.pid] = event.seq + 1
            self.events += len(events)

    def record_coverage(self, coverage: CoverageRecord) -> None:
        pass

    def record_agent_log(self, process: ProcessInfo, level: str, message: str) -> None:
        if level in ("warning", "error"):
            with self.lock:
                self.problems.append(message)

    def process_detached(self, process: ProcessInfo, reason: str, crash: str | None) -> None:
        pass


@dataclass
class Copy:
    """One running copy of the hot-loop app and what hooks it."""

    name: str
    description: str
    gate: Callable[[ProcessInfo], None]
    backend: SandboxBackend | None = None
    lines: queue.Queue[str] = field(default_factory=queue.Queue)
    per_call_us: list[float] = field(default_factory=list)

    def start(self) -> None:
        self.backend = SandboxBackend(APP)
        self.backend.set_listeners(self._exited, self.lines.put)
        self.backend.launch_app(self.gate)
        self.backend.wait_idle()

    def _exited(self, exit: ProcessExit) -> None:
        self.lines.put(f"EXIT {exit.reason} {exit.detail}")

    def loop(self, calls: int, timeout: float) -> float:
        """Run `calls` calls; the loop's own time per call, in microseconds."""
        assert self.backend is not None
        driver = self.backend.driver
        screen = etree.fromstring(driver.dump_hierarchy().encode("utf-8"))
        centers = {}
        for node in screen.iter("node"):
            match = BOUNDS.fullmatch(str(node.get("bounds")))
            if match is not None:
                left, top, right, bottom = (int(value) for value in match.groups())
                centers[node.get("resource-id")] = ((left + right) // 2, (top + bottom) // 2)
        count_x, count_y = centers["org.bench.hotloop:id/count"]
        run_x, run_y = centers["org.bench.hotloop:id/run"]
        driver.input_text(count_x, count_y, str(calls))
        driver.click(run_x, run_y)
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SystemExit(f"{self.name}: {calls} calls did not finish within {timeout:g} s")
            line = self.lines.get(timeout=remaining)
            if line.startswith("EXIT "):
                raise SystemExit(f"{self.name}: the app ended: {line}")
            match = LOOP_DONE.search(line)
            if match is not None and int(match.group(1)) == calls:
                return int(match.group(2)) / calls / 1000

    def close(self) -> None:
        if self.backend is not None:
            self.backend.close()


def frida_gate(code: str, keep: list[Any], counted: list[int]) -> Callable[[ProcessInfo], None]:
    """Attach a baseline agent and hook the benchmark's method before the app runs."""

    def gate(process: ProcessInfo) -> None:
        session = frida.attach(process.pid)
        script = session.create_script(code)
        script.on("message", lambda message, data: counted.append(1))
        script.load()
        script.exports_sync.install(HOOKED_CLASS, HOOKED_METHOD)
        keep.extend([session, script])

    return gate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=20_000, help="calls per measurement (default 20,000)")
    parser.add_argument("--rounds", type=int, default=5, help="measurements per variant (default 5)")
    parser.add_argument("--lost-check", type=int, default=100_000, metavar="CALLS",
                        help="calls that must all arrive as events (default 100,000)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    args = parser.parse_args(argv)
    if min(args.calls, args.rounds, args.lost_check) < 1:
        parser.error("--calls, --rounds and --lost-check must be positive")

    catalog = load_catalog()
    sink = CountingSink()
    instrumenter = Instrumenter(catalog, sink)
    baseline_handles: list[Any] = []
    naive_messages: list[int] = []
    ours_pid: list[int] = []

    def ours_gate(process: ProcessInfo) -> None:
        ours_pid.append(process.pid)
        instrumenter.instrument(process)

    copies = [
        Copy("no hook", "the call alone", lambda process: None),
        Copy("floor", "bare hook that only counts", frida_gate(compile_baseline("floor"), baseline_handles, [])),
        Copy("naive", "full stack and one message per call",
             frida_gate(compile_baseline("naive"), baseline_handles, naive_messages)),
        Copy("consent-audit", f"our agent, whole catalog ({len(catalog)} Java entries, {len(catalog.native)} native)",
             ours_gate),
    ]
    timeout = 600.0
    try:
        for copy in copies:
            copy.start()
        for copy in copies:
            copy.loop(min(args.calls, 2_000), timeout)  # warm-up: JIT, first-call stack walks
        for _ in range(args.rounds):
            for copy in copies:
                copy.per_call_us.append(copy.loop(args.calls, timeout))

        ours = copies[3]
        instrumenter.drain(timeout=120)
        before = sink.events
        ours.loop(args.lost_check, timeout)
        instrumenter.drain(timeout=300)
        recorded = sink.events - before
        stats = instrumenter.stats().get(ours_pid[0]) if ours_pid else None
    finally:
        instrumenter.close()
        for copy in copies:
            copy.close()

    median = {copy.name: statistics.median(copy.per_call_us) for copy in copies}
    floor, naive, ours_us = median["floor"], median["naive"], median["consent-audit"]
    print(f"hooked call: {HOOKED_CLASS}.{HOOKED_METHOD}(), {args.calls:,} calls per measurement, "
          f"median of {args.rounds} rounds")
    for copy in copies:
        spread = ", ".join(f"{value:.2f}" for value in sorted(copy.per_call_us))
        print(f"  {copy.name:<14} {median[copy.name]:>9.2f} us/call   {copy.description} [{spread}]")
    of_floor = ours_us / floor
    over_naive = naive / ours_us
    floor_met = of_floor <= GOAL_OF_FLOOR
    naive_met = over_naive >= GOAL_OVER_NAIVE
    print(f"consent-audit / floor = {of_floor:.2f}x  (goal <= {GOAL_OF_FLOOR}x: {'met' if floor_met else 'MISSED'})")
    print(f"naive / consent-audit = {over_naive:.2f}x  (goal >= {GOAL_OVER_NAIVE}x: {'met' if naive_met else 'MISSED'})")
    lost = args.lost_check - recorded
    walked = f"; {stats.stacks} stacks walked for {stats.calls:,} calls" if stats is not None else ""
    print(f"events lost at {args.lost_check:,} calls: {lost} ({recorded:,} recorded, "
          f"{'numbered without gaps' if not sink.gaps else 'GAPS: ' + '; '.join(sink.gaps[:3])}{walked})")
    if sink.problems:
        print("agent problems: " + "; ".join(sink.problems[:5]))
    failed = lost != 0 or bool(sink.gaps)
    if args.strict and not (floor_met and naive_met):
        print("strict: a goal was missed (exit 1)")
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
