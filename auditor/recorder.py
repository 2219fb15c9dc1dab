"""What the scenario runner writes evidence through. `audit.RunRecorder` is the real one; tests use a fake."""

from __future__ import annotations

from typing import Any, Literal, Protocol, TypeVar

from auditor.models import MarkerBase, StepRef

M = TypeVar("M", bound=MarkerBase)

ArtifactKind = Literal["screenshots", "hierarchy"]


class Recorder(Protocol):
    step: StepRef | None
    """The step being run; every marker taken while it is set carries it."""

    def mark(self, marker_type: type[M], **fields: Any) -> M:
        """Take a marker now: stamps seq, device time, host time, each process's event cursor and the step,
        appends it to markers.jsonl, and returns it."""
        ...

    def save_artifact(self, kind: ArtifactKind, stem: str, extension: str, data: bytes) -> str:
        """Write an evidence file into the run directory; returns its run-relative path."""
        ...
