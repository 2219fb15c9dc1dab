package android.telephony;

/** Registration state. The cell identity is in it only for callers holding a fine location permission. */
public class ServiceState {
    public static final int STATE_IN_SERVICE = 0;

    private final boolean mLocated;

    /** @hide */
    public ServiceState(boolean located) {
        mLocated = located;
    }

    public int getState() {
        return STATE_IN_SERVICE;
    }

    public boolean getRoaming() {
        return false;
    }

    public String getOperatorAlphaLong() {
        return "CHINA MOBILE";
    }

    public String getOperatorNumeric() {
        return "46000";
    }

    @Override
    public String toString() {
        String cell = mLocated
                ? "CellIdentityLte:{ mCi=" + TelephonyManager.SERVING_CID + " mTac=" + TelephonyManager.SERVING_LAC
                        + " mMcc=460 mMnc=00}"
                : "null";
        return "{mVoiceRegState=0(IN_SERVICE), mDataRegState=0(IN_SERVICE), mVoiceOperatorAlphaLong=CHINA MOBILE,"
                + " mVoiceOperatorNumeric=46000, mIsManualNetworkSelection=false, mCellIdentity=" + cell + "}";
    }
}
