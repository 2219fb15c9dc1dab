"""Who made a call: the innermost stack frame that is neither the platform nor a transparent library, matched by
package against the table of third-party SDKs in `sdk_signatures.yaml` (docs/sdks.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from auditor.errors import InputError
from auditor.models import Caller
from auditor.yamlfile import load_documents, load_plain, position_of, to_plain, validation_error

SIGNATURES_FILE = Path(__file__).resolve().parent / "sdk_signatures.yaml"

# Code that is neither the app's nor a third party's: the platform, the language runtime, and the sandbox runtime
# that plays the platform here. androidx and the support library count as platform: they are thin wrappers the
# app calls, so the app (or SDK) that called them is the caller.
PLATFORM_PREFIXES = (
    "android.", "androidx.", "com.android.", "dalvik.", "libcore.", "java.", "javax.", "jdk.", "sun.", "com.sun.",
    "kotlin.", "kotlinx.", "org.json.", "org.xmlpull.", "org.apache.harmony.", "consentaudit.sandbox.",
)

LIBRARY = "library"
"""The category of transparent libraries: frames under them are looked past, to whoever called them."""

# A JVM frame is `[loader/][module@version/]package.Class.method(File.java:12)`; the app class loader prints as
# `app//`, and a hidden class (a lambda) keeps a `/0x...` suffix on its class name.
_JAVA_FRAME = re.compile(
    r"^(?:[^/()\s]*/){0,2}?(?P<class>[\w$.]+?)(?:/0x[0-9a-fA-F]+)?\.(?P<method>[\w$<>-]+)\((?P<where>[^()]*)\)$"
)
# Native frames from the native hook layer: `0x7f12345678 libc.so!open`, `libfoo.so!bar+0x10`, `libfoo.so+0x1234`.
_NATIVE_FRAME = re.compile(r"^(?:0x[0-9a-fA-F]+\b|\S*\.so(?:\.\d+)*[!+])")
_PACKAGE = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"
JAVA_PACKAGE = re.compile(_PACKAGE)
_SOURCE = re.compile(r"^(?P<kind>[a-z][a-z0-9-]*):(?P<ref>\S.*)$")
# R8/ProGuard output: every package segment one or two characters (`a.b.c`), or jadx's name for the default package.
_OBFUSCATED_SEGMENT = re.compile(r"^[A-Za-z0-9_$]{1,2}$")


class SdkSignature(BaseModel):
    """One row of the table: classes under `prefix` belong to this SDK."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    prefix: str = Field(pattern=f"^{_PACKAGE}$")
    """A Java package, without a trailing dot."""
    name: str = Field(min_length=1)
    vendor: str = Field(min_length=1)
    category: str = Field(min_length=1)
    source: str = Field(pattern=_SOURCE.pattern)
    """Where the prefix comes from: `<source id>:<reference>`, the id declared under `sources`."""

    @field_validator("prefix")
    @classmethod
    def _not_platform(cls, prefix: str) -> str:
        if is_platform(prefix + "."):
            raise ValueError(f"{prefix} is platform code, which attribution skips before it reads this table")
        return prefix

    @property
    def transparent(self) -> bool:
        return self.category == LIBRARY


class SignatureSource(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1)
    where: str = Field(min_length=1)


