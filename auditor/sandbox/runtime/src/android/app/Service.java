package android.app;

import android.content.Intent;
import android.content.ContextWrapper;
import android.os.IBinder;

public abstract class Service extends ContextWrapper {
    public static final int START_STICKY = 1;
    public static final int START_NOT_STICKY = 2;
    public static final int START_REDELIVER_INTENT = 3;

    private Application mApplication;

    public Service() {
        super(null);
    }

    final void attach(ContextImpl context, Application application) {
        attachBaseContext(context);
        mApplication = application;
    }

    public final Application getApplication() {
        return mApplication;
    }

    public void onCreate() {
    }

    public int onStartCommand(Intent intent, int flags, int startId) {
        return START_STICKY;
    }

    public abstract IBinder onBind(Intent intent);

    public void onDestroy() {
    }

    public final void stopSelf() {
        ActivityThread.current().stopService(getClass().getName());
    }
}
