package com.amap.api.location;

import android.content.Context;
import android.location.Location;
import android.location.LocationManager;

/** Stands for a maps SDK's location client (the AMap SDK's class name): the store finder locates the user with it. */
public final class AMapLocationClient {
    private final Context context;

    public AMapLocationClient(Context context) {
        this.context = context;
    }

    public Location getLastKnownLocation() {
        LocationManager manager = (LocationManager) context.getSystemService(Context.LOCATION_SERVICE);
        return manager.getLastKnownLocation(LocationManager.NETWORK_PROVIDER);
    }
}
