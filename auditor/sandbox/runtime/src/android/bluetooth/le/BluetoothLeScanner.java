package android.bluetooth.le;

import android.Manifest;
import android.os.Handler;
import android.os.Looper;
import consentaudit.sandbox.PermissionController;

import java.util.List;

/** Bluetooth LE scans: BLUETOOTH_ADMIN; results only with a fine location permission (Android 10+). */
public final class BluetoothLeScanner {
    /** @hide */
    public static final BluetoothLeScanner INSTANCE = new BluetoothLeScanner();

    private BluetoothLeScanner() {
    }

    public void startScan(ScanCallback callback) {
        startScan(null, null, callback);
    }

    public void startScan(List<ScanFilter> filters, ScanSettings settings, ScanCallback callback) {
        PermissionController.get().enforce("startScan", Manifest.permission.BLUETOOTH_ADMIN);
        if (PermissionController.get().check(Manifest.permission.ACCESS_FINE_LOCATION) != 0) {
            return;
        }
        // A nearby iBeacon, as a shop's indoor positioning would have.
        ScanResult beacon = new ScanResult("C8:FD:19:3A:0B:4E", -71);
        new Handler(Looper.getMainLooper()).postDelayed(() -> callback.onScanResult(1, beacon), 100);
    }

    public void stopScan(ScanCallback callback) {
    }
}
