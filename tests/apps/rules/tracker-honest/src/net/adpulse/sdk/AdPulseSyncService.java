package net.adpulse.sdk;

import android.app.Service;
import android.content.Intent;
import android.os.IBinder;
import android.util.Log;

/** The SDK's upload service, declared in the app's own manifest: starting it wakes no other app. */
public class AdPulseSyncService extends Service {
    @Override
    public int onStartCommand(Intent intent, int flags, int startId) {
        Log.i("AdPulse", "sync service ready");
        return START_NOT_STICKY;
    }

    @Override
    public IBinder onBind(Intent intent) {
        return null;
    }
}
