"""The shipped hook catalog: loads, is consistent, and holds every API of the core-hooks table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from auditor.catalog import Catalog, load_catalog
from auditor.errors import InputError
from auditor.models import HookKind, PIType
from auditor.resources import SOURCE_ROOT, data_dir

HOOKS_TABLE = SOURCE_ROOT / "docs" / "dev" / "core-hooks.md"
CATALOG_FILES = {
    "accounts.yaml", "apps.yaml", "bluetooth.yaml", "capture.yaml", "clipboard.yaml", "components.yaml",
    "content.yaml", "identifiers.yaml", "location.yaml", "native.yaml", "network-state.yaml", "network.yaml",
    "permissions.yaml",
}


def table_rows() -> list[dict[str, str]]:
    """The rows of the core-hooks table, keyed by its header cells."""
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
        if entry.bundled and entry.since is None:
            continue  # ships inside apps: no platform API level
        assert entry.since is not None and 21 <= entry.since <= 37, entry.id
        assert entry.until is None or entry.until > entry.since, entry.id


def test_the_catalog_watches_200_methods_of_every_personal_information_type(catalog: Catalog) -> None:
    assert len(catalog.entries) >= 200
    assert {entry.pi_type for entry in catalog.collecting()} == set(PIType)
    kinds = {entry.kind for entry in catalog.entries}
    assert kinds == set(HookKind)


# The union of what the best-known tools watch (shared/reference/hook-catalog-baseline.md), all of it, plus its listed
# gaps, as (class, method). Where Android runs the code in an implementation class, the entry names that class and
# declares the public one in `declared_in`; both are accepted here.
BASELINE = [
    ("android.telephony.TelephonyManager", m) for m in [
        "getDeviceId", "getImei", "getMeid", "getSubscriberId", "getSimSerialNumber", "getLine1Number",
        "getSimOperator", "getNetworkOperator", "getSimCountryIso", "getServiceState", "getNetworkOperatorName",
        "getSimOperatorName", "getNetworkCountryIso", "getDeviceSoftwareVersion", "listen", "getCellLocation",
        "getAllCellInfo", "requestCellInfoUpdate"]
] + [
    ("android.telephony.UiccCardInfo", "getIccId"), ("android.provider.Settings$Secure", "getString"),
    ("android.provider.Settings$System", "getString"), ("android.os.Build", "getSerial"),
    ("android.os.SystemProperties", "get"), ("android.net.wifi.WifiInfo", "getMacAddress"),
    ("java.net.NetworkInterface", "getHardwareAddress"),
    ("android.app.admin.DevicePolicyManager", "getWifiMacAddress"),
] + [
    ("com.android.id.impl.IdProviderImpl", m) for m in ["getUDID", "getOAID", "getVAID", "getAAID"]
] + [
    (f"{prefix}com.samsung.android.deviceidservice.IDeviceIdService$Stub$Proxy", m)
    for prefix in ["", "repeackage."] for m in ["getOAID", "getVAID", "getAAID"]
] + [
    ("android.bluetooth.BluetoothDevice", "getName"), ("android.bluetooth.BluetoothDevice", "getAddress"),
    ("android.bluetooth.BluetoothAdapter", "getName"), ("android.accounts.AccountManager", "getAccounts"),
    ("android.accounts.AccountManager", "getAccountsByType"),
] + [
    ("android.location.LocationManager", m) for m in [
        "requestLocationUpdates", "getLastKnownLocation", "getBestProvider", "getGnssHardwareModelName",
        "getGnssYearOfHardware", "getProvider", "requestSingleUpdate", "getCurrentLocation"]
] + [
    ("android.location.Location", m) for m in [
        "getLatitude", "getLongitude", "getAccuracy", "getAltitude", "getBearing", "getBearingAccuracyDegrees",
        "getElapsedRealtimeNanos", "getExtras", "getProvider", "getSpeed", "getSpeedAccuracyMetersPerSecond",
        "getTime", "getVerticalAccuracyMeters"]
] + [
    ("android.location.Geocoder", "getFromLocation"), ("android.location.Geocoder", "getFromLocationName"),
    ("android.telephony.cdma.CdmaCellLocation", "getBaseStationId"),
    ("android.telephony.cdma.CdmaCellLocation", "getNetworkId"), ("android.telephony.gsm.GsmCellLocation", "getCid"),
    ("android.telephony.gsm.GsmCellLocation", "getLac"),
] + [
    ("android.net.wifi.WifiInfo", m) for m in ["getSSID", "getBSSID", "getIpAddress", "getNetworkId"]
] + [
    ("android.net.wifi.WifiManager", m) for m in [
        "getConnectionInfo", "getConfiguredNetworks", "getScanResults", "getWifiState"]
] + [
    ("java.net.InetAddress", "getHostName"), ("java.net.Inet4Address", "getHostAddress"),
    ("java.net.Inet6Address", "getHostAddress"), ("java.net.InetSocketAddress", "getAddress"),
    ("java.net.InetSocketAddress", "getHostName"),
] + [
    ("android.net.NetworkInfo", m) for m in ["getType", "getTypeName", "getExtraInfo", "isAvailable", "isConnected"]
] + [
    ("android.net.ConnectivityManager", "getActiveNetworkInfo"), ("java.net.URL", "openConnection"),
    ("org.apache.http.impl.client.AbstractHttpClient", "execute"),
    ("com.android.okhttp.internal.huc.HttpURLConnectionImpl", "getInputStream"),
    ("java.net.SocketOutputStream", "socketWrite0"), ("java.net.SocketInputStream", "socketRead0"),
    ("com.android.org.conscrypt.ConscryptFileDescriptorSocket$SSLOutputStream", "write"),
    ("com.android.org.conscrypt.ConscryptFileDescriptorSocket$SSLInputStream", "read"),
    ("com.android.org.conscrypt.OpenSSLSocketImpl$SSLOutputStream", "write"),
    ("com.android.org.conscrypt.OpenSSLSocketImpl$SSLInputStream", "read"),
] + [
    ("android.content.pm.PackageManager", m) for m in [
        "getInstalledPackages", "getInstalledApplications", "getInstallerPackageName", "getInstalledModules"]
] + [
    ("android.app.ApplicationPackageManager", m) for m in [
        "getInstalledPackages", "getInstalledApplications", "queryIntentActivities", "getApplicationInfo",
        "getPackageInfoAsUser", "getInstallerPackageName"]
] + [
    ("android.app.ActivityManager", "getRunningAppProcesses"),
    ("android.app.ActivityManager", "getRunningServiceControlPanel"),
    ("android.content.ClipboardManager", "getPrimaryClip"), ("android.content.ClipboardManager", "setPrimaryClip"),
] + [
    ("android.content.ContentResolver", m) for m in ["query", "registerContentObserver", "insert", "delete"]
] + [
    ("android.provider.MediaStore$Images$Media", "query"),
] + [
    ("android.telephony.SmsManager", m) for m in [
        "sendTextMessageInternal", "getDefault", "sendTextMessageWithSelfPermissions",
        "sendMultipartTextMessageInternal", "sendDataMessage", "sendDataMessageWithSelfPermissions",
        "sendTextMessage", "sendMultipartTextMessage"]
] + [
    ("android.hardware.Camera", "open"), ("android.hardware.camera2.CameraManager", "openCamera"),
    ("androidx.camera.core.ImageCapture", "takePicture"), ("android.media.MediaRecorder", "start"),
    ("android.media.AudioRecord", "startRecording"), ("android.media.AudioRecord", "$init"),
    ("android.hardware.SensorManager", "getSensorList"),
    ("android.support.v4.app.ActivityCompat", "requestPermissions"),
    ("androidx.core.app.ActivityCompat", "requestPermissions"),
    ("java.io.RandomAccessFile", "$init"), ("java.io.File", "mkdir"), ("java.io.File", "mkdirs"),
    ("libcore.io.IoBridge", "open"), ("android.content.ContextWrapper", "openFileInput"),
    ("android.content.ContextWrapper", "openFileOutput"), ("android.content.ContextWrapper", "deleteFile"),
    # The gaps the baseline lists.
    ("android.app.Activity", "requestPermissions"), ("android.app.Activity", "onRequestPermissionsResult"),
    ("android.content.Context", "checkSelfPermission"), ("androidx.core.content.ContextCompat", "checkSelfPermission"),
    ("android.support.v4.content.ContextCompat", "checkSelfPermission"),
    ("com.google.android.gms.ads.identifier.AdvertisingIdClient", "getAdvertisingIdInfo"),
    ("android.telephony.SubscriptionManager", "getActiveSubscriptionInfoList"),
    ("android.hardware.SensorManager", "registerListener"),
    ("android.content.Context", "startActivity"), ("android.content.Context", "startService"),
    ("android.content.Context", "bindService"), ("android.content.Context", "sendBroadcast"),
    ("java.net.InetAddress", "getAllByName"), ("okhttp3.OkHttpClient", "newCall"),
]

OVERRIDDEN_EVERYWHERE = {
    ("java.net.InetAddress", "getHostAddress"): ["java.net.Inet4Address", "java.net.Inet6Address"],
    ("java.net.InetAddress", "getAddress"): ["java.net.Inet4Address", "java.net.Inet6Address"],
}
"""Baseline methods whose own code never runs: every InetAddress is an Inet4Address or an Inet6Address, which
override them, so a call of InetAddress.getHostAddress runs (and is hooked) in those classes."""

BASELINE_NATIVE = ["SSL_read", "SSL_write"]
"""The baseline's libssl functions: native entries (native.yaml)."""


