package org.probe;

import android.app.ActivityManager;
import android.app.Service;
import android.content.Context;
import android.content.Intent;
import android.os.IBinder;
import android.util.Log;

public class PushService extends Service {
    @Override
    public void onCreate() {
        ActivityManager manager = (ActivityManager) getSystemService(Context.ACTIVITY_SERVICE);
        Log.i("Probe", "push service created in process "
                + manager.getRunningAppProcesses().get(0).processName);
    }

    @Override
    public int onStartCommand(Intent intent, int flags, int startId) {
        Log.i("Probe", "push service started #" + startId);
        return START_STICKY;
    }

    @Override
    public IBinder onBind(Intent intent) {
        return null;
    }
}
