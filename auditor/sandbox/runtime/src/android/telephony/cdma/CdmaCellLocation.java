package android.telephony.cdma;

import android.telephony.CellLocation;

/** CDMA base station location; latitude and longitude in units of 0.25 seconds, as the base station sends them. */
public class CdmaCellLocation extends CellLocation {
    public static final int INVALID_LAT_LONG = Integer.MAX_VALUE;

    private int mBaseStationId = -1;
    private int mBaseStationLatitude = INVALID_LAT_LONG;
    private int mBaseStationLongitude = INVALID_LAT_LONG;
    private int mSystemId = -1;
    private int mNetworkId = -1;

    public CdmaCellLocation() {
    }

    public int getBaseStationId() {
        return mBaseStationId;
    }

    public int getBaseStationLatitude() {
        return mBaseStationLatitude;
    }

    public int getBaseStationLongitude() {
        return mBaseStationLongitude;
    }

    public int getSystemId() {
        return mSystemId;
    }

    public int getNetworkId() {
        return mNetworkId;
    }

    public void setStateInvalid() {
        mBaseStationId = -1;
        mBaseStationLatitude = INVALID_LAT_LONG;
        mBaseStationLongitude = INVALID_LAT_LONG;
        mSystemId = -1;
        mNetworkId = -1;
    }

    public void setCellLocationData(int baseStationId, int baseStationLatitude, int baseStationLongitude) {
        mBaseStationId = baseStationId;
        mBaseStationLatitude = baseStationLatitude;
        mBaseStationLongitude = baseStationLongitude;
    }

    public void setCellLocationData(int baseStationId, int baseStationLatitude, int baseStationLongitude,
            int systemId, int networkId) {
        setCellLocationData(baseStationId, baseStationLatitude, baseStationLongitude);
        mSystemId = systemId;
        mNetworkId = networkId;
    }

    @Override
    public String toString() {
        return "[" + mBaseStationId + "," + mBaseStationLatitude + "," + mBaseStationLongitude + ","
                + mSystemId + "," + mNetworkId + "]";
    }
}
