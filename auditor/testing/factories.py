"""Factories for hand-made runs: hook events, markers and catalogs with sensible defaults, for tests of the
timeline, the rules and the report. `RunBuilder` keeps seq numbers and clocks consistent, like a real run."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from auditor.catalog import Catalog, load_catalog
from auditor.models import (
    AgentThrown,
    AppInfo,
    ConsentDecision,
    ConsentDialogInfo,
    DeviceInfo,
    DialogControl,
    HookEvent,
    Marker,
    MarkerBase,
    PermissionDecision,
    RecordedValue,
    RunMeta,
    ScenarioInfo,
    ScreenshotTaken,
    StepEnded,
    StepRef,
    StepStarted,
)
from auditor.sdk import Attribution
from auditor.timeline import ScreenText, Timeline, build_timeline

APP = "com.example.shop"
SDK_FRAME = "com.adsdk.AdSdk.init(AdSdk.java:12)"
APP_FRAME = f"{APP}.MainActivity.onCreate(MainActivity.java:30)"
PLATFORM_FRAME = "android.app.ActivityThread.main(ActivityThread.java:8)"


def control(text: str, resource_id: str = "") -> DialogControl:
    return DialogControl(text=text, resource_id=resource_id, bounds=(0, 0, 100, 50))


def run_meta(package: str = APP, **overrides: Any) -> RunMeta:
    values: dict[str, Any] = {
        "run_id": "testrun",
        "tool_version": "0",
        "frida_version": "0",
        "started_at": "2026-01-01T00:00:00+00:00",
        "target": f"sandbox:/apps/{package}",
        "app": AppInfo(package=package, label="Shop", version_name="1.2", version_code=3),
        "device": DeviceInfo(backend="sandbox", runtime="OpenJDK 17"),
        "scenario": ScenarioInfo(name="test", path="scenario.yaml", sha256="0" * 64, copy_path="scenario/scenario.yaml"),
    }
    values.update(overrides)
    return RunMeta(**values)


@dataclass
class RunBuilder:
    """Build events and markers in the order they happen. Time advances 100 ms per record unless told otherwise."""

    pid: int = 1000
    process: str = APP
    now: float = 1_700_000_000_000.0
    events: list[HookEvent] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    stacks: dict[str, list[str]] = field(default_factory=dict)
    screens: dict[str, ScreenText] = field(default_factory=dict)
    _seq: dict[int, int] = field(default_factory=dict)
    _steps: int = 0

    def tick(self, ms: float = 100.0) -> float:
        self.now += ms
        return self.now

    def call(
        self,
        entry: str,
        *,
        frames: list[str] | None = None,
        threw: str | None = None,
        pid: int | None = None,
        ret: str | None = "value",
        api: str | None = None,
        args: list[str] | None = None,
        receiver: str | None = None,
        raw: str | None = None,
    ) -> HookEvent:
        pid = pid or self.pid
        seq = self._seq.get(pid, 0)
        self._seq[pid] = seq + 1
        frames = frames if frames is not None else [SDK_FRAME]
        stack_id = hashlib.sha256("\n".join(frames).encode()).hexdigest()[:16]
        self.stacks[stack_id] = frames
        event = HookEvent(
            id=f"{pid}-{seq}",
            pid=pid,
            process=self.process,
            seq=seq,
            ts=self.tick(),
            entry=entry,
            api=api or entry,
            sig="()",
            args=[RecordedValue(type="java.lang.Object", text=text) for text in (args or [])],
            ret=None if threw or ret is None else RecordedValue(type="java.lang.String", text=ret, raw=raw,
                                                                  masked=raw is not None),
            receiver=RecordedValue(type="java.lang.Object", text=receiver) if receiver is not None else None,
            threw=AgentThrown(cls=threw, message="") if threw else None,
            thread="main",
            tid=1,
            stack=stack_id,
        )
        self.events.append(event)
        return event

    def mark(self, marker_type: type[MarkerBase], **fields: Any) -> Any:
        cursors = {str(pid): seq for pid, seq in self._seq.items()}
        marker = marker_type(seq=len(self.markers), ts=self.tick(), host_ts=self.now, cursors=cursors, **fields)
        self.markers.append(marker)  # type: ignore[arg-type]
        return marker

    def step(self, name: str) -> StepRef:
        """A scenario step begins (and stays in force until the next one): `tapOn`, `consent`, `sleep`..."""
        ref = StepRef(index=self._steps, name=name, file="scenario.yaml", line=self._steps + 2)
        self._steps += 1
        self.mark(StepStarted, step=ref)
        return ref

    def end_step(self, ref: StepRef) -> None:
        self.mark(StepEnded, step=ref)

    def screen(self, texts: dict[str, list[str]]) -> ScreenshotTaken:
        """A screenshot whose saved hierarchy shows `texts` per window package (bottom window first)."""
        number = len(self.screens) + 1
        path = f"hierarchy/{number:02d}.xml"
        self.screens[path] = ScreenText(tuple((package, tuple(lines)) for package, lines in texts.items()))
        shot: ScreenshotTaken = self.mark(ScreenshotTaken, path=f"screenshots/{number:02d}.svg", hierarchy=path)
        return shot

    def consent(self, decision: str, text: str | None = None) -> ConsentDecision:
        label = text or ("Agree" if decision == "accepted" else "Disagree")
        return self.mark(  # type: ignore[no-any-return]
            ConsentDecision,
            decision=decision,
            dialog=ConsentDialogInfo(texts=["Privacy Policy", "Agree", "Disagree"], accept=control("Agree"),
                                     reject=control("Disagree")),
            control=control(label),
        )

    def permission(self, decision: str, group: str, permissions: list[str]) -> PermissionDecision:
        return self.mark(  # type: ignore[no-any-return]
            PermissionDecision,
            decision=decision,
            group=group,
            permissions=permissions,
            message=f"Allow Shop to access {group.lower()}?",
            control=control("Don’t allow" if decision.startswith("denied") else "Allow"),
        )

    def timeline(self, catalog: Catalog | None = None, package: str = APP,
                 attribution: Attribution | None = None) -> Timeline:
        return build_timeline(self.events, self.markers, self.stacks, catalog or load_catalog(), package, self.screens,
                              attribution)
