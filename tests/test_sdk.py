from pathlib import Path

import pytest

from auditor.errors import InputError
from auditor.sdk import (
    LIBRARY,
    SIGNATURES_FILE,
    Attribution,
    SdkSignature,
    attribute,
    check_extra_signature,
    frame_class,
    is_native_frame,
    is_obfuscated,
    is_own_code,
    known_sdks,
    load_signatures,
    third_party_package,
)

APP = "com.example.shop"

# A stack as the agent records it (the sandbox demo app, run of `make demo`): the hooked API's own frame first,
# as the `(Native Method)` stub the hook replaced it with, then its callers.
DEMO_STACK = [
    "android.provider.Settings$Secure.getString(Native Method)",
    "com.adsdk.AdSdk.initialize(AdSdk.java:16)",
    "com.adsdk.AdInitProvider.onCreate(AdInitProvider.java:12)",
    "android.content.ContentProvider.attachInfo(ContentProvider.java:21)",
    "android.app.ActivityThread.installProvider(ActivityThread.java:141)",
    "android.app.ActivityThread.bindApplication(ActivityThread.java:115)",
    "consentaudit.sandbox.ControlServer.lambda$go$7(ControlServer.java:150)",
    "android.os.Looper.loop(Looper.java:52)",
    "consentaudit.sandbox.Launcher.main(Launcher.java:45)",
]


# --- attribution on real-looking stacks


def test_known_sdk_nested_under_the_apps_code_is_the_sdk_with_vendor_and_category():
    caller = attribute([
        "android.telephony.TelephonyManager.getImei(Native Method)",
        "com.umeng.commonsdk.statistics.common.DeviceConfig.getImeiNew(DeviceConfig.java:412)",
        "com.umeng.commonsdk.UMConfigure.init(UMConfigure.java:233)",
        f"{APP}.ShopApplication.onCreate(ShopApplication.java:9)",
        "android.app.Instrumentation.callApplicationOnCreate(Instrumentation.java:1192)",
    ], APP)
    assert (caller.origin, caller.sdk, caller.vendor, caller.category) == (
        "sdk", "Umeng", "Alibaba", "analytics")
    assert caller.package == "com.umeng"
    assert caller.frame is not None and "DeviceConfig.getImeiNew" in caller.frame


def test_the_longest_matching_prefix_names_the_sdk():
    table = known_sdks()
    assert table.match("com.umeng.analytics.MobclickAgent") is table.get("com.umeng.analytics")
    assert table.match("com.umeng.message.PushAgent") is table.get("com.umeng.message")
    ad = attribute(["android.provider.Settings$Secure.getString(Native Method)",
                    "com.google.android.gms.ads.internal.ClientApi.a(ClientApi.java:3)"], APP)
    assert (ad.sdk, ad.category) == ("Google AdMob", "advertising")
    services = attribute(["android.provider.Settings$Secure.getString(Native Method)",
                          "com.google.android.gms.common.GooglePlayServicesUtil.x(Unknown Source:2)"], APP)
    assert (services.sdk, services.category) == ("Google Play services", "mobile-services")


def test_an_ad_sdk_calling_okhttp_is_the_caller_not_okhttp():
    caller = attribute([
        "java.net.InetAddress.getAllByName(Native Method)",
        "okhttp3.Dns$Companion$DnsSystem.lookup(Dns.kt:49)",
        "okhttp3.internal.connection.RouteSelector.resetNextInetSocketAddress(RouteSelector.kt:164)",
        "okhttp3.internal.connection.RealConnectionPool$ExchangeFinder.findConnection(ExchangeFinder.kt:92)",
        "okhttp3.RealCall.execute(RealCall.kt:154)",
        "com.bytedance.sdk.openadsdk.core.net.Http.post(Http.java:88)",
        "com.bytedance.sdk.openadsdk.TTAdSdk.init(TTAdSdk.java:40)",
        f"{APP}.ShopApplication.onCreate(ShopApplication.java:12)",
    ], APP)
    assert (caller.origin, caller.sdk, caller.vendor, caller.category) == (
        "sdk", "Pangle (CSJ)", "ByteDance", "advertising")
    assert caller.frame is not None and caller.frame.startswith("com.bytedance.sdk.openadsdk.core.net.Http.post")


