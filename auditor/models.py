"""The shared vocabulary: every layer speaks in these types.

Times are device-clock milliseconds since the Unix epoch (float). A run has one clock: the device's.
Markers carry, per instrumented process, the agent's event cursor at the moment they were taken, so
an event's place before or after a user decision is exact, not a guess from timestamps.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Model(BaseModel):
    """Base for every record: unknown fields are errors, so a typo in data never passes silently."""

    model_config = ConfigDict(extra="forbid", frozen=False, populate_by_name=True, use_attribute_docstrings=True)


class Text(Model):
    """A human-readable string in English and Chinese."""

    en: str
    zh: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class PIType(str, Enum):
    """Personal-information types, the unit regulators and app-category rules speak in."""

    DEVICE_ID = "device-id"
    LOCATION = "location"
    INSTALLED_APPS = "installed-apps"
    RUNNING_APPS = "running-apps"
    CLIPBOARD = "clipboard"
    CONTACTS = "contacts"
    SMS = "sms"
    CALL_LOG = "call-log"
    CALENDAR = "calendar"
    MEDIA = "media"
    CAMERA = "camera"
    MICROPHONE = "microphone"
    SENSORS = "sensors"
    ACCOUNTS = "accounts"
    PHONE_NUMBER = "phone-number"
    NETWORK_INFO = "network-info"
    BLUETOOTH = "bluetooth"


class HookKind(str, Enum):
    """What a hooked call means for the rules."""

    COLLECT = "collect"
    """Reads personal information."""
    PERMISSION_REQUEST = "permission-request"
    """Asks the user for a runtime permission."""
    PERMISSION_CHECK = "permission-check"
    """Asks the platform whether a permission is granted (checkSelfPermission): no data, no prompt."""
    PERMISSION_RESULT = "permission-result"
    """Delivers the user's answer to the app (onRequestPermissionsResult)."""
    NETWORK = "network"
    """Opens a connection or resolves a host: the host is recorded, for third-party sharing."""
    COMPONENT_START = "component-start"
    """Starts, binds or wakes a component, possibly of another app (autostart / 关联启动)."""
    CONTEXT = "context"
    """Reads or writes no personal information: network state, the addresses and files an app handles, writes to
    the clipboard or a provider, traffic. Shown on the timeline as context for findings, never a finding itself."""


