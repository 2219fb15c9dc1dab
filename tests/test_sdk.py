from auditor.sdk import attribute, frame_class, third_party_package

APP = "com.example.shop"


def test_known_sdk_is_named_with_its_vendor():
    caller = attribute(["android.telephony.TelephonyManager.getImei(Native Method)",
                        "com.umeng.commonsdk.statistics.Id.read(Id.java:40)",
                        f"{APP}.ShopApplication.onCreate(ShopApplication.java:9)"], APP)
    assert (caller.origin, caller.sdk, caller.vendor) == ("sdk", "Umeng", "Alibaba")


def test_innermost_non_platform_frame_decides_even_when_the_app_called_the_sdk():
    caller = attribute(["android.provider.Settings$Secure.getString(Settings.java:1)",
                        "com.adsdk.core.Ids.androidId(Ids.java:3)",
                        f"{APP}.MainActivity.onCreate(MainActivity.java:20)"], APP)
    assert (caller.origin, caller.package, caller.sdk) == ("sdk", "com.adsdk", "com.adsdk")


def test_app_code_is_the_app():
    caller = attribute(["android.location.LocationManager.getLastKnownLocation(Native Method)",
                        f"app//{APP}.MainActivity.onRequestPermissionsResult(MainActivity.java:77)"], APP)
    assert caller.origin == "app"
    assert caller.frame and "onRequestPermissionsResult" in caller.frame


def test_platform_only_stack_is_the_system_not_the_app():
    caller = attribute(["android.net.wifi.WifiInfo.getMacAddress(Native Method)",
                        "consentaudit.sandbox.Launcher.boot(Launcher.java:5)",
                        "java.base/java.lang.Thread.run(Thread.java:833)"], APP)
    assert caller.origin == "system"


def test_missing_stack_is_unknown():
    assert attribute([], APP).origin == "unknown"


def test_frame_parsing_handles_loader_and_module_prefixes():
    assert frame_class("app//com.x.Y.z(Y.java:1)") == "com.x.Y"
    assert frame_class("java.base@17.0.15/java.lang.Thread.run(Thread.java:833)") == "java.lang.Thread"
    assert frame_class("com.x.Y$Inner.<clinit>(Y.java:3)") == "com.x.Y$Inner"
    assert third_party_package("com.trackmetrics.Analytics") == "com.trackmetrics"


def test_similar_prefix_is_not_the_sdk():
    caller = attribute(["com.umengx.Thing.read(Thing.java:1)"], APP)
    assert caller.sdk == "com.umengx"
