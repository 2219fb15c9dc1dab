from __future__ import annotations

import pytest

from auditor.masking import mask_coordinates, mask_identifier, mask_unknown, record_value, render
from auditor.models import AgentValue, CatalogEntry, HookKind, PIType, Text


def entry(pi_type: PIType | None, sensitive: list[str] | None = None, kind: HookKind = HookKind.COLLECT) -> CatalogEntry:
    return CatalogEntry.model_validate(
        {
            "id": "test.entry",
            "class": "android.test.Api",
            "method": "read",
            "kind": kind,
            "pi_type": pi_type,
            "data": {"en": "test data", "zh": "test data"},
            "sensitive": ["return"] if sensitive is None else sensitive,
            "description": Text(en="test", zh="测试"),
        }
    )


def test_imei_keeps_first_four_and_last_three_digits() -> None:
    recorded = record_value(AgentValue(t="java.lang.String", v="356938035643809"), entry(PIType.DEVICE_ID), "return")
    assert recorded.text == "3569********809"
    assert recorded.masked is True
    assert recorded.type == "java.lang.String"


def test_mac_address_keeps_its_separators() -> None:
    recorded = record_value(AgentValue(t="java.lang.String", v="3c:a0:67:1f:8e:2b"), entry(PIType.DEVICE_ID), "return")
    assert recorded.text == "3c:a0:**:**:*e:2b"


def test_short_identifier_is_hidden_entirely() -> None:
    assert mask_identifier("1234567") == "*******"
    assert mask_identifier("12345678") == "1234*678"


def test_identifiers_in_a_list_are_masked_one_by_one() -> None:
    value = AgentValue(t="java.lang.String[]", v=["356938035643809", "490154203237518"], n=2)
    recorded = record_value(value, entry(PIType.DEVICE_ID), "return")
    assert recorded.text == "[3569********809, 4901********518]"
    assert recorded.size == 2


def test_coordinates_keep_one_decimal() -> None:
    value = AgentValue(t="android.location.Location", v="Location[gps 39.908722,116.397499 hAcc=20.0]")
    recorded = record_value(value, entry(PIType.LOCATION), "return")
    assert recorded.text == "Location[gps 39.9,116.3 hAcc=20.0]"
    assert recorded.masked is True
    assert mask_coordinates("-33.868820") == "-33.8"


def test_a_latitude_as_a_double_keeps_one_decimal() -> None:
    recorded = record_value(AgentValue(t="double", v=39.908722), entry(PIType.LOCATION), "return")
    assert recorded.text == "39.9"


def test_clipboard_text_becomes_its_length() -> None:
    recorded = record_value(AgentValue(t="java.lang.String", v="Your code is 774411"), entry(PIType.CLIPBOARD), "return")
    assert recorded.text == "<19 chars>"
    assert recorded.size == 19
    assert "774411" not in recorded.text


def test_clipboard_length_counts_the_untruncated_text() -> None:
    value = AgentValue(t="java.lang.String", v="x" * 512, n=2000)
    assert record_value(value, entry(PIType.CLIPBOARD), "return").text == "<2000 chars>"


def test_installed_apps_keep_only_their_count() -> None:
    value = AgentValue(t="java.util.ArrayList", v=["PackageInfo{1 com.tencent.mm}", "PackageInfo{2 com.x}"], n=57)
    recorded = record_value(value, entry(PIType.INSTALLED_APPS), "return")
    assert recorded.text == "<57 items>"
    assert recorded.size == 57
    assert "tencent" not in recorded.text


def test_positions_not_named_sensitive_are_kept() -> None:
    value = AgentValue(t="java.lang.String", v="android_id")
    recorded = record_value(value, entry(PIType.DEVICE_ID), "arg1")
    assert recorded.text == "android_id"
    assert recorded.masked is False


def test_an_argument_named_sensitive_is_masked() -> None:
    value = AgentValue(t="java.lang.String", v="+8613800138000")
    recorded = record_value(value, entry(PIType.PHONE_NUMBER, sensitive=["arg0"]), "arg0")
    assert recorded.text == "+8613******000"
    assert recorded.masked is True


def test_null_is_recorded_as_null_even_where_sensitive() -> None:
    recorded = record_value(AgentValue(t="null", v=None), entry(PIType.DEVICE_ID), "return")
    assert recorded.text == "null"
    assert recorded.masked is False


def test_sensitive_value_without_pi_type_keeps_only_its_length() -> None:
    recorded = record_value(
        AgentValue(t="java.lang.String", v="secret"), entry(None, kind=HookKind.PERMISSION_REQUEST), "return"
    )
    assert recorded.text == "<6 chars>"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (AgentValue(t="java.lang.String[]", v=["a", "b"], n=5), "[a, b, … 3 more]"),
        (AgentValue(t="java.lang.String", v="abc", n=10), "abc…"),
        (AgentValue(t="boolean", v=True), "true"),
        (AgentValue(t="long", v=1000), "1000"),
        (AgentValue(t="com.example.AppListener"), "<com.example.AppListener>"),
        (AgentValue(t="null", v=None), "null"),
        (AgentValue(t="java.util.ArrayList", v=[None, 1, "x"], n=3), "[null, 1, x]"),
    ],
)
def test_render(value: AgentValue, text: str) -> None:
    assert render(value) == text
    assert record_value(value, entry(PIType.DEVICE_ID), "arg0").text == text


def test_unknown_entry_keeps_nothing_but_type_and_size() -> None:
    recorded = mask_unknown(AgentValue(t="java.util.List", v=["a"], n=1))
    assert recorded.model_dump() == {"type": "java.util.List", "text": "<masked>", "masked": True, "size": 1}


def test_a_receiver_named_sensitive_is_masked_and_its_text_kept_apart() -> None:
    url = "https://ads.example.com/track?imei=353911101847292"
    recorded = record_value(AgentValue(t="java.net.URL", v=url), entry(PIType.DEVICE_ID, sensitive=["this"]), "this")
    assert recorded.masked is True and recorded.raw == url
    assert "353911101847292" not in recorded.model_dump_json()
    assert recorded.text.startswith("http") and recorded.text.endswith("292")


def test_a_receiver_not_named_sensitive_is_kept_as_it_is() -> None:
    url = "https://api.example.com/v1/config"
    recorded = record_value(AgentValue(t="java.net.URL", v=url), entry(PIType.NETWORK_INFO, sensitive=[]), "this")
    assert recorded.text == url and recorded.masked is False and recorded.raw is None


def test_a_native_output_argument_is_masked_like_any_other_position() -> None:
    recorded = record_value(AgentValue(t="char*", v="R58M1234ABCD"), entry(PIType.DEVICE_ID, sensitive=["arg1"]), "arg1")
    assert recorded.text == "R58M*****BCD" and recorded.raw == "R58M1234ABCD"
