"""Errors a user can act on. The CLI prints `str(error)` on one line and exits with `exit_code`."""

from __future__ import annotations


class AuditError(Exception):
    """Base of every expected failure. Anything else reaching the CLI is a bug in the tool."""

    exit_code = 3


class InputError(AuditError):
    """A file or argument the user gave is wrong (exit 2). `where` is `file:line[:column]` when known."""

    exit_code = 2

    def __init__(self, message: str, where: str | None = None, hint: str | None = None) -> None:
        self.message = message
        self.where = where
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        return f"{text} (hint: {self.hint})" if self.hint else text


class EnvironmentProblem(AuditError):
    """Something this machine lacks (a JDK, a built agent, frida-server) (exit 3)."""


class DeviceError(AuditError):
    """The device or the app under test failed the harness: it went away, or would not start (exit 3)."""


class StepFailed(AuditError):
    """A scenario step could not be carried out on the app as it behaved (exit 3)."""
