package com.example.late;

import android.Manifest;
import android.app.Activity;
import android.app.AlertDialog;
import android.content.Context;
import android.content.SharedPreferences;
import android.os.Bundle;
import android.os.Handler;
import android.os.Looper;
import android.util.Log;
import android.widget.LinearLayout;
import android.widget.TextView;

/**
 * A weather app that asks for location right after the privacy policy is accepted, and, on every later start,
 * again {@link #LATE_REQUEST_MS} after it comes up, whatever the user answered before: a re-request after a denial
 * that comes later than a glance at the screen after launch.
 */
public class MainActivity extends Activity {
    static final long LATE_REQUEST_MS = 4500;
    private static final String TAG = "LateWeather";
    private static final String PREFS = "late";
    private static final String AGREED = "agreed";
    private static final String[] LOCATION = {
        Manifest.permission.ACCESS_FINE_LOCATION, Manifest.permission.ACCESS_COARSE_LOCATION,
    };

    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        LinearLayout screen = new LinearLayout(this);
        screen.setOrientation(LinearLayout.VERTICAL);
        TextView title = new TextView(this);
        title.setText("Late Weather");
        screen.addView(title);
        setContentView(screen);
        SharedPreferences prefs = getSharedPreferences(PREFS, Context.MODE_PRIVATE);
        if (prefs.getBoolean(AGREED, false)) {
            new Handler(Looper.getMainLooper()).postDelayed(() -> {
                Log.i(TAG, "asking for location again");
                requestPermissions(LOCATION, 2);
            }, LATE_REQUEST_MS);
        } else {
            new AlertDialog.Builder(this)
                    .setTitle("Privacy Policy")
                    .setMessage("Late Weather uses your location for local forecasts. Read our Privacy Policy.")
                    .setCancelable(false)
                    .setPositiveButton("Agree", (dialog, which) -> {
                        prefs.edit().putBoolean(AGREED, true).apply();
                        requestPermissions(LOCATION, 1);
                    })
                    .setNegativeButton("Disagree", (dialog, which) -> Log.i(TAG, "refused"))
                    .show();
        }
    }

    @Override
    public void onRequestPermissionsResult(int requestCode, String[] permissions, int[] grantResults) {
        Log.i(TAG, "request " + requestCode + " answered: " + grantResults[0]);
    }
}
