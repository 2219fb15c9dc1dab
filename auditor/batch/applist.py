"""The app list: which apps to audit, each with its category, scenario and variables.

CSV (a header line, then one app per line; `env` as `KEY=VALUE;KEY=VALUE`):

    app,category,scenario,env
    com.example.shop,shopping,,
    builds/news-3.2.apk,news,scenarios/news.yaml,USER=qa;WAIT=5
    sandbox:apps/mini,,,

YAML (a list of mappings; `env` a mapping):

    - app: com.example.shop
      category: shopping
    - app: builds/news-3.2.apk
      scenario: scenarios/news.yaml
      env: {USER: qa}

`app` is an installed package (`com.example.shop` or `android:com.example.shop`), an APK file (`*.apk`, installed
for the audit) or a sandbox app folder (`sandbox:PATH`). Relative paths are relative to the list's folder. The whole
list is checked before the first audit starts, and every bad row is reported with its file:line.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from pydantic import Field

from auditor import __version__
from auditor.errors import InputError
from auditor.models import Model

PACKAGE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+")
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
COLUMNS = ("app", "category", "scenario", "env")


class Job(Model):
    """One app of the list, resolved: what `run-one` needs, and the key its result is stored under."""

    key: str
    where: str
    """`file:line` of its row in the app list."""
    target: str
    """`android:PACKAGE` or `sandbox:ABSOLUTE_PATH`."""
    apk: str | None = None
    """Absolute path of the APK to install for the audit."""
    package: str
    label: str = ""
    version_code: int | None = None
    app_digest: str | None = None
    """SHA-256 of the APK file, or of a sandbox app's manifest and sources; None for an installed package."""
    scenario: str
    """Absolute path of the scenario file."""
    scenario_name: str
    scenario_sha256: str
    env: dict[str, str] = Field(default_factory=dict)
    category: str | None = None
    time_limit_s: float
    """Hard time limit of one attempt, sized from the scenario."""

    @property
    def display(self) -> str:
        version = f" ({self.version_code})" if self.version_code is not None else ""
        return f"{self.package}{version}"