def test_the_app_calling_okhttp_is_the_app():
    caller = attribute([
        "java.net.Socket.connect(Native Method)",
        "okhttp3.internal.platform.Platform.connectSocket(Platform.kt:128)",
        "retrofit2.OkHttpCall.execute(OkHttpCall.java:204)",
        f"{APP}.net.CatalogApi.load(CatalogApi.kt:31)",
    ], APP)
    assert caller.origin == "app"
    assert caller.category is None


def test_a_library_alone_on_its_own_thread_is_named_as_the_library():
    # OkHttp's dispatcher runs queued calls on its own threads: whoever queued the call is not on this stack.
    caller = attribute([
        "java.net.InetAddress.getAllByName(Native Method)",
        "okhttp3.Dns$Companion$DnsSystem.lookup(Dns.kt:49)",
        "okhttp3.RealCall$AsyncCall.run(RealCall.kt:138)",
        "java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1167)",
        "java.lang.Thread.run(Thread.java:923)",
    ], APP)
    assert (caller.origin, caller.sdk, caller.vendor, caller.category) == ("sdk", "OkHttp", "Square", LIBRARY)


def test_the_app_calling_an_androidx_wrapper_is_the_app():
    caller = attribute([
        "android.app.Activity.requestPermissions(Native Method)",
        "androidx.core.app.ActivityCompat.requestPermissions(ActivityCompat.java:524)",
        "androidx.activity.result.ActivityResultRegistry$1.launch(ActivityResultRegistry.java:167)",
        f"{APP}.MainActivity.onCreate(MainActivity.java:20)",
        "android.app.Activity.performCreate(Activity.java:8000)",
    ], APP)
    assert caller.origin == "app"
    assert caller.frame is not None and "MainActivity.onCreate" in caller.frame


def test_a_permission_helper_library_is_looked_past():
    caller = attribute([
        "android.app.Activity.requestPermissions(Native Method)",
        "com.hjq.permissions.PermissionFragment.requestDangerousPermission(PermissionFragment.java:120)",
        "com.hjq.permissions.XXPermissions.request(XXPermissions.java:200)",
        f"{APP}.MainActivity.askLocation(MainActivity.java:44)",
    ], APP)
    assert caller.origin == "app"


def test_the_advertising_id_client_is_transparent():
    def caller_of(outer: str) -> str | None:
        return attribute([
            "android.content.ContextWrapper.bindService(Native Method)",
            "com.google.android.gms.ads.identifier.AdvertisingIdClient.getAdvertisingIdInfo(Unknown Source:12)",
            outer,
        ], APP).sdk
    assert caller_of("com.appsflyer.internal.AFb1xSDK.values(Unknown Source:40)") == "AppsFlyer"
    assert caller_of(f"{APP}.ads.Ids.gaid(Ids.java:7)") is None


def test_the_hooked_methods_own_frame_is_never_the_caller():
    # A hook on a class that ships inside the app: its stub is frame 0, and the one who called it is the caller.
    sdk_hook = attribute(["com.umeng.commonsdk.UMConfigure.init(Native Method)",
                          f"{APP}.ShopApplication.onCreate(ShopApplication.java:9)"], APP)
    assert sdk_hook.origin == "app"
    library_hook = attribute(["okhttp3.OkHttpClient.newCall(Native Method)",
                              "com.igexin.push.core.a.b(Unknown Source:5)"], APP)
    assert (library_hook.sdk, library_hook.category) == ("Getui Push", "push")
    assert attribute(["android.net.wifi.WifiInfo.getMacAddress(Native Method)"], APP).origin == "unknown"


def test_the_apps_package_and_an_sdk_prefix_compete_by_length():
    assert attribute(["android.a.B.c(Native Method)", "com.facebook.katana.LoginActivity.go(L.java:1)"],
                     "com.facebook.katana").origin == "app"
    inside = attribute(["android.a.B.c(Native Method)", "com.facebook.login.LoginManager.logIn(L.java:1)"],
                       "com.facebook.katana")
    assert (inside.origin, inside.sdk) == ("sdk", "Facebook Login")


