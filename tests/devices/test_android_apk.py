"""APK metadata from a real APK (uiautomator2's helper app, shipped in a package the project depends on)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from auditor.devices.android_apk import read_apk
from auditor.errors import InputError
from tests.devices.android_support import U2_APK


def test_real_apk_metadata() -> None:
    apk = read_apk(U2_APK)
    assert apk.package == "com.github.uiautomator"
    assert apk.label == "ATX"  # resolved from resources.arsc, not the @string reference
    assert (apk.version_name, apk.version_code, apk.target_sdk) == ("2.4.0", 2004001, 32)
    assert "android.permission.INTERNET" in apk.permissions and apk.permissions == sorted(apk.permissions)
    assert apk.launcher_activity == "com.github.uiautomator.MainActivity"
    info = apk.app_info()
    assert info.package == apk.package and info.target_sdk == 32 and info.permissions == apk.permissions


def test_not_a_zip_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "app.apk"
    path.write_text("not an apk")
    with pytest.raises(InputError, match=r"app\.apk: not an APK"):
        read_apk(path)


def test_zip_without_manifest_is_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "empty.apk"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("classes.dex", b"dex\n035\x00")
    with pytest.raises(InputError, match="no readable AndroidManifest.xml"):
        read_apk(path)
    assert capsys.readouterr().out == ""


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="APK file not found"):
        read_apk(tmp_path / "none.apk")


def test_declared_processes_private_and_global() -> None:
    from lxml import etree

    from auditor.devices.android_apk import application_process, declared_processes
    from auditor.resources import SOURCE_ROOT

    probe = etree.parse(str(SOURCE_ROOT / "tests" / "apps" / "probe" / "AndroidManifest.xml")).getroot()
    assert declared_processes(probe, "org.probe") == ("org.probe:push",)
    # The parser hands attributes with their namespace, as pyaxmlparser's get_android_manifest_xml() does.
    manifest = etree.fromstring(
        '<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="com.example.shop">'
        '<application android:process="com.example.shop.main">'
        '<activity android:name=".Main"/>'
        '<service android:name=".Sync" android:process="com.example.sync"/>'
        '<provider android:name=".Files" android:process=":files"/>'
        '<receiver android:name=".Boot" android:process="com.example.shop"/>'
        "</application></manifest>")
    assert declared_processes(manifest, "com.example.shop") == (
        "com.example.shop.main", "com.example.shop:files", "com.example.sync")
    assert declared_processes(None, "com.example.shop") == ()
    assert application_process(manifest, "com.example.shop") == "com.example.shop.main"
    assert application_process(probe, "org.probe") == "org.probe"
