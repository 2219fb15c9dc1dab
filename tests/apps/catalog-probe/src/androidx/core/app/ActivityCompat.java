package androidx.core.app;

import android.app.Activity;
import androidx.core.content.ContextCompat;

/** Stand-in for androidx.core's ActivityCompat: on API 23+ it calls the Activity's own methods. */
public class ActivityCompat extends ContextCompat {
    protected ActivityCompat() {
    }

    public static void requestPermissions(Activity activity, String[] permissions, int requestCode) {
        for (String permission : permissions) {
            if (permission == null || permission.isEmpty()) {
                throw new IllegalArgumentException("Permission request for permissions " + java.util.Arrays
                        .toString(permissions) + " must not contain null or empty values");
            }
        }
        activity.requestPermissions(permissions, requestCode);
    }

    public static boolean shouldShowRequestPermissionRationale(Activity activity, String permission) {
        return activity.shouldShowRequestPermissionRationale(permission);
    }
}
