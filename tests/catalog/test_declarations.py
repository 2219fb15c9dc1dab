"""Proof of the hook catalog against the real Android API: every Java entry names a class, a method and overloads
that the platform declarations (or, for app-bundled classes, their listed real signatures) have, and its
`since`/`until` are the API levels the declarations give. An entry that names no real API fails here."""

from __future__ import annotations

import json

import pytest

from auditor.catalog import load_catalog
from auditor.models import CatalogEntry
from tests.catalog.android_api import (
    HOOKS_DIR,
    OKHTTP_VERSION,
    PLATFORM_FILE,
    ApiIndex,
    java_to_declared,
    load_index,
    normalise_declared,
    okhttp_version,
    prove,
)

ENTRIES = load_catalog().entries


@pytest.fixture(scope="session")
def index() -> ApiIndex:
    return load_index()


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda entry: entry.id)
def test_entry_names_a_real_api_with_its_declared_levels(entry: CatalogEntry, index: ApiIndex) -> None:
    proof = prove(entry, index)
    assert proof.problems == [], f"{entry.id}: {'; '.join(proof.problems)}"
    assert (entry.since, entry.until) == (proof.since, proof.until), (
        f"{entry.id}: the catalog says since {entry.since} until {entry.until}, {proof.where} says "
        f"since {proof.since} until {proof.until}"
    )


def test_the_declarations_are_the_pinned_package() -> None:
    manifest = json.loads((HOOKS_DIR / "package.json").read_text(encoding="utf-8"))
    pinned = manifest["devDependencies"]["@nativescript/types-android"]
    installed = json.loads((PLATFORM_FILE.parents[2] / "package.json").read_text(encoding="utf-8"))["version"]
    assert installed == pinned, "hooks/node_modules is stale: run `npm ci --prefix hooks`"


def test_the_parser_reads_what_the_file_says(index: ApiIndex) -> None:
    telephony = index.platform["android.telephony.TelephonyManager"]
    assert [(o.params, o.since) for o in telephony.overloads("getImei")] == [((), 26), (("number",), 26)]
    assert [o.removed for o in telephony.overloads("getNeighboringCellInfo")] == [29]
    secure = index.platform["android.provider.Settings$Secure"]
    assert [o.static for o in secure.overloads("getString")] == [True]
    assert index.platform_levels("android.telephony.SubscriptionInfo") == (22, None)
    assert index.platform["java.io.RandomAccessFile"].overloads("$init")
    assert "androidx.core.app.ActivityCompat" in index.androidx


@pytest.mark.parametrize(("java", "declared"), [
    ("int", "number"), ("long", "number"), ("boolean", "boolean"), ("java.lang.String", "string"),
    ("java.lang.String[]", "androidNative.Array<string>"), ("int[]", "androidNative.Array<number>"),
    ("android.location.GnssStatus$Callback", "android.location.GnssStatus.Callback"),
])
def test_java_types_map_onto_declared_ones(java: str, declared: str) -> None:
    assert java_to_declared(java) == declared


def test_declared_types_lose_what_java_erases() -> None:
    assert normalise_declared("java.util.List<android.net.Uri> | null") == "java.util.List"
    assert normalise_declared("globalAndroid.app.Activity") == "android.app.Activity"
    assert normalise_declared("androidNative.Array<java.util.List<string>>") == "androidNative.Array<java.util.List>"


def entry(**fields: object) -> CatalogEntry:
    base: dict[str, object] = {
        "id": "test.entry", "class": "android.telephony.TelephonyManager", "method": "getImei", "overloads": "all",
        "pi_type": "device-id", "data": {"en": "x", "zh": "x"}, "description": {"en": "x", "zh": "x"}, "since": 26,
    }
    return CatalogEntry.model_validate({**base, **fields})


@pytest.mark.parametrize(("fields", "problem"), [
    ({"class": "android.telephony.TelephonyManagr"}, "no class android.telephony.TelephonyManagr"),
    ({"method": "getImeiNumber"}, "declares no method getImeiNumber"),
    ({"overloads": [["java.lang.String"]]}, "has no overload (java.lang.String)"),
    ({"overloads": [["long"], ["int", "int"]]}, "has no overload (int, int)"),
    ({"class": "android.app.ApplicationPackageManager", "method": "getInstalledPackages",
      "declared_in": "android.content.pm.PackageManagr"}, "declared_in android.content.pm.PackageManagr"),
    ({"declared_in": "android.telephony.TelephonyManager"}, "is public"),
    ({"class": "com.example.sdk.Tracker", "bundled": True}, "neither in the AndroidX declarations, nor in a jar read, nor listed"),
    ({"bundled": True}, "is a platform class: it is not bundled"),
    ({"class": "androidx.core.app.ActivityCompat", "method": "requestPermissions", "bundled": True,
      "overloads": [["android.app.Activity", "java.lang.String[]"]]}, "has no overload"),
    ({"class": "okhttp3.OkHttpClient", "method": "newCall", "bundled": True,
      "overloads": [["java.lang.String"]]}, "has no overload (java.lang.String)"),
])
def test_an_entry_that_names_no_real_api_is_caught(fields: dict[str, object], problem: str, index: ApiIndex) -> None:
    proof = prove(entry(**fields), index)
    assert any(problem in text for text in proof.problems), proof.problems


