"""What the Android API really declares, for proving the hook catalog against it.

Platform classes are checked against the declarations of `@nativescript/types-android` (installed by `npm ci
--prefix hooks`): `android-platform-21-37-merged.d.ts`, every public class of API levels 21 to 37 with
`/** @since N */` and `Removed in API N` annotations, and `androidx-32.d.ts` for AndroidX. The .d.ts files are read
by the TypeScript compiler's own parser (`declarations.mjs`, run with Node), not by patterns: a declaration file is
TypeScript, and only a TypeScript parser knows where a class, a JSDoc block or a parameter list ends.

Classes those files do not carry are checked against the next best real source there is:

- the old support library (`android.support.*`) against the AndroidX declarations, through Google's own class mapping
  from the support library to AndroidX (`class-mappings.json` of the npm package `cordova-plugin-androidx-adapter`,
  a pinned dev dependency): the move to AndroidX renamed the classes and kept their methods;
- OkHttp 3 against the classes of its real jar, Debian's `libokhttp-java` (3.13.1, `/usr/share/java/okhttp.jar`,
  installed by `make test`), read with the JDK's `javap`;
- what no reachable registry ships (Google Play services, Huawei HMS, the vendor OAID classes, CameraX, OkHttp 4 and
  OkHttp 3's pre-3.13 anonymous Dns class, hidden platform methods) against `signatures.yaml`, their real signatures
  kept as data with the source each comes from.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from auditor.models import CatalogEntry
from auditor.resources import SOURCE_ROOT

HOOKS_DIR = SOURCE_ROOT / "hooks"
TYPES_DIR = HOOKS_DIR / "node_modules" / "@nativescript" / "types-android" / "lib" / "android"
PLATFORM_FILE = TYPES_DIR / "android-platform-21-37-merged.d.ts"
ANDROIDX_FILE = TYPES_DIR / "androidx-32.d.ts"
EXTRACTOR = Path(__file__).with_name("declarations.mjs")
SIGNATURES_FILE = Path(__file__).with_name("signatures.yaml")
SUPPORT_MAPPING_FILE = HOOKS_DIR / "node_modules" / "cordova-plugin-androidx-adapter" / "class-mappings.json"
OKHTTP_JAR = Path("/usr/share/java/okhttp.jar")
OKHTTP_POM = Path("/usr/share/maven-repo/com/squareup/okhttp3/okhttp/3.13.1/okhttp-3.13.1.pom")
OKHTTP_VERSION = "3.13.1"
OKHTTP_CLASSES = ("okhttp3.OkHttpClient", "okhttp3.Dns")
"""The OkHttp classes the catalog names that the jar has (OkHttp 3.13 has no anonymous Dns$1, nor OkHttp 4's
Dns$Companion$DnsSystem: those are in signatures.yaml)."""

OLDEST_LEVEL = 21
"""The oldest API level the merged declarations cover: an unannotated member exists at 21 (or earlier)."""

CONSTRUCTOR = "$init"

# Java primitive and java.lang types as the declarations write them (NativeScript's mapping).
_TS_PRIMITIVES = {
    "int": "number", "long": "number", "short": "number", "byte": "number", "float": "number", "double": "number",
    "boolean": "boolean", "char": "string",
    "java.lang.String": "string", "java.lang.CharSequence": "string", "java.lang.Object": "any",
}
_GENERIC = re.compile(r"<[^<>]*>")


@dataclass(frozen=True)
class Overload:
    params: tuple[str, ...]
    static: bool = False
    since: int | None = None
    removed: int | None = None


@dataclass
class DeclaredClass:
    name: str
    since: int | None = None
    removed: int | None = None
    extends: list[str] = field(default_factory=list)
    methods: dict[str, list[Overload]] = field(default_factory=dict)
    constructors: list[Overload] = field(default_factory=list)
    source: str = ""
    """Where the signatures come from: a declaration file, or the source named in signatures.yaml."""

    def overloads(self, method: str) -> list[Overload]:
        return self.constructors if method == CONSTRUCTOR else self.methods.get(method, [])


@dataclass
class ApiIndex:
    platform: dict[str, DeclaredClass]
    """Classes of the platform declarations (android.*, java.*...)."""
    androidx: dict[str, DeclaredClass]
    """Classes of the AndroidX declarations."""
    listed: dict[str, DeclaredClass]
    """Bundled classes from signatures.yaml (Play services, OkHttp, support library, vendor OAID classes)."""
    hidden: dict[str, DeclaredClass]
    """Hidden platform methods from signatures.yaml (AOSP source), by class: of hidden classes, or hidden methods of
    public classes (no public declaration exists for them)."""
    jars: dict[str, DeclaredClass] = field(default_factory=dict)
    """Bundled classes read from a real jar (OkHttp 3), Java parameter types."""
    support_mapping: dict[str, str] = field(default_factory=dict)
    """Support-library class -> its AndroidX class (Google's class mapping)."""

    def platform_levels(self, class_name: str) -> tuple[int | None, int | None]:
        """`since`/`removed` of a platform class, its outer classes included (a member cannot predate them)."""
        since: int | None = None
        removed: int | None = None
        parts = class_name.split("$")
        for depth in range(1, len(parts) + 1):
            declared = self.platform.get("$".join(parts[:depth]))
            if declared is None:
                continue
            if declared.since is not None:
                since = max(since or 0, declared.since)
            if declared.removed is not None:
                removed = declared.removed if removed is None else min(removed, declared.removed)
        return since, removed


def java_to_declared(java_type: str) -> str:
    """A Java parameter type (`java.lang.String[]`, `android.provider.Settings$Secure`) as the declarations write
    it, normalised (`androidNative.Array<string>`, `android.provider.Settings.Secure`)."""
    if java_type.endswith("[]"):
        return f"androidNative.Array<{java_to_declared(java_type[:-2])}>"
    return _TS_PRIMITIVES.get(java_type, java_type.replace("$", "."))


def normalise_declared(text: str) -> str:
    """A declared parameter type without what Java erases: nullability, type arguments, the androidx file's alias."""
    text = text.replace("globalAndroid.", "android.").replace(" | null", "").strip()
    array = re.fullmatch(r"androidNative\.Array<(.*)>", text)
    if array:
        return f"androidNative.Array<{normalise_declared(array.group(1))}>"
    previous = None
    while previous != text:
        previous, text = text, _GENERIC.sub("", text)
    return text


def matching_overload(overloads: list[Overload], java_params: list[str], *, declared: bool = True) -> Overload | None:
    """The overload whose parameters are `java_params`; `declared` says the overloads use declaration types."""
    wanted = [java_to_declared(t) for t in java_params] if declared else list(java_params)
    for overload in overloads:
        have = [normalise_declared(t) for t in overload.params] if declared else list(overload.params)
        if have == wanted:
            return overload
    return None


def _declared_class(name: str, record: dict[str, Any], source: str) -> DeclaredClass:
    def overload(item: dict[str, Any]) -> Overload:
        return Overload(tuple(item["params"]), bool(item["static"]), item["since"], item["removed"])

    return DeclaredClass(
        name=name,
        since=record["since"],
        removed=record["removed"],
        extends=list(record["extends"]),
        methods={method: [overload(item) for item in items] for method, items in record["methods"].items()},
        constructors=[overload(item) for item in record["constructors"]],
        source=source,
    )


def read_declarations(path: Path) -> dict[str, DeclaredClass]:
    """Every class of one .d.ts file, parsed by the TypeScript compiler (see declarations.mjs)."""
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("Node.js is needed to read the Android API declarations (the TypeScript parser runs on it)")
    if not path.is_file():
        raise RuntimeError(f"{path} is missing: run `npm ci --prefix hooks` (make test does)")
    result = subprocess.run(
        [node, str(EXTRACTOR), str(HOOKS_DIR), str(path)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"reading {path.name} failed: {result.stderr.strip()}")
    classes = json.loads(result.stdout)["classes"]
    return {name: _declared_class(name, record, path.name) for name, record in classes.items()}


def read_signatures(path: Path = SIGNATURES_FILE) -> tuple[dict[str, DeclaredClass], dict[str, DeclaredClass]]:
    """The bundled and the hidden classes of signatures.yaml, with Java parameter types."""
    document = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    sections: list[dict[str, DeclaredClass]] = []
    for section in ("bundled", "hidden"):
        classes: dict[str, DeclaredClass] = {}
        for name, record in (document.get(section) or {}).items():
            methods: dict[str, list[Overload]] = {}
            for method, overloads in record["methods"].items():
                methods[method] = [
                    Overload(tuple(item["params"]), bool(item.get("static", False)),
                             item.get("since", record.get("since")), item.get("until", record.get("until")))
                    for item in overloads
                ]
            classes[name] = DeclaredClass(
                name=name,
                since=record.get("since"),
                methods={m: o for m, o in methods.items() if m != CONSTRUCTOR},
                constructors=methods.get(CONSTRUCTOR, []),
                source=record["source"],
            )
        sections.append(classes)
    return sections[0], sections[1]


_JAVAP_MEMBER = re.compile(r"^\s+(?P<modifiers>(?:(?:public|protected|private|static|final|abstract|synchronized|"
                           r"native|default)\s+)*)(?:<.*?>\s+)?(?P<returns>\S+\s+)?(?P<name>[\w$]+)\((?P<params>[^)]*)\)")


def read_jar(jar: Path, class_names: tuple[str, ...], source: str) -> dict[str, DeclaredClass]:
    """The methods of `class_names` as the class files of `jar` declare them (private ones too), read with javap."""
    from auditor.devices.sandbox_build import find_jdk

    if not jar.is_file():
        raise RuntimeError(f"{jar} is missing: `make test` installs it (apt-get install libokhttp-java)")
    javap = find_jdk().javac.with_name("javap")
    result = subprocess.run([str(javap), "-p", "-cp", str(jar), *class_names], capture_output=True, text=True,
                            check=True)
    classes: dict[str, DeclaredClass] = {}
    current: DeclaredClass | None = None
    for line in result.stdout.splitlines():
        header = re.search(r"\b(?:class|interface) ([\w.$]+)", line)
        if header and not line.startswith(" "):
            current = classes.setdefault(header.group(1), DeclaredClass(name=header.group(1), source=source))
            continue
        member = _JAVAP_MEMBER.match(line)
        if current is None or member is None:
            continue
        params = tuple(_erased(param.strip()) for param in member["params"].split(",") if param.strip())
        overload = Overload(params, "static" in member["modifiers"].split())
        if member["returns"] is None:
            current.constructors.append(overload)
        else:
            current.methods.setdefault(member["name"], []).append(overload)
    return classes


def _erased(java_type: str) -> str:
    previous = None
    while previous != java_type:
        previous, java_type = java_type, _GENERIC.sub("", java_type)
    return java_type


def okhttp_version() -> str | None:
    """The version of the OkHttp jar installed, from its Maven descriptor."""
    if not OKHTTP_POM.is_file():
        return None
    found = re.search(r"<artifactId>okhttp</artifactId>\s*<version>([^<]+)</version>", OKHTTP_POM.read_text())
    return found.group(1) if found else None


def read_support_mapping(path: Path = SUPPORT_MAPPING_FILE) -> dict[str, str]:
    if not path.is_file():
        raise RuntimeError(f"{path} is missing: run `npm ci --prefix hooks` (make test does)")
    mapping: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return mapping


def load_index() -> ApiIndex:
    listed, hidden = read_signatures()
    jar_source = f"Debian libokhttp-java {OKHTTP_VERSION} ({OKHTTP_JAR})"
    return ApiIndex(read_declarations(PLATFORM_FILE), read_declarations(ANDROIDX_FILE), listed, hidden,
                    jars=read_jar(OKHTTP_JAR, OKHTTP_CLASSES, jar_source), support_mapping=read_support_mapping())


# ------------------------------------------------------------------------------------------------------------
# The proof of one entry


@dataclass
class Proof:
    """What the declarations say about one catalog entry."""

    entry_id: str
    where: str = ""
    """The class the method was checked on and its source."""
    problems: list[str] = field(default_factory=list)
    since: int | None = None
    until: int | None = None


def prove(entry: CatalogEntry, index: ApiIndex) -> Proof:
    """Check `entry`'s class, method and overloads against the real declarations, and work out its API levels."""
    proof = Proof(entry.id)
    if entry.hidden:
        return _prove_hidden(entry, index, proof)
    if entry.bundled:
        platform = index.platform.get(entry.class_name)
        if platform is not None:
            # Only a class the platform removed can ship with apps under its own name (org.apache.http after
            # API 23): its platform life is still what `since`/`until` record.
            if index.platform_levels(entry.class_name)[1] is None:
                proof.problems.append(f"{entry.class_name} is a platform class: it is not bundled")
            _check_overloads(entry, platform, proof, declared_types=True)
            _levels(entry.class_name, platform, entry, index, proof)
            return proof
        declared = index.androidx.get(entry.class_name)
        mapped = index.support_mapping.get(entry.class_name)
        if declared is None and mapped is not None and mapped in index.androidx:
            # The support library's class, renamed by the move to AndroidX with its methods kept.
            declared = index.androidx[mapped]
        declared = declared or index.jars.get(entry.class_name) or index.listed.get(entry.class_name)
        if declared is None:
            proof.problems.append(f"bundled class {entry.class_name} is neither in the AndroidX declarations, nor in "
                                  f"a jar read, nor listed in {SIGNATURES_FILE.name}")
            return proof
        _check_overloads(entry, declared, proof, declared_types=declared.source.endswith(".d.ts"))
        return proof

    if entry.declared_in is not None:
        if entry.class_name in index.platform:
            proof.problems.append(f"{entry.class_name} is public: check it there, not through declared_in")
        declared = index.platform.get(entry.declared_in)
        if declared is None:
            proof.problems.append(f"declared_in {entry.declared_in} is not a platform class")
            return proof
        _check_overloads(entry, declared, proof, declared_types=True)
        _levels(entry.declared_in, declared, entry, index, proof)
        return proof

    declared = index.platform.get(entry.class_name)
    if declared is not None:
        _check_overloads(entry, declared, proof, declared_types=True)
        _levels(entry.class_name, declared, entry, index, proof)
        return proof
    proof.problems.append(f"no class {entry.class_name} in the Android platform declarations ({PLATFORM_FILE.name})")
    return proof


def _prove_hidden(entry: CatalogEntry, index: ApiIndex, proof: Proof) -> Proof:
    """A hidden API: the public declarations must indeed lack it (else it is public, and checked as such), and its
    AOSP signatures must be listed; its levels are the listing's. What exists of it publicly is checked too: a
    hidden method of a public class names a class the declarations have."""
    public_name = entry.declared_in or entry.class_name
    public = index.platform.get(public_name)
    if public is not None and public.overloads(entry.method):
        proof.problems.append(f"{public_name}.{entry.method} is in the public declarations: it is not hidden")
    if entry.declared_in is not None and public is None:
        proof.problems.append(f"declared_in {entry.declared_in} is not a platform class")
    listed = index.hidden.get(entry.class_name)
    if listed is None or not listed.overloads(entry.method):
        proof.problems.append(f"hidden {entry.class_name}.{entry.method} is not listed in {SIGNATURES_FILE.name} "
                              "(its AOSP signature and source)")
        return proof
    _check_overloads(entry, listed, proof, declared_types=False)
    chosen = _selected(entry, listed, Proof(entry.id), declared_types=False)
    sinces = [overload.since for overload in chosen if overload.since is not None]
    proof.since = min(sinces) if sinces else None
    removals = [overload.removed for overload in chosen]
    proof.until = max(r for r in removals if r is not None) if removals and None not in removals else None
    return proof


def _selected(entry: CatalogEntry, declared: DeclaredClass, proof: Proof, declared_types: bool) -> list[Overload]:
    overloads = declared.overloads(entry.method)
    if not overloads:
        what = "constructor" if entry.method == CONSTRUCTOR else f"method {entry.method}"
        proof.problems.append(f"{declared.name} declares no {what} ({declared.source})")
        return []
    if entry.overloads == "all":
        return overloads
    chosen = []
    for params in entry.overloads:
        found = matching_overload(overloads, params, declared=declared_types)
        if found is None:
            shown = ", ".join("(" + ", ".join(o.params) + ")" for o in overloads)
            proof.problems.append(f"{declared.name}.{entry.method} has no overload ({', '.join(params)}); "
                                  f"declared: {shown}")
        else:
            chosen.append(found)
    return chosen


def _check_overloads(entry: CatalogEntry, declared: DeclaredClass, proof: Proof, *, declared_types: bool) -> None:
    proof.where = f"{declared.name} ({declared.source})"
    _selected(entry, declared, proof, declared_types)


def _levels(name: str, declared: DeclaredClass, entry: CatalogEntry, index: ApiIndex, proof: Proof) -> None:
    chosen = _selected(entry, declared, Proof(entry.id), declared_types=True)
    if not chosen:
        return
    class_since, class_removed = index.platform_levels(name)
    sinces = [max(overload.since or OLDEST_LEVEL, class_since or OLDEST_LEVEL) for overload in chosen]
    proof.since = min(sinces)
    removals = [overload.removed or class_removed for overload in chosen]
    proof.until = max(r for r in removals if r is not None) if all(r is not None for r in removals) else None