def test_a_string_prefix_that_is_not_a_package_prefix_does_not_match():
    umengx = attribute(["android.a.B.c(Native Method)", "com.umengx.Thing.read(Thing.java:1)"], APP)
    assert (umengx.sdk, umengx.vendor, umengx.category) == ("com.umengx", None, None)
    email = attribute(["android.a.B.c(Native Method)", "com.qq.email.Sync.run(Sync.java:1)"], APP)
    assert (email.sdk, email.vendor) == ("com.qq", None)
    gdt = attribute(["android.a.B.c(Native Method)", "com.qq.e.comm.managers.GDTADManager.init(G.java:1)"], APP)
    assert gdt.sdk == "Tencent Ads (GDT)"
    shopping = attribute(["android.a.B.c(Native Method)", "com.example.shopping.Tracker.t(Tracker.java:1)"], APP)
    assert (shopping.origin, shopping.package) == ("sdk", "com.example")


def test_obfuscated_code_is_looked_past_to_the_code_that_names_its_owner():
    under_sdk = attribute([
        "android.telephony.TelephonyManager.getDeviceId(Native Method)",
        "a.b.c.d(SourceFile:12)",
        "a.b.e.run(SourceFile:3)",
        "com.tencent.bugly.crashreport.CrashReport.initCrashReport(CrashReport.java:5)",
        f"{APP}.App.onCreate(App.java:4)",
    ], APP)
    assert (under_sdk.sdk, under_sdk.category) == ("Bugly", "crash-reporting")
    under_app = attribute(["android.telephony.TelephonyManager.getDeviceId(Native Method)",
                           "o.ab.c(SourceFile:1)", f"{APP}.App.onCreate(App.java:4)"], APP)
    assert under_app.origin == "app"


def test_obfuscated_code_with_no_owner_outside_it_is_named_by_its_whole_package():
    alone = attribute(["android.telephony.TelephonyManager.getDeviceId(Native Method)",
                       "a.b.c.d.e(SourceFile:12)", "java.lang.Thread.run(Thread.java:833)"], APP)
    assert (alone.origin, alone.package, alone.sdk) == ("sdk", "a.b.c", "a.b.c")
    assert alone.frame == "a.b.c.d.e(SourceFile:12)"
    default_package = attribute(["android.telephony.TelephonyManager.getDeviceId(Native Method)",
                                 "a.b(SourceFile:3)"], APP)
    assert default_package.origin == "sdk" and default_package.frame == "a.b(SourceFile:3)"


def test_obfuscation_is_recognised_by_package_shape():
    assert is_obfuscated("a.b.c")
    assert is_obfuscated("o.ab.Cd")
    assert is_obfuscated("defpackage.xy")
    assert is_obfuscated("Foo")
    assert not is_obfuscated("com.a.b")
    assert not is_obfuscated("io.sentry.Sentry")


def test_native_frames_are_never_read_as_java_classes():
    caller = attribute([
        "0x7f2a4c1e40 libc.so!open",
        "0x7f2a4c1e90 libumeng.so!Java_com_umeng_commonsdk_Native_read+0x3c",
        "libfoo.so!bar+0x10",
        "libart.so+0x1d2c4",
        f"{APP}.NativeBridge.readMac(Native Method)",
        f"{APP}.MainActivity.onResume(MainActivity.java:50)",
    ], APP)
    assert caller.origin == "app"
    native_only = attribute(["0x7f2a4c1e40 libc.so!open", "libfoo.so!com.umeng.X.y(int)"], APP)
    assert native_only.origin == "unknown"
    assert native_only.sdk is None
    assert is_native_frame("0x7f2a4c1e40 libc.so!open")
    assert is_native_frame("libfoo.so.1!bar")
    assert not is_native_frame("com.example.so.Foo.bar(Foo.java:1)")
    assert frame_class("libfoo.so!com.umeng.X.y(int)") is None


