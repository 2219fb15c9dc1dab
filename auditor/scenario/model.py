"""The scenario language: one pydantic model per step, named as the step is written in YAML.

A step is written `- name` (no argument), `- name: shorthand` or `- name: {field: value, ...}`. The loader turns
the first two into the third; each model below documents its fields and shorthand. Every step also takes the
common fields of `StepModel` (`when`, `optional`, `onFailure`). `docs/scenarios.md` is the reference for people;
`auditor.scenario.schema` turns these models into a JSON Schema for editors.
"""

from __future__ import annotations

import difflib
import re
from typing import Annotated, Any, ClassVar, Literal

from pydantic import ConfigDict, Field, WithJsonSchema, field_validator, model_validator

from auditor.errors import InputError
from auditor.models import Model, StepRef
from auditor.permissions import PERMISSION_GROUPS, full_permission_name, is_runtime_permission
from auditor.scenario.hierarchy import SELECTOR_KINDS, Selector, SelectorKind, compile_selector_regex

VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
"""What `${NAME}` may name."""
_FILE_STEM = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_POINT = re.compile(r"^\s*(\d+(?:\.\d+)?)(%?)\s*,\s*(\d+(?:\.\d+)?)(%?)\s*$")

PermissionPolicy = Literal["deny", "allow", "fail"]
"""How a permission dialog no step asked for is answered: deny it, allow it, or fail the step."""
OnFailure = Literal["stop", "continue", "relaunch"]
"""What a failing step does to the run: stop it, go on with the next step, or relaunch the app and go on."""

