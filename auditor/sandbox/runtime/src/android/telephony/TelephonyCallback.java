package android.telephony;

/** Base of the API 31 telephony callbacks; implement the listener interfaces for the events wanted. */
public class TelephonyCallback {
    public TelephonyCallback() {
    }

    public interface CellLocationListener {
        void onCellLocationChanged(CellLocation location);
    }

    public interface CallStateListener {
        void onCallStateChanged(int state);
    }
}
