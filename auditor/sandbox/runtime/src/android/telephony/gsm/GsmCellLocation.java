package android.telephony.gsm;

import android.telephony.CellLocation;

/** GSM/UMTS/LTE cell location: location area code and cell id; a primary scrambling code on UMTS. */
public class GsmCellLocation extends CellLocation {
    private int mLac = -1;
    private int mCid = -1;
    private int mPsc = -1;

    public GsmCellLocation() {
    }

    public int getLac() {
        return mLac;
    }

    public int getCid() {
        return mCid;
    }

    public int getPsc() {
        return mPsc;
    }

    public void setStateInvalid() {
        mLac = -1;
        mCid = -1;
        mPsc = -1;
    }

    public void setLacAndCid(int lac, int cid) {
        mLac = lac;
        mCid = cid;
    }

    @Override
    public String toString() {
        return "[" + mLac + "," + mCid + "," + mPsc + "]";
    }
}
