"""Building and loading the Frida agent bundle (frida's compiler, no process attached)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from auditor.agent import AgentOptions, agent_is_current, build_agent, inputs_digest, load_agent, main
from auditor.errors import EnvironmentProblem
from auditor.resources import hooks_project

PROJECT = hooks_project()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_agent(PROJECT, tmp_path_factory.mktemp("agent") / "agent.js")


def copy_project(destination: Path) -> Path:
    """A copy of the hooks project sharing the installed node_modules."""
    project = destination / "hooks"
    shutil.copytree(PROJECT / "src", project / "src")
    for name in ("package.json", "package-lock.json", "tsconfig.json"):
        shutil.copy2(PROJECT / name, project / name)
    (project / "node_modules").symlink_to(PROJECT / "node_modules", target_is_directory=True)
    return project


def test_build_writes_a_frida_bundle_with_the_bridge_inside(built: Path) -> None:
    code = built.read_text(encoding="utf-8")
    # frida's compiler emits its ESM bundle format, starting with this marker line.
    assert code.startswith("📦\n")
    assert "hooks:coverage" in code and "events:batch" in code
    assert "frida-java-bridge" in code
    assert built.stat().st_mode & 0o444 == 0o444


def test_a_fresh_build_is_current_until_a_source_changes(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    output = tmp_path / "out" / "agent.js"
    assert not agent_is_current(project, output)
    build_agent(project, output)
    assert agent_is_current(project, output)
    index = project / "src" / "index.ts"
    index.write_text(index.read_text(encoding="utf-8") + "\n// changed\n", encoding="utf-8")
    assert not agent_is_current(project, output)


def test_digest_covers_sources_and_lockfile(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    before = inputs_digest(project)
    lock = project / "package-lock.json"
    lock.write_text(lock.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert inputs_digest(project) != before


def test_compile_errors_show_the_typescript_diagnostics(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    index = project / "src" / "index.ts"
    lines = index.read_text(encoding="utf-8").splitlines()
    lines.insert(3, 'const broken: number = "not a number";')
    index.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(EnvironmentProblem) as error:
        build_agent(project, tmp_path / "agent.js")
    message = str(error.value)
    assert "does not compile" in message
    assert "src/index.ts:4:7: error TS2322: Type 'string' is not assignable to type 'number'." in message
    assert "Traceback" not in message
    assert not (tmp_path / "agent.js").exists()


def test_missing_bridge_package_says_how_to_install_it(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    (project / "node_modules").unlink()
    with pytest.raises(EnvironmentProblem, match=r"frida-java-bridge is not installed .*npm ci --prefix"):
        build_agent(project, tmp_path / "agent.js")


def test_missing_sources_are_reported(tmp_path: Path) -> None:
    with pytest.raises(EnvironmentProblem, match="agent sources not found"):
        build_agent(tmp_path / "nowhere", tmp_path / "agent.js")


def test_load_agent_without_a_bundle_says_how_to_build_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("auditor.agent.importlib_resources.files", lambda package: tmp_path)
    with pytest.raises(EnvironmentProblem) as error:
        load_agent()
    assert "run `make agent`" in str(error.value)
    assert "\n" not in str(error.value)


def test_load_agent_refuses_a_stale_bundle_in_a_checkout(
    tmp_path: Path, built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "auditor"
    (package / "_agent").mkdir(parents=True)
    bundle = package / "_agent" / "agent.js"
    shutil.copy2(built, bundle)
    (package / "_agent" / "agent.js.inputs").write_text("0" * 64 + "\n", encoding="utf-8")
    monkeypatch.setattr("auditor.agent.importlib_resources.files", lambda name: package)
    monkeypatch.setattr("auditor.resources.agent_bundle", lambda: bundle)
    with pytest.raises(EnvironmentProblem, match="older than .*make agent"):
        load_agent()
    (package / "_agent" / "agent.js.inputs").write_text(inputs_digest(PROJECT) + "\n", encoding="utf-8")
    assert load_agent() == built.read_text(encoding="utf-8")


def test_main_builds_to_the_given_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "agent.js"
    assert main([str(PROJECT), str(output)]) == 0
    assert output.is_file()
    assert f"built {output}" in capsys.readouterr().out


def test_main_reports_errors_on_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path), str(tmp_path / "agent.js")]) == EnvironmentProblem.exit_code
    err = capsys.readouterr().err
    assert err.startswith("error: agent sources not found")
    assert main(["--help"]) == 2


def test_options_reach_the_agent_in_its_own_names() -> None:
    assert AgentOptions(max_chars=64, stack_depth=8).to_agent() == {
        "maxChars": 64, "maxItems": 10, "stackDepth": 8, "batchMs": 50, "batchSize": 256,
    }


@pytest.mark.parametrize("bad", [{"max_chars": 0}, {"batch_ms": -5}, {"max_items": True}])
def test_options_must_be_positive_integers(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="must be a positive integer"):
        AgentOptions(**bad)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------------------
# The product agent on real sandbox processes (integration): what only a running VM shows.

LATE_LOADER_APP = Path(__file__).parent / "apps" / "late-loader"
STATIC_IMEI_APP = Path(__file__).parent / "apps" / "static-imei"
GAID = "38400000-8cf0-11bd-b23e-10b96e40000d"


@pytest.fixture(scope="module")
def agent_current() -> None:
    if not agent_is_current():
        build_agent()


@pytest.mark.integration
def test_sdk_classes_a_loader_gets_after_it_was_made_are_hooked_before_they_run(
    tmp_path_factory: pytest.TempPathFactory, agent_current: None
) -> None:
    from auditor.catalog import Catalog, load_catalog
    from auditor.devices.sandbox import SandboxBackend
    from auditor.instrument import Instrumenter
    from tests.devices.sandbox_support import LogRecorder, Sandbox
    from tests.test_instrument import RecordingSink

    catalog = load_catalog()
    sink = RecordingSink()
    backend = SandboxBackend(LATE_LOADER_APP, cache_dir=tmp_path_factory.mktemp("sandbox-cache"))
    log = LogRecorder()
    backend.set_listeners(log.on_exit, log.on_log)
    sandbox = Sandbox(backend, log)
    instrumenter = Instrumenter(Catalog([catalog["gaid.info"], catalog["gaid.id"]]), sink)
    statuses = []
    try:
        sandbox.launch(lambda info: instrumenter.instrument(info))
        for button in ("grow", "bytes"):
            statuses.append(sandbox.tap(f"org.lateloader:id/{button}").text("org.lateloader:id/status"))
            instrumenter.drain()
    finally:
        instrumenter.close()
        backend.close()

    assert statuses == [f"id={GAID} own-loader=true"] * 2
    loaders = [(record.loader or "", {hook.entry for hook in record.installed}, record.ts)
               for record in sink.coverage if record.trigger == "class-loader"]
    # The app's own loader at its start, then the two late ones: the URLClassLoader made empty, asked again after
    # addURL; the loader derived from ClassLoader itself, whose classes are hooked as its lookups return them.
    assert loaders[0][0].startswith("android.app.ActivityThread$AppClassLoader@")
    grown = [item for item in loaders if "GrowingLoader" in item[0]]
    assert len(grown) == 1 and grown[0][1] == {"gaid.info", "gaid.id"}
    from_bytes = [item for item in loaders if "BytesLoader" in item[0]]
    assert {entry for item in from_bytes for entry in item[1]} == {"gaid.info", "gaid.id"}
    assert [hook for record in sink.coverage for hook in record.failed] == []
    # Each copy's calls are recorded, after its hooks went in: both calls of each button.
    events = [(event.entry, event.ts) for event in sink.events]
    assert [entry for entry, _ in events] == ["gaid.info", "gaid.id", "gaid.info", "gaid.id"]
    assert grown[0][2] <= events[0][1] and max(item[2] for item in from_bytes) <= events[3][1]


@pytest.mark.integration
def test_an_imei_read_in_the_main_class_static_initializer_is_audited_as_pre_consent(
    tmp_path: Path, agent_current: None
) -> None:
    import json

    from auditor.cli import main as cli
    from auditor.store import read_run

    run = tmp_path / "run"
    scenario = tmp_path / "launch.yaml"
    scenario.write_text("- launchApp: {clearState: true}\n- sleep: 1\n", encoding="utf-8")
    assert cli(["run", "--target", f"sandbox:{STATIC_IMEI_APP}", "--scenario", str(scenario), "--out", str(run)]) == 1

    data = read_run(run)
    (imei,) = [event for event in data.events if event.entry == "telephony.imei"]
    # READ_PHONE_STATE was never granted: the platform refused the read, and the attempt is the evidence.
    assert imei.threw is not None and imei.threw.cls == "java.lang.SecurityException"
    frames = data.stacks[imei.stack] if imei.stack else []
    assert any(frame.startswith("org.probe.imei.EarlyActivity.<clinit>(") for frame in frames), frames
    findings = json.loads((run / "findings.json").read_text(encoding="utf-8"))["findings"]
    preconsent = [f for f in findings if f["rule"] == "CN-PRECONSENT-COLLECT" and f["entry"] == "telephony.imei"]
    assert len(preconsent) == 1
    assert preconsent[0]["phase"] == "pre-consent" and preconsent[0]["caller"]["origin"] == "app"
    assert "EarlyActivity.<clinit>" in preconsent[0]["caller"]["frame"]
