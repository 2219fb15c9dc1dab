package android.app;

import android.content.Intent;

/** A token for an intent the system sends later on the app's behalf. The sandbox never sends one. */
public final class PendingIntent {
    public static final int FLAG_IMMUTABLE = 0x04000000;
    public static final int FLAG_UPDATE_CURRENT = 0x08000000;

    private final Intent mIntent;

    private PendingIntent(Intent intent) {
        mIntent = intent;
    }

    public static PendingIntent getBroadcast(android.content.Context context, int requestCode, Intent intent,
            int flags) {
        return new PendingIntent(new Intent(intent));
    }

    public static PendingIntent getActivity(android.content.Context context, int requestCode, Intent intent,
            int flags) {
        return new PendingIntent(new Intent(intent));
    }

    @Override
    public String toString() {
        return "PendingIntent{" + Integer.toHexString(System.identityHashCode(this)) + ": " + mIntent + "}";
    }
}
