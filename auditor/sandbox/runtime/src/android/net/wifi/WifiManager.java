package android.net.wifi;

import android.Manifest;
import android.content.Context;
import android.net.DhcpInfo;
import consentaudit.sandbox.PermissionController;

import java.util.ArrayList;
import java.util.List;

/**
 * Wi-Fi, as Android 11 gives it to apps: ACCESS_WIFI_STATE (install-time) for the state, a fine location
 * permission for scan results and saved networks (without it: empty lists, as on Android).
 */
public class WifiManager {
    public static final int WIFI_STATE_ENABLED = 3;
    private static final int GATEWAY = (1 << 24) | (1 << 16) | (168 << 8) | 192;

    /** @hide */
    public WifiManager(Context context) {
    }

    private static void enforceWifiState(String operation) {
        PermissionController.get().enforce(operation, Manifest.permission.ACCESS_WIFI_STATE);
    }

    private static boolean located() {
        return PermissionController.get().check(Manifest.permission.ACCESS_FINE_LOCATION) == 0;
    }

    public WifiInfo getConnectionInfo() {
        return new WifiInfo();
    }

    public boolean isWifiEnabled() {
        return true;
    }

    public int getWifiState() {
        enforceWifiState("getWifiState");
        return WIFI_STATE_ENABLED;
    }

    /** Android 10+: an empty list for apps that are not the device owner or a carrier app. */
    @Deprecated
    public List<WifiConfiguration> getConfiguredNetworks() {
        enforceWifiState("getConfiguredNetworks");
        return new ArrayList<>();
    }

    public List<ScanResult> getScanResults() {
        enforceWifiState("getScanResults");
        List<ScanResult> results = new ArrayList<>();
        if (!located()) {
            return results;
        }
        results.add(new ScanResult("\"ShopFloor-5G\"", "f2:9c:3a:51:e8:07", "[WPA2-PSK-CCMP][ESS]", -58, 5180));
        results.add(new ScanResult("\"ChinaNet-7Fq2\"", "a4:1a:3a:0c:77:19", "[WPA2-PSK-CCMP][ESS]", -71, 2437));
        results.add(new ScanResult("\"CMCC-WEB\"", "6c:e8:73:22:90:4d", "[ESS]", -80, 2462));
        return results;
    }

    /** Throttled and deprecated, but still starts a scan for foreground apps. */
    @Deprecated
    public boolean startScan() {
        PermissionController.get().enforce("startScan", Manifest.permission.CHANGE_WIFI_STATE);
        return located();
    }

    @Deprecated
    public DhcpInfo getDhcpInfo() {
        enforceWifiState("getDhcpInfo");
        DhcpInfo info = new DhcpInfo();
        info.ipAddress = (23 << 24) | (1 << 16) | (168 << 8) | 192;
        info.gateway = GATEWAY;
        info.netmask = (255 << 16) | (255 << 8) | 255;
        info.dns1 = GATEWAY;
        info.dns2 = (114 << 24) | (114 << 16) | (114 << 8) | 114;
        info.serverAddress = GATEWAY;
        info.leaseDuration = 86400;
        return info;
    }
}
