package org.bench.hotloop;

import android.app.Activity;
import android.content.Context;
import android.net.wifi.WifiInfo;
import android.net.wifi.WifiManager;
import android.os.Bundle;
import android.util.Log;
import android.widget.Button;
import android.widget.EditText;
import android.widget.LinearLayout;

/**
 * Type a number of calls into "count" and tap "Run": a worker thread calls WifiInfo.getMacAddress() that many times
 * from one call site, timing the loop with System.nanoTime(), and logs `HotLoop: calls=N elapsed_ns=T`. A worker,
 * because a slow hook can make the loop last longer than the main thread may be busy.
 */
public class MainActivity extends Activity {
    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        LinearLayout screen = new LinearLayout(this);
        screen.setOrientation(LinearLayout.VERTICAL);
        EditText count = new EditText(this);
        count.setResourceName("count");
        screen.addView(count);
        Button run = new Button(this);
        run.setResourceName("run");
        run.setText("Run");
        WifiInfo wifi = ((WifiManager) getSystemService(Context.WIFI_SERVICE)).getConnectionInfo();
        run.setOnClickListener(view -> {
            int calls = Integer.parseInt(count.getText().toString().trim());
            new Thread(() -> loop(wifi, calls), "hot-loop").start();
        });
        screen.addView(run);
        setContentView(screen);
    }

    private static void loop(WifiInfo wifi, int calls) {
        int length = 0;
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            length += wifi.getMacAddress().length();
        }
        long elapsed = System.nanoTime() - start;
        Log.i("HotLoop", "calls=" + calls + " elapsed_ns=" + elapsed + " length=" + length);
    }
}