def test_the_sandbox_demo_stack_names_the_unknown_third_party_by_its_package():
    caller = attribute(DEMO_STACK, APP)
    assert (caller.origin, caller.package, caller.sdk, caller.vendor) == ("sdk", "com.adsdk", "com.adsdk", None)
    assert caller.frame == "com.adsdk.AdSdk.initialize(AdSdk.java:16)"


def test_platform_only_stack_is_the_system_not_the_app():
    caller = attribute(["android.net.wifi.WifiInfo.getMacAddress(Native Method)",
                        "android.app.ActivityThread.main(ActivityThread.java:8)",
                        "consentaudit.sandbox.Launcher.boot(Launcher.java:5)",
                        "java.base/java.lang.Thread.run(Thread.java:833)"], APP)
    assert caller.origin == "system"


def test_missing_stack_is_unknown():
    assert attribute([], APP).origin == "unknown"
    assert attribute(None, APP).origin == "unknown"


def test_each_call_gets_its_own_caller_object():
    first = attribute(DEMO_STACK, APP)
    first.sdk = "changed"
    assert attribute(DEMO_STACK, APP).sdk == "com.adsdk"


def test_frame_parsing_handles_loader_module_and_hidden_class_prefixes():
    assert frame_class("app//com.x.Y.z(Y.java:1)") == "com.x.Y"
    assert frame_class("java.base@17.0.15/java.lang.Thread.run(Thread.java:833)") == "java.lang.Thread"
    assert frame_class("com.foo.loader/foo@9.0/com.foo.Main.run(Main.java:101)") == "com.foo.Main"
    assert frame_class("com.x.Y$Inner.<clinit>(Y.java:3)") == "com.x.Y$Inner"
    assert frame_class("com.x.Y$$Lambda$14/0x0000000800c03000.run(Unknown Source)") == "com.x.Y$$Lambda$14"
    assert frame_class("com.x.Y.lambda-0(Y.kt:3)") == "com.x.Y"
    assert frame_class("not a frame") is None
    assert third_party_package("com.trackmetrics.Analytics") == "com.trackmetrics"
    lambda_caller = attribute(["android.a.B.c(Native Method)",
                               "com.igexin.push.Pusher$$Lambda$3/0x0000000800c03000.run(Unknown Source)"], APP)
    assert lambda_caller.sdk == "Getui Push"


# --- the shipped table


def test_the_table_has_at_least_300_prefixes_each_with_a_declared_source():
    table = known_sdks()
    assert len(table) >= 300
    for sdk in table.sdks:
        kind, _, reference = sdk.source.partition(":")
        assert kind in table.sources and reference, sdk
        if kind == "exodus":
            assert reference.isdigit(), sdk


def test_the_table_covers_the_sdks_common_in_chinese_and_global_apps():
    table = known_sdks()
    expected = {
        "com.umeng.analytics": "analytics", "cn.jpush": "push", "com.igexin": "push", "com.tencent.bugly":
        "crash-reporting", "com.bytedance.sdk.openadsdk": "advertising", "com.qq.e": "advertising", "com.kwad":
        "advertising", "com.baidu.mobads": "advertising", "com.baidu.location": "maps-location", "com.amap.api":
        "maps-location", "com.tencent.map": "maps-location", "com.tencent.imsdk": "im", "com.tencent.smtt": "webview",
        "com.alipay.sdk": "payments", "com.huawei.hms": "mobile-services", "com.xiaomi.mipush": "push",
        "com.heytap.msp": "push", "com.vivo.push": "push", "com.meizu.cloud.pushsdk": "push", "com.hihonor.push":
        "push", "com.sensorsdata.analytics.android.sdk": "analytics", "com.growingio": "analytics",
        "com.tendcloud.tenddata": "analytics", "com.ishumei": "risk-control", "cn.tongdun.android": "risk-control",
        "com.geetest": "risk-control", "com.netease.nis": "risk-control", "com.qiniu.android": "cloud-storage",
        "com.alibaba.sdk.android.oss": "cloud-storage", "com.google.firebase": "mobile-services",
        "com.facebook.ads": "advertising", "com.appsflyer": "attribution", "com.adjust.sdk": "attribution",
        "io.branch": "attribution", "com.applovin": "advertising", "com.ironsource": "advertising",
        "com.unity3d.ads": "advertising", "com.vungle.warren": "advertising", "com.chartboost.sdk": "advertising",
        "com.inmobi": "advertising", "com.mbridge.msdk": "advertising", "io.sentry": "crash-reporting",
        "com.bugsnag": "crash-reporting", "com.google.firebase.crashlytics": "crash-reporting",
        "com.segment.analytics": "analytics", "com.mixpanel": "analytics", "com.amplitude": "analytics",
        "com.braze": "marketing", "com.onesignal": "push", "zendesk": "customer-support",
        "io.intercom.android": "customer-support", "okhttp3": LIBRARY, "retrofit2": LIBRARY,
        "com.google.gson": LIBRARY, "com.bumptech.glide": LIBRARY, "io.reactivex": LIBRARY,
    }
    found = {prefix: (table.get(prefix).category if table.get(prefix) else None) for prefix in expected}
    assert found == expected


