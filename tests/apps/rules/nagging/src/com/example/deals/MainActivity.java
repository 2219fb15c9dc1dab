package com.example.deals;

import android.Manifest;
import android.app.Activity;
import android.app.AlertDialog;
import android.content.ClipData;
import android.content.ClipboardManager;
import android.content.Context;
import android.content.SharedPreferences;
import android.content.pm.PackageManager;
import android.location.LocationManager;
import android.os.Bundle;
import android.os.Handler;
import android.os.Looper;
import android.util.Log;
import android.widget.Button;
import android.widget.LinearLayout;
import android.widget.TextView;

/** Every defect here is deliberate; README.md lists them with the findings each one must produce. */
public class MainActivity extends Activity {
    private static final String PREFS = "deals";
    private static final int REQUEST_AT_START = 1;
    private static final int REQUEST_AGAIN = 2;
    private static final String[] EVERYTHING = {
        Manifest.permission.CAMERA, Manifest.permission.ACCESS_FINE_LOCATION,
        Manifest.permission.ACCESS_COARSE_LOCATION,
    };
    private static final String[] LOCATION = {
        Manifest.permission.ACCESS_FINE_LOCATION, Manifest.permission.ACCESS_COARSE_LOCATION,
    };

    private TextView status;
    private boolean askedAgain;

    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        LinearLayout screen = new LinearLayout(this);
        screen.setOrientation(LinearLayout.VERTICAL);
        TextView title = new TextView(this);
        title.setText("Deals");
        screen.addView(title);
        TextView offer = new TextView(this);
        offer.setText("Today: 20% off headphones");
        screen.addView(offer);
        Button privacy = new Button(this);
        privacy.setResourceName("privacy_settings");
        privacy.setText("Privacy settings");
        privacy.setOnClickListener(view -> showPrivacyPolicy());
        screen.addView(privacy);
        status = new TextView(this);
        status.setResourceName("status");
        status.setText("");
        screen.addView(status);
        setContentView(screen);

        SharedPreferences prefs = getSharedPreferences(PREFS, Context.MODE_PRIVATE);
        if (!prefs.getBoolean("coupon_checked", false)) {
            // First run: looks for a coupon code on the clipboard before the user has seen any policy.
            ClipboardManager clipboard = (ClipboardManager) getSystemService(Context.CLIPBOARD_SERVICE);
            ClipData clip = clipboard.getPrimaryClip();
            Log.i("Deals", "coupon check: " + (clip == null ? 0 : clip.getItemCount()) + " clips");
            prefs.edit().putBoolean("coupon_checked", true).apply();
        }
        // At every launch, before the user has touched anything: two permission groups in one request.
        requestPermissions(EVERYTHING, REQUEST_AT_START);
    }

    @Override
    public void onRequestPermissionsResult(int requestCode, String[] permissions, int[] grantResults) {
        status.setText("Some features are unavailable");
        boolean locationDenied = checkSelfPermission(Manifest.permission.ACCESS_FINE_LOCATION)
                != PackageManager.PERMISSION_GRANTED;
        // A denial is answered by asking again at once, as long as Android still shows the dialog.
        if (locationDenied && !askedAgain
                && shouldShowRequestPermissionRationale(Manifest.permission.ACCESS_FINE_LOCATION)) {
            askedAgain = true;
            new Handler(Looper.getMainLooper()).postDelayed(() -> requestPermissions(LOCATION, REQUEST_AGAIN), 600);
        }
    }

    /** The privacy policy exists, but only here: the app never shows it by itself. */
    private void showPrivacyPolicy() {
        new AlertDialog.Builder(this)
                .setTitle("Privacy Policy")
                .setMessage("Deals collects information about your device and your shopping to show offers. "
                        + "Read our Privacy Policy.")
                .setCancelable(false)
                .setPositiveButton("Agree", (dialog, which) -> refreshLocalDeals())
                .setNegativeButton("Disagree", (dialog, which) -> status.setText("Browse-only mode"))
                .show();
    }

    /** Reads the location whatever the user answered to the location dialog. */
    private void refreshLocalDeals() {
        LocationManager manager = (LocationManager) getSystemService(Context.LOCATION_SERVICE);
        try {
            manager.getLastKnownLocation(LocationManager.GPS_PROVIDER);
            status.setText("Local deals updated");
        } catch (SecurityException denied) {
            status.setText("Local deals unavailable");
        }
    }
}
