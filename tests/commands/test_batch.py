"""The batch commands as a user meets them: exit codes, one-line errors, every bad row of a list at once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.cli import main

APPS = Path(__file__).resolve().parents[1] / "apps"


def test_a_bad_list_is_refused_whole_before_anything_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    listing = tmp_path / "apps.csv"
    listing.write_text("app,category\nsandbox:nowhere,\ncom.example.shop,nosuch\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["batch", str(listing), "--devices", "sandbox:1", "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("consent-audit: error: 2 problem(s) in the app list:\n")
    assert f"{listing}:2: {tmp_path / 'nowhere'}: sandbox app folder not found" in error
    assert f"{listing}:3: unknown app category 'nosuch'" in error
    assert "Traceback" not in error
    assert not out.exists(), "nothing ran, nothing was written"


def test_an_output_folder_that_is_not_a_batch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    listing = tmp_path / "apps.yaml"
    listing.write_text(f"- sandbox:{APPS / 'batch-mini'}\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine\n")
    assert main(["batch", str(listing), "--devices", "sandbox:1", "--out", str(out)]) == 2
    assert "is not a batch's" in capsys.readouterr().err


def test_bad_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    listing = tmp_path / "apps.yaml"
    listing.write_text(f"- sandbox:{APPS / 'batch-mini'}\n", encoding="utf-8")
    assert main(["batch", str(listing), "--devices", "sandbox:0", "--out", str(tmp_path / "o")]) == 2
    assert "sandbox:N, N from 1 to 64" in capsys.readouterr().err
    assert main(["batch", str(listing), "--broker", "amqp://x", "--out", str(tmp_path / "o")]) == 2
    assert "give a Redis URL" in capsys.readouterr().err
    assert main(["worker", "--device", "all", "--broker", "redis://127.0.0.1:1/0"]) == 2
    assert "one device per worker" in capsys.readouterr().err


def test_an_unreachable_broker_is_infrastructure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    listing = tmp_path / "apps.yaml"
    listing.write_text(f"- sandbox:{APPS / 'batch-mini'}\n", encoding="utf-8")
    code = main(["batch", str(listing), "--broker", "redis://127.0.0.1:1/0", "--out", str(tmp_path / "o")])
    assert code == 75
    assert "cannot reach the broker redis://127.0.0.1:1/0" in capsys.readouterr().err


def test_run_one_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run-one", "--target", f"sandbox:{APPS / 'batch-mini'}", "--scenario", str(tmp_path / "no.yaml"),
                 "--out", str(tmp_path / "run")])
    assert code == 2
    assert "no such scenario file" in capsys.readouterr().err


def test_run_one_on_a_host_that_cannot_build_is_infrastructure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    cache = tmp_path / "cache"
    cache.write_text("a file where the cache folder should be\n")
    monkeypatch.setenv("CONSENT_AUDIT_CACHE", str(cache))
    result = tmp_path / "result.json"
    code = main(["run-one", "--target", f"sandbox:{APPS / 'batch-mini'}",
                 "--scenario", str(APPS / "batch-mini" / "scenario.yaml"), "--out", str(tmp_path / "run"),
                 "--result", str(result), "--job-key", "k1"])
    assert code == 75
    record = json.loads(result.read_text())
    assert (record["kind"], record["reason"], record["key"], record["run"]) == ("infrastructure", "storage-failure",
                                                                              "k1", None)
    assert capsys.readouterr().err.startswith("infrastructure: storage-failure: ")


@pytest.mark.integration
def test_run_one_records_a_crash_as_the_app_outcome(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = tmp_path / "result.json"
    code = main(["run-one", "--target", f"sandbox:{APPS / 'batch-crash'}",
                 "--scenario", str(APPS / "batch-crash" / "scenario.yaml"), "--out", str(tmp_path / "run"),
                 "--result", str(result)])
    assert code == 0
    record = json.loads(result.read_text())
    assert (record["kind"], record["reason"], record["verdict"], record["run"]) == ("app", "app-crashed", "clean",
                                                                                  "run")
    assert (tmp_path / "run" / "manifest.json").is_file() and (tmp_path / "run" / "report.html").is_file()
    assert record["manifest_sha256"]


@pytest.mark.integration
def test_run_one_judges_by_the_sandbox_folders_settings_and_keeps_them(tmp_path: Path) -> None:
    """As `run` does: a batch of sandbox apps is judged by each folder's consent-audit.yaml, kept in the run."""
    import shutil

    app = tmp_path / "app"
    shutil.copytree(APPS / "batch-mini", app)
    (app / "consent-audit.yaml").write_text("category: shopping\n", encoding="utf-8")
    result = tmp_path / "result.json"
    code = main(["run-one", "--target", f"sandbox:{app}", "--scenario", str(app / "scenario.yaml"),
                 "--out", str(tmp_path / "run"), "--result", str(result)])
    assert code == 0
    assert json.loads(result.read_text())["category"] == "shopping"
    meta = json.loads((tmp_path / "run" / "meta.json").read_text())
    assert (meta["options"]["category"], meta["options"]["settings"]) == ("shopping", "settings/consent-audit.yaml")
    assert (tmp_path / "run" / "settings" / "consent-audit.yaml").read_text() == "category: shopping\n"


