package android.net;

/** The Wi-Fi network's state. toString reads the fields, never the getters. */
@Deprecated
public class NetworkInfo {
    private static final String EXTRA_INFO = "\"ShopFloor-5G\"";

    /** @hide */
    public NetworkInfo() {
    }

    public boolean isConnected() {
        return true;
    }

    public boolean isConnectedOrConnecting() {
        return true;
    }

    public boolean isAvailable() {
        return true;
    }

    public int getType() {
        return ConnectivityManager.TYPE_WIFI;
    }

    public String getTypeName() {
        return "WIFI";
    }

    public String getExtraInfo() {
        return EXTRA_INFO;
    }

    @Override
    public String toString() {
        return "[type: WIFI[], state: CONNECTED/CONNECTED, reason: (unspecified), extra: " + EXTRA_INFO
                + ", failover: false, available: true, roaming: false]";
    }
}
