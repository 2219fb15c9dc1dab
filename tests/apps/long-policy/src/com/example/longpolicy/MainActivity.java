package com.example.longpolicy;

import android.app.Activity;
import android.app.AlertDialog;
import android.content.Context;
import android.content.SharedPreferences;
import android.os.Bundle;
import android.util.Log;
import android.widget.Button;
import android.widget.LinearLayout;
import android.widget.ScrollView;
import android.widget.TextView;
import com.umeng.analytics.Tracker;

/**
 * The privacy policy fills more than a screen, with its buttons at its end: a user (or a scenario) scrolls down to
 * reach them, and Agree is enabled only once the end has been reached. The analytics SDK starts after Agree.
 */
public class MainActivity extends Activity {
    private static final String TAG = "LongPolicy";
    private static final String PREFS = "long-policy";
    private static final String AGREED = "agreed";
    static final int SECTIONS = 24;

    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        SharedPreferences prefs = getSharedPreferences(PREFS, Context.MODE_PRIVATE);
        if (prefs.getBoolean(AGREED, false)) {
            showHome();
        } else {
            showPolicy(prefs);
        }
    }

    private void showPolicy(SharedPreferences prefs) {
        LinearLayout screen = new LinearLayout(this);
        screen.setOrientation(LinearLayout.VERTICAL);
        TextView title = new TextView(this);
        title.setText("隐私政策");
        title.setResourceName("policy_title");
        screen.addView(title);

        ScrollView scroll = new ScrollView(this);
        scroll.setResourceName("policy_scroll");
        LinearLayout body = new LinearLayout(this);
        body.setOrientation(LinearLayout.VERTICAL);
        for (int section = 1; section <= SECTIONS; section++) {
            TextView text = new TextView(this);
            text.setText("第" + section + "条 我们如何收集和使用您的个人信息：本条说明我们在提供服务时收集的信息、"
                    + "收集的目的以及您享有的权利。");
            body.addView(text);
        }
        TextView end = new TextView(this);
        end.setText("请阅读至末尾后选择是否同意本隐私政策");
        body.addView(end);
        LinearLayout buttons = new LinearLayout(this);
        Button disagree = new Button(this);
        disagree.setText("不同意");
        disagree.setResourceName("btn_disagree");
        disagree.setOnClickListener(view -> finish());
        Button agree = new Button(this);
        agree.setText("同意");
        agree.setResourceName("btn_agree");
        agree.setEnabled(false);
        agree.setOnClickListener(view -> {
            prefs.edit().putBoolean(AGREED, true).apply();
            showHome();
        });
        buttons.addView(disagree);
        buttons.addView(agree);
        body.addView(buttons);
        scroll.addView(body);
        scroll.setOnScrollChangeListener((view, x, y, oldX, oldY) -> {
            if (!scroll.canScrollVertically(1) && !agree.isEnabled()) {
                Log.i(TAG, "policy read to the end: Agree enabled");
                agree.setEnabled(true);
            }
        });
        screen.addView(scroll);
        setContentView(screen);
    }

    private void showHome() {
        Tracker.start(this);
        LinearLayout screen = new LinearLayout(this);
        screen.setOrientation(LinearLayout.VERTICAL);
        TextView welcome = new TextView(this);
        welcome.setText("欢迎使用");
        screen.addView(welcome);
        Button terms = new Button(this);
        terms.setText("服务条款");
        terms.setOnClickListener(view -> showTerms());
        screen.addView(terms);
        setContentView(screen);
    }

    /** An AlertDialog whose message is taller than the screen: as on Android, the message scrolls and the buttons
     * stay in view. */
    private void showTerms() {
        StringBuilder message = new StringBuilder();
        for (int section = 1; section <= SECTIONS * 2; section++) {
            message.append("服务条款第").append(section).append("条：使用本应用即表示您同意遵守相关规则。\n");
        }
        new AlertDialog.Builder(this)
                .setTitle("服务条款")
                .setMessage(message.toString().trim())
                .setPositiveButton("知道了", (dialog, which) -> Log.i(TAG, "terms closed"))
                .show();
    }
}
