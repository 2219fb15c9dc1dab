package com.example.notes;

import android.app.Activity;
import android.app.AlertDialog;
import android.content.Context;
import android.content.DialogInterface;
import android.content.SharedPreferences;
import android.os.Bundle;
import android.widget.CheckBox;
import android.widget.LinearLayout;
import android.widget.TextView;
import android.widget.Toast;

/** The privacy dialog offers a real choice, and a refusal leaves the app usable. */
public class MainActivity extends Activity {
    private static final String PREFS = "notes";
    private static final String AGREED = "privacy_agreed";

    private TextView status;

    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        LinearLayout screen = new LinearLayout(this);
        screen.setOrientation(LinearLayout.VERTICAL);
        TextView title = new TextView(this);
        title.setText("Quick Notes");
        screen.addView(title);
        status = new TextView(this);
        status.setResourceName("status");
        status.setText("");
        screen.addView(status);
        setContentView(screen);

        SharedPreferences prefs = getSharedPreferences(PREFS, Context.MODE_PRIVATE);
        if (prefs.getBoolean(AGREED, false)) {
            status.setText("Your notes");
        } else {
            // The refusal is not stored: the policy is offered again at the next launch.
            showPrivacyPolicy(prefs);
        }
    }

    private CheckBox box(String id, String label) {
        CheckBox box = new CheckBox(this);
        box.setResourceName(id);
        box.setText(label);
        return box;
    }

    private void showPrivacyPolicy(SharedPreferences prefs) {
        CheckBox readIt = box("read_policy", "I have read and agree to the Privacy Policy");
        CheckBox sharing = box("share_with_partners", "Share my usage data with partners");
        LinearLayout content = new LinearLayout(this);
        content.setOrientation(LinearLayout.VERTICAL);
        content.addView(readIt);
        content.addView(sharing);
        AlertDialog dialog = new AlertDialog.Builder(this)
                .setTitle("Privacy Policy")
                .setMessage("Quick Notes stores your notes. Sharing usage data with partners is optional. "
                        + "Read our Privacy Policy before you continue.")
                .setView(content)
                .setCancelable(false)
                .setPositiveButton("Agree", null)
                .setNegativeButton("Disagree", (d, which) -> status.setText("Basic mode: notes stay on this device"))
                .show();
        // Nothing is ticked for the user, and "Agree" goes on only once the user has ticked that the policy was
        // read (Android's way to keep a dialog open: replace the button's listener after show()).
        dialog.getButton(DialogInterface.BUTTON_POSITIVE).setOnClickListener(view -> {
            if (!readIt.isChecked()) {
                Toast.makeText(this, "Please tick that you have read the Privacy Policy", Toast.LENGTH_SHORT).show();
                return;
            }
            prefs.edit().putBoolean(AGREED, true).putBoolean("share_with_partners", sharing.isChecked()).apply();
            status.setText("Your notes");
            dialog.dismiss();
        });
    }
}
