package android.bluetooth.le;

public final class ScanSettings {
    ScanSettings() {
    }
}
