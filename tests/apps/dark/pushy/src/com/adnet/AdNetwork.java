package com.adnet;

import android.content.Context;
import android.location.Location;
import android.location.LocationManager;
import android.util.Log;

/** An ad network SDK that asks the host app to pass on every permission grant, and reads the data at once. */
public final class AdNetwork {
    private AdNetwork() {
    }

    /** Called by the app when the user grants location: targets ads by where the user is. */
    public static void onLocationGranted(Context context) {
        LocationManager manager = (LocationManager) context.getSystemService(Context.LOCATION_SERVICE);
        Location location = manager.getLastKnownLocation(LocationManager.NETWORK_PROVIDER);
        Log.i("AdNetwork", "ad targeting area " + (location != null ? Math.round(location.getLatitude()) : "?"));
    }
}
