package com.example.level;

import android.Manifest;
import android.app.Activity;
import android.app.AlertDialog;
import android.content.Context;
import android.content.SharedPreferences;
import android.content.pm.PackageManager;
import android.graphics.Color;
import android.location.Location;
import android.location.LocationManager;
import android.os.Bundle;
import android.widget.Button;
import android.widget.CheckBox;
import android.widget.LinearLayout;
import android.widget.TextView;

import java.util.Locale;

/** The honest twin of Steering Shop: the same dialogs, each choice the same size, style and colour as the other. */
public class MainActivity extends Activity {
    private static final String PREFS = "level";
    private static final String AGREED = "privacy_agreed";
    private static final int REQUEST_STORES = 1;
    private static final int ACCENT = 0xFF1A73E8;
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
        welcome.setText("Welcome to Level Shop");
        screen.addView(welcome);
        Button stores = new Button(this);
        stores.setText("Nearby stores");
        stores.setOnClickListener(view -> onNearbyStores());
        screen.addView(stores);
        status = new TextView(this);
        status.setResourceName("status");
        screen.addView(status);
        setContentView(screen);

        SharedPreferences prefs = getSharedPreferences(PREFS, Context.MODE_PRIVATE);
        if (!prefs.getBoolean(AGREED, false)) {
            showPrivacyPolicy(prefs);
        }
    }

    // Two equal buttons side by side, the refusal first.
    private void showPrivacyPolicy(SharedPreferences prefs) {
        new AlertDialog.Builder(this)
                .setTitle("隐私政策")
                .setMessage("欢迎使用 Level Shop！请阅读《隐私政策》，我们将据此处理您的个人信息。")
                .setCancelable(false)
                .setNegativeButton("不同意", (dialog, which) -> status.setText("Browse-only mode"))
                .setPositiveButton("同意并继续", (dialog, which) -> prefs.edit().putBoolean(AGREED, true).apply())
                .show();
    }

    // Both choices filled with the same colour, the optional extra left for the user to tick.
    private void onNearbyStores() {
        if (granted(LOCATION[0]) || granted(LOCATION[1])) {
            showNearbyStores();
            return;
        }
        LinearLayout body = new LinearLayout(this);
        body.setOrientation(LinearLayout.VERTICAL);
        TextView message = new TextView(this);
        message.setText("Level Shop uses your location to show the stores nearest to you.");
        body.addView(message);
        CheckBox offers = new CheckBox(this);
        offers.setText("Also use my location for personalised offers");
        body.addView(offers);
        LinearLayout buttons = new LinearLayout(this);
        Button notNow = accentButton("Not now");
        buttons.addView(notNow);
        Button proceed = accentButton("Continue");
        buttons.addView(proceed);
        body.addView(buttons);
        AlertDialog dialog = new AlertDialog.Builder(this).setTitle("Find stores near you").setView(body).create();
        notNow.setOnClickListener(view -> {
            dialog.dismiss();
            status.setText("Showing all stores");
        });
        proceed.setOnClickListener(view -> {
            dialog.dismiss();
            requestPermissions(LOCATION, REQUEST_STORES);
        });
        dialog.show();
    }

    private Button accentButton(String label) {
        Button button = new Button(this);
        button.setText(label);
        button.setBackgroundColor(ACCENT);
        button.setTextColor(Color.WHITE);
        return button;
    }

    private void showNearbyStores() {
        LocationManager manager = (LocationManager) getSystemService(Context.LOCATION_SERVICE);
        Location location = manager.getLastKnownLocation(LocationManager.GPS_PROVIDER);
        status.setText(String.format(Locale.ROOT, "Stores near %.2f, %.2f", location.getLatitude(),
                location.getLongitude()));
    }

    @Override
    public void onRequestPermissionsResult(int requestCode, String[] permissions, int[] grantResults) {
        if (requestCode == REQUEST_STORES && grantResults.length > 0
                && grantResults[0] == PackageManager.PERMISSION_GRANTED) {
            showNearbyStores();
        }
    }

    private boolean granted(String permission) {
        return checkSelfPermission(permission) == PackageManager.PERMISSION_GRANTED;
    }
}
