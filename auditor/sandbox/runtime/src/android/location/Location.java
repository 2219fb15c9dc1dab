package android.location;

public class Location {
    private final String mProvider;
    private double mLatitude;
    private double mLongitude;
    private float mAccuracy;
    private long mTime;

    public Location(String provider) {
        mProvider = provider;
    }

    public Location(Location other) {
        mProvider = other.mProvider;
        mLatitude = other.mLatitude;
        mLongitude = other.mLongitude;
        mAccuracy = other.mAccuracy;
        mTime = other.mTime;
    }

    public String getProvider() {
        return mProvider;
    }

    public double getLatitude() {
        return mLatitude;
    }

    public void setLatitude(double latitude) {
        mLatitude = latitude;
    }

    public double getLongitude() {
        return mLongitude;
    }

    public void setLongitude(double longitude) {
        mLongitude = longitude;
    }

    public float getAccuracy() {
        return mAccuracy;
    }

    public void setAccuracy(float accuracy) {
        mAccuracy = accuracy;
    }

    public boolean hasAccuracy() {
        return mAccuracy > 0;
    }

    public long getTime() {
        return mTime;
    }

    public void setTime(long time) {
        mTime = time;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "Location[%s %.6f,%.6f hAcc=%.1f et=%d]",
                mProvider, mLatitude, mLongitude, mAccuracy, mTime);
    }
}
