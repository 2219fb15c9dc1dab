package android.location;

import android.Manifest;
import android.content.Context;
import android.os.Handler;
import android.os.Looper;
import consentaudit.sandbox.DeviceIdentity;
import consentaudit.sandbox.PermissionController;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Concrete, as on Android. Location calls need ACCESS_FINE_LOCATION or ACCESS_COARSE_LOCATION. */
public class LocationManager {
    public static final String GPS_PROVIDER = "gps";
    public static final String NETWORK_PROVIDER = "network";
    public static final String PASSIVE_PROVIDER = "passive";
    public static final String FUSED_PROVIDER = "fused";
    /** First fix arrives shortly after the request; later fixes no more often than this. */
    private static final long FIRST_FIX_DELAY_MS = 200;
    private static final long MIN_UPDATE_INTERVAL_MS = 1000;

    private final Map<LocationListener, Runnable> updates = new IdentityHashMap<>();

    /** @hide */
    public LocationManager(Context context) {
    }

    private static void enforceLocation(String operation) {
        PermissionController.get().enforce(operation, Manifest.permission.ACCESS_FINE_LOCATION,
                Manifest.permission.ACCESS_COARSE_LOCATION);
    }

    private static Location fix(String provider) {
        Location location = new Location(provider);
        location.setLatitude(DeviceIdentity.LATITUDE);
        location.setLongitude(DeviceIdentity.LONGITUDE);
        location.setAccuracy(DeviceIdentity.ACCURACY_METERS);
        location.setTime(System.currentTimeMillis());
        return location;
    }

    public Location getLastKnownLocation(String provider) {
        if (provider == null) {
            throw new IllegalArgumentException("invalid null provider");
        }
        enforceLocation("getLastKnownLocation");
        return fix(provider);
    }

    public void requestLocationUpdates(String provider, long minTimeMs, float minDistanceM,
            LocationListener listener) {
        Looper looper = Looper.myLooper();
        if (looper == null) {
            throw new IllegalArgumentException("invalid null looper: call from a thread with a Looper");
        }
        startUpdates(provider, minTimeMs, listener, looper);
    }

    public void requestLocationUpdates(String provider, long minTimeMs, float minDistanceM,
            LocationListener listener, Looper looper) {
        startUpdates(provider, minTimeMs, listener, looper != null ? looper : Looper.myLooper());
    }

    private void startUpdates(String provider, long minTimeMs, LocationListener listener, Looper looper) {
        if (provider == null) {
            throw new IllegalArgumentException("invalid null provider");
        }
        if (listener == null) {
            throw new IllegalArgumentException("invalid null listener");
        }
        if (looper == null) {
            throw new IllegalArgumentException("invalid null looper");
        }
        enforceLocation("requestLocationUpdates");
        Handler handler = new Handler(looper);
        long interval = Math.max(MIN_UPDATE_INTERVAL_MS, minTimeMs);
        Runnable delivery = new Runnable() {
            @Override
            public void run() {
                synchronized (updates) {
                    if (updates.get(listener) != this) {
                        return;
                    }
                }
                listener.onLocationChanged(fix(provider));
                handler.postDelayed(this, interval);
            }
        };
        synchronized (updates) {
            updates.put(listener, delivery);
        }
        handler.postDelayed(delivery, FIRST_FIX_DELAY_MS);
    }

    public void removeUpdates(LocationListener listener) {
        synchronized (updates) {
            updates.remove(listener);
        }
    }

    public boolean isProviderEnabled(String provider) {
        return GPS_PROVIDER.equals(provider) || NETWORK_PROVIDER.equals(provider)
                || PASSIVE_PROVIDER.equals(provider) || FUSED_PROVIDER.equals(provider);
    }

    public List<String> getAllProviders() {
        List<String> providers = new ArrayList<>();
        providers.add(PASSIVE_PROVIDER);
        providers.add(GPS_PROVIDER);
        providers.add(NETWORK_PROVIDER);
        providers.add(FUSED_PROVIDER);
        return providers;
    }

    public List<String> getProviders(boolean enabledOnly) {
        return getAllProviders();
    }
}
