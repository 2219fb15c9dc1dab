package android.app;

import android.accounts.AccountManager;
import android.content.ComponentName;
import android.content.ContentResolver;
import android.content.Context;
import android.content.Intent;
import android.content.SharedPreferences;
import android.content.pm.ApplicationInfo;
import android.content.pm.PackageManager;
import android.hardware.SensorManager;
import android.location.LocationManager;
import android.net.ConnectivityManager;
import android.net.wifi.WifiManager;
import android.os.Looper;
import android.telephony.TelephonyManager;
import android.util.Log;
import consentaudit.sandbox.AppProcess;
import consentaudit.sandbox.PermissionController;

import java.io.File;
import java.util.HashMap;
import java.util.Map;

/** The one real Context of the process; Application, Activity and Service wrap it. Package-private as on Android. */
class ContextImpl extends Context {
    private static final class ApplicationContentResolver extends ContentResolver {
        ApplicationContentResolver(Context context) {
            super(context);
        }
    }

    private final ActivityThread mThread;
    private final ContentResolver mContentResolver;
    private final Map<String, Object> mServices = new HashMap<>();
    private final Map<String, SharedPreferencesImpl> mPreferences = new HashMap<>();
    private PackageManager mPackageManager;

    ContextImpl(ActivityThread thread) {
        mThread = thread;
        mContentResolver = new ApplicationContentResolver(this);
    }

    @Override
    public synchronized Object getSystemService(String name) {
        if (name == null) {
            return null;
        }
        Object service = mServices.get(name);
        if (service == null) {
            service = createService(name);
            if (service != null) {
                mServices.put(name, service);
            }
        }
        return service;
    }

    private Object createService(String name) {
        switch (name) {
            case TELEPHONY_SERVICE:
                return new TelephonyManager(this);
            case LOCATION_SERVICE:
                return new LocationManager(this);
            case WIFI_SERVICE:
                return new WifiManager(this);
            case CLIPBOARD_SERVICE:
                return new android.content.ClipboardManager(this);
            case CONNECTIVITY_SERVICE:
                return new ConnectivityManager(this);
            case SENSOR_SERVICE:
                return new SensorManager(this);
            case ACCOUNT_SERVICE:
                return new AccountManager(this);
            case ACTIVITY_SERVICE:
                return new ActivityManager(this);
            default:
                return null;
        }
    }

    @Override
    public ContentResolver getContentResolver() {
        return mContentResolver;
    }

    @Override
    public synchronized PackageManager getPackageManager() {
        if (mPackageManager == null) {
            mPackageManager = new ApplicationPackageManager(this);
        }
        return mPackageManager;
    }

    @Override
    public String getPackageName() {
        return AppProcess.get().manifest.packageName;
    }

    @Override
    public Context getApplicationContext() {
        Application application = mThread.getApplication();
        return application != null ? application : this;
    }

    @Override
    public ApplicationInfo getApplicationInfo() {
        ApplicationInfo info = new ApplicationInfo();
        info.packageName = getPackageName();
        info.name = AppProcess.get().manifest.applicationClass;
        info.processName = getPackageName();
        info.dataDir = AppProcess.get().appDataDir.toString();
        info.uid = android.os.Process.myUid();
        return info;
    }

    @Override
    public Looper getMainLooper() {
        return Looper.getMainLooper();
    }

    @Override
    public int checkSelfPermission(String permission) {
        if (permission == null) {
            throw new IllegalArgumentException("permission is null");
        }
        return PermissionController.get().check(permission);
    }

    @Override
    public int checkPermission(String permission, int pid, int uid) {
        return checkSelfPermission(permission);
    }

    @Override
    public void startActivity(Intent intent) {
        mThread.startActivity(intent);
    }

    @Override
    public ComponentName startService(Intent service) {
        return mThread.startService(service);
    }

    @Override
    public boolean stopService(Intent service) {
        ComponentName component = service.getComponent();
        return component != null && mThread.stopService(component.getClassName());
    }

    @Override
    public void sendBroadcast(Intent intent) {
        // The sandbox has no broadcast receivers: the broadcast is recorded in the log and goes nowhere.
        Log.i("ActivityManager", "Broadcast " + intent + " has no receivers in the sandbox");
    }

    @Override
    public synchronized SharedPreferences getSharedPreferences(String name, int mode) {
        String key = name == null ? "null" : name;
        return mPreferences.computeIfAbsent(key, n -> new SharedPreferencesImpl(
                AppProcess.get().appDataDir.resolve("shared_prefs").resolve(n + ".xml")));
    }

    @Override
    public File getFilesDir() {
        return ensureDir("files");
    }

    @Override
    public File getCacheDir() {
        return ensureDir("cache");
    }

    private File ensureDir(String name) {
        File dir = AppProcess.get().appDataDir.resolve(name).toFile();
        dir.mkdirs();
        return dir;
    }
}
