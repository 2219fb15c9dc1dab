"""The reference of the sandbox's Android classes (docs/sandbox-api.md), generated from the compiled runtime.

    .venv/bin/python -m tests.sandbox_reference > docs/sandbox-api.md

Every public and protected class, constructor, method and field of the runtime's Android classes, as `javap` reads
them from the class files the sandbox really runs; tests/test_sandbox_docs.py fails when the page differs, so the
page cannot fall behind the runtime.
"""

from __future__ import annotations

import re
import subprocess
from collections import defaultdict
from pathlib import Path

from auditor.devices.sandbox_build import build_runtime, find_jdk

HEADER = """\
# The sandbox's Android classes

Generated from the sandbox runtime (`auditor/sandbox/runtime/src/android/`) by
`.venv/bin/python -m tests.sandbox_reference > docs/sandbox-api.md`; a test fails when this page and the runtime
differ. It lists every public and protected class, constructor, method and field a sandbox app can use, with
Android's names and parameter types (packages left out: `Context` is `android.content.Context`, `String` is
`java.lang.String`). What is not listed does not exist in the sandbox, and an app using it does not compile.
`com.android.*` and `libcore.*` are hidden on a device (apps reach them by reflection, the platform uses them).
[docs/sandbox.md](sandbox.md) says how to write and audit an app, and what the data and the permissions behave like.
"""

_QUALIFIED = re.compile(r"\b(?:[a-z][a-z0-9_]*\.)+([A-Z][\w$]*)")
_MODIFIERS = {"public", "protected", "static", "final", "abstract", "synchronized", "native", "default",
              "transient", "volatile", "strictfp"}
_ANONYMOUS = re.compile(r"\$\d")


def _simple(text: str) -> str:
    """`java.util.List<android.hardware.Sensor>` -> `List<Sensor>`; nested classes written with a dot."""
    return _QUALIFIED.sub(lambda match: match.group(1), text).replace("$", ".")


PLATFORM_ROOTS = ("android", "com/android", "libcore")
"""Where the runtime's Android classes live: the public API, and the hidden platform classes apps reach by
reflection (the platform's OkHttp and Conscrypt, libcore); the rest (`consentaudit.sandbox`) is the runtime's own."""


def _runtime_classes(classes: Path) -> list[str]:
    names = []
    for path in sorted(p for root in PLATFORM_ROOTS for p in (classes / root).rglob("*.class")):
        name = path.relative_to(classes).with_suffix("").as_posix().replace("/", ".")
        if not _ANONYMOUS.search(name):
            names.append(name)
    return names


def _javap(classes: Path, names: list[str]) -> str:
    javap = find_jdk().javac.with_name("javap")
    result = subprocess.run([str(javap), "-protected", "-cp", str(classes), *names],
                            capture_output=True, text=True, check=True)
    return result.stdout


def _members(body: list[str], class_name: str) -> tuple[list[str], list[str]]:
    """(constructors and methods, fields) of one class as javap prints them."""
    simple_class = class_name.rsplit(".", 1)[-1]
    calls: list[str] = []
    fields: list[str] = []
    for raw in body:
        line = raw.strip().rstrip(";")
        if not line or line.startswith("static {}"):
            continue
        line = re.sub(r"\s+throws\s+.*$", "", line)
        if "(" in line:
            head, params = line.split("(", 1)
            words = [word for word in head.split() if word not in _MODIFIERS]
            if words and words[0].startswith("<"):
                words = words[1:]  # type parameters of a generic method
            name = words[-1]
            if name == class_name:
                name = simple_class.rsplit("$", 1)[-1]
            calls.append(f"{_simple(name)}({_simple(params.rstrip(')'))})")
        else:
            fields.append(line.split()[-1])
    return list(dict.fromkeys(calls)), list(dict.fromkeys(fields))


def render(classes: Path | None = None) -> str:
    classes = classes or build_runtime(find_jdk())
    names = _runtime_classes(classes)
    output = _javap(classes, names)
    by_package: dict[str, list[str]] = defaultdict(list)
    declaration = re.compile(r"^(?P<head>[^{]*?)\b(?P<kind>class|interface|enum) (?P<name>[\w.$]+)(?P<rest>[^{]*)\{$")
    current: tuple[str, str, list[str]] | None = None
    for line in output.splitlines():
        if line.startswith("Compiled from"):
            continue
        match = declaration.match(line)
        if match and not line.startswith(" "):
            modifiers = match["head"].split()
            kind = "abstract class" if "abstract" in modifiers and match["kind"] == "class" else match["kind"]
            current = (match["name"], kind + _simple(match["rest"]).rstrip(), [])
            continue
        if line == "}" and current is not None:
            name, kind, body = current
            calls, fields = _members(body, name)
            package, _, simple = name.rpartition(".")
            parts = [f"*{kind.strip()}*"]
            if calls:
                parts.append(", ".join(f"`{call}`" for call in calls))
            if fields:
                parts.append("fields " + ", ".join(f"`{field}`" for field in fields))
            by_package[package].append(f"| `{simple.replace('$', '.')}` | {'; '.join(parts)} |")
            current = None
            continue
        if current is not None:
            current[2].append(line)
    sections = [HEADER]
    for package in sorted(by_package):
        sections.append(f"## {package}\n\n| class | members |\n|---|---|\n" + "\n".join(sorted(by_package[package])) + "\n")
    return "\n".join(sections)


if __name__ == "__main__":
    print(render(), end="")
