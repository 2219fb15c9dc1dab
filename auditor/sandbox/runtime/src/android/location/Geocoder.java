package android.location;

import android.content.Context;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Geocoding with the device's geocoder service. The sandbox knows one address: People's Square, Shanghai. */
public final class Geocoder {
    private static final double LATITUDE = 31.230416;
    private static final double LONGITUDE = 121.473701;
    private static final double NEAR_DEGREES = 0.05;

    private final Locale mLocale;

    public Geocoder(Context context) {
        this(context, Locale.getDefault());
    }

    public Geocoder(Context context, Locale locale) {
        mLocale = locale;
    }

    public static boolean isPresent() {
        return true;
    }

    private Address peoplesSquare() {
        Address address = new Address(mLocale);
        address.setAddressLine(0, "中国上海市黄浦区人民大道200号");
        address.setAdminArea("上海市");
        address.setSubLocality("黄浦区");
        address.setThoroughfare("人民大道");
        address.setFeatureName("200号");
        address.setLatitude(LATITUDE);
        address.setLongitude(LONGITUDE);
        return address;
    }

    @Deprecated
    public List<Address> getFromLocation(double latitude, double longitude, int maxResults) throws IOException {
        if (latitude < -90 || latitude > 90 || longitude < -180 || longitude > 180) {
            throw new IllegalArgumentException("latitude or longitude out of range");
        }
        List<Address> results = new ArrayList<>();
        if (maxResults > 0 && Math.abs(latitude - LATITUDE) < NEAR_DEGREES
                && Math.abs(longitude - LONGITUDE) < NEAR_DEGREES) {
            results.add(peoplesSquare());
        }
        return results;
    }

    @Deprecated
    public List<Address> getFromLocationName(String locationName, int maxResults) throws IOException {
        if (locationName == null) {
            throw new IllegalArgumentException("locationName == null");
        }
        List<Address> results = new ArrayList<>();
        if (maxResults > 0 && (locationName.contains("人民") || locationName.toLowerCase(Locale.ROOT)
                .contains("people"))) {
            results.add(peoplesSquare());
        }
        return results;
    }
}
