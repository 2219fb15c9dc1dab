package android.net.wifi;

/** One access point of a Wi-Fi scan; public fields, as on Android. */
public class ScanResult {
    public String SSID;
    public String BSSID;
    public String capabilities;
    public int level;
    public int frequency;

    /** @hide */
    public ScanResult(String ssid, String bssid, String capabilities, int level, int frequency) {
        SSID = ssid;
        BSSID = bssid;
        this.capabilities = capabilities;
        this.level = level;
        this.frequency = frequency;
    }

    @Override
    public String toString() {
        return "SSID: " + SSID + ", BSSID: " + BSSID + ", capabilities: " + capabilities + ", level: " + level
                + ", frequency: " + frequency;
    }
}
