"""How a batch scales with devices: the same list of sleep-dominated sandbox audits on 1, 2 and 4 sandbox slots, in
one run, each against the one-slot baseline measured in the same run.

    .venv/bin/python bench/batch_throughput.py                    # 4 apps, 30 s of watching each
    .venv/bin/python bench/batch_throughput.py --apps 8 --sleep 20 --slots 1,2,4

Each audit is a real one (JVM sandbox, Frida hooks, report) of tests/apps/batch-mini with a scenario that launches
the app, waits for its screen, watches it for `--sleep` seconds and stops it: most of an audit's time is waiting,
as it is on a device, where the scenario's observation periods dominate. What the pool adds is measured: one
`run-one` subprocess per audit, the slot checks, the attempt records and the atomic commits.

Printed per slot count: the wall time of the whole batch, the speed-up over one slot, and that speed-up against the
target of 0.8 x slots. Exit status 1 when a target is missed. Timings vary with the machine and its load (the
audits' start-up is CPU work: on 2 cores four slots start four JVMs at once); the ratios are what to compare.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

from auditor.batch.devices import SandboxSlot
from auditor.batch.pool import PoolSettings
from auditor.batch.progress import Progress
from auditor.batch.session import BatchOptions, run_batch

MINI = Path(__file__).resolve().parents[1] / "tests" / "apps" / "batch-mini"
TARGET_EFFICIENCY = 0.8


def write_list(folder: Path, name: str, apps: int, sleep: float) -> Path:
    scenario = folder / f"{name}.yaml"
    scenario.write_text(f"name: {name}\n---\n- launchApp: {{clearState: true}}\n- waitFor: \"Hello from the batch\"\n"
                        f"- sleep: {sleep:g}\n- stopApp\n", encoding="utf-8")
    listing = folder / f"{name}-apps.yaml"
    listing.write_text("".join(f"- app: sandbox:{MINI}\n  scenario: {scenario}\n  env: {{RUN: {n}}}\n"
                               for n in range(1, apps + 1)), encoding="utf-8")
    return listing


def run(listing: Path, out: Path, slots: int, verbose: bool) -> float:
    stream = sys.stderr if verbose else io.StringIO()
    started = time.perf_counter()
    report = run_batch(BatchOptions(app_list=listing, out=out,
                                    slots=[SandboxSlot(f"sandbox-{n}") for n in range(1, slots + 1)],
                                    pool=PoolSettings()),
                       Progress(stream, live=False))
    elapsed = time.perf_counter() - started
    if report.exit_code != 0 or report.document.aggregate.audited != report.document.aggregate.apps:
        raise SystemExit(f"the batch on {slots} slot(s) did not audit every app (exit {report.exit_code}): "
                         f"see {out / 'batch.json'}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", type=int, default=4, help="audits in the list (default: 4)")
    parser.add_argument("--sleep", type=float, default=30.0, help="seconds each audit watches the app (default: 30)")
    parser.add_argument("--slots", default="1,2,4", help="slot counts to measure; the first is the baseline")
    parser.add_argument("--verbose", action="store_true", help="show each batch's progress lines")
    args = parser.parse_args()
    counts = [int(n) for n in args.slots.split(",")]
    with tempfile.TemporaryDirectory(prefix="consent-audit-bench-") as folder:
        root = Path(folder)
        listing = write_list(root, "watch", args.apps, args.sleep)
        # Compile the sandbox runtime and the app once, outside the measurements.
        run(write_list(root, "warm-up", 1, 0), root / "warm-out", 1, args.verbose)
        timings = {n: run(listing, root / f"out-{n}", n, args.verbose) for n in counts}
    baseline = timings[counts[0]]
    print(f"{args.apps} sandbox audits, each watching the app {args.sleep:g} s")
    print(f"{'slots':>5}  {'wall s':>8}  {'speed-up':>8}  {'target':>7}  result")
    missed = False
    for n in counts:
        speedup = baseline / timings[n]
        target = TARGET_EFFICIENCY * n / counts[0]
        ok = speedup >= target
        missed |= not ok
        print(f"{n:>5}  {timings[n]:>8.1f}  {speedup:>8.2f}  {target:>7.2f}  {'ok' if ok else 'MISSED'}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
