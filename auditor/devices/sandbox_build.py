"""The JDK the sandbox runs on, and compiling the runtime and apps with it (cached by content hash)."""

from __future__ import annotations

import glob
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from auditor.devices.sandbox_manifest import SandboxManifest
from auditor.errors import EnvironmentProblem, InputError
from auditor.resources import sandbox_dir

REQUIRED_MAJOR = 17
JAVA_HOME_VARIABLE = "CONSENT_AUDIT_JAVA_HOME"
CACHE_VARIABLE = "CONSENT_AUDIT_CACHE"
_INSTALL_HINT = "install it with: apt-get install openjdk-17-jdk-headless"
_COMPLETE_MARK = ".complete"
_JAVAC_ERROR = re.compile(r"^(?P<file>.+?\.java):(?P<line>\d+): error: (?P<message>.+)$")


@dataclass(frozen=True)
class Jdk:
    java: Path
    javac: Path
    version: str
    """`17.0.15`."""
    runtime: str
    """The VM's own description, e.g. `OpenJDK 64-Bit Server VM (build 17.0.15+6-Debian-1deb12u1, mixed mode)`."""


def cache_root() -> Path:
    configured = os.environ.get(CACHE_VARIABLE)
    if configured:
        return Path(configured)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "consent-audit"


def find_jdk(java_home: Path | None = None) -> Jdk:
    """The JDK to run the sandbox with: `java_home`, else $CONSENT_AUDIT_JAVA_HOME, else `java` on PATH.

    Raises EnvironmentProblem when there is none, or when it is not Java 17.
    """
    home = java_home or (Path(os.environ[JAVA_HOME_VARIABLE]) if os.environ.get(JAVA_HOME_VARIABLE) else None)
    if home is not None:
        java, javac = home / "bin" / "java", home / "bin" / "javac"
        if not java.is_file():
            raise EnvironmentProblem(f"no Java at {java}: the sandbox needs OpenJDK 17; {_INSTALL_HINT}")
    else:
        found = shutil.which("java")
        if found is None:
            raise EnvironmentProblem(f"no `java` on PATH: the sandbox needs OpenJDK 17; {_INSTALL_HINT}")
        java = Path(found)
        javac = Path(os.path.realpath(found)).parent / "javac"
        if not javac.is_file():
            javac = Path(shutil.which("javac") or javac)
    version, runtime = _java_version(java)
    major = _major(version)
    if major != REQUIRED_MAJOR:
        candidates = sorted(glob.glob(f"/usr/lib/jvm/*{REQUIRED_MAJOR}*/bin/java"))
        where = (
            f"; a Java 17 is at {Path(candidates[0]).parent.parent}: set {JAVA_HOME_VARIABLE} to it"
            if candidates
            else f"; {_INSTALL_HINT}"
        )
        raise EnvironmentProblem(
            f"{java} is Java {version}, but the sandbox needs Java 17: Frida's Java bridge does not hook "
            f"HotSpot 18 or later{where}"
        )
    if not javac.is_file():
        raise EnvironmentProblem(
            f"no `javac` next to {java}: the sandbox compiles apps and needs the full JDK 17; {_INSTALL_HINT}"
        )
    return Jdk(java=java, javac=javac, version=version, runtime=runtime)


