package androidx.core.content;

import android.content.Context;
import android.os.Process;

/** Stand-in for androidx.core's ContextCompat (same names and signatures; what 1.x does on API 23+). */
public class ContextCompat {
    protected ContextCompat() {
    }

    public static int checkSelfPermission(Context context, String permission) {
        if (permission == null) {
            throw new NullPointerException("permission must be non-null");
        }
        return context.checkPermission(permission, Process.myPid(), Process.myUid());
    }
}
