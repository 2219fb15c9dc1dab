package org.batch.mini;

import android.app.Activity;
import android.os.Bundle;
import android.widget.TextView;
import com.umeng.analytics.Tracker;

public class MainActivity extends Activity {
    @Override
    protected void onCreate(Bundle state) {
        super.onCreate(state);
        Tracker.start(this);
        TextView text = new TextView(this);
        text.setText("Hello from the batch");
        setContentView(text);
    }
}
