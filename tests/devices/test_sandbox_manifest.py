"""Reading a sandbox app's AndroidManifest.xml: the subset, Android's name rules, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from auditor.devices.sandbox_manifest import read_manifest, resolve_class, resolve_process
from auditor.errors import InputError
from auditor.resources import demo_app

MANIFEST = """<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android"
          package="com.example.shop" android:versionCode="3" android:versionName="1.2">
  <uses-sdk android:targetSdkVersion="30"/>
  <uses-permission android:name="android.permission.ACCESS_FINE_LOCATION"/>
  <uses-permission android:name="android.permission.ACCESS_FINE_LOCATION"/>
  <uses-permission-sdk-23 android:name="android.permission.CAMERA"/>
  <application android:name=".ShopApplication" android:label="Shop &amp; Co">
    <provider android:name="com.adsdk.InitProvider" android:authorities="com.example.shop.adinit"/>
    <activity android:name=".MainActivity">
      <intent-filter>
        <action android:name="android.intent.action.MAIN"/>
        <category android:name="android.intent.category.LAUNCHER"/>
      </intent-filter>
    </activity>
    <activity android:name="MapActivity"/>
    <service android:name="com.pushsdk.PushService" android:process=":push"/>
    <service android:name=".Sync" android:process="com.example.sync"/>
  </application>
</manifest>
"""


def write_app(tmp_path: Path, manifest: str) -> Path:
    (tmp_path / "AndroidManifest.xml").write_text(manifest, encoding="utf-8")
    return tmp_path


def test_reads_the_subset_with_androids_name_rules(tmp_path: Path) -> None:
    manifest = read_manifest(write_app(tmp_path, MANIFEST))
    assert (manifest.package, manifest.label, manifest.version_name, manifest.version_code, manifest.target_sdk) == (
        "com.example.shop", "Shop & Co", "1.2", 3, 30)
    assert manifest.permissions == ["android.permission.ACCESS_FINE_LOCATION", "android.permission.CAMERA"]
    assert manifest.application_class == "com.example.shop.ShopApplication"
    assert manifest.launcher == "com.example.shop.MainActivity"
    assert [(c.kind, c.class_name, c.process) for c in manifest.components] == [
        ("provider", "com.adsdk.InitProvider", "com.example.shop"),
        ("activity", "com.example.shop.MainActivity", "com.example.shop"),
        ("activity", "com.example.shop.MapActivity", "com.example.shop"),
        ("service", "com.pushsdk.PushService", "com.example.shop:push"),
        ("service", "com.example.shop.Sync", "com.example.sync"),
    ]
    assert manifest.process_names() == ["com.example.shop", "com.example.shop:push", "com.example.sync"]
    info = manifest.app_info()
    assert info.components[0] == "com.adsdk.InitProvider" and info.label == "Shop & Co"


def test_descriptor_is_a_java_properties_document(tmp_path: Path) -> None:
    manifest = read_manifest(write_app(tmp_path, MANIFEST))
    document = manifest.descriptor_xml(Path("/cache/classes"))
    assert b'<!DOCTYPE properties SYSTEM "http://java.sun.com/dtd/properties.dtd">' in document
    entries = {e.get("key"): e.text or "" for e in etree.fromstring(document).iter("entry")}
    assert entries["label"] == "Shop & Co"
    assert entries["services"].splitlines() == [
        "com.pushsdk.PushService\tcom.example.shop:push", "com.example.shop.Sync\tcom.example.sync"]
    assert entries["classes"] == "/cache/classes"


def test_name_resolution() -> None:
    assert resolve_class("a.b", ".C") == "a.b.C"
    assert resolve_class("a.b", "C") == "a.b.C"
    assert resolve_class("a.b", "x.y.C") == "x.y.C"
    assert resolve_process("a.b", ":push", "a.b") == "a.b:push"
    assert resolve_process("a.b", None, "a.b") == "a.b"
    assert resolve_process("a.b", "global.proc", "a.b") == "global.proc"


def test_the_demo_app_manifest_is_as_documented() -> None:
    info = read_manifest(demo_app()).app_info()
    assert (info.package, info.label, info.version_name, info.version_code) == ("com.example.shop", "Shop", "1.2", 3)
    assert info.permissions == [
        "android.permission.READ_PHONE_STATE", "android.permission.ACCESS_FINE_LOCATION",
        "android.permission.ACCESS_COARSE_LOCATION",
    ]
    assert info.components == ["com.adsdk.AdInitProvider", "com.example.shop.MainActivity"]


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("<manifest package='a.b'><application>", "invalid XML", 1),
        ("<?xml version='1.0'?>\n<manifest>\n<application/></manifest>", "no package attribute", 2),
        ("<?xml version='1.0'?>\n<resources/>", "root element must be <manifest>", 2),
        ("<manifest package='a.b'>\n<application/>\n</manifest>", "no launcher activity", 2),
        (("<manifest xmlns:android='http://schemas.android.com/apk/res/android' package='a.b' "
          "android:versionCode='three'><application/></manifest>"), "versionCode must be an integer", 1),
        (("<manifest xmlns:android='http://schemas.android.com/apk/res/android' package='a.b'>\n"
          "<application android:label='@string/app_name'/></manifest>"), "no resources", 2),
    ],
)
def test_bad_manifests_give_one_line_errors_with_file_and_line(tmp_path: Path, text: str, message: str,
                                                                line: int) -> None:
    write_app(tmp_path, text)
    with pytest.raises(InputError) as caught:
        read_manifest(tmp_path)
    assert message in caught.value.message
    assert caught.value.where == f"{tmp_path / 'AndroidManifest.xml'}:{line}"
    assert "\n" not in str(caught.value)


def test_missing_manifest_or_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no AndroidManifest.xml") as caught:
        read_manifest(tmp_path)
    assert caught.value.where == str(tmp_path / "AndroidManifest.xml")
    with pytest.raises(InputError, match="folder not found"):
        read_manifest(tmp_path / "nope")
