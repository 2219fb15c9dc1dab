package com.example.shop;

import android.Manifest;
import android.app.Activity;
import android.app.AlertDialog;
import android.content.ClipData;
import android.content.ClipboardManager;
import android.content.Context;
import android.content.SharedPreferences;
import android.content.pm.PackageManager;
import android.location.Location;
import android.location.LocationListener;
import android.location.LocationManager;
import android.os.Bundle;
import android.widget.Button;
import android.widget.LinearLayout;
import android.widget.TextView;
import com.trackmetrics.Analytics;

import java.util.Locale;

public class MainActivity extends Activity {
    private static final String PREFS = "shop";
    private static final String AGREED = "privacy_agreed";
    private static final int REQUEST_AFTER_AGREEMENT = 1;
    private static final int REQUEST_FOR_NEARBY_STORES = 2;
    private static final String[] LOCATION = {
        Manifest.permission.ACCESS_FINE_LOCATION, Manifest.permission.ACCESS_COARSE_LOCATION,
    };

    private TextView status;
    private final LocationListener storeUpdates = location -> { };

    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        LinearLayout screen = new LinearLayout(this);
        screen.setOrientation(LinearLayout.VERTICAL);

        TextView welcome = new TextView(this);
        welcome.setResourceName("welcome");
        welcome.setText("Welcome to Shop");
        screen.addView(welcome);

        Button nearby = new Button(this);
        nearby.setResourceName("nearby_stores");
        nearby.setText("Nearby stores");
        nearby.setOnClickListener(view -> onNearbyStores());
        screen.addView(nearby);

        Button paste = new Button(this);
        paste.setResourceName("paste_coupon");
        paste.setText("Paste coupon code");
        paste.setOnClickListener(view -> onPasteCoupon());
        screen.addView(paste);

        status = new TextView(this);
        status.setResourceName("status");
        status.setText("");
        screen.addView(status);
        setContentView(screen);

        SharedPreferences prefs = getSharedPreferences(PREFS, Context.MODE_PRIVATE);
        if (!prefs.getBoolean(AGREED, false)) {
            showPrivacyPolicy(prefs);
        }
    }

    private void showPrivacyPolicy(SharedPreferences prefs) {
        new AlertDialog.Builder(this)
                .setTitle("Privacy Policy")
                .setMessage("Shop and its partners use your device information to personalise ads and measure "
                        + "usage. Read our Privacy Policy and User Agreement before you continue.")
                .setCancelable(false)
                .setPositiveButton("Agree", (dialog, which) -> {
                    prefs.edit().putBoolean(AGREED, true).apply();
                    Analytics.setConsent(true);
                    requestPermissions(LOCATION, REQUEST_AFTER_AGREEMENT);
                })
                .setNegativeButton("Disagree", (dialog, which) -> {
                    Analytics.setConsent(false);
                    status.setText("Browse-only mode");
                })
                .show();
    }

    @Override
    public void onRequestPermissionsResult(int requestCode, String[] permissions, int[] grantResults) {
        boolean granted = false;
        for (int result : grantResults) {
            granted |= result == PackageManager.PERMISSION_GRANTED;
        }
        if (requestCode == REQUEST_AFTER_AGREEMENT && !granted) {
            // Deliberate defect: the user said no, and the app tries to read the location anyway.
            try {
                Location location = locationManager().getLastKnownLocation(LocationManager.GPS_PROVIDER);
                status.setText("Near " + location.getLatitude());
            } catch (SecurityException denied) {
                status.setText("Location unavailable");
            }
        } else if (requestCode == REQUEST_FOR_NEARBY_STORES) {
            if (granted) {
                showNearbyStores();
            } else {
                status.setText("Location permission needed to find nearby stores");
            }
        }
    }

    private void onNearbyStores() {
        if (hasLocationPermission()) {
            showNearbyStores();
        } else {
            // Done right: say what location is for, in the app's own words, as the system asks for it.
            status.setText("Shop uses your location to show the stores near you.");
            requestPermissions(LOCATION, REQUEST_FOR_NEARBY_STORES);
        }
    }

    private boolean hasLocationPermission() {
        for (String permission : LOCATION) {
            if (checkSelfPermission(permission) == PackageManager.PERMISSION_GRANTED) {
                return true;
            }
        }
        return false;
    }

    private void showNearbyStores() {
        LocationManager manager = locationManager();
        Location location = manager.getLastKnownLocation(LocationManager.GPS_PROVIDER);
        manager.requestLocationUpdates(LocationManager.GPS_PROVIDER, 60_000L, 50f, storeUpdates);
        status.setText(String.format(Locale.ROOT, "Stores near %.4f, %.4f", location.getLatitude(),
                location.getLongitude()));
    }

    private void onPasteCoupon() {
        ClipboardManager clipboard = (ClipboardManager) getSystemService(Context.CLIPBOARD_SERVICE);
        ClipData clip = clipboard.getPrimaryClip();
        if (clip == null || clip.getItemCount() == 0) {
            status.setText("The clipboard is empty");
        } else {
            status.setText("Coupon applied: " + clip.getItemAt(0).getText());
        }
    }

    private LocationManager locationManager() {
        return (LocationManager) getSystemService(Context.LOCATION_SERVICE);
    }

    @Override
    protected void onPause() {
        super.onPause();
        locationManager().removeUpdates(storeUpdates);
    }
}
