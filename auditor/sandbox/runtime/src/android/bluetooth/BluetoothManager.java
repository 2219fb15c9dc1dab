package android.bluetooth;

import android.Manifest;
import android.content.Context;

import java.util.ArrayList;
import java.util.List;

/** Context.BLUETOOTH_SERVICE. */
public final class BluetoothManager {
    /** @hide */
    public BluetoothManager(Context context) {
    }

    public BluetoothAdapter getAdapter() {
        return BluetoothAdapter.getDefaultAdapter();
    }

    /** GATT connections only, as on Android; the sandbox's earbuds are connected over GATT. */
    public List<BluetoothDevice> getConnectedDevices(int profile) {
        if (profile != BluetoothProfile.GATT && profile != BluetoothProfile.GATT_SERVER) {
            throw new IllegalArgumentException("Profile not supported: " + profile);
        }
        BluetoothAdapter.enforce("getConnectedDevices", Manifest.permission.BLUETOOTH);
        List<BluetoothDevice> devices = new ArrayList<>();
        if (profile == BluetoothProfile.GATT) {
            devices.add(new BluetoothDevice("4C:6B:E8:1A:2F:90", "Li Wei's AirPods Pro", "AirPods Pro"));
        }
        return devices;
    }
}
