"""Where shipped data lives.

In a source checkout the data sits in the top-level folders the project is organised by
(`hooks/catalog`, `reports`, `scenarios`); in an installed wheel the build copies them to
`auditor/_data/`. The built Frida agent is always `auditor/_agent/agent.js`. The sandbox
runtime and its bundled apps are package data under `auditor/sandbox/`.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
SOURCE_ROOT = PACKAGE_DIR.parent

_LAYOUT = {
    "catalog": Path("hooks") / "catalog",
    "reports": Path("reports"),
    "scenarios": Path("scenarios"),
}


def data_dir(name: str) -> Path:
    """The folder of shipped data `name` (catalog, reports, scenarios)."""
    installed = PACKAGE_DIR / "_data" / name
    if installed.is_dir():
        return installed
    return SOURCE_ROOT / _LAYOUT[name]


def agent_bundle() -> Path:
    return PACKAGE_DIR / "_agent" / "agent.js"


def hooks_project() -> Path:
    """The agent's TypeScript project (only in a source checkout)."""
    return SOURCE_ROOT / "hooks"


def sandbox_dir() -> Path:
    return PACKAGE_DIR / "sandbox"


def demo_app() -> Path:
    return sandbox_dir() / "apps" / "demo-shop"
