package android.location;

/** The satellites in view. */
public final class GnssStatus {
    private final int mSatelliteCount;

    GnssStatus(int satelliteCount) {
        mSatelliteCount = satelliteCount;
    }

    public int getSatelliteCount() {
        return mSatelliteCount;
    }

    public abstract static class Callback {
        public Callback() {
        }

        public void onStarted() {
        }

        public void onStopped() {
        }

        public void onFirstFix(int ttffMillis) {
        }

        public void onSatelliteStatusChanged(GnssStatus status) {
        }
    }
}
