package org.probe;

import android.app.Application;
import android.util.Log;

public class ProbeApplication extends Application {
    static {
        // Tests check that this line appears only after the harness's gate has returned.
        Log.i("Probe", "ProbeApplication static init");
    }

    @Override
    public void onCreate() {
        super.onCreate();
        Log.i("Probe", "application created in " + android.os.Process.myPid());
    }
}