class AppListInvalid(InputError):
    """Every problem of an app list, one per line."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s) in the app list:\n" + "\n".join(str(e) for e in errors))


@dataclass
class _Row:
    where: str
    line: int
    app: str
    category: str | None
    scenario: str | None
    env: dict[str, str]


def load_app_list(path: Path, *, default_scenario: str | None = None,
                  env: Mapping[str, str] | None = None) -> list[Job]:
    """Every app of the list at `path`, validated and resolved. `default_scenario` (a file or a built-in name)
    applies to rows without one; `env` holds variables for every row (a row's own env wins). Raises AppListInvalid
    with every problem found, each at its `file:line`."""
    errors: list[InputError] = []
    rows = _read_rows(path, errors)
    jobs: list[Job] = []
    seen: dict[str, str] = {}
    for row in rows:
        try:
            job = resolve_row(row, path.parent, default_scenario, dict(env or {}))
        except InputError as exc:
            errors.append(exc)
            continue
        if job.key in seen:
            errors.append(InputError(f"the same audit as {seen[job.key]} (same app, version, scenario and "
                                     "variables): it would be done twice", where=row.where))
            continue
        seen[job.key] = row.where
        jobs.append(job)
    if not rows and not errors:
        errors.append(InputError("the app list names no app", where=str(path)))
    if errors:
        raise AppListInvalid(sorted(errors, key=_line_of))
    return jobs


def _line_of(error: InputError) -> int:
    """Errors in the order of the list's lines (reading and resolving find them in two passes)."""
    _, _, line = (error.where or "").rpartition(":")
    return int(line) if line.isdigit() else 0


# ------------------------------------------------------------------------------------------------------------
# Reading


def _read_rows(path: Path, errors: list[InputError]) -> list[_Row]:
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return _yaml_rows(path, errors)
    if suffix == ".csv":
        return _csv_rows(path, errors)
    raise InputError("an app list is a .csv or .yaml file", where=str(path))


def _csv_rows(path: Path, errors: list[InputError]) -> list[_Row]:
    try:
        handle = open(path, encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise InputError("file not found", where=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc}", where=str(path)) from None
    rows: list[_Row] = []
    with handle:
        reader = csv.DictReader(handle, skipinitialspace=True)
        try:
            header = [name.strip() for name in reader.fieldnames or []]
            if "app" not in header:
                raise InputError(f"the first line must name the columns, with at least 'app' (columns: "
                                 f"{', '.join(COLUMNS)})", where=f"{path}:1")
            unknown = [name for name in header if name and name not in COLUMNS]
            if unknown:
                errors.append(InputError(f"unknown column(s) {', '.join(unknown)} (columns: {', '.join(COLUMNS)})",
                                         where=f"{path}:1"))
            for record in reader:
                # The csv module's count of lines read: the record's (last) line, blank lines included.
                line = reader.line_num
                where = f"{path}:{line}"
                values = {(k or "").strip(): (v or "").strip() if isinstance(v, str) else v
                          for k, v in record.items()}
                if None in record:
                    errors.append(InputError(f"more fields than the {len(header)} columns", where=where))
                    continue
                if not any(values.get(name) for name in COLUMNS) or str(values.get("app", "")).startswith("#"):
                    continue
                try:
                    env = _csv_env(str(values.get("env") or ""), where)
                except InputError as exc:
                    errors.append(exc)
                    continue
                rows.append(_Row(where, line, str(values.get("app") or ""), values.get("category") or None,
                                 values.get("scenario") or None, env))
        except csv.Error as exc:
            raise InputError(f"not a readable CSV file: {exc}", where=f"{path}:{reader.line_num}") from None
        except UnicodeDecodeError as exc:
            raise InputError(f"not UTF-8 text: {exc.reason}", where=str(path)) from None
    return rows


def _csv_env(text: str, where: str) -> dict[str, str]:
    env: dict[str, str] = {}
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        name, separator, value = part.partition("=")
        name = name.strip()
        if not separator or not ENV_NAME.fullmatch(name):
            raise InputError(f"env: {part!r} is not KEY=VALUE (variables are letters, digits and underscores; "
                             "separate several with ';')", where=where)
        env[name] = value.strip()
    return env


def _yaml_rows(path: Path, errors: list[InputError]) -> list[_Row]:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from auditor.yamlfile import load_documents

    documents = [d for d in load_documents(path) if d is not None]
    if len(documents) != 1 or not isinstance(documents[0], CommentedSeq):
        raise InputError("a YAML app list is one list of apps (`- app: com.example.shop`)", where=f"{path}:1")
    rows: list[_Row] = []
    seq = documents[0]
    for index, item in enumerate(seq):
        line = seq.lc.item(index)[0] + 1
        where = f"{path}:{line}"
        if isinstance(item, str):
            rows.append(_Row(where, line, item, None, None, {}))
            continue
        if not isinstance(item, CommentedMap):
            errors.append(InputError("an app is a mapping (`app: ...`, `category`, `scenario`, `env`) or a string",
                                     where=where))
            continue
        unknown = [str(key) for key in item if key not in COLUMNS]
        if unknown:
            key_line = item.lc.key(unknown[0])[0] + 1
            errors.append(InputError(f"unknown field(s) {', '.join(unknown)} (fields: {', '.join(COLUMNS)})",
                                     where=f"{path}:{key_line}"))
            continue
        problem = _yaml_field_problem(item)
        if problem is not None:
            key, message = problem
            field_line = item.lc.key(key)[0] + 1 if key in item else line
            errors.append(InputError(message, where=f"{path}:{field_line}"))
            continue
        env_node = item.get("env") or {}
        rows.append(_Row(where, line, str(item.get("app")), _text(item.get("category")), _text(item.get("scenario")),
                         {str(k): _scalar_text(v) for k, v in env_node.items()}))
    return rows


def _yaml_field_problem(item: Mapping[str, Any]) -> tuple[str, str] | None:
    if "app" not in item or item["app"] in (None, ""):
        return "app", "app: missing (a package, an APK file or sandbox:PATH)"
    for key in ("app", "category", "scenario"):
        value = item.get(key)
        if value is not None and not isinstance(value, (str, int, float)):
            return key, f"{key}: must be a single value"
    env = item.get("env")
    if env is not None:
        if not isinstance(env, Mapping):
            return "env", "env: must be a mapping of variables (`env: {USER: qa}`)"
        for name, value in env.items():
            if not ENV_NAME.fullmatch(str(name)):
                return "env", f"env: {name!r} is not a variable name (letters, digits and underscores)"
            if isinstance(value, (Mapping, list)):
                return "env", f"env.{name}: must be a single value"
    return None


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


# ------------------------------------------------------------------------------------------------------------
# Resolving a row


def resolve_row(row: _Row, base: Path, default_scenario: str | None, common_env: dict[str, str]) -> Job:
    """The Job of one row: its app read (APK, sandbox manifest), its scenario loaded, its key computed. Raises
    InputError at the row's `file:line`."""
    try:
        return _resolve(row, base, default_scenario, common_env)
    except InputError as exc:
        if exc.where and exc.where.startswith(row.where.rsplit(":", 1)[0] + ":"):
            raise
        detail = f"{exc.where}: {exc.message}" if exc.where else exc.message
        raise InputError(detail, where=row.where, hint=exc.hint) from None


def _resolve(row: _Row, base: Path, default_scenario: str | None, common_env: dict[str, str]) -> Job:
    from auditor.scenario.loader import load_scenario, resolve_scenario

    app = row.app.strip()
    apk: Path | None = None
    label = ""
    digest: str | None = None
    version_code: int | None = None
    sandbox_dir: Path | None = None
    if app.startswith("sandbox:"):
        from auditor.devices.sandbox_manifest import read_manifest

        sandbox_dir = (base / app[len("sandbox:"):]).resolve()
        manifest = read_manifest(sandbox_dir)
        package, label, version_code = manifest.package, manifest.label, manifest.version_code
        digest = sandbox_app_digest(sandbox_dir)
        target = f"sandbox:{sandbox_dir}"
    elif app.lower().endswith(".apk"):
        from auditor.devices.android_apk import read_apk

        apk = (base / app).resolve()
        metadata = read_apk(apk)
        package, label, version_code = metadata.package, metadata.label, metadata.version_code
        digest = file_digest(apk)
        target = f"android:{package}"
    else:
        package = app.removeprefix("android:")
        if not PACKAGE_NAME.fullmatch(package):
            raise InputError(f"app {app!r} is neither a package name (com.example.shop), an APK file (*.apk) nor "
                             "sandbox:PATH")
        target = f"android:{package}"
    if row.category is not None:
        from auditor.rules.settings import find_category

        find_category(row.category)
    spec = row.scenario or default_scenario
    if spec is None:
        own = sandbox_dir / "scenario.yaml" if sandbox_dir is not None else None
        if own is None or not own.is_file():
            raise InputError("no scenario: give this row a scenario, or the batch --scenario")
        scenario_path = own
    else:
        candidate = base / spec if row.scenario else Path(spec)
        scenario_path = resolve_scenario(candidate if candidate.exists() else spec).resolve()
    env = {**common_env, **row.env}
    scenario = load_scenario(scenario_path, env=env)
    scenario_hash = scenario_digest([Path(f) for f in scenario.files] or [scenario_path], env)
    key = job_key(package, version_code, digest, scenario_hash)
    return Job(key=key, where=row.where, target=target, apk=str(apk) if apk else None, package=package,
               label=label, version_code=version_code, app_digest=digest, scenario=str(scenario_path),
               scenario_name=scenario.name, scenario_sha256=scenario_hash, env=env, category=row.category,
               time_limit_s=time_limit(scenario))


# ------------------------------------------------------------------------------------------------------------
# Keys and digests


def job_key(package: str, version_code: int | None, app_digest: str | None, scenario_sha256: str,
            tool_version: str = __version__) -> str:
    """The key of one audit: the same app build, scenario and tool give the same key, anything else another.
    Readable first (package and version code), then 16 hex digits of the SHA-256 of every part."""
    parts = {"package": package, "version_code": version_code, "app_digest": app_digest,
             "scenario": scenario_sha256, "tool": tool_version}
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]
    version = "x" if version_code is None else str(version_code)
    return f"{package}-{version}-{digest}"


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def sandbox_app_digest(app_dir: Path) -> str:
    """SHA-256 over a sandbox app's manifest and sources (relative names and contents): its build."""
    digest = hashlib.sha256()
    files = [app_dir / "AndroidManifest.xml", *sorted((app_dir / "src").rglob("*"))]
    for file in files:
        if file.is_file():
            digest.update(file.relative_to(app_dir).as_posix().encode() + b"\0")
            digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()


def scenario_digest(files: list[Path], env: Mapping[str, str]) -> str:
    """SHA-256 of the scenario as it runs: the contents of its files in include order, and the variables given."""
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.read_bytes() + b"\0")
    digest.update(json.dumps(dict(env), sort_keys=True).encode())
    return digest.hexdigest()


