"""The shipped hook catalog: loads, is consistent, and holds every API the issue-2 table names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from auditor.catalog import Catalog, load_catalog
from auditor.errors import InputError
from auditor.models import HookKind, PIType
from auditor.resources import SOURCE_ROOT, data_dir

HOOKS_TABLE = SOURCE_ROOT / "docs" / "dev" / "issue2-hooks.md"
CATALOG_FILES = {"identifiers.yaml", "location.yaml", "apps.yaml", "clipboard.yaml", "permissions.yaml"}


def table_rows() -> list[dict[str, str]]:
    """The rows of the issue-2 hook table, keyed by its header cells."""
    lines = [line.strip() for line in HOOKS_TABLE.read_text(encoding="utf-8").splitlines()]
    table = [line for line in lines if line.startswith("|") and line.endswith("|")]
    header = [cell.strip() for cell in table[0].strip("|").split("|")]
    rows = []
    for line in table[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows.append(dict(zip(header, cells, strict=False)))
    return rows


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def test_one_file_per_area() -> None:
    assert {path.name for path in data_dir("catalog").glob("*.yaml")} == CATALOG_FILES


def test_ids_are_unique(catalog: Catalog) -> None:
    ids = [entry.id for entry in catalog.entries]
    assert len(ids) == len(set(ids))


def test_every_collecting_entry_names_a_pi_type(catalog: Catalog) -> None:
    assert catalog.collecting()
    for entry in catalog.collecting():
        assert entry.pi_type is not None, entry.id


def test_every_entry_has_both_languages_and_an_api_level(catalog: Catalog) -> None:
    for entry in catalog.entries:
        assert entry.description.en.strip() and entry.description.zh.strip(), entry.id
        assert re.search(r"[\u4e00-\u9fff]", entry.description.zh), f"{entry.id}: zh description has no Chinese"
        assert entry.since is not None and 1 <= entry.since <= 36, entry.id
        assert entry.until is None or entry.until >= entry.since, entry.id


def test_permissions_are_full_names(catalog: Catalog) -> None:
    for entry in catalog.entries:
        for permission in entry.permissions:
            assert permission.startswith("android.permission."), (entry.id, permission)


def test_table_has_the_expected_size() -> None:
    assert len(table_rows()) == 11


@pytest.mark.parametrize("row", table_rows(), ids=lambda row: row["catalog id"])
def test_every_entry_of_the_issue2_table_is_present(catalog: Catalog, row: dict[str, str]) -> None:
    entry = catalog.get(row["catalog id"])
    assert entry is not None, f"{row['catalog id']} missing from the catalog"
    assert entry.class_name == row["class"]
    assert entry.method == row["method"].split()[0]
    assert entry.overloads == "all"
    pi_type = row["pi_type"]
    if pi_type.startswith("(kind:"):
        assert entry.kind is HookKind.PERMISSION_REQUEST
        assert entry.pi_type is None
    else:
        assert entry.kind is HookKind.COLLECT
        assert entry.pi_type is PIType(pi_type)
    guarded = re.findall(r"\b(?:READ|ACCESS)_[A-Z_]+", row["permission(s) guarding it"])
    assert entry.permissions == [f"android.permission.{name}" for name in guarded]
    assert entry.sensitive == (["return"] if row["sensitive"] == "return" else [])


def test_the_android_id_entry_records_only_that_key(catalog: Catalog) -> None:
    entry = catalog["settings.android-id"]
    assert entry.match is not None
    assert (entry.match.arg, entry.match.equals) == (1, ["android_id"])


def test_agent_config_carries_what_the_installer_needs(catalog: Catalog) -> None:
    config = {item["id"]: item for item in catalog.agent_config()}
    assert config["settings.android-id"] == {
        "id": "settings.android-id",
        "cls": "android.provider.Settings$Secure",
        "method": "getString",
        "overloads": "all",
        "match": {"arg": 1, "equals": ["android_id"]},
        "receiver": False,
        "bundled": False,
    }


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


ENTRY = """
  - id: {id}
    class: android.test.Api
    method: read
    pi_type: device-id
    data: {{en: a value, zh: 一个值}}
    description: {{en: reads, zh: 读取}}
"""


def test_duplicate_ids_are_refused_with_both_places(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "entries:" + ENTRY.format(id="test.one"))
    write(tmp_path, "b.yaml", "entries:" + ENTRY.format(id="test.one"))
    with pytest.raises(InputError, match=r"duplicate catalog id 'test.one' \(first at .*a.yaml:2"):
        load_catalog(tmp_path)


def test_a_collecting_entry_without_pi_type_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "entries:" + ENTRY.format(id="test.one").replace("    pi_type: device-id\n", ""))
    with pytest.raises(InputError, match="collects data but names no pi_type"):
        load_catalog(tmp_path)


def test_a_typo_in_a_field_points_at_its_line(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "entries:" + ENTRY.format(id="test.one").replace("method:", "methd:"))
    with pytest.raises(InputError) as error:
        load_catalog(tmp_path)
    assert "a.yaml:" in str(error.value)
    assert "\n" not in str(error.value)