_ENV_SCHEMA: dict[str, Any] = {
    "type": "object",
    "propertyNames": {"pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
    "additionalProperties": {"type": ["string", "number", "boolean"]},
}
STEPS_SCHEMA_MARK = "x-scenario-steps"
"""Stands for "a list of steps" in the generated schema; `auditor.scenario.schema` puts the real definition there."""
_STEPS_SCHEMA: dict[str, Any] = {STEPS_SCHEMA_MARK: True}


def _env_as_text(value: object) -> object:
    """Variables are text; numbers and booleans written in YAML become their text (`true`, not `True`)."""
    if isinstance(value, dict):
        return {
            key: (str(item).lower() if isinstance(item, bool) else str(item))
            if isinstance(item, (str, int, float, bool)) else item
            for key, item in value.items()
        }
    return value


def _check_variable_names(value: dict[str, str]) -> dict[str, str]:
    for key in value:
        if not VARIABLE_NAME.fullmatch(key):
            raise ValueError(f"{key!r} is not a variable name (letters, digits, underscores)")
    return value


# --------------------------------------------------------------------------------------------
# Selectors and conditions


class SelectorFields(Model):
    """Exactly one way of naming a view; a plain string is `text`."""

    # `tapOn: 7` taps the key labelled 7: numbers written as selectors are their text.
    model_config = ConfigDict(coerce_numbers_to_str=True)

    text: str | None = Field(default=None, min_length=1)
    """The whole text or content description (trimmed, spaces collapsed, ’ and ' alike; case matters)."""
    text_contains: str | None = Field(default=None, alias="textContains", min_length=1)
    """A part of the text or content description."""
    regex: str | None = Field(default=None, min_length=1)
    """A regular expression matching the whole text or content description."""
    id: str | None = Field(default=None, min_length=1)
    """The resource id: full (`com.example.shop:id/agree`) or the part after `:id/` (`agree`)."""
    description: str | None = Field(default=None, min_length=1)
    """The whole content description."""

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
    def _exactly_one_selector(self) -> SelectorFields:
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


class SelectorSpec(SelectorFields):
    """A selector inside another field (`when: {visible: ...}`, `inputText: {into: ...}`); a string is `text`."""

    @model_validator(mode="before")
    @classmethod
    def _string_is_text(cls, value: object) -> object:
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return {"text": str(value)}
        return value


class Condition(Model):
    """`when:` and `while:`: what must be on screen (and what must not) for the step to run."""

    visible: SelectorSpec | None = None
    """A view matching this is on screen."""
    not_visible: SelectorSpec | None = Field(default=None, alias="notVisible")
    """No view matching this is on screen."""
    permission_dialog: bool | None = Field(default=None, alias="permissionDialog")
    """true: the system's runtime-permission dialog is on screen (recognised as `permission` steps recognise it,
    never a view of the app's own); false: it is not."""
    timeout: float = Field(default=0, ge=0)
    """Seconds to wait for the condition to hold (default 0: look once). Looking never touches the screen."""

    @model_validator(mode="after")
    def _something_to_check(self) -> Condition:
        if self.visible is None and self.not_visible is None and self.permission_dialog is None:
            raise ValueError("give visible, notVisible or permissionDialog (any of them: all must hold)")
        return self

    def describe(self) -> str:
        parts = []
        if self.visible is not None:
            parts.append(f"visible {self.visible.selector.describe()}")
        if self.not_visible is not None:
            parts.append(f"notVisible {self.not_visible.selector.describe()}")
        if self.permission_dialog is not None:
            parts.append("a permission dialog on screen" if self.permission_dialog else "no permission dialog")
        return " and ".join(parts)


# --------------------------------------------------------------------------------------------
# Steps


class StepModel(Model):
    """Base of every step. `shorthand` names the field a scalar value fills (`tapOn: "OK"` is `{text: "OK"}`)."""

    shorthand: ClassVar[str | None] = None
    takes_no_value: ClassVar[bool] = False
    """Written `- name` (or `- name: {common fields}`), never `- name: value`."""
    composite: ClassVar[bool] = False
    """Holds steps of its own (runFlow, repeat)."""

    step: str
    """The step's name as written in YAML; each step narrows it to its own (the union's discriminator)."""
    when: Condition | None = None
    """Run the step only if this holds now (else it is skipped, with a note)."""
    optional: bool = False
    """The step may not happen: when what it waits for does not appear, it ends with a note; any other failure is
    recorded and the run goes on."""
    on_failure: OnFailure | None = Field(default=None, alias="onFailure")
    """What a failure does to the run: stop (default), continue, or relaunch the app (data kept) and continue."""

    @model_validator(mode="after")
    def _optional_or_on_failure(self) -> StepModel:
        if self.optional and self.on_failure == "stop":
            raise ValueError("optional: true means the run goes on after a failure; drop `onFailure: stop`")
        return self

    @property
    def failure_action(self) -> OnFailure:
        """What a failure of this step does to the run."""
        if self.on_failure is not None:
            return self.on_failure
        return "continue" if self.optional else "stop"

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


class Relaunch(StepModel):
    """Stop the app, then launch it again with its data and permission decisions kept."""

    step: Literal["relaunch"] = "relaunch"
    takes_no_value: ClassVar[bool] = True
    timeout: float | None = Field(default=None, gt=0)
    """Seconds to wait for the app to come to the foreground (default: as launchApp)."""


class StopApp(StepModel):
    """Stop every process of the app."""

    step: Literal["stopApp"] = "stopApp"
    takes_no_value: ClassVar[bool] = True


class Back(StepModel):
    """Press Back."""

    step: Literal["back"] = "back"
    takes_no_value: ClassVar[bool] = True


class Home(StepModel):
    """Press Home: the app goes to the background and stays there."""

    step: Literal["home"] = "home"
    takes_no_value: ClassVar[bool] = True


class Foreground(StepModel):
    """Bring the app back to the foreground, as from recents."""

    step: Literal["foreground"] = "foreground"
    takes_no_value: ClassVar[bool] = True


class SelectorStep(StepModel, SelectorFields):
    """A step aimed at one view. Exactly one of the selector fields; a plain string is `text`."""

    shorthand: ClassVar[str | None] = "text"

    timeout: float | None = Field(default=None, gt=0)
    """Seconds to wait (default: the runner's timeout)."""

    def describe(self) -> str:
        return f"{self.step} {self.selector.describe()}"


class WaitFor(SelectorStep):
    """Wait until a view matches."""

    step: Literal["waitFor"] = "waitFor"


class TapOn(SelectorStep):
    """Wait until a view matches, then tap its centre."""

    step: Literal["tapOn"] = "tapOn"


class AssertVisible(SelectorStep):
    """Wait until a view matches (the same as waitFor, read as a check)."""

    step: Literal["assertVisible"] = "assertVisible"


class AssertNotVisible(SelectorStep):
    """Passes once nothing matches (waiting up to the timeout for it to go)."""

    step: Literal["assertNotVisible"] = "assertNotVisible"


SwipeDirection = Literal["up", "down", "left", "right"]


class ScrollUntilVisible(SelectorStep):
    """Scroll until a view matches, looking after every scroll."""

    step: Literal["scrollUntilVisible"] = "scrollUntilVisible"
    direction: Literal["down", "up"] = "down"
    """Where to move in the content: `down` reveals what lies below."""
    max_scrolls: int = Field(default=10, ge=1, le=100, alias="maxScrolls")
    """Scrolls at most; the step fails when the view has not shown by then (or by `timeout`)."""


class InputText(StepModel):
    """Type text into a text field: the one named by `into`, else the focused one, else the only one on screen."""

    model_config = ConfigDict(coerce_numbers_to_str=True)
    shorthand: ClassVar[str | None] = "text"

    step: Literal["inputText"] = "inputText"
    text: str
    """What to type; it replaces the field's text."""
    into: SelectorSpec | None = None
    """The field to type into (a selector; a string is its text)."""
    timeout: float | None = Field(default=None, gt=0)
    """Seconds to wait for the field (default: the runner's timeout)."""

    def describe(self) -> str:
        target = f" into {self.into.selector.describe()}" if self.into is not None else ""
        return f"inputText {self.text!r}{target}"


def parse_point(text: str) -> tuple[float, bool, float, bool]:
    """`"50%,80%"` or `"540,1900"` -> (x, x is a percentage, y, y is a percentage). Raises ValueError."""
    match = _POINT.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a point: write \"x,y\" in pixels or \"x%,y%\" of the screen")
    x, x_percent, y, y_percent = float(match[1]), bool(match[2]), float(match[3]), bool(match[4])
    if (x_percent and x > 100) or (y_percent and y > 100):
        raise ValueError(f"{text!r}: a percentage of the screen is at most 100%")
    return x, x_percent, y, y_percent


