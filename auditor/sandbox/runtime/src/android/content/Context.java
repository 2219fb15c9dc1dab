package android.content;

import android.content.pm.ApplicationInfo;
import android.content.pm.PackageManager;
import android.os.Looper;

import java.io.File;

/** Abstract, as on Android: {@code android.app.ContextImpl} is the implementation every wrapper delegates to. */
public abstract class Context {
    public static final int MODE_PRIVATE = 0;
    public static final int MODE_APPEND = 0x8000;
    public static final String ACTIVITY_SERVICE = "activity";
    public static final String ACCOUNT_SERVICE = "account";
    public static final String CLIPBOARD_SERVICE = "clipboard";
    public static final String CONNECTIVITY_SERVICE = "connectivity";
    public static final String LOCATION_SERVICE = "location";
    public static final String SENSOR_SERVICE = "sensor";
    public static final String TELEPHONY_SERVICE = "phone";
    public static final String WIFI_SERVICE = "wifi";
    public static final String BLUETOOTH_SERVICE = "bluetooth";
    public static final String CAMERA_SERVICE = "camera";
    public static final String DEVICE_POLICY_SERVICE = "device_policy";
    public static final String TELEPHONY_SUBSCRIPTION_SERVICE = "telephony_subscription_service";
    public static final String USAGE_STATS_SERVICE = "usagestats";
    public static final int BIND_AUTO_CREATE = 0x0001;

    public abstract Object getSystemService(String name);

    public abstract ContentResolver getContentResolver();

    public abstract PackageManager getPackageManager();

    public abstract String getPackageName();

    public abstract Context getApplicationContext();

    public abstract ApplicationInfo getApplicationInfo();

    public abstract Looper getMainLooper();

    public abstract int checkSelfPermission(String permission);

    public abstract int checkPermission(String permission, int pid, int uid);

    public abstract void startActivity(Intent intent);

    public abstract void startActivity(Intent intent, android.os.Bundle options);

    public abstract ComponentName startForegroundService(Intent service);

    public abstract boolean bindService(Intent service, ServiceConnection conn, int flags);

    public abstract void unbindService(ServiceConnection conn);

    public abstract void sendBroadcast(Intent intent, String receiverPermission);

    public abstract void sendOrderedBroadcast(Intent intent, String receiverPermission);

    public abstract ComponentName startService(Intent service);

    public abstract boolean stopService(Intent service);

    public abstract void sendBroadcast(Intent intent);

    public abstract SharedPreferences getSharedPreferences(String name, int mode);

    public abstract File getFilesDir();

    public abstract java.io.FileInputStream openFileInput(String name) throws java.io.FileNotFoundException;

    public abstract java.io.FileOutputStream openFileOutput(String name, int mode) throws java.io.FileNotFoundException;

    public abstract boolean deleteFile(String name);

    public abstract File getCacheDir();
}
