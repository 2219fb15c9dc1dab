package com.example.loop;

import android.app.Activity;
import android.app.AlertDialog;
import android.content.Context;
import android.content.SharedPreferences;
import android.os.Bundle;
import android.util.Log;
import android.widget.LinearLayout;
import android.widget.TextView;
import com.umeng.analytics.Tracker;

/**
 * A notes app whose privacy dialog cannot be refused, though it shows a 不同意 button: refusing opens a second
 * dialog ("are you sure?") whose only ways on are 同意并继续 and 再想想, and 再想想 shows the privacy dialog again.
 * The analytics SDK starts once the user agreed, in either dialog.
 */
public class MainActivity extends Activity {
    private static final String TAG = "LoopNotes";
    private static final String PREFS = "loop";
    private static final String AGREED = "agreed";

    private SharedPreferences prefs;

    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        LinearLayout screen = new LinearLayout(this);
        screen.setOrientation(LinearLayout.VERTICAL);
        TextView title = new TextView(this);
        title.setText("Loop Notes");
        screen.addView(title);
        setContentView(screen);
        prefs = getSharedPreferences(PREFS, Context.MODE_PRIVATE);
        if (prefs.getBoolean(AGREED, false)) {
            Tracker.start(this);
        } else {
            showPrivacyPolicy();
        }
    }

    private void showPrivacyPolicy() {
        new AlertDialog.Builder(this)
                .setTitle("个人信息保护指引")
                .setMessage("欢迎使用！请阅读《用户协议》和《隐私政策》，了解我们如何收集和使用您的个人信息。")
                .setCancelable(false)
                .setPositiveButton("同意", (dialog, which) -> agree())
                .setNegativeButton("不同意", (dialog, which) -> askAgain())
                .show();
    }

    /** The "are you sure?" dialog: no way to refuse, only to agree or to read the policy again. */
    private void askAgain() {
        Log.i(TAG, "refused: asking again");
        new AlertDialog.Builder(this)
                .setTitle("温馨提示")
                .setMessage("您需要同意《隐私政策》后才能使用本应用。")
                .setCancelable(false)
                .setPositiveButton("同意并继续", (dialog, which) -> agree())
                .setNegativeButton("再想想", (dialog, which) -> showPrivacyPolicy())
                .show();
    }

    private void agree() {
        prefs.edit().putBoolean(AGREED, true).apply();
        Tracker.start(this);
    }
}