# --- validation of the table file


HEAD = """\
sources:
  exodus: {title: Exodus tracker signatures, where: https://reports.exodus-privacy.eu.org/api/trackers}
categories:
  advertising: ads
  library: transparent
sdks:
"""


def write_table(tmp_path: Path, entries: str, head: str = HEAD) -> Path:
    path = tmp_path / "sdks.yaml"
    path.write_text(head + entries, encoding="utf-8")
    return path


def load_error(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        load_signatures(path)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_a_valid_table_loads(tmp_path):
    path = write_table(tmp_path, """\
  - {prefix: com.appsflyer, name: AppsFlyer, vendor: AppsFlyer, category: advertising, source: "exodus:12"}
  - {prefix: okhttp3, name: OkHttp, vendor: Square, category: library, source: "exodus:1"}
""")
    table = load_signatures(path)
    assert len(table) == 2
    assert table.match("com.appsflyer.internal.X").name == "AppsFlyer"
    assert table.get("okhttp3").transparent


def test_a_duplicate_prefix_is_refused_with_both_places(tmp_path):
    path = write_table(tmp_path, """\
  - {prefix: com.appsflyer, name: AppsFlyer, vendor: AppsFlyer, category: advertising, source: "exodus:12"}
  - {prefix: com.appsflyer, name: Again, vendor: AppsFlyer, category: advertising, source: "exodus:12"}
""")
    assert load_error(path) == (f"{path}:8:5: duplicate prefix 'com.appsflyer' (first at {path}:7:5)")


def test_an_unknown_category_is_refused_at_its_line(tmp_path):
    path = write_table(tmp_path, """\
  - {prefix: com.appsflyer, name: AppsFlyer, vendor: AppsFlyer, category: ads, source: "exodus:12"}
""")
    message = load_error(path)
    assert message.startswith(f"{path}:7:")
    assert "unknown category 'ads' for com.appsflyer (known: advertising, library)" in message


def test_a_platform_prefix_is_refused(tmp_path):
    path = write_table(tmp_path, """\
  - {prefix: com.appsflyer, name: AppsFlyer, vendor: AppsFlyer, category: advertising, source: "exodus:12"}
  - {prefix: com.android.billingclient, name: Play Billing, vendor: Google, category: library, source: "exodus:1"}
""")
    message = load_error(path)
    assert message.startswith(f"{path}:8:")
    assert "com.android.billingclient is platform code" in message


def test_a_prefix_must_be_a_package(tmp_path):
    path = write_table(tmp_path, """\
  - {prefix: com.appsflyer., name: AppsFlyer, vendor: AppsFlyer, category: advertising, source: "exodus:12"}
""")
    message = load_error(path)
    assert message.startswith(f"{path}:7:") and "prefix:" in message


def test_an_undeclared_source_is_refused(tmp_path):
    path = write_table(tmp_path, """\
  - {prefix: com.appsflyer, name: AppsFlyer, vendor: AppsFlyer, category: advertising, source: "blog:x"}
""")
    message = load_error(path)
    assert message.startswith(f"{path}:7:")
    assert "source 'blog:x' of com.appsflyer names no declared source (declared: exodus)" in message


def test_a_missing_field_is_refused(tmp_path):
    path = write_table(tmp_path, """\
  - {prefix: com.appsflyer, name: AppsFlyer, category: advertising, source: "exodus:12"}
""")
    message = load_error(path)
    assert message.startswith(f"{path}:7:") and "vendor" in message


def test_a_table_without_the_library_category_is_refused(tmp_path):
    head = HEAD.replace("  library: transparent\n", "")
    path = write_table(tmp_path, "  []\n", head=head)
    assert "must declare `library`" in load_error(path)


def test_broken_yaml_is_refused_with_its_position(tmp_path):
    path = write_table(tmp_path, "  - {prefix: com.x, name: [unclosed\n")
    message = load_error(path)
    assert message.startswith(f"{path}:") and "invalid YAML" in message


def test_the_shipped_table_file_is_the_one_loaded():
    assert SIGNATURES_FILE.name == "sdk_signatures.yaml"
    assert len(load_signatures(SIGNATURES_FILE)) == len(known_sdks())


# --- what a settings file adds: the app's other packages, SDKs the table lacks

IN_HOUSE = SdkSignature(prefix="com.adsdk", name="AdSDK", vendor="Demo Ads Ltd.", category="advertising",
                        source="lab:demo app")


def test_declared_own_packages_are_the_app():
    stack = ["android.provider.Settings$Secure.getString(Native Method)",
             "com.example.common.Ids.read(Ids.java:4)"]
    assert attribute(stack, APP).origin == "sdk"
    declared = Attribution(own_packages=("com.example.common",))
    caller = attribute(stack, APP, declared)
    assert (caller.origin, caller.package) == ("app", APP)
    assert is_own_code("com.example.common.sub.Ids", APP, declared)
    assert not is_own_code("com.example.commons.Ids", APP, declared), "whole package segments only"


def test_an_sdk_declared_in_the_settings_is_named_with_its_vendor():
    caller = attribute(DEMO_STACK, APP, Attribution(extra_sdks=(IN_HOUSE,)))
    assert (caller.origin, caller.sdk, caller.vendor, caller.category, caller.package) == (
        "sdk", "AdSDK", "Demo Ads Ltd.", "advertising", "com.adsdk")
    assert attribute(DEMO_STACK, APP).sdk == "com.adsdk", "the shipped table does not know it"


def test_a_declared_sdk_wins_over_the_table_and_the_longest_prefix_still_decides():
    umeng = ["android.telephony.TelephonyManager.getImei(Native Method)",
             "com.umeng.commonsdk.UMConfigure.init(UMConfigure.java:233)"]
    relabelled = SdkSignature(prefix="com.umeng.commonsdk", name="Umeng (our build)", vendor="Lab", category="analytics",
                              source="lab:repackaged")
    assert attribute(umeng, APP, Attribution(extra_sdks=(relabelled,))).sdk == "Umeng (our build)"
    nested = Attribution(own_packages=("com.example",), extra_sdks=(
        SdkSignature(prefix="com.example.ads", name="Example Ads", vendor="Example", category="advertising",
                     source="lab:x"),))
    ads = ["android.provider.Settings$Secure.getString(Native Method)", "com.example.ads.Ad.load(Ad.java:1)"]
    assert attribute(ads, APP, nested).sdk == "Example Ads"


@pytest.mark.parametrize(("fields", "problem"), [
    ({"category": "ads"}, "unknown category 'ads'"),
    ({"source": "somewhere:else"}, "use `lab:<who says so>`"),
])
def test_a_declared_sdk_must_use_the_tables_categories_and_a_lab_or_known_source(fields, problem):
    with pytest.raises(ValueError, match=problem):
        check_extra_signature(IN_HOUSE.model_copy(update=fields))
    assert check_extra_signature(IN_HOUSE) is IN_HOUSE
    assert check_extra_signature(IN_HOUSE.model_copy(update={"source": "repo:demo/adsdk"})) is not None
