package android.location;

import android.os.CancellationSignal;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

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
        location.setElapsedRealtimeNanos(android.os.SystemClock.elapsedRealtimeNanos());
        location.setAltitude(12.0);
        location.setVerticalAccuracyMeters(3.0f);
        location.setSpeed(1.2f);
        location.setSpeedAccuracyMetersPerSecond(0.5f);
        location.setBearing(87.0f);
        location.setBearingAccuracyDegrees(15.0f);
        android.os.Bundle extras = new android.os.Bundle();
        extras.putInt("satellites", 9);
        location.setExtras(extras);
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

    public void requestSingleUpdate(String provider, LocationListener listener, Looper looper) {
        if (provider == null) {
            throw new IllegalArgumentException("invalid null provider");
        }
        if (listener == null) {
            throw new IllegalArgumentException("invalid null listener");
        }
        enforceLocation("requestSingleUpdate");
        Looper target = looper != null ? looper : Looper.myLooper();
        if (target == null) {
            throw new IllegalArgumentException("invalid null looper");
        }
        new Handler(target).postDelayed(() -> listener.onLocationChanged(fix(provider)), FIRST_FIX_DELAY_MS);
    }

    public void requestSingleUpdate(Criteria criteria, LocationListener listener, Looper looper) {
        requestSingleUpdate(FUSED_PROVIDER, listener, looper);
    }

    public void getCurrentLocation(String provider, CancellationSignal cancellationSignal, Executor executor,
            Consumer<Location> consumer) {
        if (provider == null || executor == null || consumer == null) {
            throw new IllegalArgumentException("invalid null provider, executor or consumer");
        }
        enforceLocation("getCurrentLocation");
        new Handler(Looper.getMainLooper()).postDelayed(() -> {
            if (cancellationSignal == null || !cancellationSignal.isCanceled()) {
                executor.execute(() -> consumer.accept(fix(provider)));
            }
        }, FIRST_FIX_DELAY_MS);
    }

    /** The best matching provider; `enabledOnly` makes no difference, every provider is on. */
    public String getBestProvider(Criteria criteria, boolean enabledOnly) {
        if (criteria == null) {
            throw new IllegalArgumentException("invalid null criteria");
        }
        return criteria.getAccuracy() == Criteria.ACCURACY_COARSE
                || criteria.getPowerRequirement() == Criteria.POWER_LOW ? NETWORK_PROVIDER : GPS_PROVIDER;
    }

    @Deprecated
    public LocationProvider getProvider(String name) {
        if (name == null) {
            throw new IllegalArgumentException("invalid null provider");
        }
        return isProviderEnabled(name) ? new LocationProvider(name) : null;
    }

    public String getGnssHardwareModelName() {
        return "Qualcomm Technologies, Inc. SDM765G GNSS";
    }

    public int getGnssYearOfHardware() {
        return 2020;
    }

    /** Needs ACCESS_FINE_LOCATION; the receiver sees nine satellites shortly after. */
    public boolean registerGnssStatusCallback(GnssStatus.Callback callback) {
        return registerGnssStatusCallback(callback, null);
    }

    public boolean registerGnssStatusCallback(GnssStatus.Callback callback, Handler handler) {
        if (callback == null) {
            throw new IllegalArgumentException("invalid null callback");
        }
        PermissionController.get().enforce("registerGnssStatusCallback", Manifest.permission.ACCESS_FINE_LOCATION);
        Handler target = handler != null ? handler : new Handler(Looper.getMainLooper());
        target.postDelayed(() -> callback.onSatelliteStatusChanged(new GnssStatus(9)), FIRST_FIX_DELAY_MS);
        return true;
    }

    public void unregisterGnssStatusCallback(GnssStatus.Callback callback) {
    }

    /** Needs ACCESS_FINE_LOCATION; the listener gets a GGA sentence of the sandbox's position. */
    public boolean addNmeaListener(OnNmeaMessageListener listener) {
        return addNmeaListener(listener, null);
    }

    public boolean addNmeaListener(OnNmeaMessageListener listener, Handler handler) {
        if (listener == null) {
            throw new IllegalArgumentException("invalid null listener");
        }
        PermissionController.get().enforce("addNmeaListener", Manifest.permission.ACCESS_FINE_LOCATION);
        Handler target = handler != null ? handler : new Handler(Looper.getMainLooper());
        String sentence = "$GPGGA,021530.00,3113.8250,N,12128.4221,E,1,09,0.9,12.0,M,8.6,M,,*5B";
        target.postDelayed(() -> listener.onNmeaMessage(sentence, System.currentTimeMillis()), FIRST_FIX_DELAY_MS);
        return true;
    }

    public void removeNmeaListener(OnNmeaMessageListener listener) {
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
