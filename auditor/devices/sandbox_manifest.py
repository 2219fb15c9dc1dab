"""A sandbox app's AndroidManifest.xml: the subset the sandbox runs, read with lxml.

The manifest has one interpreter, this module: the JVM runtime receives the resolved result (full class names,
full process names) as a Java XML properties file written by `descriptor_xml`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from auditor.errors import InputError
from auditor.models import AppInfo

ANDROID_NS = "http://schemas.android.com/apk/res/android"
MANIFEST_NAME = "AndroidManifest.xml"
_MAIN = "android.intent.action.MAIN"
_LAUNCHER = "android.intent.category.LAUNCHER"


@dataclass(frozen=True)
class Component:
    kind: str
    """`activity`, `service`, `provider` or `receiver`."""
    class_name: str
    process: str
    """Full process name: the package, or `package:suffix` for `android:process=":suffix"`."""
    line: int


@dataclass
class SandboxManifest:
    path: Path
    package: str
    label: str
    version_name: str
    version_code: int | None
    target_sdk: int | None
    permissions: list[str]
    application_class: str
    launcher: str
    components: list[Component] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[Component]:
        return [component for component in self.components if component.kind == kind]

    def app_info(self) -> AppInfo:
        return AppInfo(
            package=self.package,
            label=self.label,
            version_name=self.version_name,
            version_code=self.version_code,
            target_sdk=self.target_sdk,
            permissions=list(self.permissions),
            components=[component.class_name for component in self.components],
        )

    def process_names(self) -> list[str]:
        names = [self.package]
        for component in self.components:
            if component.process not in names:
                names.append(component.process)
        return names

    def descriptor_xml(self, classes_dir: Path) -> bytes:
        """The resolved app for the JVM runtime, as `java.util.Properties.loadFromXML` reads it."""
        root = etree.Element("properties")

        def entry(key: str, value: str) -> None:
            etree.SubElement(root, "entry", key=key).text = value

        entry("package", self.package)
        entry("label", self.label)
        entry("version.name", self.version_name)
        entry("version.code", str(self.version_code or 0))
        entry("application", self.application_class)
        entry("launcher", self.launcher)
        entry("classes", str(classes_dir))
        entry("permissions", "\n".join(self.permissions))
        entry("activities", "\n".join(c.class_name for c in self.of_kind("activity")))
        entry("providers", "\n".join(f"{c.class_name}\t{c.process}" for c in self.of_kind("provider")))
        entry("services", "\n".join(f"{c.class_name}\t{c.process}" for c in self.of_kind("service")))
        return bytes(
            etree.tostring(
                root,
                xml_declaration=True,
                encoding="UTF-8",
                doctype='<!DOCTYPE properties SYSTEM "http://java.sun.com/dtd/properties.dtd">',
            )
        )


def _attr(element: etree._Element, name: str) -> str | None:
    value = element.get(f"{{{ANDROID_NS}}}{name}")
    return None if value is None else value.strip()


def resolve_class(package: str, name: str) -> str:
    """Android's rule: `.Foo` and `Foo` are relative to the package; a dotted name is already full."""
    if name.startswith("."):
        return package + name
    if "." not in name:
        return f"{package}.{name}"
    return name


def resolve_process(package: str, name: str | None, default: str) -> str:
    if not name:
        return default
    if name.startswith(":"):
        return package + name
    return name


def read_manifest(app_dir: Path) -> SandboxManifest:
    """Read `app_dir/AndroidManifest.xml`. Raises InputError pointing at the file (and line) on any problem."""
    path = app_dir / MANIFEST_NAME
    if not app_dir.is_dir():
        raise InputError("sandbox app folder not found", where=str(app_dir))
    if not path.is_file():
        raise InputError(f"no {MANIFEST_NAME} in the sandbox app folder", where=str(path))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        root = etree.parse(str(path), parser).getroot()
    except etree.XMLSyntaxError as exc:
        location = f"{path}:{exc.lineno}" if exc.lineno else str(path)
        raise InputError(f"invalid XML: {exc.msg}", where=location) from None

    def at(element: etree._Element) -> str:
        return f"{path}:{element.sourceline}" if element.sourceline else str(path)

    if root.tag != "manifest":
        raise InputError(f"the root element must be <manifest>, not <{root.tag}>", where=at(root))
    package = (root.get("package") or "").strip()
    if not package:
        raise InputError("<manifest> has no package attribute", where=at(root))

    version_code: int | None = None
    raw_code = _attr(root, "versionCode")
    if raw_code is not None:
        try:
            version_code = int(raw_code)
        except ValueError:
            raise InputError(f"android:versionCode must be an integer, not {raw_code!r}", where=at(root)) from None

    target_sdk: int | None = None
    for uses_sdk in root.findall("uses-sdk"):
        raw_target = _attr(uses_sdk, "targetSdkVersion")
        if raw_target is not None:
            try:
                target_sdk = int(raw_target)
            except ValueError:
                raise InputError(
                    f"android:targetSdkVersion must be an integer, not {raw_target!r}", where=at(uses_sdk)
                ) from None

    permissions: list[str] = []
    for element in [*root.findall("uses-permission"), *root.findall("uses-permission-sdk-23")]:
        name = _attr(element, "name")
        if not name:
            raise InputError("<uses-permission> without android:name", where=at(element))
        if name not in permissions:
            permissions.append(name)

    applications = root.findall("application")
    if len(applications) != 1:
        raise InputError("the manifest needs exactly one <application>", where=at(root))
    application = applications[0]
    label = _attr(application, "label") or package
    if label.startswith("@"):
        raise InputError(
            f"android:label={label!r}: the sandbox has no resources; write the label itself",
            where=at(application),
        )
    application_name = _attr(application, "name")
    application_class = resolve_class(package, application_name) if application_name else ""
    default_process = resolve_process(package, _attr(application, "process"), package)

    components: list[Component] = []
    launcher = ""
    for element in application:
        if not isinstance(element.tag, str) or element.tag not in ("activity", "service", "provider", "receiver"):
            continue
        name = _attr(element, "name")
        if not name:
            raise InputError(f"<{element.tag}> without android:name", where=at(element))
        class_name = resolve_class(package, name)
        process = resolve_process(package, _attr(element, "process"), default_process)
        if element.tag == "activity":
            if process != package:
                raise InputError(
                    "activities run in the app's main process in the sandbox; remove android:process",
                    where=at(element),
                )
            if not launcher and _is_launcher(element):
                launcher = class_name
        components.append(Component(element.tag, class_name, process, element.sourceline or 0))
    if not launcher:
        raise InputError(
            "no launcher activity: add an <activity> with an intent-filter for "
            "android.intent.action.MAIN and android.intent.category.LAUNCHER",
            where=at(application),
        )
    return SandboxManifest(
        path=path,
        package=package,
        label=label,
        version_name=_attr(root, "versionName") or "",
        version_code=version_code,
        target_sdk=target_sdk,
        permissions=permissions,
        application_class=application_class,
        launcher=launcher,
        components=components,
    )


def _is_launcher(activity: etree._Element) -> bool:
    for intent_filter in activity.findall("intent-filter"):
        actions = {_attr(action, "name") for action in intent_filter.findall("action")}
        categories = {_attr(category, "name") for category in intent_filter.findall("category")}
        if _MAIN in actions and _LAUNCHER in categories:
            return True
    return False
