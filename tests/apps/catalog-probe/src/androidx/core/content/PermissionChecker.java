package androidx.core.content;

import android.content.Context;
import android.os.Process;

/** Stand-in for androidx.core's PermissionChecker (the app-op half is not modelled: no app op is denied). */
public final class PermissionChecker {
    public static final int PERMISSION_GRANTED = 0;
    public static final int PERMISSION_DENIED = -1;

    private PermissionChecker() {
    }

    public static int checkSelfPermission(Context context, String permission) {
        return context.checkPermission(permission, Process.myPid(), Process.myUid()) == 0
                ? PERMISSION_GRANTED : PERMISSION_DENIED;
    }
}
