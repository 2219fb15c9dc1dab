"""The Frida agent: built from `hooks/` (TypeScript) into `auditor/_agent/agent.js`, loaded from there.

`python -m auditor.agent` builds it (after `npm ci --prefix hooks`); the wheel build hook (`hatch_build.py`)
does the same, so an installed copy carries the bundle and needs neither Node nor a network at run time.
This module stays light (standard library only; frida is imported inside `build_agent`) because the
wheel build hook imports it from a source tree.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from dataclasses import asdict, dataclass
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any

from auditor import resources
from auditor.errors import EnvironmentProblem

BRIDGE_PACKAGE = "frida-java-bridge"
ENTRY_POINT = Path("src") / "index.ts"

_REBUILD_HINT = "run `make agent` (npm ci --prefix hooks && python -m auditor.agent)"
_HOOKS_PROJECT = resources.hooks_project()
_AGENT_BUNDLE = resources.agent_bundle()


@dataclass(frozen=True)
class AgentOptions:
    """How much the agent records per call, and how it batches. Sent to the agent's `init`."""

    max_chars: int = 512
    """Longest string kept in a recorded value; longer ones are cut and their full length kept."""
    max_items: int = 10
    """Items of an array or collection described (the full size is always recorded)."""
    stack_depth: int = 32
    """Frames kept per stack, innermost first."""
    batch_ms: int = 50
    """Longest time an event waits in the agent before it is sent."""
    batch_size: int = 256
    """Events per message at most."""

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"agent option {name} must be a positive integer, got {value!r}")

    def to_agent(self) -> dict[str, int]:
        return {
            "maxChars": self.max_chars,
            "maxItems": self.max_items,
            "stackDepth": self.stack_depth,
            "batchMs": self.batch_ms,
            "batchSize": self.batch_size,
        }


def _input_files(project: Path) -> list[Path]:
    sources = sorted((project / "src").rglob("*.ts"))
    extras = [project / name for name in ("package.json", "package-lock.json", "tsconfig.json")]
    return sources + [path for path in extras if path.is_file()]


def inputs_digest(project: Path) -> str:
    """A digest of everything the bundle is built from, including the frida version that compiles it."""
    digest = hashlib.sha256()
    digest.update(f"frida {_frida_version()}\n".encode())
    for path in _input_files(project):
        digest.update(path.relative_to(project).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _stamp_path(output: Path) -> Path:
    return output.with_name(output.name + ".inputs")


def agent_is_current(project: Path = _HOOKS_PROJECT, output: Path = _AGENT_BUNDLE) -> bool:
    """True when `output` exists and was built from `project` as it is now."""
    stamp = _stamp_path(output)
    if not output.is_file() or not stamp.is_file() or not (project / ENTRY_POINT).is_file():
        return False
    return stamp.read_text(encoding="utf-8").strip() == inputs_digest(project)


def build_agent(project: Path = _HOOKS_PROJECT, output: Path = _AGENT_BUNDLE) -> Path:
    """Compile `project/src/index.ts` with frida's compiler into `output`. Raises EnvironmentProblem."""
    entry = project / ENTRY_POINT
    if not entry.is_file():
        raise EnvironmentProblem(f"agent sources not found: {entry} (the agent is built from a source checkout)")
    if not (project / "node_modules" / BRIDGE_PACKAGE / "package.json").is_file():
        raise EnvironmentProblem(
            f"{BRIDGE_PACKAGE} is not installed in {project / 'node_modules'}: run `npm ci --prefix {project}`"
        )
    try:
        import frida
    except ImportError as exc:
        raise EnvironmentProblem(f"the frida Python package is needed to build the agent: {exc}") from None

    diagnostics: list[str] = []

    def collect(items: list[Any]) -> None:
        diagnostics.extend(_format_diagnostic(item) for item in items)

    compiler = frida.Compiler()  # type: ignore[no-untyped-call]
    compiler.on("diagnostics", collect)
    try:
        bundle = compiler.build(ENTRY_POINT.as_posix(), project_root=str(project))
    except frida.InvalidArgumentError as exc:
        details = "\n".join(diagnostics) if diagnostics else str(exc)
        raise EnvironmentProblem(f"the agent in {project} does not compile:\n{details}") from None
    except frida.NotSupportedError as exc:
        raise EnvironmentProblem(f"frida cannot compile the agent here: {exc}") from None
    if diagnostics:
        # The compiler can report problems and still produce a bundle; a strict project treats them as errors.
        raise EnvironmentProblem(f"the agent in {project} does not compile:\n" + "\n".join(diagnostics))

    _write_atomically(output, bundle)
    _write_atomically(_stamp_path(output), inputs_digest(project) + "\n")
    return output


def load_agent() -> str:
    """The built agent bundle. Raises EnvironmentProblem with the command that builds it when it is missing."""
    bundle = importlib_resources.files("auditor").joinpath("_agent").joinpath("agent.js")
    try:
        code = bundle.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        raise EnvironmentProblem(f"the Frida agent is not built (auditor/_agent/agent.js is missing): {_REBUILD_HINT}") from None
    project = resources.hooks_project()
    in_checkout = (project / ENTRY_POINT).is_file() and _stamp_path(resources.agent_bundle()).is_file()
    # In a source checkout an out-of-date bundle would hook with yesterday's code without a word.
    if in_checkout and not agent_is_current(project, resources.agent_bundle()):
        raise EnvironmentProblem(f"the Frida agent bundle is older than {project}: {_REBUILD_HINT}")
    return code


def _format_diagnostic(item: dict[str, Any]) -> str:
    where = ""
    file = item.get("file")
    if isinstance(file, dict):
        # The compiler counts lines and characters from 0; editors count from 1.
        where = f"{file.get('path')}:{int(file.get('line', 0)) + 1}:{int(file.get('character', 0)) + 1}: "
    return f"{where}{item.get('category', 'error')} TS{item.get('code', '?')}: {item.get('text', '')}"


def _frida_version() -> str:
    try:
        from importlib.metadata import version

        return version("frida")
    except Exception:  # noqa: BLE001 - any failure means "unknown", which only forces a rebuild
        return "unknown"


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        # mkstemp creates the file private; the bundle is package data every user must read.
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    """`python -m auditor.agent [PROJECT [OUTPUT]]`: build the agent bundle."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 2 or any(arg.startswith("-") for arg in args):
        print("usage: python -m auditor.agent [HOOKS_PROJECT [OUTPUT]]", file=sys.stderr)
        return 2
    project = Path(args[0]) if args else resources.hooks_project()
    output = Path(args[1]) if len(args) > 1 else resources.agent_bundle()
    try:
        built = build_agent(project, output)
    except EnvironmentProblem as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    print(f"built {built} ({built.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