def _java_version(java: Path) -> tuple[str, str]:
    try:
        result = subprocess.run(
            [str(java), "-version"], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise EnvironmentProblem(f"cannot run {java} -version: {exc}") from None
    text = result.stderr + result.stdout
    match = re.search(r'version "([^"]+)"', text)
    if result.returncode != 0 or match is None:
        first = text.strip().splitlines()[0] if text.strip() else f"exit code {result.returncode}"
        raise EnvironmentProblem(f"{java} -version did not report a Java version ({first}); {_INSTALL_HINT}")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    runtime = next((line for line in lines if " VM " in line), lines[-1])
    return match.group(1), runtime


def _major(version: str) -> int:
    parts = re.findall(r"\d+", version)
    if not parts:
        return 0
    if parts[0] == "1" and len(parts) > 1:
        return int(parts[1])
    return int(parts[0])


def runtime_sources() -> Path:
    return sandbox_dir() / "runtime" / "src"


def _digest(root: Path, files: list[Path], salt: str) -> str:
    hasher = hashlib.sha256(salt.encode())
    for file in files:
        hasher.update(file.relative_to(root).as_posix().encode() + b"\0")
        hasher.update(file.read_bytes() + b"\0")
    return hasher.hexdigest()[:16]


def build_runtime(jdk: Jdk, cache: Path | None = None) -> Path:
    """Compiled classes of the sandbox runtime (Android API subset + internals), compiled once per content hash."""
    source_root = runtime_sources()
    files = sorted(source_root.rglob("*.java"))
    if not files:
        raise EnvironmentProblem(f"the sandbox runtime sources are missing from {source_root}")
    digest = _digest(source_root, files, f"release{REQUIRED_MAJOR}")
    target = (cache or cache_root()) / "sandbox" / f"runtime-{digest}"
    return _compile(jdk, source_root, files, target, classpath=None, what="the sandbox runtime")


def build_app(jdk: Jdk, app_dir: Path, manifest: SandboxManifest, runtime_classes: Path,
              cache: Path | None = None) -> Path:
    """Compiled classes of a sandbox app. Raises InputError at the first javac error or a missing component."""
    source_root = app_dir / "src"
    files = sorted(source_root.rglob("*.java")) if source_root.is_dir() else []
    if not files:
        raise InputError("no Java sources (src/**/*.java) in the sandbox app", where=str(source_root))
    digest = _digest(source_root, files, f"{runtime_classes.parent.name}:{manifest.package}")
    target = (cache or cache_root()) / "sandbox" / "apps" / f"{manifest.package}-{digest}"
    classes = _compile(jdk, source_root, files, target, classpath=runtime_classes, what=str(app_dir))
    _check_components(manifest, classes)
    return classes


def _check_components(manifest: SandboxManifest, classes: Path) -> None:
    wanted = [(c.kind, c.class_name, c.line) for c in manifest.components if c.kind != "receiver"]
    if manifest.application_class:
        wanted.insert(0, ("application", manifest.application_class, 0))
    for kind, class_name, line in wanted:
        if not (classes / (class_name.replace(".", "/") + ".class")).is_file():
            where = f"{manifest.path}:{line}" if line else str(manifest.path)
            raise InputError(f"{kind} {class_name} is declared but no such class is in src/", where=where)


def _compile(jdk: Jdk, source_root: Path, files: list[Path], target: Path, classpath: Path | None,
             what: str) -> Path:
    classes = target / "classes"
    if (target / _COMPLETE_MARK).is_file():
        return classes
    target.parent.mkdir(parents=True, exist_ok=True)
    # Compile beside the target and rename: concurrent builds of the same sources never see half a tree.
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        argfile = staging / "sources.txt"
        argfile.write_text("\n".join(_quoted(file) for file in files), encoding="utf-8")
        command = [
            str(jdk.javac), "--release", str(REQUIRED_MAJOR), "-encoding", "UTF-8", "-proc:none",
            "-nowarn", "-Xlint:none", "-d", str(staging / "classes"),
        ]
        if classpath is not None:
            command += ["-cp", str(classpath)]
        try:
            result = subprocess.run(
                [*command, f"@{argfile}"], capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise EnvironmentProblem(f"cannot run {jdk.javac}: {exc}") from None
        if result.returncode != 0:
            error = _compile_error(result.stdout + result.stderr, what)
            if classpath is None:
                raise EnvironmentProblem(f"{what} does not compile with {jdk.javac}: {error}")
            raise error
        (staging / _COMPLETE_MARK).write_text("ok\n", encoding="utf-8")
        try:
            staging.rename(target)
        except OSError:
            if not (target / _COMPLETE_MARK).is_file():
                raise
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return classes


def _quoted(file: Path) -> str:
    text = str(file).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def _compile_error(output: str, what: str) -> InputError:
    for line in output.splitlines():
        match = _JAVAC_ERROR.match(line.strip())
        if match:
            return InputError(match["message"], where=f"{match['file']}:{match['line']}")
    first = next((line for line in output.splitlines() if line.strip()), "no output")
    return InputError(f"javac failed: {first}", where=what)
