package android.os;

import java.util.Map;

/** @hide System properties, as the hidden Android class offers them (apps reach it by reflection). */
public class SystemProperties {
    private static final Map<String, String> PROPERTIES = Map.ofEntries(
            Map.entry("ro.serialno", Build.SANDBOX_SERIAL),
            Map.entry("ro.boot.serialno", Build.SANDBOX_SERIAL),
            Map.entry("ro.product.model", Build.MODEL),
            Map.entry("ro.product.brand", Build.BRAND),
            Map.entry("ro.product.manufacturer", Build.MANUFACTURER),
            Map.entry("ro.build.fingerprint", Build.FINGERPRINT),
            Map.entry("ro.build.version.release", Build.VERSION.RELEASE),
            Map.entry("ro.build.version.sdk", String.valueOf(Build.VERSION.SDK_INT)),
            Map.entry("gsm.sim.operator.numeric", "46000"),
            Map.entry("gsm.operator.alpha", "CHINA MOBILE"));

    private SystemProperties() {
    }

    public static String get(String key) {
        return get(key, "");
    }

    public static String get(String key, String def) {
        if (key == null) {
            throw new NullPointerException("key");
        }
        return PROPERTIES.getOrDefault(key, def);
    }
}
