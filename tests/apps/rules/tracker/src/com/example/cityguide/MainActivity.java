package com.example.cityguide;

import android.Manifest;
import android.app.Activity;
import android.app.AlertDialog;
import android.content.ClipData;
import android.content.ClipboardManager;
import android.content.Context;
import android.content.SharedPreferences;
import android.content.pm.PackageManager;
import android.location.Location;
import android.location.LocationManager;
import android.os.Bundle;
import android.widget.Button;
import android.widget.LinearLayout;
import android.widget.TextView;
import net.adpulse.sdk.AdPulse;

import java.util.Locale;

/** The app's own screen: it asks for consent first, and reads location and the clipboard only when the user asks. */
public class MainActivity extends Activity {
    private static final String PREFS = "cityguide";
    private static final String AGREED = "privacy_agreed";
    private static final int REQUEST_LOCATION = 1;
    private static final String[] LOCATION = {
        Manifest.permission.ACCESS_FINE_LOCATION, Manifest.permission.ACCESS_COARSE_LOCATION,
    };

    private TextView status;
    private Location lastFix;

    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        LinearLayout screen = new LinearLayout(this);
        screen.setOrientation(LinearLayout.VERTICAL);
        TextView title = new TextView(this);
        title.setText("City Guide");
        screen.addView(title);
        TextView locationPurpose = new TextView(this);
        locationPurpose.setText("City Guide uses your location to show places near you.");
        screen.addView(locationPurpose);
        screen.addView(button("places_nearby", "Places near my location", this::onPlacesNearby));
        screen.addView(button("paste_link", "Paste a place link", this::onPasteLink));
        screen.addView(button("privacy_settings", "Privacy settings", () -> showPrivacyPolicy(prefs())));
        status = new TextView(this);
        status.setResourceName("status");
        status.setText("");
        screen.addView(status);
        setContentView(screen);

        if (!prefs().getBoolean(AGREED, false)) {
            showPrivacyPolicy(prefs());
        }
    }

    private Button button(String id, String label, Runnable action) {
        Button button = new Button(this);
        button.setResourceName(id);
        button.setText(label);
        button.setOnClickListener(view -> action.run());
        return button;
    }

    private SharedPreferences prefs() {
        return getSharedPreferences(PREFS, Context.MODE_PRIVATE);
    }

    /** Shown at every launch until the user agrees; a refusal keeps the app usable in browse-only mode. */
    private void showPrivacyPolicy(SharedPreferences prefs) {
        new AlertDialog.Builder(this)
                .setTitle("Privacy Policy")
                .setMessage("City Guide and its advertising partner AdPulse use device information to show ads. "
                        + "Read our Privacy Policy before you continue.")
                .setCancelable(false)
                .setPositiveButton("Agree", (dialog, which) -> {
                    prefs.edit().putBoolean(AGREED, true).apply();
                    AdPulse.setConsent(true);
                    status.setText("Thanks! Personalised ads are on");
                })
                .setNegativeButton("Disagree", (dialog, which) -> {
                    AdPulse.setConsent(false);
                    status.setText("Browse-only mode");
                })
                .show();
    }

    private void onPlacesNearby() {
        if (hasLocationPermission()) {
            showPlacesNearby();
        } else {
            requestPermissions(LOCATION, REQUEST_LOCATION);
        }
    }

    @Override
    public void onRequestPermissionsResult(int requestCode, String[] permissions, int[] grantResults) {
        if (requestCode != REQUEST_LOCATION) {
            return;
        }
        if (hasLocationPermission()) {
            showPlacesNearby();
        } else {
            status.setText("Location permission is needed to find places near you");
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

    private void showPlacesNearby() {
        lastFix = locationManager().getLastKnownLocation(LocationManager.GPS_PROVIDER);
        status.setText(String.format(Locale.ROOT, "Showing places around %.4f, %.4f", lastFix.getLatitude(),
                lastFix.getLongitude()));
    }

    private void onPasteLink() {
        ClipboardManager clipboard = (ClipboardManager) getSystemService(Context.CLIPBOARD_SERVICE);
        ClipData clip = clipboard.getPrimaryClip();
        status.setText(clip == null || clip.getItemCount() == 0 ? "The clipboard is empty"
                : "Pasted: " + clip.getItemAt(0).getText());
    }

    @Override
    protected void onResume() {
        super.onResume();
        // With the user's grant, the map keeps its fix fresh whenever it is on screen (foreground only).
        if (hasLocationPermission()) {
            lastFix = locationManager().getLastKnownLocation(LocationManager.GPS_PROVIDER);
        }
    }

    @Override
    protected void onStop() {
        super.onStop();
        AdPulse.onAppBackground();
    }

    private LocationManager locationManager() {
        return (LocationManager) getSystemService(Context.LOCATION_SERVICE);
    }
}