def test_batch_hands_every_audit_its_settings_file_and_refuses_a_bad_one(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    from auditor.cli import build_parser
    from auditor.commands.batch import _analysis_arguments

    config = tmp_path / "lab.yaml"
    config.write_text("exit_after_refusal_s: 7\n", encoding="utf-8")
    args = build_parser().parse_args(["batch", "apps.yaml", "--out", "o", "--config", str(config), "--reveal"])
    assert _analysis_arguments(args)[-3:] == ["--config", str(config.resolve()), "--reveal"]

    config.write_text("exit_after_refusal_s: many\n", encoding="utf-8")
    listing = tmp_path / "apps.yaml"
    listing.write_text(f"- sandbox:{APPS / 'batch-mini'}\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["batch", str(listing), "--devices", "sandbox:1", "--out", str(out), "--config", str(config)]) == 2
    assert f"{config}:1" in capsys.readouterr().err
    assert not out.exists(), "nothing ran, nothing was written"


def test_apps_no_given_device_can_audit_are_refused_at_validation(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """An Android app on sandbox slots would fail on every slot as infrastructure and quarantine them all: it is a
    mistake in the list or the options, said before anything runs."""
    listing = tmp_path / "apps.csv"
    listing.write_text(f"app,scenario\ncom.example.shop,{APPS / 'batch-mini' / 'scenario.yaml'}\n"
                       f"sandbox:{APPS / 'batch-mini'},\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["batch", str(listing), "--devices", "sandbox:1", "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert error == ("consent-audit: error: 1 problem(s) in the app list:\n"
                     f"{listing}:2: android:com.example.shop: an Android app, and --devices sandbox:1 has no Android "
                     "device to audit it on\n")
    assert not out.exists(), "nothing ran, nothing was written"


def test_run_one_exits_1_for_a_bug_of_this_tool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """A bug is not the device's fault nor the app's: exit 1 (no retry), recorded as such."""
    import auditor.devices

    def broken(*_: object, **__: object) -> object:
        raise AttributeError("'NoneType' object has no attribute 'package'")

    monkeypatch.setattr(auditor.devices, "open_backend", broken)
    result = tmp_path / "result.json"
    code = main(["run-one", "--target", f"sandbox:{APPS / 'batch-mini'}",
                 "--scenario", str(APPS / "batch-mini" / "scenario.yaml"), "--out", str(tmp_path / "run"),
                 "--result", str(result), "--job-key", "k1"])
    assert code == 1
    record = json.loads(result.read_text())
    assert (record["kind"], record["reason"], record["run"]) == ("tool-bug", "internal-error", None)
    assert capsys.readouterr().err.startswith("tool-bug: internal-error: AttributeError: ")
