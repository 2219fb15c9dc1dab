package com.example.deadend;

import android.app.Activity;
import android.app.AlertDialog;
import android.os.Bundle;
import android.widget.Button;
import android.widget.LinearLayout;
import android.widget.TextView;
import android.widget.Toast;

/** A privacy dialog that only accepts: its "Manage options" promises choices and shows none. */
public class MainActivity extends Activity {
    private TextView status;

    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        status = new TextView(this);
        status.setText("Welcome to Dead End Shop");
        setContentView(status);
        showPrivacyDialog();
    }

    private void showPrivacyDialog() {
        LinearLayout body = new LinearLayout(this);
        body.setOrientation(LinearLayout.VERTICAL);
        TextView message = new TextView(this);
        message.setText("Dead End Shop and its partners use your personal data as our Privacy Policy describes.");
        body.addView(message);
        Button accept = new Button(this);
        accept.setText("Accept all");
        body.addView(accept);
        TextView manage = new TextView(this);
        manage.setText("Manage options");
        body.addView(manage);
        AlertDialog dialog = new AlertDialog.Builder(this).setTitle("Your privacy").setView(body)
                .setCancelable(false).create();
        accept.setOnClickListener(view -> {
            dialog.dismiss();
            status.setText("Welcome back");
        });
        // The dead end: no second screen, no refusal; the dialog stays.
        manage.setOnClickListener(view ->
                Toast.makeText(this, "Options are coming soon", Toast.LENGTH_SHORT).show());
        dialog.show();
    }
}
