package android.bluetooth.le;

/** One advertisement seen in a scan. */
public final class ScanResult {
    private final String mAddress;
    private final int mRssi;

    ScanResult(String address, int rssi) {
        mAddress = address;
        mRssi = rssi;
    }

    public int getRssi() {
        return mRssi;
    }

    @Override
    public String toString() {
        return "ScanResult{device=" + mAddress + ", rssi=" + mRssi + "}";
    }
}
