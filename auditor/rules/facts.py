"""Facts several rules read off a timeline: permission requests and what they asked for, what counts as the user
using a feature, hosts and whether they are third parties, identifier values found in what the app sent, the
components of other apps it started. Pure functions of the timeline; no rule logic here."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Iterator
from urllib.parse import unquote, urlsplit

from auditor.models import AppLaunched, HookKind, PermissionDecision, PIType, StepRef
from auditor.permissions import group_of_permission, is_runtime_permission
from auditor.sdk import Attribution, frame_class, is_own_code
from auditor.timeline import Call, Judged, Timeline

PI_TYPE_GROUPS: dict[PIType, str] = {
    PIType.LOCATION: "LOCATION", PIType.CONTACTS: "CONTACTS", PIType.SMS: "SMS", PIType.CALL_LOG: "CALL_LOG",
    PIType.CALENDAR: "CALENDAR", PIType.CAMERA: "CAMERA", PIType.MICROPHONE: "MICROPHONE",
    PIType.BLUETOOTH: "NEARBY_DEVICES",
}
"""The permission group whose grant opens a kind of data to the app."""

FEATURE_STEPS = frozenset({"tapOn", "inputText", "swipe", "scroll", "scrollUntilVisible", "explore"})
"""Steps in which the user uses the app (as opposed to answering its dialogs, waiting or switching apps)."""

_PERMISSION_NAME = re.compile(r"\b[A-Za-z_][\w.]*\.permission\.[A-Z][A-Z0-9_]*\b")
_SAME_REQUEST_S = 0.2
"""A compat wrapper and the platform method it calls are one request when they ask the same within this time."""


def is_feature_step(step: StepRef | None) -> bool:
    return step is not None and step.name in FEATURE_STEPS


def for_the_users_action(call: Judged, timeline: Timeline, attribution: Attribution | None = None) -> bool:
    """Made for what the user was doing: during a step in which the user used the app (a tap, an input...), by the
    app's own code, or by an SDK the app's own code called on that same stack (the share or payment SDK behind the
    button the user tapped). An SDK's own timer or thread running during the tap is not the user's doing."""
    if not is_feature_step(call.state.step):
        return False
    if call.caller.origin == "app":
        return True
    return any((name := frame_class(frame)) is not None and is_own_code(name, timeline.app_package, attribution)
               for frame in call.frames)


@dataclass(frozen=True)
class PermissionRequest:
    call: Call
    permissions: tuple[str, ...]
    """Runtime (dangerous) permissions asked for, in the order given."""

    @property
    def groups(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for permission in self.permissions:
            seen.setdefault(group_of_permission(permission) or permission, None)
        return tuple(seen)

    @property
    def user_initiated(self) -> bool:
        """Made while the user was using a feature (the step in force was a tap, an input...)."""
        return is_feature_step(self.call.state.step)


def permission_requests(timeline: Timeline) -> list[PermissionRequest]:
    """Every request for runtime permissions the app or an SDK made, one per logical request."""
    requests: list[PermissionRequest] = []
    for call in timeline.calls_of(HookKind.PERMISSION_REQUEST):
        if not call.by_app_or_sdk:
            continue
        names = [n for value in call.event.args for n in _PERMISSION_NAME.findall(value.text)]
        permissions = tuple(dict.fromkeys(p for p in names if is_runtime_permission(p)))
        if not permissions:
            continue
        previous = requests[-1] if requests else None
        if (previous is not None and previous.permissions == permissions
                and call.event.ts - previous.call.event.ts <= _SAME_REQUEST_S * 1000):
            continue
        requests.append(PermissionRequest(call, permissions))
    return requests


def since_last_launch(timeline: Timeline, call: Call) -> list[StepRef]:
    """The steps that began between the app's last launch and `call`, in order."""
    markers = timeline.markers[: call.markers_before]
    launches = [index for index, marker in enumerate(markers) if isinstance(marker, AppLaunched)]
    start = launches[-1] if launches else 0
    steps: dict[int, StepRef] = {}
    for marker in markers[start:]:
        if marker.kind == "step-start" and marker.step is not None:
            steps[marker.step.index] = marker.step
    return list(steps.values())


def used_a_feature_since_launch(timeline: Timeline, call: Call) -> bool:
    return any(is_feature_step(step) for step in since_last_launch(timeline, call))


def permission_dialogs(timeline: Timeline) -> list[PermissionDecision]:
    return timeline.markers_of(PermissionDecision)


def request_behind(requests: list[PermissionRequest], dialog: PermissionDecision) -> PermissionRequest | None:
    """The app's request that made a system dialog appear: the last one for its group before it."""
    before = [r for r in requests if r.call.event.ts <= dialog.ts and dialog.group in r.groups]
    return before[-1] if before else None


