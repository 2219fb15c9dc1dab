package org.batch.crash;

import android.app.Activity;
import android.os.Bundle;

public class MainActivity extends Activity {
    @Override
    protected void onCreate(Bundle state) {
        super.onCreate(state);
        throw new IllegalStateException("batch-crash fails at start on purpose");
    }
}
