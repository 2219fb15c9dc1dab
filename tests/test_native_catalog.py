"""Native catalog entries as data: the schema (auditor.models.NativeCatalogEntry, ArgMatch.glob), how load_catalog()
keeps them apart from the Java entries, and the shipped hooks/catalog/native.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from auditor.catalog import load_catalog
from auditor.errors import InputError
from auditor.models import ArgMatch, CatalogEntry, HookKind, NativeCatalogEntry
from auditor.resources import data_dir


def native(**fields: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": "native.test",
        "class": "libc",
        "method": "open",
        "functions": [{"symbol": "open", "args": ["cstring", "int"]},
                      {"symbol": "openat", "args": ["skip", "cstring", "int"]}],
        "pi_type": "device-id",
        "data": {"en": "test", "zh": "测试"},
        "sensitive": [],
        "description": {"en": "test", "zh": "测试"},
    }
    entry.update(fields)
    return entry


def test_a_native_entry_is_a_catalog_entry_with_functions() -> None:
    entry = NativeCatalogEntry.model_validate(native(match={"arg": 0, "glob": ["/sys/class/net/*/address"]}))
    assert isinstance(entry, CatalogEntry)
    assert entry.api == "libc.open" and entry.kind is HookKind.COLLECT
    assert [function.recorded for function in entry.functions] == [2, 2]
    assert entry.functions[0].module is None and entry.functions[0].returns == "int"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"functions": []}, "at least 1 item"),
        ({"functions": [{"symbol": "open", "args": ["cstring", "int"]}, {"symbol": "fopen", "args": ["cstring"]}]},
         "must record the same number of arguments"),
        ({"match": {"arg": 2, "equals": ["x"]}}, "match.arg 2 is not a recorded argument"),
        ({"sensitive": ["arg5"]}, "sensitive position arg5 is not a recorded argument"),
        ({"sensitive": ["this"]}, "a native call has no `this`"),
        ({"receiver": True}, "are for Java entries"),
        ({"bundled": True}, "are for Java entries"),
        ({"functions": [{"symbol": "open(", "args": []}]}, "String should match pattern"),
        ({"functions": [{"symbol": "open", "args": ["string"]}]}, "Input should be 'skip'"),
    ],
)
def test_bad_native_entries_are_refused(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        NativeCatalogEntry.model_validate(native(**fields))


def test_a_match_gives_exactly_one_test() -> None:
    assert ArgMatch(arg=0, glob=["*.*.*.*:*"]).glob == ["*.*.*.*:*"]
    with pytest.raises(ValidationError, match="exactly one of `equals`, `prefix`, `glob` or `other_package`"):
        ArgMatch(arg=0, prefix=["content://sms"], glob=["content://sms/*"])
    with pytest.raises(ValidationError, match="exactly one of"):
        ArgMatch(arg=0)


def write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


JAVA_ENTRY = """
  - id: wifi.mac
    class: android.net.wifi.WifiInfo
    method: getMacAddress
    pi_type: device-id
    data: {en: MAC, zh: MAC}
    description: {en: x, zh: x}
"""

NATIVE_ENTRY = """
  - id: native.mac
    class: libc
    method: open
    functions:
      - {symbol: open, args: [cstring, int]}
    match: {arg: 0, glob: ["/sys/class/net/*/address"]}
    pi_type: device-id
    data: {en: MAC, zh: MAC}
    sensitive: []
    description: {en: x, zh: x}
"""


def test_load_catalog_keeps_native_entries_apart_and_finds_both(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "entries:" + JAVA_ENTRY)
    write(tmp_path, "native.yaml", "entries:" + NATIVE_ENTRY)
    catalog = load_catalog(tmp_path)
    assert [entry.id for entry in catalog.entries] == ["wifi.mac"]
    assert [entry.id for entry in catalog.native] == ["native.mac"]
    assert len(catalog) == 1 and [entry.id for entry in catalog] == ["wifi.mac"]
    assert isinstance(catalog.get("native.mac"), NativeCatalogEntry)
    assert catalog["wifi.mac"].class_name == "android.net.wifi.WifiInfo"
    assert [item["id"] for item in catalog.agent_config()] == ["wifi.mac"]
    assert catalog.native_config() == [{
        "id": "native.mac",
        "cls": "libc",
        "functions": [{"symbol": "open", "module": None, "args": ["cstring", "int"], "returns": "int"}],
        "match": {"arg": 0, "glob": ["/sys/class/net/*/address"]},
    }]


def test_an_id_used_by_a_java_and_a_native_entry_is_a_duplicate(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "entries:" + JAVA_ENTRY)
    write(tmp_path, "native.yaml", "entries:" + NATIVE_ENTRY.replace("native.mac", "wifi.mac"))
    with pytest.raises(InputError, match=r"duplicate catalog id 'wifi.mac'"):
        load_catalog(tmp_path)


def test_a_bad_native_entry_is_reported_at_its_line(tmp_path: Path) -> None:
    write(tmp_path, "native.yaml", "entries:" + NATIVE_ENTRY.replace("[cstring, int]", "[cstring, float]"))
    with pytest.raises(InputError) as error:
        load_catalog(tmp_path)
    assert "native.yaml:6" in str(error.value) and "\n" not in str(error.value)


def test_the_shipped_native_entries_cover_the_identifier_sources_dns_and_sockets() -> None:
    catalog = load_catalog(data_dir("catalog"))
    entries = {entry.id: entry for entry in catalog.native}
    symbols = {entry.id: {function.symbol for function in entry.functions} for entry in catalog.native}
    assert {"open", "open64", "openat", "openat64"} <= symbols["native.mac-address-file"]
    assert symbols["native.serial-property"] == {"__system_property_get"}
    assert {"getaddrinfo", "android_getaddrinfofornet"} <= symbols["native.dns-lookup"]
    assert symbols["native.socket-connect"] == {"connect"}
    assert entries["native.dns-lookup"].kind is HookKind.NETWORK
    mac = entries["native.mac-address-file"].match
    assert mac is not None and mac.glob is not None and "/sys/class/net/*/address" in mac.glob
    serial = entries["native.serial-property"].match
    assert serial is not None and serial.equals is not None and {"ro.serialno", "ro.boot.serialno"} <= set(serial.equals)
    assert entries["native.serial-property"].sensitive == ["arg1"]
    assert {entry.id for entry in catalog.native}.isdisjoint(entry.id for entry in catalog.entries)