def dialogs_again_after_denial(
    timeline: Timeline, window_ms: float | None = None
) -> Iterator[tuple[PermissionDecision, PermissionDecision]]:
    """(dialog, earlier denial): a system dialog shown again for a group the user had denied (within `window_ms`
    when given), which the user did not bring on by using a feature that needs it."""
    requests = permission_requests(timeline)
    denials: dict[str, PermissionDecision] = {}
    for dialog in permission_dialogs(timeline):
        earlier = denials.get(dialog.group)
        if earlier is not None and (window_ms is None or dialog.ts - earlier.ts <= window_ms):
            cause = request_behind(requests, dialog)
            if cause is None or not cause.user_initiated:
                yield dialog, earlier
        if dialog.decision in ("denied", "denied-forever"):
            denials[dialog.group] = dialog


# ---------------------------------------------------------------------------------------------------------------
# Hosts

_URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s\"'<>]+")
_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", re.I)


def hosts_of(call: Call) -> list[str]:
    """Host names a network call named: in a URL (the URL object itself, or an argument), or a bare host name."""
    found: dict[str, None] = {}
    for _, value in call.event.values():
        for text in (value.raw, value.text):
            if not text:
                continue
            for url in _URL.findall(text):
                host = urlsplit(url).hostname
                if host:
                    found.setdefault(host.lower(), None)
            candidate = text.strip().strip("[]").split("/")[0]
            if _HOST.match(candidate):
                found.setdefault(candidate.lower(), None)
    return list(found)


def first_party_hosts(app_package: str, configured: list[str]) -> list[str]:
    """The publisher's hosts: those configured, else the domain the package name reverses to (com.example.shop ->
    example.com, and its subdomains). The guess is often wrong (com.tencent.mm talks to qq.com), which is why a
    rule that relies on it without configured hosts must not judge what the app's own code sends."""
    if configured:
        return [h.lower().lstrip(".") for h in configured]
    return [reversed_domain(app_package)] if reversed_domain(app_package) else []


def reversed_domain(app_package: str) -> str:
    parts = app_package.split(".")
    return f"{parts[1]}.{parts[0]}" if len(parts) >= 2 else ""


def is_third_party(host: str, first_party: list[str]) -> bool:
    return not any(host == own or host.endswith("." + own) for own in first_party)


# ---------------------------------------------------------------------------------------------------------------
# Identifier values in what the app sends


@dataclass(frozen=True)
class SentValue:
    source: Call
    """The call that read the value."""
    form: str
    """How it appeared: `as is`, `MD5`, `SHA-1`, `SHA-256`."""


IDENTIFIER_TYPES = frozenset({PIType.DEVICE_ID, PIType.PHONE_NUMBER})
"""The kinds of data whose values are looked for in what the app sends."""


def identifier_values(call: Call) -> list[str]:
    """The unmasked identifier values a call read (at least 6 characters: shorter ones would match by chance)."""
    if not call.collects or call.entry is None or call.entry.pi_type not in IDENTIFIER_TYPES:
        return []
    return [value.raw.strip() for _, value in call.event.values()
            if value.raw and len(value.raw.strip()) >= 6 and value.raw.strip() != "null"]


def values_sent(known: dict[str, Call], network_call: Call) -> list[SentValue]:
    """Which of the identifiers read so far (`known`: value -> the call that read it) appear in what a network
    call carried, as they are or hashed."""
    carried = " ".join(unquote(text) for _, value in network_call.event.values()
                       for text in (value.raw, value.text) if text).lower()
    if not carried:
        return []
    found: list[SentValue] = []
    for raw, source in known.items():
        for form, rendering in _forms(raw):
            if rendering.lower() in carried:
                found.append(SentValue(source, form))
                break
    return found


def _forms(raw: str) -> list[tuple[str, str]]:
    data = raw.encode()
    return [("as is", raw), ("MD5", hashlib.md5(data).hexdigest()), ("SHA-1", hashlib.sha1(data).hexdigest()),
            ("SHA-256", hashlib.sha256(data).hexdigest())]


# ---------------------------------------------------------------------------------------------------------------
# Other apps' components

_TARGET = re.compile(r"\b(?:cmp|pkg)=([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)+)")


SYSTEM_UI_PACKAGES = frozenset({
    "android", "com.android.settings", "com.android.permissioncontroller", "com.google.android.permissioncontroller",
    "com.android.packageinstaller", "com.google.android.packageinstaller", "com.android.systemui",
    "com.android.documentsui", "com.google.android.documentsui", "com.android.intentresolver",
})
"""The system's own screens an app sends the user to (the settings, the permission and install pages, the share
chooser, the file picker): opening them wakes no other app."""


def target_packages(call: Call) -> list[str]:
    """Packages an Intent-taking call addressed (from `cmp=pkg/.Class` or `pkg=pkg` in the Intent's text)."""
    found: dict[str, None] = {}
    for _, value in call.event.values():
        for text in (value.raw, value.text):
            for package in _TARGET.findall(text or ""):
                found.setdefault(package, None)
    return list(found)
