package androidx.core.app;

import android.app.Activity;

/** androidx's helper, as an app bundles it: on API 23 and later it asks the activity. */
public class ActivityCompat {
    protected ActivityCompat() {
    }

    public static void requestPermissions(Activity activity, String[] permissions, int requestCode) {
        activity.requestPermissions(permissions, requestCode);
    }
}
