package net.adpulse.sdk;

import android.content.Context;
import android.content.Intent;
import android.content.SharedPreferences;
import android.util.Log;

import java.io.IOException;
import java.net.URL;
import java.util.UUID;

/** The same ad SDK in its privacy-compliant mode: nothing personal before consent, nothing after a refusal. */
public final class AdPulse {
    private static final String TAG = "AdPulse";
    private static Context appContext;
    private static boolean consented;

    private AdPulse() {
    }

    static void initialize(Context context) {
        appContext = context.getApplicationContext();
        // Before consent: the SDK's configuration from a third-party CDN, with nothing about the device in the URL.
        open("https://cdn.adpulse.test/sdk/config-v2.json");
        // Its own upload service, inside this app.
        context.startService(new Intent(context, AdPulseSyncService.class));
        Log.i(TAG, "waiting for consent");
    }

    public static void setConsent(boolean granted) {
        consented = granted;
        if (!granted) {
            Log.i(TAG, "consent refused: the SDK stays off");
            return;
        }
        // An id of this installation, made up by the SDK: no device identifier is read.
        SharedPreferences prefs = appContext.getSharedPreferences("adpulse", Context.MODE_PRIVATE);
        String installId = prefs.getString("install_id", null);
        if (installId == null) {
            installId = UUID.randomUUID().toString();
            prefs.edit().putString("install_id", installId).apply();
        }
        open("https://t.adpulse.test/v1/session?install=" + installId);
    }

    /** Called by the app from onStop: only queued work is flushed, nothing is read. */
    public static void onAppBackground() {
        Log.i(TAG, consented ? "flushing queued impressions" : "nothing to flush");
    }

    private static void open(String url) {
        // The connection is built, never opened: the sandbox has no network.
        try {
            new URL(url).openConnection();
        } catch (IOException e) {
            Log.w(TAG, "URL refused: " + e);
        }
    }
}
