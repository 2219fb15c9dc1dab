"""The benchmark's mechanics at a small scale: four copies of the hot-loop app, the three figures and their ratios,
and the count of events lost. Its timings are not judged here (performance is measured in bench/, not in tests)."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from auditor.agent import agent_is_current, build_agent

pytestmark = pytest.mark.integration

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "hook_overhead.py"


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("hook_overhead", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["hook_overhead"] = module
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_prints_three_figures_their_ratios_and_no_lost_events(capsys: pytest.CaptureFixture[str]) -> None:
    if not agent_is_current():
        build_agent()
    bench = load_bench()
    assert bench.main(["--calls", "300", "--rounds", "1", "--lost-check", "2000"]) == 0
    output = capsys.readouterr().out
    figures = dict(re.findall(r"^  (no hook|floor|naive|consent-audit) +([\d.]+) us/call", output, re.MULTILINE))
    assert set(figures) == {"no hook", "floor", "naive", "consent-audit"}
    assert all(float(value) > 0 for value in figures.values())
    assert re.search(r"^consent-audit / floor = [\d.]+x  \(goal <= 1\.5x: (met|MISSED)\)$", output, re.MULTILINE)
    assert re.search(r"^naive / consent-audit = [\d.]+x  \(goal >= 4\.0x: (met|MISSED)\)$", output, re.MULTILINE)
    assert re.search(r"^events lost at 2,000 calls: 0 \(2,000 recorded, numbered without gaps; \d+ stacks walked", output,
                     re.MULTILINE)


def test_bad_arguments_are_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    bench = load_bench()
    with pytest.raises(SystemExit) as exit_info:
        bench.main(["--calls", "0"])
    assert exit_info.value.code == 2
    assert "must be positive" in capsys.readouterr().err


def test_strict_fails_when_a_goal_is_missed_and_make_bench_is_strict(capsys: pytest.CaptureFixture[str],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    if not agent_is_current():
        build_agent()
    bench = load_bench()
    monkeypatch.setattr(bench, "GOAL_OVER_NAIVE", 1e9)  # no agent is a billion times cheaper than a stack walk
    assert bench.main(["--calls", "300", "--rounds", "1", "--lost-check", "500", "--strict"]) == 1
    output = capsys.readouterr().out
    assert "goal >= 1000000000.0x: MISSED" in output and output.strip().endswith("strict: a goal was missed (exit 1)")
    makefile = (SCRIPT.parents[1] / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^bench:.*\n\t\$\(PY\) bench/hook_overhead\.py --strict$", makefile, re.MULTILINE)
