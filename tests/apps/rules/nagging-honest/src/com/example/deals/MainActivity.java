package com.example.deals;

import android.Manifest;
import android.app.Activity;
import android.app.AlertDialog;
import android.content.Context;
import android.content.SharedPreferences;
import android.content.pm.PackageManager;
import android.hardware.Camera;
import android.location.Location;
import android.location.LocationManager;
import android.os.Bundle;
import android.widget.Button;
import android.widget.LinearLayout;
import android.widget.TextView;

import java.util.Locale;

/** The privacy policy comes first; each permission is asked for by the feature that needs it, once per tap. */
public class MainActivity extends Activity {
    private static final String PREFS = "deals";
    private static final String AGREED = "privacy_agreed";
    private static final int REQUEST_CAMERA = 1;
    private static final int REQUEST_LOCATION = 2;
    private static final String[] CAMERA = {Manifest.permission.CAMERA};
    private static final String[] LOCATION = {
        Manifest.permission.ACCESS_FINE_LOCATION, Manifest.permission.ACCESS_COARSE_LOCATION,
    };

    private TextView status;

    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        LinearLayout screen = new LinearLayout(this);
        screen.setOrientation(LinearLayout.VERTICAL);
        screen.addView(text("Deals"));
        screen.addView(text("Today: 20% off headphones"));
        screen.addView(text("Deals uses the camera to scan product barcodes."));
        screen.addView(button("scan_barcode", "Scan a barcode", this::onScanBarcode));
        screen.addView(text("Deals uses your location to find stores near you."));
        screen.addView(button("stores_nearby", "Stores near me", this::onStoresNearby));
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

    private TextView text(String words) {
        TextView view = new TextView(this);
        view.setText(words);
        return view;
    }

    private Button button(String id, String label, Runnable action) {
        Button button = new Button(this);
        button.setResourceName(id);
        button.setText(label);
        button.setOnClickListener(view -> action.run());
        return button;
    }

    private void showPrivacyPolicy(SharedPreferences prefs) {
        new AlertDialog.Builder(this)
                .setTitle("Privacy Policy")
                .setMessage("Deals collects information about your device and your shopping to show offers. "
                        + "Read our Privacy Policy.")
                .setCancelable(false)
                .setPositiveButton("Agree", (dialog, which) -> prefs.edit().putBoolean(AGREED, true).apply())
                .setNegativeButton("Disagree", (dialog, which) -> status.setText("Browse-only mode"))
                .show();
    }

    private void onScanBarcode() {
        if (checkSelfPermission(Manifest.permission.CAMERA) == PackageManager.PERMISSION_GRANTED) {
            openCamera();
        } else {
            requestPermissions(CAMERA, REQUEST_CAMERA);
        }
    }

    private void onStoresNearby() {
        if (hasLocationPermission()) {
            showStoresNearby();
        } else {
            requestPermissions(LOCATION, REQUEST_LOCATION);
        }
    }

    @Override
    public void onRequestPermissionsResult(int requestCode, String[] permissions, int[] grantResults) {
        // A denial is respected: the feature says what it needs and the app asks nothing until the next tap.
        if (requestCode == REQUEST_CAMERA) {
            if (checkSelfPermission(Manifest.permission.CAMERA) == PackageManager.PERMISSION_GRANTED) {
                openCamera();
            } else {
                status.setText("Camera permission is needed to scan barcodes");
            }
        } else if (requestCode == REQUEST_LOCATION) {
            if (hasLocationPermission()) {
                showStoresNearby();
            } else {
                status.setText("Location permission is needed to find stores near you");
            }
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

    private void openCamera() {
        Camera camera = Camera.open();
        camera.release();
        status.setText("Camera ready: point it at a barcode");
    }

    private void showStoresNearby() {
        LocationManager manager = (LocationManager) getSystemService(Context.LOCATION_SERVICE);
        Location location = manager.getLastKnownLocation(LocationManager.GPS_PROVIDER);
        status.setText(String.format(Locale.ROOT, "Stores around %.4f, %.4f", location.getLatitude(),
                location.getLongitude()));
    }
}
