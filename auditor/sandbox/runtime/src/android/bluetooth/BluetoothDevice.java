package android.bluetooth;

import android.Manifest;

/** A remote Bluetooth device. toString is its address, as on Android. */
public final class BluetoothDevice {
    private final String mAddress;
    private final String mName;
    private final String mAlias;

    BluetoothDevice(String address, String name, String alias) {
        mAddress = address;
        mName = name;
        mAlias = alias;
    }

    public String getAddress() {
        return mAddress;
    }

    public String getName() {
        BluetoothAdapter.enforce("getName", Manifest.permission.BLUETOOTH);
        return mName;
    }

    /** The name the user gave the device, else its own name. */
    public String getAlias() {
        BluetoothAdapter.enforce("getAlias", Manifest.permission.BLUETOOTH);
        return mAlias != null ? mAlias : mName;
    }

    @Override
    public String toString() {
        return mAddress;
    }
}
