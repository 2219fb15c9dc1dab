package android.bluetooth;

public interface BluetoothProfile {
    int HEADSET = 1;
    int A2DP = 2;
    int GATT = 7;
    int GATT_SERVER = 8;
}
