package android.support.v4.content;

import android.content.Context;
import android.os.Process;

/** Stand-in for the support library's ContextCompat (support-compat 28). */
public class ContextCompat {
    protected ContextCompat() {
    }

    public static int checkSelfPermission(Context context, String permission) {
        if (permission == null) {
            throw new IllegalArgumentException("permission is null");
        }
        return context.checkPermission(permission, Process.myPid(), Process.myUid());
    }
}
