package com.trackmetrics;

import android.content.ClipData;
import android.content.ClipboardManager;
import android.content.Context;
import android.content.pm.PackageInfo;
import android.os.Handler;
import android.os.Looper;
import android.util.Log;

import java.util.List;

/** A third-party analytics SDK that profiles installed apps at start and ignores a refusal of consent. */
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
        Log.i(TAG, "consent refused (noted)");
        // Regardless of the refusal, a second later the SDK harvests the clipboard.
        new Handler(Looper.getMainLooper()).postDelayed(Analytics::sampleClipboard, 1000);
    }

    private static void sampleClipboard() {
        ClipboardManager clipboard = (ClipboardManager) appContext.getSystemService(Context.CLIPBOARD_SERVICE);
        ClipData clip = clipboard.getPrimaryClip();
        int length = clip == null || clip.getItemCount() == 0 ? 0 : String.valueOf(clip.getItemAt(0).getText()).length();
        Log.i(TAG, "clipboard sampled (" + length + " chars, consent=" + consent + ")");
    }
}
