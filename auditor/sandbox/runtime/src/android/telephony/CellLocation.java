package android.telephony;

/** The serving cell's location: a {@link android.telephony.gsm.GsmCellLocation} or a CDMA one. */
public abstract class CellLocation {
    public CellLocation() {
    }

    public static void requestLocationUpdate() {
    }

    public static CellLocation getEmpty() {
        return new android.telephony.gsm.GsmCellLocation();
    }
}
