"""`dumpsys package` outputs as devices and users saved them (UTF-16 with a BOM, several users, raw flags,
fragments without headers, an updated system app listed twice), parsed as given."""

from __future__ import annotations

import pytest

from auditor.devices.android_dumpsys import decode_output, parse_package_dump
from auditor.testing.fixtures import android_fixture, android_fixtures_dir


def dump_of(name: str) -> str:
    return decode_output(android_fixture(f"dumpsys-package/{name}").read_bytes())


def test_utf16_output_with_bom_is_decoded_and_parsed() -> None:
    raw = android_fixture("dumpsys-package/air3xctaddon-package-dump-utf16le.txt").read_bytes()
    assert raw[:2] == b"\xff\xfe"
    dump = parse_package_dump(decode_output(raw))
    entry = dump.package("com.xc.air3xctaddon")
    assert entry is not None and (entry.version_code, entry.version_name, entry.target_sdk) == (1, "1.0", 34)
    runtime = dump.runtime_permissions("com.xc.air3xctaddon", 0)
    notifications = runtime["android.permission.POST_NOTIFICATIONS"]
    assert notifications.granted and notifications.user_decided
    assert "RESTRICTION_INSTALLER_EXEMPT" in runtime["android.permission.READ_EXTERNAL_STORAGE"].flags
    # Install permissions carry flags too, and are not runtime ones.
    assert entry.install["android.permission.MANAGE_EXTERNAL_STORAGE"].flags == ("USER_SET",)
    assert "android.permission.MANAGE_EXTERNAL_STORAGE" not in runtime


def test_every_user_has_its_own_runtime_permissions() -> None:
    dump = parse_package_dump(dump_of("cockpit-automotive-package-dump-utf16le.txt"))
    entry = dump.package("com.wheelchair.cockpit")
    assert entry is not None and sorted(entry.users) == [0, 10]
    assert entry.users[0].installed is False and entry.users[0].runtime == {}
    user10 = dump.runtime_permissions("com.wheelchair.cockpit", 10)
    assert sorted(user10) == ["android.car.permission.CAR_SPEED", "android.permission.RECORD_AUDIO"]
    assert user10["android.permission.RECORD_AUDIO"].granted
    # `User 0:` lines under Queries: and Package Changes: are not users of the package.
    assert dump.runtime_permissions("com.wheelchair.cockpit", 0) == {}


def test_raw_numeric_flag_is_kept_and_empty_user_section_is_empty() -> None:
    dump = parse_package_dump(dump_of("manet-pkmproject-package-dump.txt"))
    fine = dump.runtime_permissions("com.example.pkmproject", 0)["android.permission.ACCESS_FINE_LOCATION"]
    assert fine.flags == ("USER_SET", "USER_SENSITIVE_WHEN_GRANTED", "USER_SENSITIVE_WHEN_DENIED", "524288")
    assert fine.granted and fine.user_decided and not fine.fixed_by_system
    assert dump.runtime_permissions("com.example.pkmproject", 999) == {}
    entry = dump.package("com.example.pkmproject")
    assert entry is not None and entry.target_sdk == 36 and len(entry.requested) == 18


def test_updated_system_app_reports_the_live_entry_not_the_factory_one() -> None:
    dump = parse_package_dump(dump_of("tekartik-wearos-package1.txt"))
    assert [(e.section, e.version_code) for e in dump.entries] == [("Packages", 20), ("Hidden system packages", 15)]
    live = dump.package("com.tekartik.package1")
    assert live is not None and live.version_name == "1.0.16"
    granted = dump.runtime_permissions("com.tekartik.package1", 0)
    assert granted["com.google.android.wearable.permission.RECEIVE_COMPLICATION_DATA"].flags == ("GRANTED_BY_DEFAULT",)


@pytest.mark.parametrize("name", ["appium-adb-general-commands-dumpedOutput.txt",
                                  "appium-adb-general-commands-dumpedLimitedOutput.txt"])
def test_fragments_without_package_header(name: str) -> None:
    dump = parse_package_dump(dump_of(name))
    runtime = dump.runtime_permissions("com.xxx", 0)
    assert runtime["android.permission.CAMERA"].granted is False
    assert runtime["android.permission.CAMERA"].flags == ("USER_SET",)
    assert runtime["android.permission.ACCESS_FINE_LOCATION"].granted
    assert len(runtime) == 7


def test_empty_runtime_section_at_end_of_output() -> None:
    dump = parse_package_dump(dump_of("appium-adb-apk-utils-getPackageInfo.txt"))
    entry = dump.package("com.example.testapp.first")
    assert entry is not None and entry.users[0].runtime == {} and entry.target_sdk == 24


def test_every_dumpsys_fixture_parses() -> None:
    for path in sorted((android_fixtures_dir() / "dumpsys-package").iterdir()):
        dump = parse_package_dump(decode_output(path.read_bytes()))
        assert dump.entries, path.name
        assert all(entry.users for entry in dump.entries if entry.section in ("Packages", "")), path.name


@pytest.mark.parametrize(("fixture", "package", "app_id", "uid_user_10"), [
    ("dumpsys-package/manet-pkmproject-package-dump.txt", "com.example.pkmproject", 10441, 1010441),   # userId=
    ("dumpsys-package/cockpit-automotive-package-dump-utf16le.txt", "com.wheelchair.cockpit", 10248, 1010248),  # appId=
])
def test_the_apps_uid(fixture: str, package: str, app_id: int, uid_user_10: int) -> None:
    entry = parse_package_dump(decode_output(android_fixture(fixture).read_bytes())).package(package)
    assert entry is not None and (entry.app_id, entry.shared_user, entry.uid(10)) == (app_id, False, uid_user_10)
