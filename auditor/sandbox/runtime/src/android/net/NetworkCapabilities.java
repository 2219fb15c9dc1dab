package android.net;

/** What a network offers. The SSID is only in it for callers with a fine location permission (Android 10+). */
public final class NetworkCapabilities {
    public static final int TRANSPORT_CELLULAR = 0;
    public static final int TRANSPORT_WIFI = 1;
    public static final int NET_CAPABILITY_INTERNET = 12;

    private final boolean mLocated;

    NetworkCapabilities(boolean located) {
        mLocated = located;
    }

    public boolean hasTransport(int transportType) {
        return transportType == TRANSPORT_WIFI;
    }

    public boolean hasCapability(int capability) {
        return capability == NET_CAPABILITY_INTERNET;
    }

    @Override
    public String toString() {
        return "[ Transports: WIFI Capabilities: NOT_METERED&INTERNET&NOT_RESTRICTED&TRUSTED&NOT_VPN&VALIDATED"
                + "&NOT_ROAMING&FOREGROUND&NOT_CONGESTED&NOT_SUSPENDED LinkUpBandwidth>=433000Kbps"
                + " LinkDnBandwidth>=433000Kbps SignalStrength: -58"
                + (mLocated ? " SSID: \"ShopFloor-5G\"" : "") + "]";
    }
}