# ------------------------------------------------------------------------------------------------------------
# Time limits


STARTUP_ALLOWANCE_S = 90.0
"""Opening the device and app (installing an APK, compiling a sandbox app), analysing and writing the reports."""
STEP_ALLOWANCE_S = 2.0
"""What every step costs beyond its waiting: the screenshot and hierarchy dump taken after it."""


def time_limit(scenario: Any, default_timeout: float = 10.0, settle: float = 3.0) -> float:
    """A hard limit for one audit with this scenario: the longest every step may wait (its timeout, a sleep, a
    background), plus the allowances, with half again as margin. A run that goes past it is stuck."""
    from auditor.scenario.model import (
        Background,
        Consent,
        Explore,
        LaunchApp,
        Relaunch,
        Repeat,
        RunFlow,
        Sleep,
    )

    def cost(steps: list[Any]) -> float:
        total = 0.0
        for planned in steps:
            action = planned.action
            waited = 0.0
            if isinstance(action, (LaunchApp, Relaunch)):
                waited = action.timeout or 3 * default_timeout
            elif isinstance(action, Sleep):
                waited = action.seconds
            elif isinstance(action, Background):
                waited = action.seconds or 0.0
            elif isinstance(action, Explore):
                waited = action.taps * (action.wait + default_timeout)
            elif isinstance(action, Repeat):
                waited = action.max_rounds * cost(action.commands)
            elif isinstance(action, RunFlow):
                waited = cost(action.commands or [])
            elif isinstance(action, Consent):
                waited = (action.timeout or default_timeout) + 3 * settle
            else:
                waited = float(getattr(action, "timeout", None) or default_timeout)
            if action.when is not None:
                waited += action.when.timeout
            total += waited + STEP_ALLOWANCE_S
        return total

    return round(STARTUP_ALLOWANCE_S + 1.5 * cost(scenario.steps), 1)
