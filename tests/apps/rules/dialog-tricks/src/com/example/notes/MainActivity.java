package com.example.notes;

import android.app.Activity;
import android.app.AlertDialog;
import android.content.Context;
import android.content.SharedPreferences;
import android.os.Bundle;
import android.widget.CheckBox;
import android.widget.LinearLayout;
import android.widget.TextView;

/** Every defect here is deliberate; README.md lists them with the findings each one must produce. */
public class MainActivity extends Activity {
    private static final String PREFS = "notes";
    private static final String AGREED = "privacy_agreed";
    private static final String REFUSED_BEFORE = "privacy_refused_before";

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
        } else if (prefs.getBoolean(REFUSED_BEFORE, false)) {
            showAgreeOnlyDialog(prefs);
        } else {
            showPrivacyPolicy(prefs);
        }
    }

    /** Sharing with partners is ticked before the user has read a word. */
    private CheckBox partnerSharingBox() {
        CheckBox box = new CheckBox(this);
        box.setResourceName("share_with_partners");
        box.setText("Share my usage data with partners");
        box.setChecked(true);
        return box;
    }

    private LinearLayout withBox(CheckBox box) {
        LinearLayout content = new LinearLayout(this);
        content.setOrientation(LinearLayout.VERTICAL);
        content.addView(box);
        return content;
    }

    private void showPrivacyPolicy(SharedPreferences prefs) {
        CheckBox sharing = partnerSharingBox();
        new AlertDialog.Builder(this)
                .setTitle("Privacy Policy")
                .setMessage("Quick Notes stores your notes and shares usage data with partners. "
                        + "Read our Privacy Policy before you continue.")
                .setView(withBox(sharing))
                .setCancelable(false)
                .setPositiveButton("Agree", (dialog, which) -> agreed(prefs, sharing))
                .setNegativeButton("Disagree", (dialog, which) -> {
                    // Disagreeing closes the app: no browse-only mode, no way to use it without agreeing.
                    prefs.edit().putBoolean(REFUSED_BEFORE, true).commit();
                    finish();
                })
                .show();
    }

    /** After a refusal, the next launch asks again with nothing to refuse with. */
    private void showAgreeOnlyDialog(SharedPreferences prefs) {
        CheckBox sharing = partnerSharingBox();
        new AlertDialog.Builder(this)
                .setTitle("Privacy Policy")
                .setMessage("To use Quick Notes you must agree to our Privacy Policy.")
                .setView(withBox(sharing))
                .setCancelable(false)
                .setPositiveButton("Agree and continue", (dialog, which) -> agreed(prefs, sharing))
                .show();
    }

    private void agreed(SharedPreferences prefs, CheckBox sharing) {
        prefs.edit().putBoolean(AGREED, true).putBoolean("share_with_partners", sharing.isChecked()).apply();
        status.setText("Your notes");
    }
}
