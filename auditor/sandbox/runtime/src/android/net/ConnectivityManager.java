package android.net;

import android.Manifest;
import android.content.Context;
import consentaudit.sandbox.PermissionController;

/** The device is on Wi-Fi (network 100). Reads need ACCESS_NETWORK_STATE, an install-time permission. */
public class ConnectivityManager {
    public static final int TYPE_MOBILE = 0;
    public static final int TYPE_WIFI = 1;
    private static final Network WIFI = new Network(100);

    /** @hide */
    public ConnectivityManager(Context context) {
    }

    private static void enforceNetworkState(String operation) {
        PermissionController.get().enforce(operation, Manifest.permission.ACCESS_NETWORK_STATE);
    }

    @Deprecated
    public NetworkInfo getActiveNetworkInfo() {
        enforceNetworkState("getActiveNetworkInfo");
        return new NetworkInfo();
    }

    public Network getActiveNetwork() {
        enforceNetworkState("getActiveNetwork");
        return WIFI;
    }

    public NetworkCapabilities getNetworkCapabilities(Network network) {
        enforceNetworkState("getNetworkCapabilities");
        if (!WIFI.equals(network)) {
            return null;
        }
        return new NetworkCapabilities(
                PermissionController.get().check(Manifest.permission.ACCESS_FINE_LOCATION) == 0);
    }

    public LinkProperties getLinkProperties(Network network) {
        enforceNetworkState("getLinkProperties");
        return WIFI.equals(network) ? new LinkProperties() : null;
    }
}
