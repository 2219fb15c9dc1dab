package com.example.fair;

import android.Manifest;
import android.app.Activity;
import android.app.AlertDialog;
import android.content.Context;
import android.content.SharedPreferences;
import android.content.pm.PackageManager;
import android.location.Location;
import android.location.LocationManager;
import android.os.Bundle;
import android.widget.Button;
import android.widget.LinearLayout;
import android.widget.TextView;
import com.amap.api.location.AMapLocationClient;

import java.util.Locale;

/** The honest twin of Pushy Shop: each dialog offers an equal, plainly worded way to say no, and means it. */
public class MainActivity extends Activity {
    private static final String PREFS = "fair";
    private static final String AGREED = "privacy_agreed";
    private static final int REQUEST_STORES = 1;
    private static final int REQUEST_MICROPHONE = 2;
    private static final String[] LOCATION = {
        Manifest.permission.ACCESS_FINE_LOCATION, Manifest.permission.ACCESS_COARSE_LOCATION,
    };

    private TextView status;

    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        LinearLayout screen = new LinearLayout(this);
        screen.setOrientation(LinearLayout.VERTICAL);
        TextView welcome = new TextView(this);
        welcome.setText("Welcome to Fair Shop");
        screen.addView(welcome);
        screen.addView(button("Nearby stores", this::onNearbyStores));
        screen.addView(button("Voice search", this::onVoiceSearch));
        status = new TextView(this);
        status.setResourceName("status");
        screen.addView(status);
        setContentView(screen);

        SharedPreferences prefs = getSharedPreferences(PREFS, Context.MODE_PRIVATE);
        if (!prefs.getBoolean(AGREED, false)) {
            showPrivacyPolicy(prefs);
        }
    }

    private Button button(String label, Runnable action) {
        Button button = new Button(this);
        button.setText(label);
        button.setOnClickListener(view -> action.run());
        return button;
    }

    // Equal buttons, side by side, on the first screen; the refusal says what it is.
    private void showPrivacyPolicy(SharedPreferences prefs) {
        new AlertDialog.Builder(this)
                .setTitle("Privacy Policy")
                .setMessage("Fair Shop uses your personal data only as our Privacy Policy describes.")
                .setCancelable(false)
                .setNegativeButton("Disagree", (dialog, which) -> status.setText("Browse-only mode"))
                .setPositiveButton("Agree", (dialog, which) -> prefs.edit().putBoolean(AGREED, true).apply())
                .show();
    }

    // A soft-ask with a real "Not now" and the purpose the location is then used for.
    private void onNearbyStores() {
        if (granted(LOCATION[0]) || granted(LOCATION[1])) {
            showNearbyStores();
            return;
        }
        new AlertDialog.Builder(this)
                .setTitle("Find stores near you")
                .setMessage("Fair Shop uses your location to show the stores nearest to you.")
                .setNegativeButton("Not now", (dialog, which) -> status.setText("Showing all stores"))
                .setPositiveButton("Continue", (dialog, which) -> requestPermissions(LOCATION, REQUEST_STORES))
                .show();
    }

    private void showNearbyStores() {
        LocationManager manager = (LocationManager) getSystemService(Context.LOCATION_SERVICE);
        Location location = manager.getLastKnownLocation(LocationManager.GPS_PROVIDER);
        // The store finder refines the position with the maps SDK it is built on.
        new AMapLocationClient(this).getLastKnownLocation();
        status.setText(String.format(Locale.ROOT, "Stores near %.2f, %.2f", location.getLatitude(),
                location.getLongitude()));
    }

    private void onVoiceSearch() {
        if (granted(Manifest.permission.RECORD_AUDIO)) {
            status.setText("Listening…");
            return;
        }
        new AlertDialog.Builder(this)
                .setTitle("Search by voice")
                .setMessage("Fair Shop uses the microphone only while you hold the search button, so that you can "
                        + "search by voice.")
                .setNegativeButton("Not now", (dialog, which) -> status.setText("Type your search instead"))
                .setPositiveButton("Continue", (dialog, which) ->
                        requestPermissions(new String[] {Manifest.permission.RECORD_AUDIO}, REQUEST_MICROPHONE))
                .show();
    }

    @Override
    public void onRequestPermissionsResult(int requestCode, String[] permissions, int[] grantResults) {
        boolean granted = false;
        for (int result : grantResults) {
            granted |= result == PackageManager.PERMISSION_GRANTED;
        }
        if (requestCode == REQUEST_STORES) {
            if (granted) {
                showNearbyStores();
            } else {
                status.setText("Showing all stores");
            }
        } else if (requestCode == REQUEST_MICROPHONE) {
            if (granted) {
                status.setText("Listening…");
            } else {
                // Said once; the app goes on without the microphone.
                status.setText("Voice search is off: type your search instead");
                new AlertDialog.Builder(this)
                        .setTitle("Voice search is off")
                        .setMessage("You can turn on the microphone for Fair Shop in Settings at any time.")
                        .setPositiveButton("OK", null)
                        .show();
            }
        }
    }

    private boolean granted(String permission) {
        return checkSelfPermission(permission) == PackageManager.PERMISSION_GRANTED;
    }
}
