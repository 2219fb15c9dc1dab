"""How re-rendering a run scales: `consent-audit report RUN_DIR` on a run of a million calls, the whole path (read
events.jsonl, place the calls on the timeline, run every rule, build and write the report), against two baselines
measured in the same run: a plain `json.loads` pass over the same events.jsonl (the floor of any reader of the
file), and the same path on a run of 10,000 calls (is the cost per call constant?).

    .venv/bin/python bench/report_scale.py                 # 1,000,000 calls; report.html only, then every format
    .venv/bin/python bench/report_scale.py --events 200000 --keep /tmp/big-run

The runs are synthetic but shaped like a misbehaving app: an SDK polling the Android ID and the Wi-Fi MAC, another
listing installed apps and reading the clipboard, the app reading the location, spread over ten minutes in which
the user refuses the privacy policy, relaunches, agrees and denies location. They are written as a real run
directory (events.jsonl, stacks.jsonl, markers.jsonl, manifest.json) and go through the same functions as
`consent-audit report`, in the same order: read_run, settings_for_run, analyse_run, write_reports. Each
measurement runs in a process of its own (after the imports and a warm-up on a small run), so that its peak memory
is its own. `verify` (which makes the derived files again from the evidence) is timed too.

Exactness is checked, not assumed: the timeline holds every call of the file, and the report's calls by phase add
up to it. Printed: seconds per stage, the whole path against the json.loads pass and per call against the small
run, the peak memory, the size of report.html, and the targets (whole path under 10 s, report.html under 10 MB
for a million calls). Timings vary with the machine and its load; the ratios are what to compare between changes.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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
from auditor.store import EVENTS, RunWriter, read_run
from auditor.testing.factories import run_meta

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


STAGES = ("read run", "analyse", "write report")


def measure(directory: Path, formats: str) -> dict[str, float]:
    """`consent-audit report RUN_DIR --formats FORMATS`, stage by stage, in this process."""
    from auditor.analysis import settings_for_run
    from auditor.report import parse_formats, write_reports

    seconds: dict[str, float] = {}
    begin = time.perf_counter()
    run = read_run(directory)
    seconds["read run"] = time.perf_counter() - begin
    begin = time.perf_counter()
    result = analyse_run(run, None, settings=settings_for_run(run, None, None))
    seconds["analyse"] = time.perf_counter() - begin
    begin = time.perf_counter()
    paths = write_reports(result, formats=parse_formats(formats))
    seconds["write report"] = time.perf_counter() - begin
    seconds["whole path"] = sum(seconds[stage] for stage in STAGES)
    if paths.html is not None:
        from auditor.report import build_report

        counted = sum(row.calls for row in build_report(result).phases)
        if counted != len(run.events) or len(result.timeline.calls) != _lines(directory / EVENTS):
            raise SystemExit(f"not every call was counted: {_lines(directory / EVENTS)} in events.jsonl, "
                             f"{len(result.timeline.calls)} on the timeline, {counted} in the report")
        seconds["html bytes"] = paths.html.stat().st_size
    return seconds


def measure_verify(directory: Path) -> dict[str, float]:
    from auditor.report.writer import rederive

    begin = time.perf_counter()
    checked = rederive(directory)
    if not checked.proven:
        raise SystemExit(f"verify: {checked.different} {checked.notes}")
    return {"verify": time.perf_counter() - begin}


def measure_json_pass(directory: Path) -> dict[str, float]:
    begin = time.perf_counter()
    with open(directory / EVENTS, "rb") as handle:
        for line in handle:
            json.loads(line)
    return {"json.loads pass": time.perf_counter() - begin}


def _lines(path: Path) -> int:
    with open(path, "rb") as handle:
        return sum(1 for line in handle if line.strip())


def in_own_process(what: str, directory: Path, formats: str = "") -> dict[str, float]:
    """One measurement in a new process (after a warm-up there): its figures, and its peak resident memory."""
    command = [sys.executable, __file__, "--measure", what, str(directory), "--formats", formats or "html"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return {key: float(value) for key, value in json.loads(done.stdout.splitlines()[-1]).items()}


def _measure_here(what: str, directory: Path, formats: str) -> int:
    warm_up = Path(tempfile.mkdtemp(prefix="report-scale-warm-"))
    try:
        write_run(warm_up / "run", 1000)  # imports, catalog, rule registry, template compilation
        measure(warm_up / "run", "html,json,junit,csv")
    finally:
        shutil.rmtree(warm_up, ignore_errors=True)
    figures = {"report": lambda: measure(directory, formats), "verify": lambda: measure_verify(directory),
               "json": lambda: measure_json_pass(directory)}[what]()
    figures["peak MB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000, help="calls in the big run (default 1,000,000)")
    parser.add_argument("--baseline", type=int, default=10_000, help="calls in the small run (default 10,000)")
    parser.add_argument("--keep", type=Path, help="keep the big run directory here (must not exist)")
    parser.add_argument("--measure", nargs=2, metavar=("WHAT", "RUN_DIR"), help=argparse.SUPPRESS)
    parser.add_argument("--formats", default="html", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        return _measure_here(args.measure[0], Path(args.measure[1]), args.formats)

    scratch = Path(tempfile.mkdtemp(prefix="report-scale-"))
    try:
        small_dir, big_dir = scratch / "small", args.keep or scratch / "big"
        write_run(small_dir, args.baseline)
        write_run(big_dir, args.events)
        floor = in_own_process("json", big_dir)
        small = in_own_process("report", small_dir, "html")
        big = in_own_process("report", big_dir, "html")
        every = in_own_process("report", big_dir, "html,json,junit,csv")
        verify = in_own_process("verify", big_dir)
    finally:
        if args.keep is None:
            shutil.rmtree(scratch, ignore_errors=True)

    ratio = args.events / args.baseline
    print(f"consent-audit report on {args.events:,} calls (report.html), against a json.loads pass over the same "
          f"events.jsonl and the same path on {args.baseline:,} calls")
    print(f"{'stage':<16}{'small s':>10}{'big s':>10}{'per-call ratio':>16}")
    for stage in (*STAGES, "whole path"):
        per_call = (big[stage] / args.events) / (small[stage] / args.baseline) if small[stage] > 0 else float("nan")
        print(f"{stage:<16}{small[stage]:>10.3f}{big[stage]:>10.3f}{per_call:>16.2f}")
    print(f"json.loads pass over events.jsonl: {floor['json.loads pass']:.2f} s; the whole path is "
          f"{big['whole path'] / floor['json.loads pass']:.2f} x that")
    print(f"peak memory: {big['peak MB']:.0f} MB for {args.events:,} calls ({small['peak MB']:.0f} MB for "
          f"{args.baseline:,}; the json.loads pass {floor['peak MB']:.0f} MB)")
    print(f"report.html: {small['html bytes'] / MB:.2f} MB for {args.baseline:,} calls, {big['html bytes'] / MB:.2f} MB "
          f"for {args.events:,} (size ratio {big['html bytes'] / small['html bytes']:.2f} for {ratio:.0f}x the calls)")
    print(f"every format (html, json, junit, csv): whole path {every['whole path']:.2f} s (write report "
          f"{every['write report']:.2f} s), peak {every['peak MB']:.0f} MB")
    print(f"verify (makes the derived files again and compares): {verify['verify']:.2f} s")
    whole, size = big["whole path"], big["html bytes"]
    print(f"targets for {args.events:,} calls: whole path {whole:.2f} s (< 10 s: {'met' if whole < 10 else 'NOT met'}); "
          f"report.html {size / MB:.2f} MB (< 10 MB: {'met' if size < 10 * MB else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
