package com.umeng.analytics;

import android.content.Context;
import android.provider.Settings;
import android.util.Log;

/** Stands for an analytics SDK that the app starts only once the user agreed to its privacy policy. */
public final class Tracker {
    private Tracker() {}

    public static void start(Context context) {
        String id = Settings.Secure.getString(context.getContentResolver(), Settings.Secure.ANDROID_ID);
        Log.i("Tracker", "device " + id.length() + " chars");
    }
}
