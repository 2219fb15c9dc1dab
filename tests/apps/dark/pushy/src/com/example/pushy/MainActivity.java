package com.example.pushy;

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
import com.adnet.AdNetwork;

import java.util.Locale;

/** Every dialog of this app is built to push the user; each method says which trick it plays. */
public class MainActivity extends Activity {
    private static final String PREFS = "pushy";
    private static final String AGREED = "privacy_agreed";
    private static final int REQUEST_DEALS = 1;
    private static final int REQUEST_CAMERA = 2;
    private static final int REQUEST_MICROPHONE = 3;
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
        welcome.setText("Welcome to Pushy Shop");
        screen.addView(welcome);
        screen.addView(button("Daily deals", this::onDeals));
        screen.addView(button("Scan coupon", this::onScan));
        screen.addView(button("Voice search", this::onVoiceSearch));
        status = new TextView(this);
        status.setResourceName("status");
        screen.addView(status);
        setContentView(screen);

        SharedPreferences prefs = getSharedPreferences(PREFS, Context.MODE_PRIVATE);
        if (!prefs.getBoolean(AGREED, false)) {
            showPrivacyFirstLayer();
        }
    }

    private Button button(String label, Runnable action) {
        Button button = new Button(this);
        button.setText(label);
        button.setOnClickListener(view -> action.run());
        return button;
    }

    // Trick: "Accept all" is a big button; there is no reject, only a "Manage options" text link to a second screen.
    private void showPrivacyFirstLayer() {
        LinearLayout body = new LinearLayout(this);
        body.setOrientation(LinearLayout.VERTICAL);
        TextView message = new TextView(this);
        message.setText("Pushy Shop and its partners use your personal data as our Privacy Policy describes.");
        body.addView(message);
        Button accept = new Button(this);
        accept.setText("Accept all");
        accept.setMinimumHeight(192);
        body.addView(accept);
        TextView manage = new TextView(this);
        manage.setText("Manage options");
        body.addView(manage);
        AlertDialog dialog = new AlertDialog.Builder(this).setTitle("Your privacy").setView(body)
                .setCancelable(false).create();
        accept.setOnClickListener(view -> {
            dialog.dismiss();
            agree();
        });
        manage.setOnClickListener(view -> {
            dialog.dismiss();
            showPrivacyChoices();
        });
        dialog.show();
    }

    private void showPrivacyChoices() {
        new AlertDialog.Builder(this)
                .setTitle("Privacy choices")
                .setMessage("Choose what Pushy Shop may do with your personal data.")
                .setCancelable(false)
                .setNegativeButton("Reject all", (dialog, which) -> status.setText("Browse-only mode"))
                .setPositiveButton("Accept all", (dialog, which) -> agree())
                .show();
    }

    private void agree() {
        getSharedPreferences(PREFS, Context.MODE_PRIVATE).edit().putBoolean(AGREED, true).apply();
        status.setText("Welcome back");
    }

    // Tricks: "Allow" is a large button, the refusal a line of shaming text; and the purpose it states ("deals in
    // your neighbourhood") hides that the ad network gets the location first.
    private void onDeals() {
        if (granted(LOCATION[0]) || granted(LOCATION[1])) {
            showDeals();
            return;
        }
        LinearLayout body = new LinearLayout(this);
        body.setOrientation(LinearLayout.VERTICAL);
        TextView message = new TextView(this);
        message.setText("We use your location to show deals in your neighbourhood.");
        body.addView(message);
        Button allow = new Button(this);
        allow.setText("Allow");
        allow.setMinimumHeight(288);
        body.addView(allow);
        TextView noThanks = new TextView(this);
        noThanks.setText("No thanks, I don't like saving money");
        body.addView(noThanks);
        AlertDialog dialog = new AlertDialog.Builder(this).setTitle("Deals near you").setView(body).create();
        allow.setOnClickListener(view -> {
            dialog.dismiss();
            requestPermissions(LOCATION, REQUEST_DEALS);
        });
        noThanks.setOnClickListener(view -> {
            dialog.dismiss();
            status.setText("Showing deals everywhere");
        });
        dialog.show();
    }

    private void showDeals() {
        LocationManager manager = (LocationManager) getSystemService(Context.LOCATION_SERVICE);
        Location location = manager.getLastKnownLocation(LocationManager.GPS_PROVIDER);
        status.setText(String.format(Locale.ROOT, "Deals near %.2f, %.2f", location.getLatitude(),
                location.getLongitude()));
    }

    // Trick: only "去开启" (turn on), and no word of what the camera is for.
    private void onScan() {
        if (granted(Manifest.permission.CAMERA)) {
            status.setText("Point the camera at the coupon");
            return;
        }
        new AlertDialog.Builder(this)
                .setTitle("提示")
                .setMessage("需要相机权限")
                .setPositiveButton("去开启", (dialog, which) ->
                        requestPermissions(new String[] {Manifest.permission.CAMERA}, REQUEST_CAMERA))
                .show();
    }

    // Trick: the app draws Android's own microphone question and buttons; every button, "Don’t allow" included,
    // leads to the real system request.
    private void onVoiceSearch() {
        if (granted(Manifest.permission.RECORD_AUDIO)) {
            status.setText("Listening…");
            return;
        }
        LinearLayout body = new LinearLayout(this);
        body.setOrientation(LinearLayout.VERTICAL);
        TextView question = new TextView(this);
        question.setText("Allow Pushy Shop to record audio?");
        body.addView(question);
        AlertDialog dialog = new AlertDialog.Builder(this).setView(body).setCancelable(false).create();
        for (String label : new String[] {"While using the app", "Only this time", "Don’t allow"}) {
            Button choice = new Button(this);
            choice.setText(label);
            choice.setOnClickListener(view -> {
                dialog.dismiss();
                requestPermissions(new String[] {Manifest.permission.RECORD_AUDIO}, REQUEST_MICROPHONE);
            });
            body.addView(choice);
        }
        dialog.show();
    }

    // Trick: after a denial, a dialog that cannot be dismissed: "取消" shows it again, "去设置" asks again.
    private void showMicrophoneNag() {
        new AlertDialog.Builder(this)
                .setTitle("提示")
                .setMessage("必须开启麦克风权限才能继续使用语音搜索")
                .setCancelable(false)
                .setNegativeButton("取消", (dialog, which) -> showMicrophoneNag())
                .setPositiveButton("去设置", (dialog, which) -> requestPermissions(
                        new String[] {Manifest.permission.RECORD_AUDIO}, REQUEST_MICROPHONE))
                .show();
    }

    @Override
    public void onRequestPermissionsResult(int requestCode, String[] permissions, int[] grantResults) {
        boolean granted = false;
        for (int result : grantResults) {
            granted |= result == PackageManager.PERMISSION_GRANTED;
        }
        if (requestCode == REQUEST_DEALS && granted) {
            AdNetwork.onLocationGranted(this);
            showDeals();
        } else if (requestCode == REQUEST_MICROPHONE) {
            if (granted) {
                status.setText("Listening…");
            } else {
                showMicrophoneNag();
            }
        } else if (requestCode == REQUEST_CAMERA) {
            status.setText(granted ? "Point the camera at the coupon" : "Scanning unavailable");
        }
    }

    private boolean granted(String permission) {
        return checkSelfPermission(permission) == PackageManager.PERMISSION_GRANTED;
    }
}
