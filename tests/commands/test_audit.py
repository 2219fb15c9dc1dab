"""The CLI's contract: exit codes and one-line errors, never a traceback."""

import pytest

from auditor.cli import EXIT_USAGE, main


def run_cli(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_report_on_a_folder_that_is_not_a_run_is_a_usage_error(capsys, tmp_path):
    code, _, err = run_cli(capsys, "report", str(tmp_path))
    assert code == EXIT_USAGE
    assert err.strip() == f"consent-audit: error: {tmp_path}: not a run directory (no meta.json)"


def test_unknown_target_kind_is_a_usage_error(capsys, tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text("- launchApp\n")
    code, _, err = run_cli(capsys, "run", "--target", "ios:com.x", "--scenario", str(scenario))
    assert code == EXIT_USAGE
    assert "unknown target kind 'ios'" in err and "Traceback" not in err


def test_unknown_rule_pack_is_refused_before_anything_runs(capsys, tmp_path):
    code, _, err = run_cli(capsys, "run", "--target", "sandbox:/nowhere", "--scenario", "x.yaml", "--rules", "xx")
    assert code == EXIT_USAGE
    assert "unknown rule pack(s): xx" in err


def test_missing_arguments_are_argparse_usage_errors(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["run"])
    assert exit_info.value.code == 2
    assert "--target" in capsys.readouterr().err


def test_run_without_scenario_needs_one_unless_the_sandbox_app_has_its_own(capsys, tmp_path):
    code, _, err = run_cli(capsys, "run", "--target", f"sandbox:{tmp_path}")
    assert code == EXIT_USAGE
    assert f"no --scenario given, and {tmp_path}/scenario.yaml does not exist" in err


def test_an_existing_run_directory_is_refused_before_anything_starts(capsys, tmp_path):
    from auditor.resources import demo_app

    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "meta.json").write_text("{}")
    code, _, err = run_cli(capsys, "run", "--target", f"sandbox:{demo_app()}", "--out", str(tmp_path / "run"))
    assert code == EXIT_USAGE
    assert "run directory already exists" in err and "auditing" not in err
