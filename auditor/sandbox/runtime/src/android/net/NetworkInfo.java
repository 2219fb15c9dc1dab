package android.net;

@Deprecated
public class NetworkInfo {
    /** @hide */
    public NetworkInfo() {
    }

    public boolean isConnected() {
        return true;
    }

    public boolean isConnectedOrConnecting() {
        return true;
    }

    public int getType() {
        return ConnectivityManager.TYPE_WIFI;
    }

    public String getTypeName() {
        return "WIFI";
    }
}
