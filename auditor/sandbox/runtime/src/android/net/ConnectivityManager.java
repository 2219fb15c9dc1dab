package android.net;

import android.content.Context;

public class ConnectivityManager {
    public static final int TYPE_MOBILE = 0;
    public static final int TYPE_WIFI = 1;

    /** @hide */
    public ConnectivityManager(Context context) {
    }

    @Deprecated
    public NetworkInfo getActiveNetworkInfo() {
        return new NetworkInfo();
    }
}
