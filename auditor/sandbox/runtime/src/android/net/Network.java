package android.net;

/** A network handle; toString is its id, as on Android. */
public class Network {
    private final int mNetId;

    /** @hide */
    public Network(int netId) {
        mNetId = netId;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Network && ((Network) other).mNetId == mNetId;
    }

    @Override
    public int hashCode() {
        return mNetId * 11;
    }

    @Override
    public String toString() {
        return Integer.toString(mNetId);
    }
}
