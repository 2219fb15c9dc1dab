package org.probe.imei;

import android.app.Activity;
import android.content.Context;
import android.telephony.TelephonyManager;
import android.util.Log;

public class EarlyActivity extends Activity {
    static {
        // As SDKs do: reach the application through the hidden ActivityThread.currentApplication().
        try {
            Context application = (Context) Class.forName("android.app.ActivityThread")
                    .getMethod("currentApplication").invoke(null);
            TelephonyManager telephony = (TelephonyManager) application.getSystemService(Context.TELEPHONY_SERVICE);
            Log.i("EarlyActivity", "IMEI " + telephony.getImei());
        } catch (ReflectiveOperationException | SecurityException e) {
            Log.i("EarlyActivity", "IMEI read failed: " + e);
        }
    }
}
