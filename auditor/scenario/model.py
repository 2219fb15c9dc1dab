"""Scenario language v0: one pydantic model per step, named as the step is written in YAML.

A step is written `- name` (no argument), `- name: shorthand` or `- name: {field: value, ...}`. The loader turns
the first two into the third; each model below documents its fields and shorthand. `docs/scenarios.md` is the
reference for people.
"""

from __future__ import annotations

import re
from typing import Annotated, ClassVar, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from auditor.errors import InputError
from auditor.models import Model, StepRef
from auditor.permissions import full_permission_name, is_runtime_permission
from auditor.scenario.hierarchy import SELECTOR_KINDS, Selector, SelectorKind, compile_selector_regex

VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
"""What `${NAME}` may name."""
_FILE_STEM = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


class StepModel(Model):
    """Base of every step. `shorthand` names the field a scalar value fills (`tapOn: "OK"` is `{text: "OK"}`)."""

    shorthand: ClassVar[str | None] = None
    takes_no_value: ClassVar[bool] = False

    step: str
    """The step's name as written in YAML; each step narrows it to its own (the union's discriminator)."""

    def describe(self) -> str:
        """The step as a person would say it, for messages."""
        return self.step


class LaunchApp(StepModel):
    """Stop the app if it runs, then launch it; every process of the app is hooked before its first line."""

    step: Literal["launchApp"] = "launchApp"
    clear_state: bool = Field(default=False, alias="clearState")
    """Wipe the app's data and return every runtime permission to "ask" first."""
    timeout: float | None = Field(default=None, gt=0)
    """Seconds to wait for the app to come to the foreground (default: three times the runner's timeout)."""

    def describe(self) -> str:
        return "launchApp (clear state)" if self.clear_state else "launchApp"


class StopApp(StepModel):
    step: Literal["stopApp"] = "stopApp"
    takes_no_value: ClassVar[bool] = True


class Back(StepModel):
    step: Literal["back"] = "back"
    takes_no_value: ClassVar[bool] = True


class Foreground(StepModel):
    step: Literal["foreground"] = "foreground"
    takes_no_value: ClassVar[bool] = True


class SelectorStep(StepModel):
    """A step aimed at one view. Exactly one of the selector fields; a plain string is `text`."""

    # `tapOn: 7` taps the key labelled 7: numbers written as selectors are their text.
    model_config = ConfigDict(coerce_numbers_to_str=True)
    shorthand: ClassVar[str | None] = "text"

    text: str | None = Field(default=None, min_length=1)
    text_contains: str | None = Field(default=None, alias="textContains", min_length=1)
    regex: str | None = Field(default=None, min_length=1)
    id: str | None = Field(default=None, min_length=1)
    description: str | None = Field(default=None, min_length=1)
    timeout: float | None = Field(default=None, gt=0)
    """Seconds to wait (default: the runner's timeout)."""
    optional: bool = False
    """When nothing matches in time, note it and go on instead of failing the run."""

    @field_validator("regex")
    @classmethod
    def _regex_compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                compile_selector_regex(value)
            except InputError as exc:
                raise ValueError(exc.message) from None
        return value

    @model_validator(mode="after")
    def _exactly_one_selector(self) -> SelectorStep:
        given = [kind for kind in SELECTOR_KINDS if self._selector_value(kind) is not None]
        if len(given) != 1:
            names = ", ".join(SELECTOR_KINDS)
            found = f" (found {', '.join(given)})" if given else ""
            raise ValueError(f"give exactly one of {names}{found}")
        return self

    def _selector_value(self, kind: SelectorKind) -> str | None:
        values: dict[SelectorKind, str | None] = {
            "text": self.text,
            "textContains": self.text_contains,
            "regex": self.regex,
            "id": self.id,
            "description": self.description,
        }
        return values[kind]

    @property
    def selector(self) -> Selector:
        for kind in SELECTOR_KINDS:
            value = self._selector_value(kind)
            if value is not None:
                return Selector(kind, value)
        raise AssertionError("validated to hold one selector")

    def describe(self) -> str:
        return f"{self.step} {self.selector.describe()}"


class WaitFor(SelectorStep):
    step: Literal["waitFor"] = "waitFor"


class TapOn(SelectorStep):
    step: Literal["tapOn"] = "tapOn"


class AssertVisible(SelectorStep):
    step: Literal["assertVisible"] = "assertVisible"


class AssertNotVisible(SelectorStep):
    """Passes once nothing matches (waiting up to the timeout for it to go)."""

    step: Literal["assertNotVisible"] = "assertNotVisible"


class Consent(StepModel):
    """Find the app's privacy dialog and tap its accept or reject control."""

    shorthand: ClassVar[str | None] = "action"

    step: Literal["consent"] = "consent"
    action: Literal["accept", "refuse"]
    timeout: float | None = Field(default=None, gt=0)
    optional: bool = False
    """When no dialog shows in time, record that and go on (a relaunch after consent shows none)."""

    def describe(self) -> str:
        return f"consent {self.action}"


