package android.location;

/** Properties of a location provider. */
public class LocationProvider {
    private final String mName;

    LocationProvider(String name) {
        mName = name;
    }

    public String getName() {
        return mName;
    }

    public boolean requiresSatellite() {
        return LocationManager.GPS_PROVIDER.equals(mName);
    }

    public boolean requiresCell() {
        return LocationManager.NETWORK_PROVIDER.equals(mName);
    }

    public boolean requiresNetwork() {
        return LocationManager.NETWORK_PROVIDER.equals(mName);
    }

    public int getAccuracy() {
        return LocationManager.GPS_PROVIDER.equals(mName) ? Criteria.ACCURACY_FINE : Criteria.ACCURACY_COARSE;
    }

    public int getPowerRequirement() {
        return LocationManager.GPS_PROVIDER.equals(mName) ? Criteria.POWER_HIGH : Criteria.POWER_LOW;
    }

    @Override
    public String toString() {
        return "LocationProvider[" + mName + "]";
    }
}
