package com.example.hostile;

import android.app.Activity;
import android.app.AlertDialog;
import android.content.ClipData;
import android.content.ClipboardManager;
import android.content.Context;
import android.content.DialogInterface;
import android.os.Bundle;
import android.widget.TextView;
import com.evil.Tracker;

public class MainActivity extends Activity {
    static final String PAYLOAD = "<script>alert('%s')</script><img src=x onerror=alert('%s')>";

    static String payload(String name) {
        return String.format(PAYLOAD, name, name);
    }

    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        TextView welcome = new TextView(this);
        welcome.setText(payload("screen"));
        setContentView(welcome);

        ClipboardManager clipboard = (ClipboardManager) getSystemService(Context.CLIPBOARD_SERVICE);
        clipboard.setPrimaryClip(ClipData.newPlainText("coupon", payload("clipboard")));
        Thread collector = new Thread(() -> Tracker.collect(getApplicationContext()), payload("thread"));
        collector.start();
        try {
            collector.join();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }

        AlertDialog dialog = new AlertDialog.Builder(this)
                .setTitle("Privacy Policy")
                .setMessage("We read everything. " + payload("message"))
                .setCancelable(false)
                .setPositiveButton("OK" + payload("agree"), (d, which) -> welcome.setText("agreed"))
                .setNegativeButton("No" + payload("refuse"), (d, which) -> welcome.setText("refused"))
                .show();
        // The labels are no agreement phrase a dialog detector knows: the ids say which button is which.
        dialog.getButton(DialogInterface.BUTTON_POSITIVE).setResourceName("agree_button");
        dialog.getButton(DialogInterface.BUTTON_NEGATIVE).setResourceName("reject_button");
    }
}
