package org.probe;

import android.Manifest;
import android.app.Activity;
import android.app.AlertDialog;
import android.content.Intent;
import android.content.pm.PackageManager;
import android.net.wifi.WifiManager;
import android.os.Bundle;
import android.provider.Settings;
import android.telephony.TelephonyManager;
import android.util.Log;
import android.widget.Button;
import android.widget.CheckBox;
import android.widget.EditText;
import android.widget.LinearLayout;
import android.widget.TextView;

import java.util.Arrays;

public class MainActivity extends Activity {
    static final String HOSTILE = "<script>alert(\"x\")</script> & 中文 “quotes” 'single' \u2019";
    private static final String[] LOCATION = {
        Manifest.permission.ACCESS_FINE_LOCATION, Manifest.permission.ACCESS_COARSE_LOCATION,
    };

    private LinearLayout screen;
    private TextView status;
    private EditText name;
    private CheckBox optIn;

    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        screen = new LinearLayout(this);
        screen.setOrientation(LinearLayout.VERTICAL);
        TextView title = new TextView(this);
        title.setResourceName("title");
        title.setText("Probe");
        screen.addView(title);
        button("ask_location", "Ask location", () -> requestPermissions(LOCATION, 1));
        button("ask_phone", "Ask phone", () -> requestPermissions(
                new String[] {Manifest.permission.READ_PHONE_STATE}, 2));
        button("ask_camera", "Ask camera", () -> requestPermissions(
                new String[] {Manifest.permission.CAMERA}, 3));
        button("check", "Check permissions", this::showPermissions);
        button("identifiers", "Read identifiers", this::showIdentifiers);
        button("show_dialog", "Show dialog", this::showDialog);
        button("open_second", "Open second", () -> startActivity(new Intent(this, SecondActivity.class)));
        button("start_push", "Start push", () -> startService(new Intent(this, PushService.class)));
        button("hostile", "Hostile text", () -> status.setText(HOSTILE));
        button("exit3", "Exit 3", () -> System.exit(3));
        button("crash", "Crash", () -> {
            throw new IllegalStateException("boom from the probe");
        });
        name = new EditText(this);
        name.setResourceName("name");
        screen.addView(name);
        button("echo", "Echo", () -> status.setText("Hello " + name.getText()));
        status = new TextView(this);
        status.setResourceName("status");
        screen.addView(status);
        setContentView(screen);
    }

    private void button(String id, String text, Runnable action) {
        Button button = new Button(this);
        button.setResourceName(id);
        button.setText(text);
        button.setOnClickListener(view -> action.run());
        screen.addView(button);
    }

    private void showPermissions() {
        StringBuilder text = new StringBuilder();
        for (String permission : new String[] {Manifest.permission.ACCESS_FINE_LOCATION,
                Manifest.permission.READ_PHONE_STATE, Manifest.permission.CAMERA, Manifest.permission.INTERNET}) {
            String shortName = permission.substring(permission.lastIndexOf('.') + 1);
            boolean granted = checkSelfPermission(permission) == PackageManager.PERMISSION_GRANTED;
            text.append(shortName).append('=').append(granted ? "granted" : "denied");
            if (shouldShowRequestPermissionRationale(permission)) {
                text.append("(rationale)");
            }
            text.append(' ');
        }
        status.setText(text.toString().trim());
    }

    private void showIdentifiers() {
        TelephonyManager telephony = (TelephonyManager) getSystemService(TELEPHONY_SERVICE);
        String imei;
        try {
            imei = telephony.getImei() + " " + telephony.getDeviceId(1) + " " + telephony.getSubscriberId();
        } catch (SecurityException e) {
            imei = "SecurityException";
        }
        WifiManager wifi = (WifiManager) getSystemService(WIFI_SERVICE);
        String androidId = Settings.Secure.getString(getContentResolver(), Settings.Secure.ANDROID_ID);
        status.setText(imei + " | " + androidId + " | " + wifi.getConnectionInfo().getMacAddress() + " | "
                + getPackageManager().getInstalledPackages(0).size() + " | " + getContentResolver().getClass().getName()
                + " | " + getPackageManager().getClass().getName() + " | " + getBaseContext().getClass().getName());
    }

    private void showDialog() {
        optIn = new CheckBox(this);
        optIn.setResourceName("opt_in");
        optIn.setText("Send me offers");
        new AlertDialog.Builder(this)
                .setTitle("Terms")
                .setMessage("Accept the terms?")
                .setView(optIn)
                .setCancelable(false)
                .setPositiveButton("Accept", (dialog, which) -> status.setText(
                        "accepted, offers=" + optIn.isChecked()))
                .setNegativeButton("Decline", (dialog, which) -> status.setText("declined"))
                .setNeutralButton("Later", (dialog, which) -> status.setText("later"))
                .show();
    }

    @Override
    public void onRequestPermissionsResult(int requestCode, String[] permissions, int[] grantResults) {
        String text = "result " + requestCode + " " + Arrays.toString(permissions) + " " + Arrays.toString(grantResults);
        Log.i("Probe", text);
        status.setText(text);
    }
}