@pytest.mark.parametrize(("cls", "method"), BASELINE, ids=lambda value: str(value))
def test_every_baseline_api_has_an_entry(catalog: Catalog, cls: str, method: str) -> None:
    assert any(method == entry.method and cls in (entry.class_name, entry.declared_in) for entry in catalog.entries)


@pytest.mark.parametrize(("api", "classes"), OVERRIDDEN_EVERYWHERE.items(), ids=str)
def test_baseline_methods_run_where_they_are_overridden(catalog: Catalog, api: tuple[str, str],
                                                        classes: list[str]) -> None:
    method = api[1]
    assert all(any(entry.class_name == cls and entry.method == method for entry in catalog.entries)
               for cls in classes)


@pytest.mark.parametrize("symbol", BASELINE_NATIVE)
def test_every_baseline_native_function_has_an_entry(catalog: Catalog, symbol: str) -> None:
    assert any(function.symbol == symbol for entry in catalog.native for function in entry.functions)


def test_noise_is_context_not_a_collection(catalog: Catalog) -> None:
    """What reads no personal information (traffic, writes, the app's own files, addresses an app handles, network
    state checks) is context, never a collection the rules judge; the hot ones are counted, not described."""
    for entry_id in ["inet4.host-address", "inet4.address", "inet.socket-address", "connectivity.network-connected",
                     "connectivity.active-network-info", "clipboard.write", "content.insert", "content.delete",
                     "storage.mkdir", "storage.open-file-input", "network.socket-read", "network.tls-write",
                     "sms.default"]:
        assert catalog[entry_id].kind is HookKind.CONTEXT, entry_id
    for entry_id in ["inet4.address", "network.socket-read", "network.socket-write", "storage.open-file-output",
                     "connectivity.network-connected"]:
        assert catalog[entry_id].capture == "count", entry_id
    for entry in catalog.entries:
        if entry.kind is HookKind.CONTEXT:
            assert entry.pi_type is None and entry.permissions == [], entry.id


