"""Who made a call: the first stack frame outside the platform, matched against known SDK package prefixes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Sequence

from ruamel.yaml import YAML

from auditor.models import Caller

# Code that is not the app's and not a third party's: the platform, the language runtime, Google's support
# libraries the app merely links, and the sandbox runtime that plays the platform here.
PLATFORM_PREFIXES = (
    "android.", "androidx.", "com.android.", "dalvik.", "libcore.", "java.", "javax.", "jdk.", "sun.", "com.sun.",
    "kotlin.", "kotlinx.", "org.json.", "org.xmlpull.", "org.apache.harmony.", "consentaudit.sandbox.",
)

# `[loader//][module@version/]package.Class.method(File.java:12)`: the JVM prefixes frames with loader and module names.
_FRAME = re.compile(r"^(?:.*/)?(?P<class>[\w$.]+)\.(?P<method>[\w$<>]+)\((?P<where>[^)]*)\)$")


@dataclass(frozen=True)
class SdkSignature:
    prefix: str
    name: str
    vendor: str


@lru_cache(maxsize=1)
def known_sdks() -> tuple[SdkSignature, ...]:
    text = resources.files("auditor").joinpath("sdk_signatures.yaml").read_text(encoding="utf-8")
    data = YAML(typ="safe").load(text)
    signatures = [SdkSignature(item["prefix"], item["name"], item["vendor"]) for item in data["sdks"]]
    return tuple(sorted(signatures, key=lambda s: len(s.prefix), reverse=True))


def frame_class(frame: str) -> str | None:
    match = _FRAME.match(frame.strip())
    return match.group("class") if match else None


def is_platform(class_name: str) -> bool:
    return class_name.startswith(PLATFORM_PREFIXES)


def attribute(frames: Sequence[str] | None, app_package: str) -> Caller:
    """Attribute a call to the app, a third-party SDK or the platform, from its stack (innermost frame first)."""
    if not frames:
        return Caller(origin="unknown")
    for frame in frames:
        class_name = frame_class(frame)
        if class_name is None or is_platform(class_name):
            continue
        if _under(class_name, app_package):
            return Caller(origin="app", frame=frame, package=app_package)
        for signature in known_sdks():
            if _under(class_name, signature.prefix):
                return Caller(origin="sdk", frame=frame, package=signature.prefix,
                              sdk=signature.name, vendor=signature.vendor)
        package = third_party_package(class_name)
        return Caller(origin="sdk", frame=frame, package=package, sdk=package)
    return Caller(origin="system", frame=frames[0])


def third_party_package(class_name: str) -> str:
    """A stable name for an unknown third party: its top two package levels (`com.adsdk.core.X` -> `com.adsdk`)."""
    parts = class_name.split(".")[:-1]
    return ".".join(parts[:2]) if len(parts) >= 2 else (parts[0] if parts else class_name)


def _under(class_name: str, prefix: str) -> bool:
    return class_name == prefix or class_name.startswith(prefix + ".")
