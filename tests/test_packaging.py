"""`pip install .` into an empty venv gives a tool that runs the demo with no network: the wheel carries the built
agent, the catalog, the report templates, the sandbox runtime and the demo app."""

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from auditor.resources import SOURCE_ROOT

pytestmark = pytest.mark.integration


def _tracked_tree(destination: Path) -> Path:
    """The checkout as a clean clone would have it: tracked files only (no venv, node_modules or built agent)."""
    listing = subprocess.run(["git", "ls-files", "-z"], cwd=SOURCE_ROOT, capture_output=True, check=True)
    for name in listing.stdout.decode().split("\0"):
        if name and (SOURCE_ROOT / name).is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(SOURCE_ROOT / name, target)
    return destination


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    if shutil.which("git") is None or not (SOURCE_ROOT / ".git").exists():
        pytest.skip("needs a git checkout")
    tree = _tracked_tree(tmp_path_factory.mktemp("tree"))
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(out), str(tree)],
                   check=True, env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    [built] = out.glob("consent_audit-*.whl")
    return built


def test_the_wheel_carries_everything_the_tool_needs_at_run_time(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    required = {
        "auditor/_agent/agent.js",
        "auditor/_data/catalog/identifiers.yaml",
        "auditor/_data/reports/report.html.j2",
        "auditor/sdk_signatures.yaml",
        "auditor/sandbox/apps/demo-shop/AndroidManifest.xml",
        "auditor/sandbox/apps/demo-shop/scenario.yaml",
        "auditor/sandbox/apps/demo-shop/consent-audit.yaml",
        "auditor/sandbox/runtime/src/android/app/Activity.java",
        "auditor/py.typed",
    }
    assert required <= names, f"missing from the wheel: {sorted(required - names)}"


def test_installed_wheel_runs_the_demo_offline(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", str(wheel)], check=True)
    command = [str(venv / "bin" / "consent-audit"), "demo", "--out", str(tmp_path / "run")]
    offline = os.geteuid() == 0 and shutil.which("unshare") and shutil.which("ip")
    if offline:
        # A network namespace with loopback only: the installed tool must need nothing from outside.
        command = ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "offline", *command]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "run" / "report.html").is_file()
    assert "CN-SDK-PRECONSENT" in result.stdout
    if not offline:
        # The demo ran, but with the network reachable: the offline half is not proven here, and the run says so.
        pytest.skip("demo from the installed wheel passed, but not offline: cutting the network off needs root, "
                    "unshare and ip (util-linux, iproute2); run as root to prove it needs no network")
