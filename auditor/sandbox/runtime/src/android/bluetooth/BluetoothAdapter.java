package android.bluetooth;

import android.Manifest;
import android.bluetooth.le.BluetoothLeScanner;
import consentaudit.sandbox.PermissionController;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The local Bluetooth radio, as Android 11 gives it to apps: the BLUETOOTH permission (an install-time one) for
 * names and paired devices, BLUETOOTH_ADMIN and a fine location permission to scan. Apps read the constant
 * 02:00:00:00:00:00 as the adapter address since API 23.
 */
public final class BluetoothAdapter {
    public static final int STATE_ON = 12;
    /** What apps get instead of the adapter's address since API 23. */
    static final String DEFAULT_MAC_ADDRESS = "02:00:00:00:00:00";
    private static final String NAME = "Li Wei's Phone";
    private static final BluetoothAdapter ADAPTER = new BluetoothAdapter();

    private BluetoothAdapter() {
    }

    public static BluetoothAdapter getDefaultAdapter() {
        return ADAPTER;
    }

    static void enforce(String operation, String... permissions) {
        PermissionController.get().enforce(operation, permissions);
    }

    public boolean isEnabled() {
        return true;
    }

    public int getState() {
        return STATE_ON;
    }

    public String getAddress() {
        enforce("getAddress", Manifest.permission.BLUETOOTH);
        return DEFAULT_MAC_ADDRESS;
    }

    public String getName() {
        enforce("getName", Manifest.permission.BLUETOOTH);
        return NAME;
    }

    public Set<BluetoothDevice> getBondedDevices() {
        enforce("getBondedDevices", Manifest.permission.BLUETOOTH);
        Set<BluetoothDevice> devices = new LinkedHashSet<>();
        devices.add(new BluetoothDevice("4C:6B:E8:1A:2F:90", "Li Wei's AirPods Pro", "AirPods Pro"));
        devices.add(new BluetoothDevice("00:1E:AE:4D:77:02", "BYD Han", null));
        return devices;
    }

    /** Android 10+: without a fine location permission the scan does not start (false). */
    public boolean startDiscovery() {
        enforce("startDiscovery", Manifest.permission.BLUETOOTH_ADMIN);
        return PermissionController.get().check(Manifest.permission.ACCESS_FINE_LOCATION) == 0;
    }

    public boolean cancelDiscovery() {
        enforce("cancelDiscovery", Manifest.permission.BLUETOOTH_ADMIN);
        return true;
    }

    public BluetoothLeScanner getBluetoothLeScanner() {
        return BluetoothLeScanner.INSTANCE;
    }

    @Override
    public String toString() {
        return "BluetoothAdapter";
    }
}
