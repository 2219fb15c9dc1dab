package com.example.steering;

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
import android.view.View;
import android.widget.Button;
import android.widget.CheckBox;
import android.widget.LinearLayout;
import android.widget.TextView;

import java.util.Locale;

/** Every dialog of this app steers the user towards "yes"; each method says how. */
public class MainActivity extends Activity {
    private static final String PREFS = "steering";
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
        welcome.setText("Welcome to Steering Shop");
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

    // Steers by size, style and colour: "同意并继续" is a tall button filled blue, "不同意" a line of grey text.
    private void showPrivacyPolicy(SharedPreferences prefs) {
        LinearLayout body = new LinearLayout(this);
        body.setOrientation(LinearLayout.VERTICAL);
        TextView message = new TextView(this);
        message.setText("欢迎使用 Steering Shop！请阅读《隐私政策》，我们将据此处理您的个人信息。");
        body.addView(message);
        Button agree = new Button(this);
        agree.setText("同意并继续");
        agree.setMinimumHeight(192);
        agree.setBackgroundColor(ACCENT);
        agree.setTextColor(Color.WHITE);
        body.addView(agree);
        View gap = new View(this);
        gap.setMinimumHeight(48);
        body.addView(gap);
        TextView disagree = new TextView(this);
        disagree.setText("不同意");
        disagree.setTextColor(0xFF9E9E9E);
        body.addView(disagree);
        AlertDialog dialog = new AlertDialog.Builder(this).setTitle("隐私政策").setView(body).setCancelable(false)
                .create();
        agree.setOnClickListener(view -> {
            dialog.dismiss();
            prefs.edit().putBoolean(AGREED, true).apply();
        });
        disagree.setOnClickListener(view -> {
            dialog.dismiss();
            status.setText("Browse-only mode");
        });
        dialog.show();
    }

    // Steers by colour and style, and ticks the box for the user: "Continue" is filled blue, "Not now" a button
    // drawn white on white (it reads as text), and "personalised offers" is ticked in advance.
    private void onNearbyStores() {
        if (granted(LOCATION[0]) || granted(LOCATION[1])) {
            showNearbyStores();
            return;
        }
        LinearLayout body = new LinearLayout(this);
        body.setOrientation(LinearLayout.VERTICAL);
        TextView message = new TextView(this);
        message.setText("Steering Shop uses your location to show the stores nearest to you.");
        body.addView(message);
        CheckBox offers = new CheckBox(this);
        offers.setText("Also use my location for personalised offers");
        offers.setChecked(true);
        body.addView(offers);
        LinearLayout buttons = new LinearLayout(this);
        Button notNow = new Button(this);
        notNow.setText("Not now");
        notNow.setBackgroundColor(Color.WHITE);
        notNow.setTextColor(0xFF9E9E9E);
        buttons.addView(notNow);
        Button proceed = new Button(this);
        proceed.setText("Continue");
        proceed.setBackgroundColor(ACCENT);
        proceed.setTextColor(Color.WHITE);
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
