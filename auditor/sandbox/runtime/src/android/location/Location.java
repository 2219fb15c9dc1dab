package android.location;

import android.os.Bundle;

import java.util.Locale;

/** A position fix. toString reads the fields, never the getters (which apps' reads go through). */
public class Location {
    private final String mProvider;
    private double mLatitude;
    private double mLongitude;
    private float mAccuracy;
    private long mTime;
    private long mElapsedRealtimeNanos;
    private double mAltitude;
    private float mSpeed;
    private float mBearing;
    private float mVerticalAccuracyMeters;
    private float mSpeedAccuracyMetersPerSecond;
    private float mBearingAccuracyDegrees;
    private Bundle mExtras;

    public Location(String provider) {
        mProvider = provider;
    }

    public Location(Location other) {
        mProvider = other.mProvider;
        mLatitude = other.mLatitude;
        mLongitude = other.mLongitude;
        mAccuracy = other.mAccuracy;
        mTime = other.mTime;
        mElapsedRealtimeNanos = other.mElapsedRealtimeNanos;
        mAltitude = other.mAltitude;
        mSpeed = other.mSpeed;
        mBearing = other.mBearing;
        mVerticalAccuracyMeters = other.mVerticalAccuracyMeters;
        mSpeedAccuracyMetersPerSecond = other.mSpeedAccuracyMetersPerSecond;
        mBearingAccuracyDegrees = other.mBearingAccuracyDegrees;
        mExtras = other.mExtras == null ? null : new Bundle(other.mExtras);
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

    public long getElapsedRealtimeNanos() {
        return mElapsedRealtimeNanos;
    }

    public void setElapsedRealtimeNanos(long time) {
        mElapsedRealtimeNanos = time;
    }

    public double getAltitude() {
        return mAltitude;
    }

    public void setAltitude(double altitude) {
        mAltitude = altitude;
    }

    public float getSpeed() {
        return mSpeed;
    }

    public void setSpeed(float speed) {
        mSpeed = speed;
    }

    public float getBearing() {
        return mBearing;
    }

    public void setBearing(float bearing) {
        mBearing = bearing;
    }

    public float getVerticalAccuracyMeters() {
        return mVerticalAccuracyMeters;
    }

    public void setVerticalAccuracyMeters(float accuracy) {
        mVerticalAccuracyMeters = accuracy;
    }

    public float getSpeedAccuracyMetersPerSecond() {
        return mSpeedAccuracyMetersPerSecond;
    }

    public void setSpeedAccuracyMetersPerSecond(float accuracy) {
        mSpeedAccuracyMetersPerSecond = accuracy;
    }

    public float getBearingAccuracyDegrees() {
        return mBearingAccuracyDegrees;
    }

    public void setBearingAccuracyDegrees(float accuracy) {
        mBearingAccuracyDegrees = accuracy;
    }

    public Bundle getExtras() {
        return mExtras;
    }

    public void setExtras(Bundle extras) {
        mExtras = extras == null ? null : new Bundle(extras);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Location[%s %.6f,%.6f hAcc=%.1f et=%d alt=%.1f vAcc=%.1f vel=%.1f"
                + " sAcc=%.1f bear=%.1f bAcc=%.1f]", mProvider, mLatitude, mLongitude, mAccuracy, mTime, mAltitude,
                mVerticalAccuracyMeters, mSpeed, mSpeedAccuracyMetersPerSecond, mBearing, mBearingAccuracyDegrees);
    }
}
