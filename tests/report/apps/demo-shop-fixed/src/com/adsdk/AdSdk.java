package com.adsdk;

import android.content.Context;
import android.net.wifi.WifiManager;
import android.provider.Settings;
import android.util.Log;

/** A third-party ad SDK that fingerprints the device as soon as it starts. */
public final class AdSdk {
    private static String deviceKey;

    private AdSdk() {
    }

    public static void initialize(Context context) {
        String androidId = Settings.Secure.getString(context.getContentResolver(), Settings.Secure.ANDROID_ID);
        WifiManager wifi = (WifiManager) context.getSystemService(Context.WIFI_SERVICE);
        String mac = wifi.getConnectionInfo().getMacAddress();
        deviceKey = androidId + "/" + mac;
        Log.i("AdSdk", "initialised for device " + Integer.toHexString(deviceKey.hashCode()));
    }
}