class _TableHead(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sources: dict[str, SignatureSource] = Field(min_length=1)
    categories: dict[str, str] = Field(min_length=1)
    sdks: list[Any]


@dataclass(frozen=True)
class SignatureTable:
    """The checked table: every prefix unique, every category and source declared."""

    sources: dict[str, SignatureSource]
    categories: dict[str, str]
    sdks: tuple[SdkSignature, ...]
    by_prefix: dict[str, SdkSignature] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_prefix", {sdk.prefix: sdk for sdk in self.sdks})

    def __len__(self) -> int:
        return len(self.sdks)

    def get(self, prefix: str) -> SdkSignature | None:
        return self.by_prefix.get(prefix)

    def match(self, class_name: str) -> SdkSignature | None:
        """The entry with the longest prefix that `class_name` lies under, if any."""
        for package in enclosing_packages(class_name):
            signature = self.get(package)
            if signature is not None:
                return signature
        return None


def load_signatures(path: Path = SIGNATURES_FILE) -> SignatureTable:
    """Read and check a signature table. Raises InputError naming the file and line of the first problem."""
    try:
        return _build_table(load_plain(path), str(path))
    except InputError:
        # Read fast, checked the same; only a table with a problem is read again, keeping lines, to say where.
        return _build_table(load_documents(path), str(path))


def _build_table(documents: list[Any], file: str) -> SignatureTable:
    if len(documents) != 1 or not isinstance(documents[0], dict):
        raise InputError("an SDK table is one YAML mapping with `sources`, `categories` and `sdks`", where=file)
    document = documents[0]
    try:
        head = _TableHead.model_validate(to_plain(document))
    except ValidationError as exc:
        raise validation_error(exc, document, file) from None
    if LIBRARY not in head.categories:
        raise InputError(f"`categories` must declare `{LIBRARY}` (transparent libraries)",
                         where=str(position_of(document, ["categories"], file)))
    node = document["sdks"]
    signatures: list[SdkSignature] = []
    first_at: dict[str, str] = {}
    for index, item in enumerate(node):
        try:
            signature = SdkSignature.model_validate(to_plain(item))
        except ValidationError as exc:
            raise validation_error(exc, node, file, base=[index]) from None
        where = str(position_of(node, [index], file))
        if signature.prefix in first_at:
            raise InputError(f"duplicate prefix {signature.prefix!r} (first at {first_at[signature.prefix]})",
                             where=where)
        if signature.category not in head.categories:
            raise InputError(f"unknown category {signature.category!r} for {signature.prefix} "
                             f"(known: {', '.join(head.categories)})",
                             where=str(position_of(node, [index, "category"], file)))
        source = _SOURCE.match(signature.source)
        kind = source.group("kind") if source else signature.source
        if kind not in head.sources:
            raise InputError(f"source {signature.source!r} of {signature.prefix} names no declared source "
                             f"(declared: {', '.join(head.sources)})",
                             where=str(position_of(node, [index, "source"], file)))
        first_at[signature.prefix] = where
        signatures.append(signature)
    return SignatureTable(sources=head.sources, categories=head.categories, sdks=tuple(signatures))


@lru_cache(maxsize=1)
def known_sdks() -> SignatureTable:
    """The shipped table, loaded once."""
    return load_signatures()


LAB_SOURCE = "lab"
"""The source kind of an SDK a settings file declares (`lab:<who says so>`): a lab's or publisher's own knowledge."""


def check_extra_signature(signature: SdkSignature) -> SdkSignature:
    """An SDK declared outside the shipped table (a settings file's `sdk_signatures`): its category must be one of
    the table's, its source `lab:<reference>` or a source the table declares. Raises ValueError saying what is
    wrong."""
    table = known_sdks()
    if signature.category not in table.categories:
        raise ValueError(f"unknown category {signature.category!r} for {signature.prefix} "
                         f"(known: {', '.join(table.categories)})")
    source = _SOURCE.match(signature.source)
    kind = source.group("kind") if source else signature.source
    if kind != LAB_SOURCE and kind not in table.sources:
        raise ValueError(f"source {signature.source!r} of {signature.prefix}: use `{LAB_SOURCE}:<who says so>` "
                         f"(or one of {', '.join(table.sources)})")
    return signature


@dataclass(frozen=True)
class Attribution:
    """What a settings file adds to attribution: packages of the app's own code besides its applicationId (a
    company's shared libraries, `com.example.common`), and SDKs the shipped table does not know (in-house SDKs),
    which win over the table's entries for the same prefix."""

    own_packages: tuple[str, ...] = ()
    extra_sdks: tuple[SdkSignature, ...] = ()


def is_native_frame(frame: str) -> bool:
    return bool(_NATIVE_FRAME.match(frame.strip()))


def frame_class(frame: str) -> str | None:
    """The class a Java frame runs in (`com.x.Y$Inner`), or None for a native or unparseable frame."""
    text = frame.strip()
    if is_native_frame(text):
        return None
    match = _JAVA_FRAME.match(text)
    return match.group("class") if match else None


def is_platform(class_name: str) -> bool:
    return class_name.startswith(PLATFORM_PREFIXES)


def package_of(class_name: str) -> str:
    return class_name.rpartition(".")[0]


def enclosing_packages(class_name: str) -> list[str]:
    """The class's package and every package above it, innermost first (`a.b.C` -> `a.b`, `a`)."""
    parts = package_of(class_name).split(".")
    return [".".join(parts[:length]) for length in range(len(parts), 0, -1) if parts[0]]


def is_obfuscated(class_name: str) -> bool:
    """Code renamed by an obfuscator (`a.b.c`, or a class with no package at all): its package says nothing of who
    wrote it, so it names no owner."""
    package = package_of(class_name)
    if not package or package == "defpackage":
        return True
    return all(_OBFUSCATED_SEGMENT.match(segment) for segment in package.split("."))


def third_party_package(class_name: str) -> str:
    """A stable name for an unknown third party: its top two package levels (`com.adsdk.core.X` -> `com.adsdk`)."""
    parts = package_of(class_name).split(".")
    return ".".join(parts[:2]) if parts[0] else class_name


def attribute(frames: Sequence[str] | None, app_package: str, attribution: Attribution | None = None) -> Caller:
    """Attribute a call to the app, a third-party SDK or the platform, from its stack.

    Frames are innermost first; the hooked method's own frame is never the caller. The first frame that is not platform
    code, not a transparent library and not obfuscated decides: the app's package (or a sub-package, or one of the
    `attribution`'s own packages) is the app, a listed SDK (the `attribution`'s extra ones first) is named by its
    longest matching prefix, any other class is an unknown third party named by its package. Native frames are never
    read as Java classes.
    """
    if not frames:
        return Caller(origin="unknown")
    return _attribute(tuple(frames), app_package, attribution or Attribution()).model_copy()


def is_own_code(class_name: str, app_package: str, attribution: Attribution | None = None) -> bool:
    """Whether a class is the app's own code: under its package or one of the declared own packages, and not under
    an SDK prefix nested deeper there."""
    return _owner(class_name, app_package, known_sdks(), attribution or Attribution()) == "app"


@lru_cache(maxsize=4096)
def _attribute(frames: tuple[str, ...], app_package: str, attribution: Attribution) -> Caller:
    table = known_sdks()
    first_library: tuple[str, SdkSignature] | None = None
    first_obfuscated: tuple[str, str] | None = None
    saw_java = False
    for frame in _callers_side(frames):
        class_name = frame_class(frame)
        if class_name is None:
            continue
        saw_java = True
        if is_platform(class_name):
            continue
        owner = _owner(class_name, app_package, table, attribution)
        if owner == "app":
            return Caller(origin="app", frame=frame, package=app_package)
        if isinstance(owner, SdkSignature):
            if owner.transparent:
                first_library = first_library or (frame, owner)
                continue
            return _sdk_caller(frame, owner)
        if is_obfuscated(class_name):
            first_obfuscated = first_obfuscated or (frame, package_of(class_name) or class_name)
            continue
        package = third_party_package(class_name)
        return Caller(origin="sdk", frame=frame, package=package, sdk=package)
    if first_obfuscated is not None:
        frame, package = first_obfuscated
        return Caller(origin="sdk", frame=frame, package=package, sdk=package)
    if first_library is not None:
        # Only a library's own threads on the stack (an OkHttp dispatcher): whoever queued the work is gone.
        return _sdk_caller(*first_library)
    if not saw_java:
        return Caller(origin="unknown", frame=frames[0])
    return Caller(origin="system", frame=frames[0])


def _callers_side(frames: tuple[str, ...]) -> tuple[str, ...]:
    """The frames that can be the caller. The agent's stacks start at the hooked method, which shows as
    `Class.method(Native Method)` because the hook replaced it: that frame is the API, never its caller, even when
    the hooked class ships inside the app (okhttp3, an SDK's own method)."""
    if frames and frames[0].rstrip().endswith("(Native Method)"):
        return frames[1:]
    return frames


def _owner(class_name: str, app_package: str, table: SignatureTable,
           attribution: Attribution) -> SdkSignature | str | None:
    """Longest prefix wins between the app's own packages and the SDK entries (declared ones before the table's)."""
    extra = {sdk.prefix: sdk for sdk in attribution.extra_sdks}
    for package in enclosing_packages(class_name):
        if package == app_package or package in attribution.own_packages:
            return "app"
        signature = extra.get(package) or table.get(package)
        if signature is not None:
            return signature
    return None


def _sdk_caller(frame: str, signature: SdkSignature) -> Caller:
    return Caller(origin="sdk", frame=frame, package=signature.prefix, sdk=signature.name,
                  vendor=signature.vendor, category=signature.category)
