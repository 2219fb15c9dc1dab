"""The app list: CSV and YAML read into jobs, every bad row reported at its file:line before anything runs, keys
that change with exactly what makes another audit."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from auditor import __version__
from auditor.batch.applist import AppListInvalid, job_key, load_app_list, time_limit
from auditor.scenario import load_scenario

APPS = Path(__file__).resolve().parents[1] / "apps"
MINI = APPS / "batch-mini"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    shutil.copytree(MINI, tmp_path / "apps" / "mini")
    shutil.copytree(APPS / "batch-crash", tmp_path / "apps" / "crash")
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "quick.yaml").write_text("- launchApp\n- stopApp\n", encoding="utf-8")
    return tmp_path


def test_csv_rows_become_jobs(workspace: Path) -> None:
    listing = workspace / "apps.csv"
    listing.write_text(
        "app,category,scenario,env\n"
        "sandbox:apps/mini,shopping,,RUN=1;USER=qa\n"
        "# a comment line is skipped\n"
        "\n"
        "sandbox:apps/crash,,flows/quick.yaml,\n"
        "com.example.shop,,refuse-only,\n",
        encoding="utf-8")
    jobs = load_app_list(listing)
    assert [job.where for job in jobs] == [f"{listing}:2", f"{listing}:5", f"{listing}:6"]
    mini, crash, installed = jobs
    assert mini.target == f"sandbox:{(workspace / 'apps' / 'mini').resolve()}"
    assert (mini.package, mini.version_code, mini.category) == ("org.batch.mini", 4, "shopping")
    assert mini.env == {"RUN": "1", "USER": "qa"}
    assert mini.scenario == str((workspace / "apps" / "mini" / "scenario.yaml").resolve())
    assert mini.key.startswith("org.batch.mini-4-")
    assert crash.scenario == str((workspace / "flows" / "quick.yaml").resolve())
    assert (installed.target, installed.app_digest, installed.version_code) == ("android:com.example.shop", None, None)
    assert installed.scenario.endswith("refuse-only.yaml")
    assert installed.key.startswith("com.example.shop-x-")


def test_yaml_rows_become_jobs(workspace: Path) -> None:
    listing = workspace / "apps.yaml"
    listing.write_text(
        "- app: sandbox:apps/mini\n"
        "  env: {RUN: 1, FAST: true}\n"
        "- sandbox:apps/crash\n",
        encoding="utf-8")
    mini, crash = load_app_list(listing)
    assert mini.env == {"RUN": "1", "FAST": "true"}
    assert (mini.where, crash.where) == (f"{listing}:1", f"{listing}:3")
    assert crash.package == "org.batch.crash"


def test_every_bad_csv_row_is_reported_with_its_line(workspace: Path) -> None:
    listing = workspace / "apps.csv"
    listing.write_text(
        "app,category,scenario,env\n"
        "sandbox:apps/mini,,,RUN=1\n"
        "sandbox:apps/missing,,,\n"
        "not a package,,,\n"
        "sandbox:apps/mini,nosuchcategory,,RUN=2\n"
        "sandbox:apps/mini,,flows/absent.yaml,RUN=3\n"
        "sandbox:apps/mini,,,RUN 4\n"
        "sandbox:apps/mini,,,RUN=1\n"
        "builds/absent.apk,,,\n"
        "com.example.shop,,,\n",
        encoding="utf-8")
    with pytest.raises(AppListInvalid) as caught:
        load_app_list(listing)
    problems = [str(error) for error in caught.value.errors]
    lines = [int(problem.split(":")[1]) for problem in problems]
    assert lines == [3, 4, 5, 6, 7, 8, 9, 10], problems
    assert "sandbox app folder not found" in problems[0]
    assert "neither a package name" in problems[1]
    assert "unknown app category 'nosuchcategory'" in problems[2]
    assert "no such scenario file" in problems[3]
    assert "is not KEY=VALUE" in problems[4]
    assert f"the same audit as {listing}:2" in problems[5]
    assert "APK file not found" in problems[6]
    assert "no scenario" in problems[7]
    assert str(caught.value).startswith("8 problem(s) in the app list:")


def test_a_scenario_error_names_the_row_and_the_scenario_line(workspace: Path) -> None:
    (workspace / "flows" / "bad.yaml").write_text("- launchApp\n- tapon: OK\n", encoding="utf-8")
    listing = workspace / "apps.yaml"
    listing.write_text("- app: sandbox:apps/mini\n  scenario: flows/bad.yaml\n", encoding="utf-8")
    with pytest.raises(AppListInvalid) as caught:
        load_app_list(listing)
    (problem,) = caught.value.errors
    assert str(problem).startswith(f"{listing}:1: ")
    assert "bad.yaml:2:3: unknown step 'tapon'" in str(problem)


def test_every_bad_yaml_row_is_reported_with_its_line(workspace: Path) -> None:
    listing = workspace / "apps.yaml"
    listing.write_text(
        "- app: sandbox:apps/mini\n"
        "  categroy: shopping\n"
        "- app: sandbox:apps/mini\n"
        "  env: [RUN]\n"
        "- 42\n"
        "- scenario: flows/quick.yaml\n",
        encoding="utf-8")
    with pytest.raises(AppListInvalid) as caught:
        load_app_list(listing)
    problems = [str(error) for error in caught.value.errors]
    assert [p.split(": ", 1)[0] for p in problems] == [f"{listing}:2", f"{listing}:4", f"{listing}:5",
                                                       f"{listing}:6"]
    assert "unknown field(s) categroy" in problems[0]
    assert "env: must be a mapping" in problems[1]
    assert "app: missing" in problems[3]


def test_lists_that_are_not_lists(tmp_path: Path) -> None:
    for name, text, expected in [
        ("a.yaml", "apps: {}\n", "one list of apps"),
        ("b.csv", "package,category\ncom.x.y,\n", "at least 'app'"),
        ("c.csv", "app\n", "names no app"),
        ("d.txt", "com.x.y\n", ".csv or .yaml"),
    ]:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        with pytest.raises(Exception) as caught:
            load_app_list(path)
        assert expected in str(caught.value)


def test_keys_follow_what_makes_another_audit(workspace: Path) -> None:
    listing = workspace / "apps.yaml"
    listing.write_text("- app: sandbox:apps/mini\n  env: {RUN: 1}\n", encoding="utf-8")
    (first,) = load_app_list(listing)
    (again,) = load_app_list(listing)
    assert again.key == first.key, "the same list gives the same keys (resume depends on it)"
    source = workspace / "apps" / "mini" / "src" / "org" / "batch" / "mini" / "MainActivity.java"
    source.write_text(source.read_text(encoding="utf-8").replace("Hello", "Hi"), encoding="utf-8")
    (rebuilt,) = load_app_list(listing)
    assert rebuilt.key != first.key and rebuilt.app_digest != first.app_digest
    scenario = workspace / "apps" / "mini" / "scenario.yaml"
    scenario.write_text(scenario.read_text(encoding="utf-8").replace("Hello", "Hi"), encoding="utf-8")
    (rescripted,) = load_app_list(listing)
    assert rescripted.scenario_sha256 != rebuilt.scenario_sha256
    parts = ("org.batch.mini", 4, "digest", "scenario")
    assert job_key(*parts) != job_key(*parts, tool_version=__version__ + ".1")
    assert job_key("org.x.y", None, None, "s").startswith("org.x.y-x-")


def test_time_limits_grow_with_the_scenario(tmp_path: Path) -> None:
    short = tmp_path / "short.yaml"
    short.write_text("- launchApp\n- stopApp\n", encoding="utf-8")
    long = tmp_path / "long.yaml"
    long.write_text("- launchApp\n- sleep: 60\n- repeat:\n    times: 3\n    commands:\n      - tapOn: {text: A, "
                    "timeout: 20}\n- stopApp\n", encoding="utf-8")
    short_limit = time_limit(load_scenario(short))
    long_limit = time_limit(load_scenario(long))
    assert short_limit == 90 + 1.5 * (30 + 2 + 10 + 2)
    assert long_limit == 90 + 1.5 * (30 + 2 + 60 + 2 + 3 * (20 + 2) + 2 + 10 + 2)
