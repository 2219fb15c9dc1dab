package android.telephony;

import java.util.Locale;

/** One cell the modem sees. Android has a subclass per radio (CellInfoLte...); the sandbox's cells are LTE. */
public class CellInfo {
    private final boolean mRegistered;
    private final int mMcc;
    private final int mMnc;
    private final int mTac;
    private final int mCi;
    private final int mEarfcn;
    private final int mRsrp;

    /** @hide */
    public CellInfo(boolean registered, int mcc, int mnc, int tac, int ci, int earfcn, int rsrp) {
        mRegistered = registered;
        mMcc = mcc;
        mMnc = mnc;
        mTac = tac;
        mCi = ci;
        mEarfcn = earfcn;
        mRsrp = rsrp;
    }

    public boolean isRegistered() {
        return mRegistered;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "CellInfoLte:{mRegistered=%s CellIdentityLte:{ mCi=%d mTac=%d mEarfcn=%d"
                + " mMcc=%03d mMnc=%02d} CellSignalStrengthLte: rsrp=%d}", mRegistered ? "YES" : "NO", mCi, mTac,
                mEarfcn, mMcc, mMnc, mRsrp);
    }
}