def test_wrong_levels_are_caught(index: ApiIndex) -> None:
    proof = prove(entry(method="getDeviceId", since=1), index)
    assert proof.problems == [] and proof.since == 21
    assert prove(entry(method="getNeighboringCellInfo"), index).until == 29
    assert prove(entry(overloads=[["int"]]), index).since == 26
    # An overload list takes the levels of the overloads it names: getServiceState() is 26, (int) is 33.
    assert prove(entry(method="getServiceState", overloads=[["int"]]), index).since == 33


def test_exact_overloads_are_matched_through_declared_in(index: ApiIndex) -> None:
    proof = prove(entry(**{"class": "android.app.ContextImpl", "method": "bindService", "kind": "component-start",
                           "pi_type": None, "declared_in": "android.content.Context",
                           "overloads": [["android.content.Intent", "android.content.ServiceConnection", "int"]]}),
                  index)
    assert proof.problems == [] and proof.since == 21


def test_listed_classes_are_not_platform_classes(index: ApiIndex) -> None:
    for name in index.listed:
        assert name not in index.platform, f"{name} is in the platform declarations: check it there"
        assert name not in index.androidx, f"{name} is in the AndroidX declarations: check it there"
        assert name not in index.jars, f"{name} is in a jar the proof reads: check it there"
        assert index.support_mapping.get(name) not in index.androidx, f"{name} maps to AndroidX: check it there"
    for name, declared in index.hidden.items():
        public = index.platform.get(name)
        for method in [*declared.methods, *(["$init"] if declared.constructors else [])]:
            assert public is None or not public.overloads(method), f"{name}.{method} is public: check it there"
    for name, declared in [*index.listed.items(), *index.hidden.items()]:
        assert declared.source, f"{name} names no source"


def test_hidden_entries_are_marked_and_public_ones_are_not(index: ApiIndex) -> None:
    for hidden in (catalog_entry for catalog_entry in ENTRIES if catalog_entry.hidden):
        assert hidden.class_name in index.hidden, f"{hidden.id} is hidden: list its AOSP signature"
    proof = prove(entry(method="getImei", hidden=True), index)
    assert any("is in the public declarations: it is not hidden" in text for text in proof.problems)
    proof = prove(entry(**{"class": "android.telephony.SmsManager", "method": "sendTextMessageSecretly",
                           "hidden": True, "pi_type": "sms"}), index)
    assert any("is not listed in signatures.yaml" in text for text in proof.problems)


def test_what_the_baseline_calls_inet_socket_address_get_host_address_does_not_exist(index: ApiIndex) -> None:
    # Listed by peer tools, but no such method: InetSocketAddress has getHostString (which the catalog hooks).
    socket_address = index.platform["java.net.InetSocketAddress"]
    assert socket_address.overloads("getHostAddress") == [] and socket_address.overloads("getHostString")


def test_the_okhttp_jar_is_the_pinned_release() -> None:
    assert okhttp_version() == OKHTTP_VERSION, (
        f"the proof reads OkHttp {OKHTTP_VERSION} (Debian's libokhttp-java): apt-get install libokhttp-java")


def test_bundled_classes_are_proven_against_real_sources_where_there_is_one(index: ApiIndex) -> None:
    sources = {entry.id: prove(entry, index).where for entry in ENTRIES if entry.bundled}
    assert "okhttp.jar" in sources["network.okhttp-new-call"]
    assert "okhttp.jar" in sources["network.okhttp313-dns"]
    # The support library through Google's class mapping onto the AndroidX declarations.
    assert index.support_mapping["android.support.v4.app.ActivityCompat"] == "androidx.core.app.ActivityCompat"
    for entry_id in ["support.request-permissions", "support.rationale", "support.check-self-permission"]:
        assert "androidx-32.d.ts" in sources[entry_id], (entry_id, sources[entry_id])
    # The jar is read as it is: OkHttp 3.13 made Dns.SYSTEM a lambda, so it has no anonymous Dns$1.
    assert "okhttp3.Dns$1" not in index.jars and index.jars["okhttp3.Dns"].overloads("lambda$static$0")