class Swipe(StepModel):
    """Drag a finger across the screen: in a `direction`, or `from` one point `to` another."""

    shorthand: ClassVar[str | None] = "direction"

    step: Literal["swipe"] = "swipe"
    direction: SwipeDirection | None = None
    """Where the finger moves: `up` drags the content up (revealing what lies below)."""
    start: str | None = Field(default=None, alias="from")
    """Start point: "x,y" in pixels or "x%,y%" of the screen."""
    end: str | None = Field(default=None, alias="to")
    """End point, written as `from`."""
    duration: float = Field(default=0.3, gt=0, le=10)
    """Seconds the finger takes."""

    @field_validator("start", "end")
    @classmethod
    def _points(cls, value: str | None) -> str | None:
        if value is not None:
            parse_point(value)
        return value

    @model_validator(mode="after")
    def _direction_or_points(self) -> Swipe:
        points = (self.start is not None, self.end is not None)
        if self.direction is not None and any(points):
            raise ValueError("give a direction, or from and to, not both")
        if self.direction is None and not all(points):
            raise ValueError("give a direction (up, down, left, right), or both from and to")
        return self

    def describe(self) -> str:
        if self.direction is not None:
            return f"swipe {self.direction}"
        return f"swipe from {self.start} to {self.end}"


class Scroll(StepModel):
    """Scroll the content once, in the middle of the largest scrollable view (else of the screen)."""

    shorthand: ClassVar[str | None] = "direction"

    step: Literal["scroll"] = "scroll"
    direction: Literal["down", "up"] = "down"
    """Where to move in the content: `down` reveals what lies below."""

    def describe(self) -> str:
        return f"scroll {self.direction}"


ConsentAction = Literal["accept", "refuse", "none"]


class Consent(StepModel):
    """Find the app's privacy dialog and tap its accept or reject control, or (`none`) only record it."""

    shorthand: ClassVar[str | None] = "action"

    step: Literal["consent"] = "consent"
    action: ConsentAction
    """accept, refuse, or none: observe the dialog and record what it offers, touching nothing."""
    timeout: float | None = Field(default=None, gt=0)
    """Seconds to wait for the dialog (default: the runner's timeout)."""

    def describe(self) -> str:
        return f"consent {self.action}"


PermissionAction = Literal["allow", "deny", "deny-forever", "allow-once"]
_RUNTIME_PERMISSION_NAMES = [name for names in PERMISSION_GROUPS.values() for name in names]


class Permission(StepModel):
    """Answer the system's runtime-permission dialog."""

    shorthand: ClassVar[str | None] = "action"

    step: Literal["permission"] = "permission"
    action: PermissionAction
    permission: str | None = Field(default=None, min_length=1)
    """The permission the dialog must be asking for (full name, or the part after `android.permission.`)."""
    timeout: float | None = Field(default=None, gt=0)
    """Seconds to wait for the dialog (default: the runner's timeout)."""

    @field_validator("permission")
    @classmethod
    def _known_runtime_permission(cls, value: str | None) -> str | None:
        if value is None:
            return None
        name = full_permission_name(value)
        if not is_runtime_permission(name):
            close = difflib.get_close_matches(value.strip().removeprefix("android.permission."),
                                              _RUNTIME_PERMISSION_NAMES, n=1, cutoff=0.8)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ValueError(f"{value!r} is not a runtime permission that a dialog asks for{hint}")
        return name

    def describe(self) -> str:
        suffix = f" ({self.permission})" if self.permission else ""
        return f"permission {self.action}{suffix}"


