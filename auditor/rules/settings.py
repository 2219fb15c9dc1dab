"""What rules may be tuned by: thresholds with documented defaults, the app's category, first-party hosts, and
per-app suppressions with a required reason. Read from a YAML file (`--config`), checked before anything runs."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from pydantic import Field, ValidationError, field_validator

from auditor.errors import InputError
from auditor.models import Model, PIType, Text
from auditor.sdk import JAVA_PACKAGE, Attribution, SdkSignature, check_extra_signature
from auditor.yamlfile import load_documents, position_of, to_plain, validation_error


class AppCategory(Model):
    """One of the 39 categories of the 2021 necessary-personal-information rules."""

    number: int
    id: str
    zh: str
    en: str
    necessary: list[PIType]
    """Personal-information types the category may read from the device."""
    necessary_text: Text
    """The regulation's list of necessary information, in short."""

    def name(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@lru_cache(maxsize=1)
def app_categories() -> tuple[AppCategory, ...]:
    text = resources.files("auditor.rules").joinpath("data/categories.yaml").read_text(encoding="utf-8")
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load(text)
    return tuple(AppCategory.model_validate(item) for item in data["categories"])


def find_category(name: str) -> AppCategory:
    """A category by its id, number, Chinese or English name (case and spaces ignored)."""
    wanted = "".join(name.split()).casefold()
    for category in app_categories():
        names = {category.id, str(category.number), category.zh, category.en}
        if wanted in {"".join(n.split()).casefold() for n in names}:
            return category
    known = ", ".join(f"{c.id} ({c.zh})" for c in app_categories())
    raise InputError(f"unknown app category {name!r}; known: {known}")


# Personal information an app reads from the device on its own, without the user choosing to use a feature;
# camera, microphone, media files, sensors and network state are not compared with a category's necessary set:
# the user's permission and action decide those, and every app checks its connection.
COMPARED_PI_TYPES: frozenset[PIType] = frozenset({
    PIType.DEVICE_ID, PIType.LOCATION, PIType.INSTALLED_APPS, PIType.RUNNING_APPS, PIType.CLIPBOARD,
    PIType.CONTACTS, PIType.SMS, PIType.CALL_LOG, PIType.CALENDAR, PIType.ACCOUNTS, PIType.PHONE_NUMBER,
    PIType.BLUETOOTH,
})


class OverFrequency(Model):
    """CN-OVERFREQ: more than `max_calls` reads of one API by one caller inside any `window_s` seconds."""

    window_s: float = Field(default=30.0, gt=0)
    max_calls: dict[str, int] = Field(default_factory=lambda: {
        "device-id": 5, "location": 5, "installed-apps": 3, "running-apps": 3, "clipboard": 3, "default": 10,
    })
    """By personal-information type; `default` for the others. No official number exists: regulators' examples call
    an IMEI read every 2 s, or a location read every 30 s in the background, excessive."""

    def limit_for(self, pi_type: PIType | None) -> int:
        key = pi_type.value if pi_type is not None else "default"
        return self.max_calls.get(key, self.max_calls.get("default", 10))


class Suppression(Model):
    """An accepted finding: kept in the report, marked with who accepted it and why, not counted in the verdict."""

    rule: str
    entry: str | None = None
    """Catalog id; none: every API."""
    caller: str | None = None
    """SDK name or package prefix as the finding shows it (`com.adsdk`), `app` for the app's own code; none: any."""
    reason: str = Field(min_length=3)

    @field_validator("reason")
    @classmethod
    def _meaningful(cls, reason: str) -> str:
        if not reason.strip():
            raise ValueError("a suppression needs a reason")
        return reason.strip()


class RuleSettings(Model):
    """Everything a rule may read besides the timeline. Defaults are the documented ones (docs/rules.md)."""

    category: str | None = None
    """App category (id, number, Chinese or English name): enables CN-UNNECESSARY-PI."""
    first_party_hosts: list[str] = Field(default_factory=list)
    """Hosts (and their subdomains) that belong to the app's publisher; other hosts are third parties. When none are
    given, CN-3P-SHARE takes the domain the package name reverses to as the publisher's and judges only what
    third-party SDKs send (an app's own servers often have names of their own)."""
    first_party_packages: list[str] = Field(default_factory=list)
    """Java packages of the app's own code besides its applicationId (`com.example.common`): calls from them are the
    app's, not an unknown SDK's."""
    sdk_signatures: list[SdkSignature] = Field(default_factory=list)
    """SDKs the shipped table lacks (in-house or lab-known ones), in its schema: `{prefix, name, vendor, category,
    source}`, the source `lab:<who says so>`; they win over the table's entries for the same prefix."""
    overfreq: OverFrequency = Field(default_factory=OverFrequency)
    frequent_request_window_h: float = Field(default=48.0, gt=0)
    """CN-FREQ-REQUEST: a denied permission asked for again within this many hours (app-store standards: 48 h)."""
    exit_after_refusal_s: float = Field(default=5.0, gt=0)
    """CN-DENY-EXIT: the app ending this soon after a refusal, with no stop asked for, is an exit because of it."""
    choice_area_ratio: float = Field(default=1.5, gt=1)
    """CN-CONSENT-UI-ASYMMETRY, EU-GDPR-CONSENT-UI-VISUAL: an accept (grant) control covering more than this many
    times the reject (decline) control's area on screen, beyond the width its longer label needs, is an unequal
    choice."""
    highlight_min_contrast: float = Field(default=3.0, ge=1)
    """CN-CONSENT-UI-ASYMMETRY, EU-GDPR-CONSENT-UI-VISUAL, on the PNG screenshots (a device's, the sandbox's): the
    accept control stands out when its fill's WCAG contrast ratio against what surrounds it is at least this (3:1,
    WCAG 2.1 SC 1.4.11's minimum for a control to be seen), or its colour differs from it by 40 ΔE (CIE76) or
    more."""
    plain_max_contrast: float = Field(default=1.5, ge=1)
    """... while the reject control has no fill of its own: its contrast ratio below this and its colour difference
    below 10 ΔE (a text link or an outline on the dialog's background). The same test tells a control drawn as a
    button (a fill of its own) from one drawn as text, whatever its widget class."""
    nag_min_rounds: int = Field(default=2, ge=1)
    """CN-NAG-LOOP: this many attempts in a row to go on without granting, each met again by the app's permission
    dialog (or by the system request for a permission already denied), make a nag loop."""
    purpose_window_s: float = Field(default=10.0, gt=0)
    """CN-PURPOSE-MISMATCH: reads of the data a grant unlocked within this many seconds after the grant are its first
    consumers, compared with the purpose the app stated."""
    suppressions: list[Suppression] = Field(default_factory=list)

    @field_validator("first_party_packages")
    @classmethod
    def _java_packages(cls, packages: list[str]) -> list[str]:
        for package in packages:
            if not JAVA_PACKAGE.fullmatch(package):
                raise ValueError(f"{package!r} is not a Java package (com.example.common)")
        return packages

    @field_validator("sdk_signatures")
    @classmethod
    def _checked_signatures(cls, signatures: list[SdkSignature]) -> list[SdkSignature]:
        return [check_extra_signature(signature) for signature in signatures]

    def resolved_category(self) -> AppCategory | None:
        return find_category(self.category) if self.category else None

    def attribution(self) -> Attribution:
        return Attribution(own_packages=tuple(self.first_party_packages), extra_sdks=tuple(self.sdk_signatures))


def load_settings(path: Path | None, category: str | None = None) -> RuleSettings:
    """Settings from a YAML file (or the defaults), with `category` from the command line taking precedence."""
    settings = RuleSettings()
    if path is not None:
        documents = load_documents(path)
        if len(documents) != 1 or not isinstance(documents[0], dict):
            raise InputError("a rule settings file is one YAML mapping", where=str(path))
        try:
            settings = RuleSettings.model_validate(to_plain(documents[0]))
        except ValidationError as exc:
            raise validation_error(exc, documents[0], str(path)) from None
        _check_suppressed_rules(settings, documents[0], str(path))
    if category is not None:
        settings = settings.model_copy(update={"category": category})
    settings.resolved_category()  # an unknown category is a usage error now, not after the run
    return settings


def _check_suppressed_rules(settings: RuleSettings, document: object, file: str) -> None:
    """A suppression must name a rule that exists: a typo would silently suppress nothing."""
    from auditor.rules.engine import all_rules

    known = {rule.id for rule in all_rules()}
    for index, suppression in enumerate(settings.suppressions):
        if suppression.rule not in known:
            raise InputError(f"suppressions.{index}.rule: no rule {suppression.rule!r} (`consent-audit rules` lists "
                             "them)", where=str(position_of(document, ["suppressions", index, "rule"], file)))
