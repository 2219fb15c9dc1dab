package org.bundled;

import android.Manifest;
import android.app.Activity;
import android.content.Context;
import android.os.Bundle;
import android.widget.Button;
import android.widget.LinearLayout;
import android.widget.TextView;
import androidx.core.app.ActivityCompat;

import java.net.URL;
import java.net.URLClassLoader;

public class MainActivity extends Activity {
    private TextView status;

    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        LinearLayout screen = new LinearLayout(this);
        screen.setOrientation(LinearLayout.VERTICAL);
        Button ask = new Button(this);
        ask.setResourceName("ask");
        ask.setText("Ask location");
        ask.setOnClickListener(view -> ActivityCompat.requestPermissions(this,
                new String[] {Manifest.permission.ACCESS_FINE_LOCATION}, 7));
        screen.addView(ask);
        Button load = new Button(this);
        load.setResourceName("load_sdk");
        load.setText("Load SDK");
        load.setOnClickListener(view -> status.setText(loadSdk()));
        screen.addView(load);
        status = new TextView(this);
        status.setResourceName("status");
        screen.addView(status);
        setContentView(screen);
    }

    /** The advertising id, read through an SDK class loaded now by a class loader of its own. */
    private String loadSdk() {
        try {
            URL classes = MainActivity.class.getProtectionDomain().getCodeSource().getLocation();
            ClassLoader framework = MainActivity.class.getClassLoader().getParent();
            URLClassLoader loader = new URLClassLoader(new URL[] {classes}, framework);
            Class<?> client = loader.loadClass("com.google.android.gms.ads.identifier.AdvertisingIdClient");
            Object info = client.getMethod("getAdvertisingIdInfo", Context.class).invoke(null, this);
            Object id = info.getClass().getMethod("getId").invoke(info);
            return "id=" + id + " own-loader=" + (client.getClassLoader() == loader);
        } catch (ReflectiveOperationException failure) {
            return "failed: " + failure;
        }
    }
}
