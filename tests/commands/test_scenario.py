"""`consent-audit scenario validate | schema | list`: checking scenario files before anything runs."""

import json
from pathlib import Path

import pytest

from auditor.cli import EXIT_CLEAN, EXIT_USAGE, main

MALFORMED = Path(__file__).parents[1] / "scenario" / "malformed"


def run_cli(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_validate_accepts_good_files_and_built_ins_by_name(capsys, tmp_path):
    scenario = tmp_path / "good.yaml"
    scenario.write_text("name: Good\n---\n- launchApp\n- repeat: {times: 2, commands: [back, home]}\n")
    code, out, err = run_cli(capsys, "scenario", "validate", str(scenario), "miit-standard")
    assert code == EXIT_CLEAN
    lines = out.splitlines()
    assert lines[0] == f"{scenario}: ok (4 steps): Good"
    assert lines[1].endswith("scenarios/miit-standard.yaml: ok (18 steps): MIIT standard procedure")
    assert err == ""


def test_validate_prints_every_problem_of_every_file_and_exits_2(capsys, tmp_path):
    several = tmp_path / "several.yaml"
    several.write_text("- tapon: A\n- launchApp: {clearStat: true}\n- sleep: ${WAIT}\n")
    malformed = sorted(MALFORMED.glob("*.yaml"))
    code, out, err = run_cli(capsys, "scenario", "validate", str(several), *map(str, malformed))
    assert code == EXIT_USAGE
    lines = out.splitlines()
    assert lines[:3] == [
        f"{several}:1:3: unknown step 'tapon' (did you mean 'tapOn'?)",
        f"{several}:2:15: unknown field 'clearStat' in 'launchApp' (did you mean 'clearState'?)",
        f"{several}:3:10: undefined variable 'WAIT' (define it under `env:` in the header, or pass it with --env "
        "NAME=VALUE)",
    ]
    for path in malformed:
        first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8")
        expected = first.removeprefix("# expect: ").replace("{dir}", str(MALFORMED))
        assert expected in out, path.name
    assert len(lines) == 3 + len(malformed)
    assert f"{several}: 3 problems" in err.splitlines()
    assert "Traceback" not in out + err


def test_env_values_given_on_the_command_line_define_variables(capsys, tmp_path):
    scenario = tmp_path / "needs-env.yaml"
    scenario.write_text("- sleep: ${WAIT}\n- tapOn: ${LABEL}\n")
    code, out, _ = run_cli(capsys, "scenario", "validate", str(scenario), "--env", "WAIT=2", "--env", "LABEL=OK")
    assert (code, out) == (EXIT_CLEAN, f"{scenario}: ok (2 steps): needs-env\n")


def test_a_malformed_env_assignment_is_a_usage_error(capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        main(["scenario", "validate", "x.yaml", "--env", "not an assignment"])
    assert exit_info.value.code == EXIT_USAGE
    assert "'not an assignment' is not KEY=VALUE" in capsys.readouterr().err


def test_an_unknown_file_or_name_is_reported(capsys):
    code, out, _ = run_cli(capsys, "scenario", "validate", "no-such-scenario")
    assert code == EXIT_USAGE
    assert out.startswith("no-such-scenario: no such scenario file, and no built-in scenario of that name")


def test_schema_is_printed_and_can_be_written(capsys, tmp_path):
    code, out, _ = run_cli(capsys, "scenario", "schema")
    assert code == EXIT_CLEAN
    schema = json.loads(out)
    assert schema["title"] == "consent-audit scenario" and "step.tapOn" in schema["$defs"]
    target = tmp_path / "scenario.schema.json"
    code, out, _ = run_cli(capsys, "scenario", "schema", "--out", str(target))
    assert code == EXIT_CLEAN and out == f"schema: {target}\n"
    assert json.loads(target.read_text(encoding="utf-8")) == schema


def test_schema_to_an_unwritable_place_is_a_usage_error(capsys, tmp_path):
    code, _, err = run_cli(capsys, "scenario", "schema", "--out", str(tmp_path / "missing" / "schema.json"))
    assert code == EXIT_USAGE
    assert "cannot write the schema" in err and "Traceback" not in err


def test_list_names_the_built_in_scenarios(capsys):
    code, out, _ = run_cli(capsys, "scenario", "list")
    assert code == EXIT_CLEAN
    assert out.splitlines() == [
        "accept-all: Accept all", "miit-standard: MIIT standard procedure", "refuse-only: Refuse only",
    ]


def test_run_resolves_a_built_in_scenario_and_refuses_an_unknown_one_before_anything_starts(capsys, tmp_path):
    code, _, err = run_cli(capsys, "run", "--target", f"sandbox:{tmp_path}", "--scenario", "miit-standrad")
    assert code == EXIT_USAGE
    assert "no built-in scenario of that name (did you mean 'miit-standard'?" in err
    assert "auditing" not in err


def test_run_passes_env_values_to_the_scenario(capsys, tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text("- sleep: ${WAIT}\n")
    # Without WAIT the scenario is refused before anything runs...
    code, _, err = run_cli(capsys, "run", "--target", f"sandbox:{tmp_path}", "--scenario", str(scenario))
    assert code == EXIT_USAGE and "undefined variable 'WAIT'" in err
    # ...with it, loading passes and the run goes on to the target (an empty folder: no manifest).
    code, _, err = run_cli(capsys, "run", "--target", f"sandbox:{tmp_path}", "--scenario", str(scenario),
                           "--env", "WAIT=1")
    assert code == EXIT_USAGE and "undefined variable" not in err and "AndroidManifest.xml" in err
