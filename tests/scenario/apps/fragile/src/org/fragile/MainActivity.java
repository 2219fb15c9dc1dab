package org.fragile;

import android.app.Activity;
import android.app.AlertDialog;
import android.content.Context;
import android.content.SharedPreferences;
import android.os.Bundle;
import android.widget.Button;
import android.widget.CheckBox;
import android.widget.EditText;
import android.widget.LinearLayout;
import android.widget.TextView;

public class MainActivity extends Activity {
    private static final String AGREED = "agreed";

    private TextView status;

    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        LinearLayout screen = new LinearLayout(this);
        screen.setOrientation(LinearLayout.VERTICAL);

        TextView title = new TextView(this);
        title.setResourceName("title");
        title.setText("Fragile home");
        screen.addView(title);

        EditText coupon = new EditText(this);
        coupon.setResourceName("coupon");
        screen.addView(coupon);

        Button apply = new Button(this);
        apply.setResourceName("apply");
        apply.setText("Apply");
        apply.setOnClickListener(view -> status.setText("Applied: " + coupon.getText()));
        screen.addView(apply);

        Button crash = new Button(this);
        crash.setResourceName("crash");
        crash.setText("Crash");
        crash.setOnClickListener(view -> {
            throw new IllegalStateException("fragile by design");
        });
        screen.addView(crash);

        status = new TextView(this);
        status.setResourceName("status");
        screen.addView(status);
        setContentView(screen);

        SharedPreferences prefs = getSharedPreferences("fragile", Context.MODE_PRIVATE);
        if (!prefs.getBoolean(AGREED, false)) {
            showPrivacyPolicy(prefs);
        }
    }

    /** Refusing only brings the same dialog back; the consent box is ticked before the user touches it. */
    private void showPrivacyPolicy(SharedPreferences prefs) {
        CheckBox statement = new CheckBox(this);
        statement.setResourceName("agree_statement");
        statement.setText("我已阅读并同意《隐私政策》");
        statement.setChecked(true);
        new AlertDialog.Builder(this)
                .setTitle("隐私政策")
                .setMessage("欢迎使用！请阅读《用户协议》和《隐私政策》，了解我们如何收集和使用您的个人信息。")
                .setView(statement)
                .setCancelable(false)
                .setPositiveButton("同意", (dialog, which) -> prefs.edit().putBoolean(AGREED, true).apply())
                .setNegativeButton("不同意", (dialog, which) -> showPrivacyPolicy(prefs))
                .show();
    }
}
