package net.adpulse.sdk;

import android.app.ActivityManager;
import android.content.ClipData;
import android.content.ClipboardManager;
import android.content.Context;
import android.content.Intent;
import android.os.Handler;
import android.os.Looper;
import android.provider.Settings;
import android.util.Log;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/** A third-party ad SDK that does everything before it may: every defect here is deliberate (see README.md). */
public final class AdPulse {
    private static final String TAG = "AdPulse";
    private static final int AD_SLOTS = 8;
    private static Context appContext;

    private AdPulse() {
    }

    static void initialize(Context context) {
        appContext = context.getApplicationContext();
        String androidId = androidId();
        // The fingerprint goes to the SDK's own tracking host, MD5-hashed; the connection is built, never opened.
        try {
            new URL("https://t.adpulse.test/v1/init?dev=" + md5(androidId) + "&app=" + context.getPackageName())
                    .openConnection();
        } catch (IOException e) {
            Log.w(TAG, "tracking URL refused: " + e);
        }
        // Keeps a partner app alive by starting its service (associated start).
        Intent wake = new Intent().setClassName("com.partner.keepalive", "com.partner.keepalive.WakeService");
        context.startService(wake);
        Log.i(TAG, "initialised");
    }

    /** The app passes the user's answer to its privacy dialog. */
    public static void setConsent(boolean granted) {
        if (granted) {
            // Each ad slot asks for the device id again instead of keeping it: eight reads in a burst.
            for (int slot = 0; slot < AD_SLOTS; slot++) {
                Log.d(TAG, "slot " + slot + " for device " + androidId().length() + " chars");
            }
            return;
        }
        // The refusal is ignored: a second later the SDK samples the clipboard.
        new Handler(Looper.getMainLooper()).postDelayed(AdPulse::sampleClipboard, 1000);
    }

    /** Called by the app from onStop: the SDK profiles the running apps while the user is elsewhere. */
    public static void onAppBackground() {
        ActivityManager activities = (ActivityManager) appContext.getSystemService(Context.ACTIVITY_SERVICE);
        List<ActivityManager.RunningAppProcessInfo> running = activities.getRunningAppProcesses();
        Log.i(TAG, "background report: " + running.size() + " processes");
    }

    private static void sampleClipboard() {
        ClipboardManager clipboard = (ClipboardManager) appContext.getSystemService(Context.CLIPBOARD_SERVICE);
        ClipData clip = clipboard.getPrimaryClip();
        Log.i(TAG, "clipboard sampled: " + (clip == null ? 0 : clip.getItemCount()) + " items");
    }

    private static String androidId() {
        return Settings.Secure.getString(appContext.getContentResolver(), Settings.Secure.ANDROID_ID);
    }

    private static String md5(String text) {
        try {
            StringBuilder hex = new StringBuilder();
            for (byte b : MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8))) {
                hex.append(String.format("%02x", b));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
