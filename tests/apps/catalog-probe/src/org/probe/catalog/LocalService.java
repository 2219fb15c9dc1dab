package org.probe.catalog;

import android.app.Service;
import android.content.Intent;
import android.os.IBinder;

/** The app's own service, started as a foreground service by a probe. */
public class LocalService extends Service {
    @Override
    public int onStartCommand(Intent intent, int flags, int startId) {
        stopSelf();
        return START_NOT_STICKY;
    }

    @Override
    public IBinder onBind(Intent intent) {
        return null;
    }
}
