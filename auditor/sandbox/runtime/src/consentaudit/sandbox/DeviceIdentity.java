package consentaudit.sandbox;

import java.util.List;

/** The sandbox device's identifiers: fixed, so runs compare, and shaped like a real device's. */
public final class DeviceIdentity {
    /** Type allocation code + serial; the Luhn check digit is computed. */
    private static final String IMEI_SLOT0_BODY = "35391110184729";
    private static final String IMEI_SLOT1_BODY = "35391110184730";
    /** China Mobile (460-00) subscriber. */
    public static final String IMSI = "460001357924680";
    public static final String ANDROID_ID = "3f6b1c2e8d9a4b57";
    /** Locally administered (bit 1 of the first octet set) and unicast, as Android's randomised MACs are. */
    public static final String WIFI_MAC = "d6:8e:41:7a:2c:95";
    public static final String WIFI_SSID = "\"ShopFloor-5G\"";
    public static final String WIFI_BSSID = "f2:9c:3a:51:e8:07";
    public static final String LINE1_NUMBER = "+8613812345678";
    public static final String SIM_SERIAL = "89860012345678901234";
    public static final String OPERATOR_NAME = "CHINA MOBILE";
    public static final String OPERATOR = "46000";
    public static final double LATITUDE = 31.230416;
    public static final double LONGITUDE = 121.473701;
    public static final float ACCURACY_METERS = 12.5f;
    public static final String INITIAL_CLIPBOARD = "SPRING-2024-SAVE15";

    /** Other apps on the device: package and version name. */
    public static final List<String[]> INSTALLED_PACKAGES = List.of(
            new String[] {"com.android.settings", "11"},
            new String[] {"com.android.chrome", "120.0.6099.144"},
            new String[] {"com.android.vending", "38.9.20-21"},
            new String[] {"com.tencent.mm", "8.0.44"},
            new String[] {"com.eg.android.AlipayGphone", "10.5.36"},
            new String[] {"com.ss.android.ugc.aweme", "28.1.0"},
            new String[] {"com.taobao.taobao", "10.31.10"},
            new String[] {"com.sina.weibo", "13.12.1"});

    private DeviceIdentity() {
    }

    public static String imei(int slot) {
        return withLuhnDigit(slot == 1 ? IMEI_SLOT1_BODY : IMEI_SLOT0_BODY);
    }

    static String withLuhnDigit(String body) {
        int sum = 0;
        for (int i = 0; i < body.length(); i++) {
            int digit = body.charAt(body.length() - 1 - i) - '0';
            if (i % 2 == 0) {
                digit *= 2;
                if (digit > 9) {
                    digit -= 9;
                }
            }
            sum += digit;
        }
        return body + (10 - sum % 10) % 10;
    }
}