def test_wrapped_entries_are_calls_the_wrapper_makes(catalog: Catalog) -> None:
    wrapping = {entry.id: entry.wraps for entry in catalog.entries if entry.wraps}
    assert wrapping["network.okhttp-dns"] == ["network.dns-all-by-name"]
    assert wrapping["androidx.request-permissions"] == ["permissions.request"]
    assert wrapping["sms.send-text"] == ["sms.send-text-internal"]


def test_a_wrap_of_an_unknown_entry_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "entries:" + ENTRY.format(id="test.one") + "    wraps: [test.two]\n")
    with pytest.raises(InputError, match="wraps 'test.two', which is no other Java entry"):
        load_catalog(tmp_path)


def test_content_queries_are_told_apart_by_uri(catalog: Catalog) -> None:
    queries = [entry for entry in catalog.entries if entry.api == "android.content.ContentResolver.query"]
    assert {entry.pi_type for entry in queries} == {PIType.CONTACTS, PIType.SMS, PIType.CALL_LOG, PIType.CALENDAR,
                                                    PIType.MEDIA}
    prefixes = [prefix for entry in queries for prefix in (entry.match.prefix or [] if entry.match else [])]
    assert len(prefixes) == len(set(prefixes)) and all(prefix.startswith("content://") for prefix in prefixes)


def test_permissions_are_full_names(catalog: Catalog) -> None:
    for entry in catalog.entries:
        for permission in entry.permissions:
            assert permission.startswith("android.permission."), (entry.id, permission)


def test_table_has_the_expected_size() -> None:
    assert len(table_rows()) == 11


@pytest.mark.parametrize("row", table_rows(), ids=lambda row: row["catalog id"])
def test_every_core_hook_is_present(catalog: Catalog, row: dict[str, str]) -> None:
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
        "capture": "values",
        "wraps": [],
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


def test_the_catalog_page_counts_what_the_catalog_holds(catalog: Catalog) -> None:
    page = (SOURCE_ROOT / "docs" / "catalog.md").read_text(encoding="utf-8")
    totals = re.search(r"^(\d+) Java methods \(and (\d+) native functions\)", page, re.MULTILINE)
    assert totals is not None and (int(totals[1]), int(totals[2])) == (len(catalog.entries), len(catalog.native))
    rows = dict(re.findall(r"^\| \(?([a-z-]+)\)? \| (\d+) \|", page, re.MULTILINE))
    counted: dict[str, int] = {}
    for entry in catalog.entries:
        key = entry.pi_type.value if entry.kind is HookKind.COLLECT and entry.pi_type else entry.kind.value
        counted[key] = counted.get(key, 0) + 1
    assert {key: int(value) for key, value in rows.items()} == counted
