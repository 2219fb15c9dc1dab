"""How the report scales: a run of N hooked calls, rendered, against a small run rendered in the same process.

    .venv/bin/python bench/report_scale.py               # 1,000,000 calls against a 10,000-call baseline
    .venv/bin/python bench/report_scale.py --events 200000 --keep /tmp/big-run

The runs are synthetic but shaped like a misbehaving app: an SDK polling the Android ID and the Wi-Fi MAC, another
listing installed apps and reading the clipboard, the app reading the location, spread over ten minutes in which
the user refuses the privacy policy, relaunches, agrees and denies location. They are written as a real run
directory (events.jsonl, stacks.jsonl, markers.jsonl, manifest.json) and go through the same code as
`consent-audit report`: read_run, analyse_run, then the report.

Figures printed per run: seconds for each stage, the size of report.html, and the ratios big/baseline (of time per
call, and of size). The targets are a report built and rendered in under 10 s and report.html under 10 MB for a
million calls: aggregation (grouped rows, binned dots, capped id lists) keeps the HTML bounded while the
calls grow. Timings vary with the machine and its load; the ratios are what to compare between changes.
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from auditor.analysis import analyse_run
from auditor.models import (
    AppLaunched,
    AppStopped,
    ConsentDecision,
    ConsentDialogInfo,
    DialogControl,
    MarkerBase,
    PermissionDecision,
    ProcessStarted,
    RunEnded,
    RunStarted,
    StackRecord,
)
from auditor.report import build_report, render_html
from auditor.report.exports import junit_xml, write_events_csv
from auditor.store import EVENTS, RunWriter, read_run, verify_run
from auditor.testing.factories import run_meta

T = TypeVar("T")

START_MS = 1_700_000_000_000.0
DURATION_MS = 600_000.0
PID = 4242
APP = "com.example.shop"
MB = 1024 * 1024

# (entry, api, caller frames, share of the calls)
CALLS = [
    ("settings.android-id", "android.provider.Settings$Secure.getString",
     ["com.adsdk.AdSdk.poll(AdSdk.java:40)", "java.lang.Thread.run(Thread.java:833)"], 0.45),
    ("wifi.mac", "android.net.wifi.WifiInfo.getMacAddress",
     ["com.adsdk.AdSdk.poll(AdSdk.java:41)", "java.lang.Thread.run(Thread.java:833)"], 0.35),
    ("apps.installed-packages", "android.app.ApplicationPackageManager.getInstalledPackages",
     ["com.trackmetrics.Analytics.start(Analytics.java:25)", "android.app.ActivityThread.main(ActivityThread.java:8)"],
     0.1),
    ("clipboard.read", "android.content.ClipboardManager.getPrimaryClip",
     ["com.trackmetrics.Analytics.sampleClipboard(Analytics.java:44)", "android.os.Looper.loop(Looper.java:1)"], 0.05),
    ("location.last-known", "android.location.LocationManager.getLastKnownLocation",
     [f"{APP}.MainActivity.onResume(MainActivity.java:90)", "android.os.Looper.loop(Looper.java:1)"], 0.05),
]


@dataclass
class Figures:
    events: int
    seconds: dict[str, float] = field(default_factory=dict)
    html_bytes: int = 0

    @property
    def report_seconds(self) -> float:
        return self.seconds["build report"] + self.seconds["render html"]


@contextmanager
def timed(figures: Figures, stage: str) -> Iterator[None]:
    gc.collect()
    begin = time.perf_counter()
    yield
    figures.seconds[stage] = time.perf_counter() - begin


def timed_call(figures: Figures, stage: str, work: Callable[[], T]) -> T:
    with timed(figures, stage):
        return work()


def write_run(directory: Path, events: int) -> None:
    """A sealed run directory with `events` calls: markers through RunWriter, events as JSON lines directly
    (a million pydantic dumps would time the generator, not the report)."""
    writer = RunWriter(directory, run_meta(package=APP))
    stacks = {f"s{index}": frames for index, (_, _, frames, _) in enumerate(CALLS)}
    writer.append_events([], [StackRecord(id=key, frames=frames) for key, frames in stacks.items()])
    control = DialogControl(text="Agree", bounds=(0, 0, 10, 10))
    dialog = ConsentDialogInfo(texts=["Privacy Policy", "Agree", "Disagree"])
    # (fraction of the run, marker type, fields); cursors say how many calls came before each marker.
    plan: list[tuple[float, type[MarkerBase], dict[str, object]]] = [
        (0.0, RunStarted, {}),
        (0.001, AppLaunched, {"clear_state": True}),
        (0.002, ProcessStarted, {"pid": PID, "process": APP}),
        (0.2, ConsentDecision, {"decision": "refused", "dialog": dialog,
                                "control": control.model_copy(update={"text": "Disagree"})}),
        (0.3, AppStopped, {}),
        (0.35, AppLaunched, {"clear_state": False}),
        (0.5, ConsentDecision, {"decision": "accepted", "dialog": dialog, "control": control}),
        (0.55, PermissionDecision, {"decision": "denied", "group": "LOCATION",
                                    "permissions": ["android.permission.ACCESS_FINE_LOCATION"],
                                    "message": "Allow Shop to access this device's location?",
                                    "control": control.model_copy(update={"text": "Don't allow"})}),
        (1.0, RunEnded, {"status": "completed"}),
    ]
    for seq, (fraction, marker_type, fields) in enumerate(plan):
        at = START_MS + fraction * DURATION_MS
        cursor = min(int(fraction * events), events)
        writer.append_marker(marker_type(seq=seq, ts=at, host_ts=at, cursors={str(PID): cursor}, **fields))
    weights = [share for *_, share in CALLS]
    with open(directory / EVENTS, "w", encoding="utf-8") as handle:
        for seq in range(events):
            kind = _pick(seq, weights)
            entry, api, _, _ = CALLS[kind]
            ts = START_MS + DURATION_MS * seq / events
            handle.write(json.dumps({
                "id": f"{PID}-{seq}", "pid": PID, "process": APP, "seq": seq, "ts": ts, "entry": entry, "api": api,
                "sig": "()", "ret": {"type": "java.lang.String", "text": "3f6b*********b57", "masked": True},
                "thread": "main", "tid": 1, "stack": f"s{kind}",
            }))
            handle.write("\n")
    # Sealed once the events are in place, as a real run is: the report checks the evidence against it.
    writer.seal()


def _pick(seq: int, weights: list[float]) -> int:
    """A deterministic mix of the kinds of call, in the given shares."""
    position = (seq * 0.6180339887) % 1.0
    for index, weight in enumerate(weights):
        if position < weight:
            return index
        position -= weight
    return len(weights) - 1


def measure(directory: Path, events: int, exports: bool) -> Figures:
    figures = Figures(events)
    with timed(figures, "write run"):
        write_run(directory, events)
    run = timed_call(figures, "read run", lambda: read_run(directory))
    result = timed_call(figures, "analyse", lambda: analyse_run(run))
    integrity = timed_call(figures, "verify", lambda: verify_run(directory, evidence_only=True))
    data = timed_call(figures, "build report", lambda: build_report(result, integrity=integrity))
    html = timed_call(figures, "render html", lambda: render_html(data))
    figures.html_bytes = len(html.encode("utf-8"))
    (directory / "report.html").write_text(html, encoding="utf-8")
    if exports:
        timed_call(figures, "junit", lambda: junit_xml(result))
        timed_call(figures, "events.csv", lambda: write_events_csv(result, directory / "events.csv"))
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000, help="calls in the big run (default 1,000,000)")
    parser.add_argument("--baseline", type=int, default=10_000, help="calls in the baseline run (default 10,000)")
    parser.add_argument("--exports", action="store_true", help="also time findings.junit.xml and events.csv")
    parser.add_argument("--keep", type=Path, help="keep the big run directory here (must not exist)")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="report-scale-"))
    try:
        measure(scratch / "warm-up", 1000, args.exports)  # imports, catalog, rule registry, template compilation
        baseline = measure(scratch / "baseline", args.baseline, args.exports)
        big_dir = args.keep or scratch / "big"
        big = measure(big_dir, args.events, args.exports)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    stages = list(big.seconds)
    print(f"{'stage':<14}{'baseline s':>12}{'big s':>10}{'per-call ratio':>16}")
    for stage in stages:
        base, now = baseline.seconds[stage], big.seconds[stage]
        ratio = (now / big.events) / (base / baseline.events) if base > 0 else float("nan")
        print(f"{stage:<14}{base:>12.3f}{now:>10.3f}{ratio:>16.2f}")
    print(f"report.html: baseline {baseline.html_bytes / MB:.2f} MB, big {big.html_bytes / MB:.2f} MB "
          f"(size ratio {big.html_bytes / baseline.html_bytes:.2f} for {big.events / baseline.events:.0f}x the calls)")
    print(f"report built and rendered for {big.events:,} calls in {big.report_seconds:.2f} s "
          f"(target < 10 s: {'met' if big.report_seconds < 10 else 'NOT met'}); "
          f"report.html {big.html_bytes / MB:.2f} MB (target < 10 MB: {'met' if big.html_bytes < 10 * MB else 'NOT met'})")
    whole = sum(big.seconds[s] for s in ("read run", "analyse", "verify", "build report", "render html"))
    print(f"the whole `consent-audit report` path (read, analyse, verify, report) took {whole:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
