"""Wheel build hook: put the compiled Frida agent (`auditor/_agent/agent.js`) into every wheel.

The bundle is gitignored, so a clean clone has none: the hook reuses an up-to-date one, otherwise installs the
agent's npm dependency (`npm ci` when npm is on PATH, else frida's own package manager) and compiles it with
frida's compiler, the same way `python -m auditor.agent` does. The installed wheel then needs neither Node nor
a network. `CONSENT_AUDIT_SKIP_AGENT_BUILD=1` skips all this (the Makefile builds the agent itself).
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SKIP_VARIABLE = "CONSENT_AUDIT_SKIP_AGENT_BUILD"
BRIDGE_PACKAGE = "frida-java-bridge"


class AgentBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or os.environ.get(SKIP_VARIABLE) == "1":
            return
        root = Path(self.root)
        agent = _agent_module(root)
        project = root / "hooks"
        output = root / "auditor" / "_agent" / "agent.js"
        if agent.agent_is_current(project, output):
            self.app.display_info(f"consent-audit: reusing the agent bundle {output}")
            return
        if not (project / "src" / "index.ts").is_file():
            raise RuntimeError(f"consent-audit: no agent bundle at {output} and no agent sources in {project}")
        if not (project / "node_modules" / BRIDGE_PACKAGE / "package.json").is_file():
            self._install_dependencies(project)
        self.app.display_info(f"consent-audit: compiling the Frida agent into {output}")
        try:
            agent.build_agent(project, output)
        except Exception as exc:  # noqa: BLE001 - EnvironmentProblem, from the tree being built
            raise RuntimeError(f"consent-audit: {exc}") from None

    def _install_dependencies(self, project: Path) -> None:
        npm = shutil.which("npm")
        if npm is not None:
            self.app.display_info("consent-audit: npm ci (the agent's pinned dependencies)")
            result = subprocess.run(
                [npm, "ci", "--prefix", str(project), "--no-audit", "--no-fund", "--omit=dev"],
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode != 0:
                raise RuntimeError(f"consent-audit: `npm ci --prefix {project}` failed:\n{result.stderr.strip()}")
            return
        self.app.display_info("consent-audit: npm not found; installing the agent's dependencies with frida")
        _install_with_frida(project)


def _agent_module(root: Path) -> ModuleType:
    """`auditor.agent` from the tree being built: standard library only, so the build environment suffices."""
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    return importlib.import_module("auditor.agent")


def _install_with_frida(project: Path) -> None:
    """Install the exact versions package.json pins, with frida's package manager (no Node needed).

    The lockfile is left out of its view: it omits registry URLs, which frida's installer requires.
    """
    import frida

    manifest = json.loads((project / "package.json").read_text(encoding="utf-8"))
    dependencies: dict[str, str] = manifest.get("dependencies", {})
    with tempfile.TemporaryDirectory() as scratch:
        (Path(scratch) / "package.json").write_text(json.dumps(manifest), encoding="utf-8")
        try:
            frida.PackageManager().install(  # type: ignore[no-untyped-call]
                project_root=scratch, specs=[f"{name}@{pin}" for name, pin in dependencies.items()]
            )
        except Exception as exc:  # noqa: BLE001 - frida's errors share no base class
            raise RuntimeError(
                f"consent-audit: frida could not install the agent's dependencies ({exc}); "
                f"install Node.js and run `npm ci --prefix {project}`, then build again"
            ) from None
        for name, pin in dependencies.items():
            installed = Path(scratch) / "node_modules" / name
            version = json.loads((installed / "package.json").read_text(encoding="utf-8"))["version"]
            if version != pin:
                raise RuntimeError(f"consent-audit: frida installed {name} {version}, package.json pins {pin}")
            target = project / "node_modules" / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(installed, target)
