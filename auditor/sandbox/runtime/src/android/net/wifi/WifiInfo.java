package android.net.wifi;

import android.Manifest;
import consentaudit.sandbox.DeviceIdentity;
import consentaudit.sandbox.PermissionController;

/**
 * The current Wi-Fi connection. As on Android 10+, the SSID and BSSID need a fine location permission (without
 * one: "<unknown ssid>" and 02:00:00:00:00:00); toString reads the fields, never the getters.
 */
public class WifiInfo {
    static final String UNKNOWN_SSID = "<unknown ssid>";
    static final String DEFAULT_MAC_ADDRESS = "02:00:00:00:00:00";
    /** 192.168.1.23 in the little-endian int Android returns. */
    private static final int IP_ADDRESS = (23 << 24) | (1 << 16) | (168 << 8) | 192;
    private static final int NETWORK_ID = 2;

    private final boolean mLocated;

    /** @hide */
    public WifiInfo() {
        mLocated = PermissionController.get().check(Manifest.permission.ACCESS_FINE_LOCATION) == 0;
    }

    public String getMacAddress() {
        return DeviceIdentity.WIFI_MAC;
    }

    public String getSSID() {
        return mLocated ? DeviceIdentity.WIFI_SSID : UNKNOWN_SSID;
    }

    public String getBSSID() {
        return mLocated ? DeviceIdentity.WIFI_BSSID : DEFAULT_MAC_ADDRESS;
    }

    public int getRssi() {
        return -58;
    }

    public int getLinkSpeed() {
        return 433;
    }

    public int getIpAddress() {
        return IP_ADDRESS;
    }

    public int getNetworkId() {
        return mLocated ? NETWORK_ID : -1;
    }

    @Override
    public String toString() {
        return "SSID: " + (mLocated ? DeviceIdentity.WIFI_SSID : UNKNOWN_SSID) + ", BSSID: "
                + (mLocated ? DeviceIdentity.WIFI_BSSID : DEFAULT_MAC_ADDRESS) + ", MAC: " + DeviceIdentity.WIFI_MAC
                + ", Supplicant state: COMPLETED, Wi-Fi standard: 5, RSSI: -58, Link speed: 433Mbps, Frequency: 5180MHz,"
                + " Net ID: " + (mLocated ? NETWORK_ID : -1);
    }
}
