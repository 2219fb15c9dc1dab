package android.net.wifi;

import android.content.Context;

public class WifiManager {
    /** @hide */
    public WifiManager(Context context) {
    }

    public WifiInfo getConnectionInfo() {
        return new WifiInfo();
    }

    public boolean isWifiEnabled() {
        return true;
    }
}