PermissionAction = Literal["allow", "deny", "deny-forever", "allow-once"]


class Permission(StepModel):
    """Answer the system's runtime-permission dialog."""

    shorthand: ClassVar[str | None] = "action"

    step: Literal["permission"] = "permission"
    action: PermissionAction
    permission: str | None = Field(default=None, min_length=1)
    """The permission the dialog must be asking for (full name, or the part after `android.permission.`)."""
    timeout: float | None = Field(default=None, gt=0)
    optional: bool = False

    @field_validator("permission")
    @classmethod
    def _known_runtime_permission(cls, value: str | None) -> str | None:
        if value is None:
            return None
        name = full_permission_name(value)
        if not is_runtime_permission(name):
            raise ValueError(f"{value!r} is not a runtime permission that a dialog asks for")
        return name

    def describe(self) -> str:
        suffix = f" ({self.permission})" if self.permission else ""
        return f"permission {self.action}{suffix}"


class Sleep(StepModel):
    """Wait, touching nothing: a dialog that shows meanwhile stays for the next step."""

    shorthand: ClassVar[str | None] = "seconds"

    step: Literal["sleep"] = "sleep"
    seconds: float = Field(ge=0)

    def describe(self) -> str:
        return f"sleep {self.seconds:g}s"


class Background(StepModel):
    """Press Home; with `seconds`, wait that long and bring the app back (as from recents)."""

    shorthand: ClassVar[str | None] = "seconds"

    step: Literal["background"] = "background"
    seconds: float | None = Field(default=None, ge=0)

    def describe(self) -> str:
        return f"background {self.seconds:g}s" if self.seconds is not None else "background"


class Screenshot(StepModel):
    """Save a screenshot and the hierarchy now, under `name`."""

    model_config = ConfigDict(coerce_numbers_to_str=True)
    shorthand: ClassVar[str | None] = "name"

    step: Literal["screenshot"] = "screenshot"
    name: str | None = Field(default=None, min_length=1)
    """File name stem: letters, digits, dots, dashes and underscores."""

    @field_validator("name")
    @classmethod
    def _file_name(cls, value: str | None) -> str | None:
        if value is not None and not _FILE_STEM.fullmatch(value):
            raise ValueError(f"{value!r} is not a file name: use letters, digits, '.', '-' and '_'")
        return value

    def describe(self) -> str:
        return f"screenshot {self.name}" if self.name else "screenshot"


Step = Annotated[
    LaunchApp | StopApp | WaitFor | TapOn | AssertVisible | AssertNotVisible | Consent | Permission | Sleep | Back | Background | Foreground | Screenshot,
    Field(discriminator="step"),
]

STEP_TYPES: dict[str, type[StepModel]] = {
    "launchApp": LaunchApp,
    "stopApp": StopApp,
    "waitFor": WaitFor,
    "tapOn": TapOn,
    "assertVisible": AssertVisible,
    "assertNotVisible": AssertNotVisible,
    "consent": Consent,
    "permission": Permission,
    "sleep": Sleep,
    "back": Back,
    "background": Background,
    "foreground": Foreground,
    "screenshot": Screenshot,
}
"""Step name as written in YAML -> its model."""


class ScenarioStep(Model):
    """A step and where it was written."""

    ref: StepRef
    action: Step

    @property
    def where(self) -> str:
        return f"{self.ref.file}:{self.ref.line}"


class Scenario(Model):
    name: str
    path: str
    """The file it was loaded from."""
    app_id: str | None = Field(default=None, alias="appId")
    tags: list[str] = Field(default_factory=list)
    env: dict[str, str] = Field(default_factory=dict)
    """Variables in force after substitution: the header's `env`, overridden by those given when loading."""
    steps: list[ScenarioStep]


class ScenarioHeader(Model):
    """The optional first document of a scenario file."""

    name: str | None = Field(default=None, min_length=1)
    app_id: str | None = Field(default=None, alias="appId", min_length=1)
    tags: list[str] = Field(default_factory=list)
    env: dict[str, str] = Field(default_factory=dict)

    @field_validator("env", mode="before")
    @classmethod
    def _scalars_as_text(cls, value: object) -> object:
        if isinstance(value, dict):
            return {
                key: (str(item).lower() if isinstance(item, bool) else str(item))
                if isinstance(item, (str, int, float, bool)) else item
                for key, item in value.items()
            }
        return value

    @field_validator("env")
    @classmethod
    def _variable_names(cls, value: dict[str, str]) -> dict[str, str]:
        for key in value:
            if not VARIABLE_NAME.fullmatch(key):
                raise ValueError(f"{key!r} is not a variable name (letters, digits, underscores)")
        return value


HEADER_FIELDS = ("name", "appId", "tags", "env")
