package android.bluetooth.le;

public final class ScanFilter {
    ScanFilter() {
    }
}
