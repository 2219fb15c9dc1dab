package android.location;

import java.util.Locale;

/** A postal address with its coordinates. */
public class Address {
    private final Locale mLocale;
    private String mAddressLine;
    private String mAdminArea;
    private String mSubLocality;
    private String mThoroughfare;
    private String mFeatureName;
    private double mLatitude;
    private double mLongitude;

    public Address(Locale locale) {
        mLocale = locale;
    }

    public String getAddressLine(int index) {
        return index == 0 ? mAddressLine : null;
    }

    public void setAddressLine(int index, String line) {
        if (index == 0) {
            mAddressLine = line;
        }
    }

    public String getAdminArea() {
        return mAdminArea;
    }

    public void setAdminArea(String adminArea) {
        mAdminArea = adminArea;
    }

    public String getSubLocality() {
        return mSubLocality;
    }

    public void setSubLocality(String subLocality) {
        mSubLocality = subLocality;
    }

    public String getThoroughfare() {
        return mThoroughfare;
    }

    public void setThoroughfare(String thoroughfare) {
        mThoroughfare = thoroughfare;
    }

    public String getFeatureName() {
        return mFeatureName;
    }

    public void setFeatureName(String featureName) {
        mFeatureName = featureName;
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

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Address[addressLines=[0:\"%s\"],feature=%s,admin=%s,sub-locality=%s,"
                + "thoroughfare=%s,countryCode=CN,countryName=China,hasLatitude=true,latitude=%.6f,"
                + "hasLongitude=true,longitude=%.6f,locale=%s]", mAddressLine, mFeatureName, mAdminArea, mSubLocality,
                mThoroughfare, mLatitude, mLongitude, mLocale);
    }
}
