package android.net.wifi;

import consentaudit.sandbox.DeviceIdentity;

public class WifiInfo {
    /** @hide */
    public WifiInfo() {
    }

    public String getMacAddress() {
        return DeviceIdentity.WIFI_MAC;
    }

    public String getSSID() {
        return DeviceIdentity.WIFI_SSID;
    }

    public String getBSSID() {
        return DeviceIdentity.WIFI_BSSID;
    }

    public int getRssi() {
        return -58;
    }

    public int getLinkSpeed() {
        return 433;
    }

    /** 192.168.1.23 in the little-endian int Android returns. */
    public int getIpAddress() {
        return (23 << 24) | (1 << 16) | (168 << 8) | 192;
    }

    @Override
    public String toString() {
        return "SSID: " + getSSID() + ", BSSID: " + getBSSID() + ", MAC: " + getMacAddress();
    }
}
