"""Test helpers shipped with the package: record factories (`factories`), a fake device, app and recorder
(`fakes`), uiautomator screen builders (`screens`) and the captured Android fixtures (`fixtures`)."""

from auditor.testing.fakes import (
    EMPTY_SCREEN,
    FakeBackend,
    FakeDriver,
    FakeRecorder,
    JournalEntry,
    Rig,
    Tap,
    fake_rig,
)
from auditor.testing.fixtures import android_fixture, android_fixtures_dir, hierarchy_fixtures

__all__ = [
    "EMPTY_SCREEN", "FakeBackend", "FakeDriver", "FakeRecorder", "JournalEntry", "Rig", "Tap", "android_fixture",
    "android_fixtures_dir", "fake_rig", "hierarchy_fixtures",
]