SoftAskAction = Literal["accept", "decline", "none"]


class SoftAsk(StepModel):
    """Find the app's own dialog about a permission (a soft-ask before the system dialog, or one that insists after
    a denial) and tap its grant or decline control, or (`none`) only record it; then watch what follows."""

    shorthand: ClassVar[str | None] = "action"

    step: Literal["softAsk"] = "softAsk"
    action: SoftAskAction
    """accept: tap its grant control; decline: tap its decline control (Back when it has none); none: record it,
    touching nothing."""
    timeout: float | None = Field(default=None, gt=0)
    """Seconds to wait for the dialog (default: the runner's timeout)."""

    def describe(self) -> str:
        return f"softAsk {self.action}"


DialogHandling = Literal["answer", "leave"]
"""What a step that only passes time does with a system permission dialog that shows meanwhile."""


class Sleep(StepModel):
    """Wait. A system permission dialog that shows meanwhile is answered by the permission policy (and recorded
    when it showed), unless the next step is a `permission` step that will answer it, or `dialogs: leave`."""

    shorthand: ClassVar[str | None] = "seconds"

    step: Literal["sleep"] = "sleep"
    seconds: float = Field(ge=0)
    dialogs: DialogHandling = "answer"
    """`answer`: answer a permission dialog that shows meanwhile by the permission policy; `leave`: touch nothing,
    only watch (an observation before the user has done anything)."""

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


class Explore(StepModel):
    """Use the app briefly without knowing it: tap up to `taps` of its clickable controls, one after another.

    Controls are taken in screen order from the app's topmost window, each at most once; text fields, check boxes
    and controls whose label reads as destructive or costly (delete, log out, pay, 删除, 注销, 支付...) or matches
    `avoid` are left alone. Permission dialogs that show meanwhile are answered by the permission policy."""

    shorthand: ClassVar[str | None] = "taps"

    step: Literal["explore"] = "explore"
    taps: int = Field(default=5, ge=1, le=100)
    """Controls to tap at most; the step ends sooner when nothing untried is left."""
    avoid: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=list)
    """Regular expressions: controls whose label matches one are never tapped."""
    wait: float = Field(default=1.0, ge=0, le=60)
    """Seconds to watch after each tap (permission dialogs are answered meanwhile)."""

    @field_validator("avoid")
    @classmethod
    def _patterns_compile(cls, value: list[str]) -> list[str]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from None
        return value

    def describe(self) -> str:
        return f"explore ({self.taps} taps)"


class RunFlow(StepModel):
    """Run other steps here: those of another file (`file`, with `env`), or those written under `commands`."""

    shorthand: ClassVar[str | None] = "file"
    composite: ClassVar[bool] = True

    step: Literal["runFlow"] = "runFlow"
    file: str | None = Field(default=None, min_length=1)
    """A scenario file, relative to the file that includes it; its steps run here, its header's env applies."""
    env: Annotated[dict[str, str], WithJsonSchema(_ENV_SCHEMA)] = Field(default_factory=dict)
    """Variables for the included steps, over those in force here."""
    commands: Annotated[list[ScenarioStep], WithJsonSchema(_STEPS_SCHEMA)] = Field(default_factory=list)
    """The steps to run: written here, or read from `file`."""

    @field_validator("env", mode="before")
    @classmethod
    def _env_text(cls, value: object) -> object:
        return _env_as_text(value)

    @field_validator("env")
    @classmethod
    def _env_names(cls, value: dict[str, str]) -> dict[str, str]:
        return _check_variable_names(value)

    def describe(self) -> str:
        return f"runFlow {self.file}" if self.file else "runFlow"


