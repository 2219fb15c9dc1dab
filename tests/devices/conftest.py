"""Fixtures for driving real sandbox JVMs: one compiled runtime per test session, backends closed after each test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from auditor.devices.sandbox import SandboxBackend
from tests.devices.sandbox_support import APPS, LogRecorder, Sandbox


@pytest.fixture(scope="session")
def sandbox_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Compiled runtime and apps, shared by every test of the session (compiled once)."""
    return tmp_path_factory.mktemp("sandbox-cache")


@pytest.fixture
def open_sandbox(sandbox_cache: Path) -> Iterator[Callable[[Path], Sandbox]]:
    opened: list[SandboxBackend] = []

    def open_app(app_dir: Path) -> Sandbox:
        backend = SandboxBackend(app_dir, cache_dir=sandbox_cache)
        opened.append(backend)
        recorder = LogRecorder()
        backend.set_listeners(recorder.on_exit, recorder.on_log)
        return Sandbox(backend, recorder)

    yield open_app
    for backend in opened:
        backend.close()


@pytest.fixture
def probe(open_sandbox: Callable[[Path], Sandbox]) -> Sandbox:
    return open_sandbox(APPS / "probe")
