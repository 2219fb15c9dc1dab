package android.telephony;

/** A neighbouring GSM/UMTS cell (removed from the SDK in API 29, still on devices for old apps). */
@Deprecated
public class NeighboringCellInfo {
    private final int mRssi;
    private final int mCid;

    @Deprecated
    public NeighboringCellInfo(int rssi, int cid) {
        mRssi = rssi;
        mCid = cid;
    }

    public int getRssi() {
        return mRssi;
    }

    public int getCid() {
        return mCid;
    }

    @Override
    public String toString() {
        return "[" + Integer.toHexString(mCid) + " at " + mRssi + "]";
    }
}
