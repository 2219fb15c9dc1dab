package android.hardware;

public final class Sensor {
    public static final int TYPE_ACCELEROMETER = 1;
    public static final int TYPE_GYROSCOPE = 4;
    public static final int TYPE_HEART_RATE = 21;
    public static final int TYPE_STEP_COUNTER = 19;
    public static final int TYPE_ALL = -1;

    private final int mType;
    private final String mName;
    private final String mVendor;

    Sensor(int type, String name, String vendor) {
        mType = type;
        mName = name;
        mVendor = vendor;
    }

    public int getType() {
        return mType;
    }

    public String getName() {
        return mName;
    }

    public String getVendor() {
        return mVendor;
    }

    public int getVersion() {
        return 1;
    }

    @Override
    public String toString() {
        return "{Sensor name=\"" + mName + "\", vendor=\"" + mVendor + "\", version=1, type=" + mType
                + ", maxRange=" + (mType == TYPE_HEART_RATE ? "400.0" : "78.4532") + ", resolution=0.0023928226}";
    }
}