Severity = Literal["critical", "high", "medium", "low", "info"]
SEVERITY_ORDER: dict[str, int] = {"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}


# --------------------------------------------------------------------------------------------
# Hook catalog


class ArgMatch(Model):
    """Record a call only when argument `arg` (0-based), as text, equals one of `equals` (Settings key `android_id`),
    starts with one of `prefix` (a content URI's authority) or matches one of the `glob` patterns (`*` any run of
    characters, `?` one character: a file path such as `/sys/class/net/*/address`). Several entries may watch one
    method with different matches (ContentResolver.query for contacts, SMS, call log...): a call is recorded once,
    for the first that matches. The text of an argument is a string's own text, a number's or boolean's, or a
    platform object's `toString()` (a `Uri`); an app's own objects never match (their code is not run)."""

    arg: int = Field(ge=0)
    equals: list[str] | None = Field(default=None, min_length=1)
    prefix: list[str] | None = Field(default=None, min_length=1)
    glob: list[str] | None = Field(default=None, min_length=1)
    other_package: Literal[True] | None = None
    """The argument is a package name other than the app's own (the part of the process name before any `:`):
    an app reading its own PackageInfo is not learning which apps are installed."""

    @model_validator(mode="after")
    def _one_test(self) -> ArgMatch:
        if sum(test is not None for test in (self.equals, self.prefix, self.glob, self.other_package)) != 1:
            raise ValueError("give exactly one of `equals`, `prefix`, `glob` or `other_package`")
        return self


class CatalogEntry(Model):
    """One sensitive Java method to watch. The catalog is data; this is its schema."""

    id: str = Field(pattern=r"^[a-z0-9]+(\.[a-z0-9][a-z0-9-]*)+$")
    """Stable id, e.g. `telephony.imei`; findings and reports refer to it."""
    class_name: str = Field(alias="class")
    """Java class, binary name (`android.provider.Settings$Secure`)."""
    method: str
    overloads: Literal["all"] | list[list[str]] = "all"
    """`all`, or the parameter-type lists of the overloads to hook."""
    kind: HookKind = HookKind.COLLECT
    pi_type: PIType | None = None
    data: Text
    """What is read, for people: `IMEI`, `last known location` / `最近一次已知位置`."""
    permissions: list[str] = Field(default_factory=list)
    """Runtime permissions guarding this data (any one suffices), full names."""
    sensitive: list[str] = Field(default_factory=lambda: ["return"])
    """Where the personal information travels: `return`, `arg0`, `arg1`... Those values are masked on disk."""
    match: ArgMatch | None = None
    receiver: bool = False
    """Record the object the method is called on (a URL's host lives in the URL object, not in the arguments)."""
    bundled: bool = False
    """The class ships inside apps (androidx, SDKs), not in the platform: hooked when a class loader that has it
    appears; not finding it in the platform at start-up is expected, not a failure."""
    declared_in: str | None = None
    """The public platform class that declares the method when `class` is a hidden implementation of it
    (`android.content.pm.PackageManager` for `android.app.ApplicationPackageManager`): the API proof checks there."""
    hidden: bool = False
    """The method (or its whole class) is hidden from the public SDK: `@hide`, private, or an internal class
    (`SmsManager.sendTextMessageInternal`, `libcore.io.IoBridge.open`). No public declaration can prove it; the
    proof checks that the public declarations indeed lack it and that its AOSP signature is listed, with its source,
    in tests/catalog/signatures.yaml."""
    capture: Literal["values", "count"] = "values"
    """`values`: each call's arguments and result are recorded. `count`: each call is still an event (time, thread,
    call site, a stack per site and phase), but no values are described: for hot calls whose values say nothing
    (socket reads, an app's own files), so that a call costs little more than counting it."""
    wraps: list[str] = Field(default_factory=list)
    """Ids of entries this method's own implementation calls (`InetAddress.getByName` calls `getAllByName`): such a
    call made on the same thread while this one runs is part of it and is not recorded again. Calls of other
    entries inside it (an app's callback run inline) are recorded as usual."""
    since: int | None = None
    """First API level with the method (its oldest hooked overload), as the platform declarations say; 21, the
    oldest level they cover, for anything older. None for bundled classes, which ship with the app."""
    until: int | None = None
    """The API level that removed the method from the platform, when it was removed."""
    description: Text

    @property
    def api(self) -> str:
        return f"{self.class_name}.{self.method}"


NativeArg = Literal["skip", "int", "pointer", "cstring", "out-cstring", "sockaddr"]
"""How the agent records one C parameter: `cstring` (a NUL-terminated string), `out-cstring` (a string the function
writes into the buffer given, read when it returns), `sockaddr` (a socket address: `93.184.216.34:443`,
`[2001:db8::1]:443`, `unix:/path`, or `family 16` for others), `int`, `pointer` (as hex), or `skip` (not recorded)."""


class NativeFunction(Model):
    """One exported C function through which a native entry's call happens."""

    symbol: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    module: str | None = None
    """The library exporting it (`libc.so`, `libc.so.6`); none: any library of the process that exports it."""
    args: list[NativeArg] = Field(default_factory=list)
    """Per C parameter, in order. The recorded arguments are the ones not skipped, in order: `match.arg` and
    `sensitive: [argN]` count those, so `open(path, flags)` and `openat(dirfd, path, flags)` (args
    `[skip, cstring, int]`) both record `arg0` = the path."""
    returns: Literal["int", "pointer", "void"] = "int"

    @property
    def recorded(self) -> int:
        return sum(kind != "skip" for kind in self.args)


class NativeCatalogEntry(CatalogEntry):
    """A native call to watch (file opens of identifier sources, system properties, DNS, sockets), hooked with Frida's
    Interceptor at each distinct address its `functions` resolve to: glibc exports `open` and `open64` at one address,
    which is hooked once, so one read is one event. A call made inside another hooked native call of the same thread
    (`fopen` -> `open`) is part of it and not recorded again. `class` names the library for people (`libc`), `method`
    the logical call (`open`); an event's `api` is `class.symbol` of the function that ran. Stacks: the native
    backtrace, then the Java stack when the thread is a Java thread, so callers are attributed as for Java calls.
    `overloads`, `receiver`, `bundled`, `hidden`, `capture` and `wraps` do not apply."""

    functions: list[NativeFunction] = Field(min_length=1)

    @model_validator(mode="after")
    def _native_shape(self) -> NativeCatalogEntry:
        if self.receiver or self.bundled or self.hidden or self.wraps or self.capture != "values" or self.overloads != "all":
            raise ValueError("`overloads`, `receiver`, `bundled`, `hidden`, `capture` and `wraps` are for Java entries, "
                             "not native ones")
        counts = {function.recorded for function in self.functions}
        if len(counts) != 1:
            raise ValueError("every function of a native entry must record the same number of arguments")
        recorded = counts.pop()
        if self.match is not None and self.match.other_package:
            raise ValueError("match.other_package is for Java entries (a native call has no app package to compare)")
        if self.match is not None and self.match.arg >= recorded:
            raise ValueError(f"match.arg {self.match.arg} is not a recorded argument (the functions record {recorded})")
        for position in self.sensitive:
            if position.startswith("arg") and (not position[3:].isdigit() or int(position[3:]) >= recorded):
                raise ValueError(f"sensitive position {position} is not a recorded argument")
            if position == "this":
                raise ValueError("a native call has no `this`")
        return self


# --------------------------------------------------------------------------------------------
# Agent messages (agent -> host, via send()). The agent's TypeScript mirrors these shapes.


class AgentValue(Model):
    """A Java value as the agent describes it: type name, a JSON value or a string rendering, size if a collection."""

    t: str
    v: Any = None
    n: int | None = None


class AgentThrown(Model):
    cls: str
    message: str = ""


class AgentEvent(Model):
    seq: int
    """Per-process event sequence, from 0, without gaps."""
    ts: float
    """Device clock, ms since epoch."""
    entry: str
    cls: str
    method: str
    sig: str
    """Parameter types of the overload that fired: `(java.lang.String,long,float,android.location.LocationListener)`."""
    args: list[AgentValue] = Field(default_factory=list)
    ret: AgentValue | None = None
    receiver: AgentValue | None = None
    """The object the method was called on, for entries with `receiver: true`."""
    threw: AgentThrown | None = None
    tid: int
    tname: str
    stack: str | None = None
    """Id of a stack in this batch's or an earlier batch's `stacks` map."""
    tpl: int | None = None
    """This event is the template of slot `tpl` of its process: later calls identical to it but for seq and ts
    (same entry, call site, thread, values, epoch) arrive as `repeats` of the slot."""


class AgentEventsBatch(Model):
    """Calls recorded, in seq order across `events` and `repeats` together (a batch holds a gapless seq range)."""

    type: Literal["events:batch"]
    events: list[AgentEvent]
    stacks: dict[str, list[str]] = Field(default_factory=dict)
    """Stacks first seen in this batch: id -> frames, innermost first, hook frames removed."""
    repeats: list[tuple[int, float, int]] = Field(default_factory=list)
    """`[seq, ts, slot]` per call identical to the current template of `slot` but for its seq and ts: one event
    each, as if sent in full (the evidence-capture policy; docs/agent.md)."""


class InstalledHook(Model):
    entry: str
    cls: str
    method: str
    sigs: list[str]


class FailedHook(Model):
    entry: str
    cls: str
    method: str
    sig: str | None = None
    error: str


class PendingHook(Model):
    """A hook of an app-bundled class (`bundled: true`) not installed yet: no class loader had the class so far."""

    entry: str
    cls: str
    method: str


CoverageTrigger = Literal["init", "class-loader"]
"""What installed the hooks of a coverage record: the agent's `init`, or a class loader that appeared later and had
app-bundled classes the catalog watches."""


class AgentCoverage(Model):
    """Sent by `init` (trigger `init`, the same lists `init` returns), and again each time hooks of app-bundled classes
    go in later (trigger `class-loader`: only the hooks installed or failed then, the loader, the time)."""

    type: Literal["hooks:coverage"]
    installed: list[InstalledHook] = Field(default_factory=list)
    failed: list[FailedHook] = Field(default_factory=list)
    pending: list[PendingHook] = Field(default_factory=list)
    """Bundled hooks still waiting for a class loader that has their class."""
    absent: list[FailedHook] = Field(default_factory=list)
    """Native entries none of whose functions the process's libraries export (bionic's on a desktop JVM): no call of
    them can happen in this process, so they are not failures."""
    trigger: CoverageTrigger = "init"
    loader: str | None = None
    """The class loader, as `class@identity-hash`, for trigger `class-loader`."""
    ts: float | None = None
    """Device clock when the hooks went in."""


class AgentStats(Model):
    """What the agent's `stats` RPC answers: counters since `init`, for tests, benchmarks and the agent log."""

    calls: int
    """Calls recorded (Java and native): every one became an event with its own seq."""
    stacks: int
    """Stacks walked: one per distinct (entry, call site, epoch); every other call reuses its site's stack."""
    sites: int
    """Distinct (entry, call site) pairs seen."""
    epoch: int
    """Epochs started: one per `cursor` call (the host takes a cursor for every marker)."""
    pending: int
    """Bundled hooks still pending."""
    call_sites: Literal["jvmti", "art-backtrace", "full-stack"]
    """How call sites are told apart: JVMTI frames (HotSpot), the bridge's ART backtrace id, or a full stack walk
    per call when neither is available."""


class AgentLog(Model):
    type: Literal["agent:log"]
    level: Literal["debug", "info", "warning", "error"] = "info"
    message: str


AgentMessage = Annotated[
    Union[AgentEventsBatch, AgentCoverage, AgentLog], Field(discriminator="type")
]


# --------------------------------------------------------------------------------------------
# What the run directory holds


class RecordedValue(Model):
    """A value as stored on disk: masked where it is personal information."""

    type: str
    text: str
    masked: bool = False
    size: int | None = None
    raw: str | None = Field(default=None, exclude=True)
    """The unmasked rendering of a masked value. Never serialised with the event: the run store keeps it apart in
    values.jsonl, so exports and reports carry masked values unless a reader asks to reveal them."""


class HookEvent(Model):
    """One sensitive API call, as recorded in events.jsonl."""

    id: str
    """`<pid>-<seq>`: unique in a run."""
    pid: int
    process: str
    seq: int
    ts: float
    entry: str
    api: str
    sig: str
    args: list[RecordedValue] = Field(default_factory=list)
    ret: RecordedValue | None = None
    receiver: RecordedValue | None = None
    threw: AgentThrown | None = None
    thread: str
    tid: int
    stack: str | None = None
    """Content digest of the stack in stacks.jsonl."""

    def values(self) -> list[tuple[str, RecordedValue]]:
        """Every recorded value with its position: `this`, `arg0`, `arg1`..., `return`."""
        found = [("this", self.receiver)] if self.receiver is not None else []
        found += [(f"arg{index}", value) for index, value in enumerate(self.args)]
        return found + ([("return", self.ret)] if self.ret is not None else [])


class StackRecord(Model):
    id: str
    frames: list[str]


class CoverageRecord(Model):
    """Per process: which catalog hooks went in and which failed (and why). A process has one record from `init`
    and one more (trigger `class-loader`) each time a class loader brought app-bundled classes whose hooks then went
    in: `ts` is that moment, `installed`/`failed` what happened then, `pending` what still waits."""

    pid: int
    process: str
    ts: float
    installed: list[InstalledHook]
    failed: list[FailedHook]
    pending: list[PendingHook] = Field(default_factory=list)
    absent: list[FailedHook] = Field(default_factory=list)
    """Native entries whose functions this process does not have: nothing to hook, and no call to miss."""
    trigger: CoverageTrigger = "init"
    loader: str | None = None

    @staticmethod
    def merged(records: list[CoverageRecord]) -> list[CoverageRecord]:
        """One record per process, in first-seen order: every hook installed or failed in any of its records, the
        pending ones of its last record, the time and trigger of its first."""
        by_pid: dict[int, CoverageRecord] = {}
        for record in records:
            known = by_pid.get(record.pid)
            if known is None:
                by_pid[record.pid] = record.model_copy(deep=True)
                continue
            known.installed.extend(record.installed)
            known.failed.extend(record.failed)
            known.absent.extend(a for a in record.absent if a not in known.absent)
            known.pending = list(record.pending)
        return list(by_pid.values())


class DialogControl(Model):
    text: str
    resource_id: str = ""
    cls: str = ""
    bounds: tuple[int, int, int, int]
    clickable: bool = True
    checked: bool | None = None


class ControlColours(Model):
    """How strongly two controls of a dialog stand out, measured on a PNG screenshot: each control's dominant colour
    inside its bounds against the dominant colour of a band around it, as a WCAG 2.x contrast ratio (1 = the control
    has no fill of its own, like a text link; 21 = black on white)."""

    accept: str
    """`#rrggbb`: the accept (grant) control's fill."""
    accept_around: str
    """`#rrggbb`: what surrounds the accept control."""
    accept_contrast: float
    accept_delta_e: float
    """CIE76 colour difference between the accept control's fill and its surroundings (hue included)."""
    reject: str
    """`#rrggbb`: the reject (decline) control's fill."""
    reject_around: str
    reject_contrast: float
    reject_delta_e: float


class ConsentDialogInfo(Model):
    """What the runner found on screen when it looked for the app's privacy dialog."""

    texts: list[str]
    accept: DialogControl | None = None
    reject: DialogControl | None = None
    checkboxes: list[DialogControl] = Field(default_factory=list)
    prechecked: bool = False
    hierarchy: str | None = None
    """Run-dir-relative path of the saved hierarchy dump."""
    acknowledge_only: bool = False
    """The only way on is an acknowledgement ("OK", "Got it", "我知道了"): nothing to agree to, nothing to refuse."""
    more_options: DialogControl | None = None
    """A control that opens further choices ("Manage options", 更多选项), recorded when the dialog has no reject
    control: where the refusal may hide on a second screen."""
    colours: ControlColours | None = None
    """The accept and reject controls' colours, measured on the screenshot when it is a PNG (a device's)."""
    go_back: DialogControl | None = None
    """A control that goes back to the dialog before, deciding nothing ("再想想", "Go back"): what an "are you sure?"
    dialog shown after a refusal offers besides confirming it."""


class StepRef(Model):
    index: int
    """0-based position in the flattened step list."""
    name: str
    file: str
    line: int


class MarkerBase(Model):
    seq: int
    """Order of markers in the run, from 0."""
    ts: float
    """Device clock, ms."""
    host_ts: float
    """Host clock, ms, when the marker was taken."""
    cursors: dict[str, int] = Field(default_factory=dict)
    """pid (as string) -> the agent's next event seq at this moment: events with a lower seq happened before."""
    step: StepRef | None = None


class RunStarted(MarkerBase):
    kind: Literal["run-start"] = "run-start"


class RunEnded(MarkerBase):
    kind: Literal["run-end"] = "run-end"
    status: Literal["completed", "step-failed", "aborted", "error"]
    message: str = ""


class StepStarted(MarkerBase):
    kind: Literal["step-start"] = "step-start"


class StepEnded(MarkerBase):
    kind: Literal["step-end"] = "step-end"
    ok: bool = True
    message: str = ""


class AppLaunched(MarkerBase):
    kind: Literal["app-launch"] = "app-launch"
    clear_state: bool


class AppStopped(MarkerBase):
    kind: Literal["app-stop"] = "app-stop"


class ProcessStarted(MarkerBase):
    kind: Literal["process-start"] = "process-start"
    pid: int
    process: str


EndedBy = Literal["app", "harness", "lost"]
"""Who ended a process: `app` (it exited or crashed by itself), `harness` (this tool stopped it), `lost` (the device
or Frida's connection to it went away: what the process did from then on is not known)."""

ENDED_BY_REASON: dict[str, EndedBy] = {
    "exited": "app",
    "crashed": "app",
    "process-terminated": "app",
    "process-replaced": "app",
    "killed": "harness",
    "device-lost": "lost",
    "transport-lost": "lost",
    # Frida's own words, as runs recorded before `ended_by` was kept have them:
    "application-requested": "harness",
    "connection-terminated": "lost",
}
"""Who ended a process, by the reason recorded for its end."""


class ProcessEnded(MarkerBase):
    kind: Literal["process-end"] = "process-end"
    pid: int
    process: str
    reason: str
    """The backend's report (`exited`, `crashed`, `killed` by the harness, `device-lost`, `transport-lost`), or
    Frida's when the backend said nothing (`process-terminated`, `process-replaced`)."""
    exit_code: int | None = None
    crash: str | None = None
    ended_by: EndedBy | None = None
    """Who ended it (None in runs recorded before this was kept: see `cause`)."""

    @property
    def cause(self) -> EndedBy | None:
        """Who ended it, in runs of every age; None when the reason does not say."""
        return self.ended_by or ENDED_BY_REASON.get(self.reason)


class ConsentDecision(MarkerBase):
    kind: Literal["consent"] = "consent"
    decision: Literal["accepted", "refused"]
    dialog: ConsentDialogInfo
    control: DialogControl


class ConsentDialogMissing(MarkerBase):
    kind: Literal["consent-dialog-missing"] = "consent-dialog-missing"
    wanted: Literal["accept", "refuse", "none"]
    """What the step was to do with the dialog (`none`: only look at it)."""
    texts: list[str] = Field(default_factory=list)


PermissionChoice = Literal["granted", "granted-once", "denied", "denied-forever"]


class PermissionDecision(MarkerBase):
    kind: Literal["permission"] = "permission"
    decision: PermissionChoice
    group: str
    """Android permission group, e.g. LOCATION."""
    permissions: list[str]
    """Full permission names the decision applies to."""
    message: str
    """The dialog's question, as shown."""
    control: DialogControl
    by_policy: bool = False
    """True when no step asked for it: the runner's unexpected-dialog policy answered."""


class AppBackgrounded(MarkerBase):
    kind: Literal["app-background"] = "app-background"


class AppForegrounded(MarkerBase):
    kind: Literal["app-foreground"] = "app-foreground"


class ScreenshotTaken(MarkerBase):
    kind: Literal["screenshot"] = "screenshot"
    path: str
    """Run-dir-relative."""
    hierarchy: str | None = None


class ConsentRefusalUnavailable(MarkerBase):
    """The user was to refuse, but the app's privacy dialog offers no control to refuse with."""

    kind: Literal["consent-refusal-unavailable"] = "consent-refusal-unavailable"
    dialog: ConsentDialogInfo


class ConsentDialogShown(MarkerBase):
    """The app's privacy dialog as first found by a step that only looks (`consent: none`): nothing was tapped."""

    kind: Literal["consent-dialog"] = "consent-dialog"
    dialog: ConsentDialogInfo


class ConsentRefusalIneffective(MarkerBase):
    """The user refused, and the same privacy dialog came back: refusing only leads back to the dialog."""

    kind: Literal["consent-refusal-ineffective"] = "consent-refusal-ineffective"
    dialog: ConsentDialogInfo
    """The dialog shown again after the refusal (its saved hierarchy is that later screen)."""
    control: DialogControl
    """The reject control that was tapped."""
    via: list[DialogControl] = Field(default_factory=list)
    """The controls tapped after it on the way back, when the dialog came back through another one (an "are you
    sure?" dialog's refusal or its "再想想")."""


class ConsentSecondLayer(MarkerBase):
    """The user was to refuse; the privacy dialog had no reject control, only one that opens further choices, which
    was tapped to look for the refusal on the next screen (answered by the ConsentDecision that follows)."""

    kind: Literal["consent-second-layer"] = "consent-second-layer"
    dialog: ConsentDialogInfo
    """The first layer, without a reject control."""
    control: DialogControl
    """The control that opened the next layer ("Manage options")."""


class PermissionPromptInfo(Model):
    """The app's own dialog about a runtime permission: a soft-ask before the system dialog, an explanation, or a
    dialog that insists after a denial. Found in a window of the app's package drawn over its screen."""

    texts: list[str]
    """Every text of the dialog's window, in reading order."""
    message: list[str]
    """The texts that are not control labels: what the dialog says."""
    group: str
    """The permission group it speaks of (from its wording: `LOCATION`...), `UNKNOWN` when it names none."""
    controls: list[DialogControl] = Field(default_factory=list)
    """Every control of the dialog, in screen order."""
    grant: DialogControl | None = None
    """The control that grants or leads on to the request ("Allow", "Turn on", 去开启, "Continue")."""
    decline: DialogControl | None = None
    """The control that goes on without granting ("Not now", 暂不, "Cancel"); None when the dialog has none."""
    checkboxes: list[DialogControl] = Field(default_factory=list)
    window: tuple[int, int, int, int]
    """The dialog window's bounds."""
    colours: ControlColours | None = None
    """The grant and decline controls' colours, measured on the screenshot when it is a PNG."""
    hierarchy: str | None = None
    """Run-dir-relative path of the saved hierarchy dump."""
    screenshot: str | None = None
    """Run-dir-relative path of the screenshot."""


class PermissionPromptShown(MarkerBase):
    """The app's own permission dialog appeared (seen while the runner looked at the screen, or by a `softAsk`
    step that only looks)."""

    kind: Literal["permission-prompt"] = "permission-prompt"
    prompt: PermissionPromptInfo


PromptChoice = Literal["accepted", "declined"]


class PermissionPromptDecision(MarkerBase):
    """A `softAsk` step answered the app's permission dialog: marked before the tap."""

    kind: Literal["permission-prompt-decision"] = "permission-prompt-decision"
    decision: PromptChoice
    prompt: PermissionPromptInfo
    control: DialogControl | None
    """The control tapped; None when declining a dialog with no control to decline with (Back was pressed)."""


PromptOutcomeKind = Literal["closed", "system-request", "shown-again", "other-prompt", "app-ended"]


class PermissionPromptOutcome(MarkerBase):
    """What followed a PermissionPromptDecision, watched for the settle time: the dialog closed, the system's
    permission dialog came up, the same dialog was (still or again) on screen, another permission dialog of the app
    took its place, or the app ended."""

    kind: Literal["permission-prompt-outcome"] = "permission-prompt-outcome"
    decision_seq: int
    """The seq of the PermissionPromptDecision this follows."""
    outcome: PromptOutcomeKind
    prompt: PermissionPromptInfo | None = None
    """The app's dialog on screen afterwards (`shown-again`, `other-prompt`)."""
    system_group: str | None = None
    """`system-request`: the permission group the system dialog asks for."""
    system_message: str | None = None
    """`system-request`: the system dialog's question."""
    hierarchy: str | None = None
    """Run-dir-relative dump of the screen that shows the outcome."""


Marker = Annotated[
    Union[
        RunStarted, RunEnded, StepStarted, StepEnded, AppLaunched, AppStopped, ProcessStarted,
        ProcessEnded, ConsentDecision, ConsentDialogMissing, PermissionDecision, AppBackgrounded,
        AppForegrounded, ScreenshotTaken, ConsentRefusalUnavailable, ConsentDialogShown, ConsentRefusalIneffective,
        ConsentSecondLayer, PermissionPromptShown, PermissionPromptDecision, PermissionPromptOutcome,
    ],
    Field(discriminator="kind"),
]


class AppInfo(Model):
    package: str
    label: str = ""
    version_name: str = ""
    version_code: int | None = None
    target_sdk: int | None = None
    permissions: list[str] = Field(default_factory=list)
    """Permissions the manifest requests."""
    components: list[str] = Field(default_factory=list)


class DeviceInfo(Model):
    backend: Literal["sandbox", "android"]
    serial: str = ""
    model: str = ""
    android_version: str = ""
    api_level: int | None = None
    abi: str = ""
    runtime: str = ""
    """For the sandbox: the JVM that plays Android."""


class ScenarioFile(Model):
    path: str
    sha256: str
    copy_path: str
    """Run-dir-relative copy of the file as run."""


class ScenarioInfo(Model):
    name: str
    path: str
    sha256: str
    copy_path: str
    """Run-dir-relative copy of the scenario as run."""
    includes: list[ScenarioFile] = Field(default_factory=list)
    """Files the scenario included (`runFlow`), each copied and hashed like the scenario itself."""


class RunMeta(Model):
    """meta.json: written once, when the run starts."""

    schema_version: Literal[1] = 1
    run_id: str
    tool_version: str
    frida_version: str
    started_at: str
    """ISO 8601, host clock."""
    target: str
    app: AppInfo
    device: DeviceInfo
    scenario: ScenarioInfo
    options: dict[str, Any] = Field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# Analysis


Origin = Literal["app", "sdk", "system", "unknown"]


class Caller(Model):
    """Who made a call, from its stack: the first frame outside the platform and runtime."""

    origin: Origin
    frame: str | None = None
    package: str | None = None
    """Java package prefix that identifies the caller (the SDK's, or the app's)."""
    sdk: str | None = None
    """SDK name when known, else the package prefix of a third-party caller."""
    vendor: str | None = None
    category: str | None = None
    """The SDK's category in `auditor/sdk_signatures.yaml` (advertising, push, library...) when it is listed there."""


class DecisionRef(Model):
    """The user decision a finding is judged against."""

    marker_seq: int
    kind: str
    ts: float
    summary: Text


class Finding(Model):
    """One violation: a rule, an API, a caller and a phase, with every piece of evidence that shows it."""

    id: str
    rule: str
    pack: str
    severity: Severity
    title: Text
    explanation: Text
    entry: str | None = None
    api: str | None = None
    data: Text | None = None
    pi_type: PIType | None = None
    caller: Caller | None = None
    phase: str
    count: int
    first_ts: float
    last_ts: float
    decision: DecisionRef | None = None
    event_ids: list[str] = Field(default_factory=list)
    marker_seqs: list[int] = Field(default_factory=list)
    screenshot: str | None = None
    """Run-dir-relative screenshot of what the user saw nearest the first occurrence."""
    outcomes: dict[str, int] = Field(default_factory=dict)
    """How the calls ended: `returned` or the exception class, with counts."""
    subject: str | None = None
    """What a finding about the user interface concerns (a permission group, the privacy dialog), when not an API."""
    detail: Text | None = None
    """The measurement or extra evidence behind the finding (a rate, an area ratio, a host)."""
    suppressed: str | None = None
    """Why this finding was accepted (from the rule settings); a suppressed finding does not count in the verdict."""


class FindingsDocument(Model):
    """findings.json."""

    schema_version: Literal[1] = 1
    tool_version: str
    run_id: str
    app: AppInfo
    rules_run: list[str]
    rules_not_evaluated: dict[str, str] = Field(default_factory=dict)
    """Rule id -> why it could not be evaluated on this run (e.g. no app category given)."""
    findings: list[Finding]
