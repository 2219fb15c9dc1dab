package android.location;

public class Criteria {
    public static final int NO_REQUIREMENT = 0;
    public static final int ACCURACY_FINE = 1;
    public static final int ACCURACY_COARSE = 2;
    public static final int POWER_LOW = 1;
    public static final int POWER_HIGH = 3;

    private int mAccuracy = NO_REQUIREMENT;
    private int mPowerRequirement = NO_REQUIREMENT;

    public Criteria() {
    }

    public int getAccuracy() {
        return mAccuracy;
    }

    public void setAccuracy(int accuracy) {
        mAccuracy = accuracy;
    }

    public int getPowerRequirement() {
        return mPowerRequirement;
    }

    public void setPowerRequirement(int level) {
        mPowerRequirement = level;
    }
}
