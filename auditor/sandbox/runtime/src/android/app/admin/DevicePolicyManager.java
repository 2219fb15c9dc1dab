package android.app.admin;

import android.content.ComponentName;
import android.content.Context;

/** Device administration. The sandbox app is never a device or profile owner. */
public class DevicePolicyManager {
    /** @hide */
    public DevicePolicyManager(Context context) {
    }

    public boolean isDeviceOwnerApp(String packageName) {
        return false;
    }

    /** Device owners only: everyone else gets the SecurityException Android throws. */
    public String getWifiMacAddress(ComponentName admin) {
        if (admin == null) {
            throw new SecurityException("getWifiMacAddress: admin is null; the caller must be a device owner");
        }
        throw new SecurityException("Admin " + admin + " does not own the device");
    }
}
