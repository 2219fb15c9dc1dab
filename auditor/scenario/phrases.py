"""The curated words of misleading and forcing dialogs (`auditor/rules/data/dark-patterns.yaml`), compiled.

Detection (which control of an app's permission dialog grants, which declines) and the rules (which refusal shames
the user, which purpose discloses a third party) read the same list, so a phrase added there is known to both.
Matching is on folded text (`auditor.permissions.fold_text`); English patterns see it lower-cased.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from pydantic import Field, ValidationError

from auditor.errors import InputError
from auditor.models import Model
from auditor.permissions import fold_text

DATA_FILE = "rules/data/dark-patterns.yaml"


class PhraseGroup(Model):
    description: str
    whole: bool = False
    """The pattern must match the whole label (it names what a button is), not a part of a text."""
    en: list[str] = Field(default_factory=list)
    zh: list[str] = Field(default_factory=list)
    examples: list[str] = Field(default_factory=list)
    """Texts the group must match; the tests check every one."""
    counterexamples: list[str] = Field(default_factory=list)
    """Texts close to the group's that it must not match (near misses); the tests check every one."""
    sources: list[str] = Field(min_length=1)


class Disclosure(Model):
    en: list[str] = Field(default_factory=list)
    zh: list[str] = Field(default_factory=list)


class PhraseFile(Model):
    sources: dict[str, str]
    groups: dict[str, PhraseGroup]
    disclosures: dict[str, Disclosure]


@dataclass(frozen=True)
class Phrases:
    """One compiled group: `matches(text)` on a label or a text as the user reads it."""

    name: str
    whole: bool
    english: tuple[re.Pattern[str], ...]
    chinese: tuple[re.Pattern[str], ...]

    def matches(self, text: str) -> bool:
        folded = fold_text(text)
        if not folded:
            return False
        lowered = folded.lower()
        if self.whole:
            return (any(p.fullmatch(lowered) for p in self.english)
                    or any(p.fullmatch(folded) for p in self.chinese))
        return any(p.search(lowered) for p in self.english) or any(p.search(folded) for p in self.chinese)


GROUPS = ("grant_explicit", "grant_neutral", "decline", "shaming", "ambiguous_exit", "second_layer",
          "dont_ask_again", "permission_talk", "purpose", "system_question", "system_button", "system_deny_button")
"""The groups the code relies on; the data file must define each."""


@lru_cache(maxsize=1)
def phrase_file() -> PhraseFile:
    """The data file, checked: every group the code uses is there, every source it cites is listed, every pattern
    compiles. Raises InputError naming the file (a broken installation)."""
    from ruamel.yaml import YAML

    text = resources.files("auditor").joinpath(DATA_FILE).read_text(encoding="utf-8")
    try:
        data = PhraseFile.model_validate(YAML(typ="safe").load(text))
    except ValidationError as exc:
        raise InputError(f"invalid phrase list: {exc.errors()[0]['msg']}", where=DATA_FILE) from None
    missing = [name for name in GROUPS if name not in data.groups]
    if missing:
        raise InputError(f"the phrase list lacks group(s) {', '.join(missing)}", where=DATA_FILE)
    for name, group in data.groups.items():
        unknown = [source for source in group.sources if source not in data.sources]
        if unknown:
            raise InputError(f"group {name} cites unknown source(s) {', '.join(unknown)}", where=DATA_FILE)
        for pattern in group.en + group.zh:
            _compile(pattern, f"group {name}")
    for name, disclosure in data.disclosures.items():
        for pattern in disclosure.en + disclosure.zh:
            _compile(pattern, f"disclosure {name}")
    return data


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise InputError(f"{where}: invalid pattern {pattern!r}: {exc}", where=DATA_FILE) from None


@cache
def phrases(name: str) -> Phrases:
    group = phrase_file().groups[name]
    return Phrases(name, group.whole, tuple(re.compile(p) for p in group.en), tuple(re.compile(p) for p in group.zh))


def discloses(purpose: str, category: str | None, names: tuple[str, ...] = ()) -> bool:
    """Whether a stated purpose announces a use by a third party of `category` (an SDK category of
    `sdk_signatures.yaml`, None when unknown): it names the SDK or its vendor (`names`), third parties or partners in
    general, or the kind of use the category stands for (ads for advertising, statistics for analytics...)."""
    folded = fold_text(purpose)
    lowered = folded.lower()
    if any(name and name.lower() in lowered for name in names):
        return True
    table = phrase_file().disclosures
    for key in ("any", category or ""):
        disclosure = table.get(key)
        if disclosure is None:
            continue
        if any(re.search(p, lowered) for p in disclosure.en) or any(re.search(p, folded) for p in disclosure.zh):
            return True
    return False