class Repeat(StepModel):
    """Run `commands` again and again: `times` times, or while a condition holds (at most `times`, default 50)."""

    composite: ClassVar[bool] = True

    step: Literal["repeat"] = "repeat"
    times: int | None = Field(default=None, ge=1, le=10_000)
    """How many rounds (with `while`: at most this many)."""
    while_: Condition | None = Field(default=None, alias="while")
    """Checked before every round; the repeat ends when it does not hold."""
    commands: Annotated[list[ScenarioStep], WithJsonSchema(_STEPS_SCHEMA)] = Field(min_length=1)
    """The steps of one round."""

    @model_validator(mode="after")
    def _bounded(self) -> Repeat:
        if self.times is None and self.while_ is None:
            raise ValueError("give times, while, or both")
        return self

    @property
    def max_rounds(self) -> int:
        return self.times if self.times is not None else REPEAT_WHILE_LIMIT

    def describe(self) -> str:
        if self.while_ is not None:
            return f"repeat while {self.while_.describe()}"
        return f"repeat {self.times} times"


REPEAT_WHILE_LIMIT = 50
"""Rounds a `repeat` with `while` and no `times` runs at most: a loop that never ends is a scenario bug."""

STEP_TYPES: dict[str, type[StepModel]] = {
    "launchApp": LaunchApp,
    "relaunch": Relaunch,
    "stopApp": StopApp,
    "waitFor": WaitFor,
    "tapOn": TapOn,
    "assertVisible": AssertVisible,
    "assertNotVisible": AssertNotVisible,
    "scrollUntilVisible": ScrollUntilVisible,
    "inputText": InputText,
    "swipe": Swipe,
    "scroll": Scroll,
    "consent": Consent,
    "permission": Permission,
    "softAsk": SoftAsk,
    "sleep": Sleep,
    "back": Back,
    "home": Home,
    "background": Background,
    "foreground": Foreground,
    "screenshot": Screenshot,
    "explore": Explore,
    "runFlow": RunFlow,
    "repeat": Repeat,
}
"""Step name as written in YAML -> its model."""

Step = Annotated[
    LaunchApp | Relaunch | StopApp | WaitFor | TapOn | AssertVisible | AssertNotVisible | ScrollUntilVisible
    | InputText | Swipe | Scroll | Consent | Permission | SoftAsk | Sleep | Back | Home | Background | Foreground
    | Screenshot | Explore | RunFlow | Repeat,
    Field(discriminator="step"),
]


class ScenarioStep(Model):
    """A step and where it was written."""

    ref: StepRef
    action: Step

    @property
    def where(self) -> str:
        return f"{self.ref.file}:{self.ref.line}"


RunFlow.model_rebuild()
Repeat.model_rebuild()


class Scenario(Model):
    name: str
    path: str
    """The file it was loaded from."""
    app_id: str | None = Field(default=None, alias="appId")
    tags: list[str] = Field(default_factory=list)
    env: dict[str, str] = Field(default_factory=dict)
    """Variables in force after substitution: the header's `env`, overridden by those given when loading."""
    permission_policy: PermissionPolicy | None = Field(default=None, alias="permissionPolicy")
    """The header's answer to permission dialogs no step asked for (None: the runner's own setting)."""
    steps: list[ScenarioStep]
    files: list[str] = Field(default_factory=list)
    """Every file read for it: the scenario's own, then each file `runFlow` included, once each."""

    def walk(self) -> list[ScenarioStep]:
        """Every step, nested ones included, in the order they are written."""
        found: list[ScenarioStep] = []

        def visit(steps: list[ScenarioStep]) -> None:
            for planned in steps:
                found.append(planned)
                if isinstance(planned.action, (RunFlow, Repeat)):
                    visit(planned.action.commands)

        visit(self.steps)
        return found


class ScenarioHeader(Model):
    """The optional first document of a scenario file."""

    name: str | None = Field(default=None, min_length=1)
    """Shown in reports (default: the file name)."""
    app_id: str | None = Field(default=None, alias="appId", min_length=1)
    """The package the scenario was written for (informational)."""
    tags: list[str] = Field(default_factory=list)
    """Words for filtering and reports."""
    env: Annotated[dict[str, str], WithJsonSchema(_ENV_SCHEMA)] = Field(default_factory=dict)
    """Variables for `${NAME}`; values given when running override them."""
    permission_policy: PermissionPolicy | None = Field(default=None, alias="permissionPolicy")
    """How permission dialogs no step asked for are answered (deny, allow, fail); `--permission-policy` on the
    command line overrides it."""

    @field_validator("env", mode="before")
    @classmethod
    def _env_text(cls, value: object) -> object:
        return _env_as_text(value)

    @field_validator("env")
    @classmethod
    def _env_names(cls, value: dict[str, str]) -> dict[str, str]:
        return _check_variable_names(value)


HEADER_FIELDS = ("name", "appId", "tags", "env", "permissionPolicy")
