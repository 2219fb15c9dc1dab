"""`consent-audit catalog`: the table people read and the JSON machines read, from the real shipped catalog."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.catalog import load_catalog
from auditor.cli import EXIT_CLEAN, EXIT_USAGE, main


def test_json_lists_every_entry_with_all_its_fields(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "--format", "json"]) == EXIT_CLEAN
    listed = json.loads(capsys.readouterr().out)
    catalog = load_catalog()
    assert [item["id"] for item in listed] == [entry.id for entry in [*catalog.entries, *catalog.native]]
    imei = next(item for item in listed if item["id"] == "telephony.imei")
    assert imei["class"] == "android.telephony.TelephonyManager" and imei["method"] == "getImei"
    assert imei["permissions"] == ["android.permission.READ_PHONE_STATE"] and imei["since"] == 26
    assert imei["description"]["zh"]
    contacts = next(item for item in listed if item["id"] == "content.contacts")
    assert contacts["match"] == {"arg": 0, "prefix": ["content://com.android.contacts", "content://contacts"]}


def test_the_table_has_one_row_per_entry_with_api_type_permissions_and_levels(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog"]) == EXIT_CLEAN
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split()[:5] == ["ID", "API", "PI", "TYPE", "PERMISSIONS"]
    rows = {line.split()[0]: line.split() for line in lines[1:] if line and not line.endswith("entries")}
    catalog = load_catalog()
    assert len(rows) == len(catalog.entries) + len(catalog.native)
    assert rows["telephony.imei"][1:5] == ["android.telephony.TelephonyManager.getImei", "device-id",
                                           "READ_PHONE_STATE", "26+"]
    assert rows["cell.neighboring"][4] == "21-28"
    assert rows["androidx.request-permissions"][2:5] == ["(permission-request)", "-", "bundled"]
    assert out.rstrip().endswith(f"{len(rows)} entries")


def test_filter_by_personal_information_type(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "--format", "json", "--pi-type", "sms"]) == EXIT_CLEAN
    listed = json.loads(capsys.readouterr().out)
    assert listed and {item["pi_type"] for item in listed} == {"sms"}
    assert "content.sms" in {item["id"] for item in listed}


def test_zh_data_column(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "--lang", "zh", "--pi-type", "clipboard"]) == EXIT_CLEAN
    assert "剪贴板内容" in capsys.readouterr().out


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "--pi-type", "dna"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "unknown personal-information type 'dna'" in err and err.count("\n") == 1
    (tmp_path / "a.yaml").write_text("entries:\n  - id: x\n", encoding="utf-8")
    assert main(["catalog", "--catalog", str(tmp_path)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "a.yaml:2" in err and "Traceback" not in err
