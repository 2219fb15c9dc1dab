package android.support.v4.app;

import android.app.Activity;
import android.support.v4.content.ContextCompat;

/** Stand-in for the support library's ActivityCompat (support-compat 28): the Activity's methods on API 23+. */
public class ActivityCompat extends ContextCompat {
    protected ActivityCompat() {
    }

    public static void requestPermissions(Activity activity, String[] permissions, int requestCode) {
        activity.requestPermissions(permissions, requestCode);
    }

    public static boolean shouldShowRequestPermissionRationale(Activity activity, String permission) {
        return activity.shouldShowRequestPermissionRationale(permission);
    }
}
