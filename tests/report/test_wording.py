"""The report's words: durations, the decision sentence, phases, labels in both languages."""

from __future__ import annotations

import pytest

from auditor.models import DecisionRef, Text
from auditor.report import wording

DENIAL = DecisionRef(marker_seq=4, kind="permission", ts=10_000.0,
                     summary=Text(en="The user denied the LOCATION permission (tapped “Don’t allow”)",
                                  zh="用户拒绝了LOCATION权限（点击“拒绝”）"))


@pytest.mark.parametrize(("ms", "en", "zh"), [
    (0, "0 ms", "0 毫秒"),
    (40.4, "40 ms", "40 毫秒"),
    (-3200, "3.2 s", "3.2 秒"),
    (59_949, "59.9 s", "59.9 秒"),
    (59_960, "1 min 0 s", "1 分 0 秒"),
    (125_400, "2 min 5 s", "2 分 5 秒"),
])
def test_duration(ms: float, en: str, zh: str) -> None:
    assert (wording.duration(ms, "en"), wording.duration(ms, "zh")) == (en, zh)


def test_offset_is_signed() -> None:
    assert (wording.offset(1500, "en"), wording.offset(-150, "en")) == ("+1.5 s", "−0.1 s")


def test_decision_sentence_after_and_before() -> None:
    assert wording.relative_to_decision(13_200, DENIAL, True, "en") == (
        "+3.2 s after the user denied the LOCATION permission (tapped “Don’t allow”)"
    )
    assert wording.relative_to_decision(5_900, DENIAL, False, "en") == (
        "4.1 s before the user denied the LOCATION permission (tapped “Don’t allow”)"
    )
    assert wording.relative_to_decision(13_200, DENIAL, True, "zh") == "在用户拒绝了LOCATION权限（点击“拒绝”）之后 3.2 秒"


def test_without_decision() -> None:
    assert wording.without_decision("pre-consent", "en") == "the user never agreed to the privacy policy during the run"
    assert wording.without_decision("background", "zh") == "未关联用户决定"


@pytest.mark.parametrize(("phase", "en", "zh"), [
    ("pre-consent", "before the user agreed to the privacy policy", "用户同意隐私政策之前"),
    ("permission-denied(CAMERA)", "after the user denied the CAMERA permission", "用户拒绝CAMERA权限之后"),
    ("something-new", "something-new", "something-new"),
])
def test_phase_text(phase: str, en: str, zh: str) -> None:
    assert (wording.phase_text(phase, "en"), wording.phase_text(phase, "zh")) == (en, zh)


def test_outcome_text() -> None:
    assert wording.outcome_text("returned", "zh") == "正常返回"
    assert wording.outcome_text("java.lang.SecurityException", "en") == "threw java.lang.SecurityException"


def test_every_label_is_written_in_both_languages() -> None:
    for key, text in wording.LABELS.items():
        assert text.en.strip() and text.zh.strip(), key
        assert text.en != text.zh, key
    assert wording.labels("zh")["findings"] == "发现的问题"


def test_timeline_picture_rows_and_decision_labels() -> None:
    from auditor.models import HookKind, PIType
    from auditor.report.wording import category_text, decision_label

    for category in [t.value for t in PIType] + [k.value for k in HookKind if k is not HookKind.COLLECT]:
        assert category_text(category, "zh") not in (category, category_text(category, "en")), category
    assert category_text("something-new", "en") == "something-new"
    assert decision_label("consent", "refused", "", "en") == "refused"
    assert decision_label("permission", "denied-forever", "CAMERA", "en") == "CAMERA denied"
    assert decision_label("permission", "granted-once", "LOCATION", "zh") == "LOCATION 允许"
