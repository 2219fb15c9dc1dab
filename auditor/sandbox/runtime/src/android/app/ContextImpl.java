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
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
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
            case BLUETOOTH_SERVICE:
                return new android.bluetooth.BluetoothManager(this);
            case CAMERA_SERVICE:
                return new android.hardware.camera2.CameraManager(this);
            case DEVICE_POLICY_SERVICE:
                return new android.app.admin.DevicePolicyManager(this);
            case TELEPHONY_SUBSCRIPTION_SERVICE:
                return new android.telephony.SubscriptionManager(this);
            case USAGE_STATS_SERVICE:
                return new android.app.usage.UsageStatsManager(this);
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

    /** Every pid and uid the app can name is its own in the sandbox. */
    @Override
    public int checkPermission(String permission, int pid, int uid) {
        if (permission == null) {
            throw new IllegalArgumentException("permission is null");
        }
        return PermissionController.get().check(permission);
    }

    @Override
    public void startActivity(Intent intent) {
        startActivity(intent, null);
    }

    /** From a non-activity context, as on Android: the intent must ask for a new task. */
    @Override
    public void startActivity(Intent intent, android.os.Bundle options) {
        if ((intent.getFlags() & Intent.FLAG_ACTIVITY_NEW_TASK) == 0) {
            throw new android.util.AndroidRuntimeException("Calling startActivity() from outside of an Activity"
                    + " context requires the FLAG_ACTIVITY_NEW_TASK flag. Is this really what you want?");
        }
        mThread.startActivity(intent);
    }

    @Override
    public ComponentName startService(Intent service) {
        return mThread.startService(service);
    }

    /** Foreground services are started like the others (the notification they must show is not modelled). */
    @Override
    public ComponentName startForegroundService(Intent service) {
        return mThread.startService(service);
    }

    /** Binding is not modelled: another app's service is not found, the app's own is refused with a warning. */
    @Override
    public boolean bindService(Intent service, android.content.ServiceConnection conn, int flags) {
        if (conn == null) {
            throw new IllegalArgumentException("connection is null");
        }
        ComponentName component = service.getComponent();
        if (component == null && service.getPackage() == null) {
            throw new IllegalArgumentException("Service Intent must be explicit: " + service);
        }
        String target = component != null ? component.getPackageName() : service.getPackage();
        if (!getPackageName().equals(target)) {
            Log.w("ActivityManager", "Unable to start service " + service + " U=0: not found");
        } else {
            Log.w("ActivityManager", "Binding to " + service + " is not supported in the sandbox");
        }
        return false;
    }

    @Override
    public void unbindService(android.content.ServiceConnection conn) {
    }

    @Override
    public void sendBroadcast(Intent intent, String receiverPermission) {
        Log.i("ActivityManager", "Broadcast " + intent + " (permission " + receiverPermission
                + ") has no receivers in the sandbox");
    }

    @Override
    public void sendOrderedBroadcast(Intent intent, String receiverPermission) {
        Log.i("ActivityManager", "Ordered broadcast " + intent + " has no receivers in the sandbox");
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

    @Override
    public FileInputStream openFileInput(String name) throws FileNotFoundException {
        return new FileInputStream(privateFile(name));
    }

    @Override
    public FileOutputStream openFileOutput(String name, int mode) throws FileNotFoundException {
        return new FileOutputStream(privateFile(name), (mode & MODE_APPEND) != 0);
    }

    @Override
    public boolean deleteFile(String name) {
        return privateFile(name).delete();
    }

    /** A file of the app's files folder; as on Android, a name with a path separator is refused. */
    private File privateFile(String name) {
        if (name.indexOf(File.separatorChar) >= 0) {
            throw new IllegalArgumentException("File " + name + " contains a path separator");
        }
        return new File(getFilesDir(), name);
    }

    private File ensureDir(String name) {
        java.nio.file.Path dir = AppProcess.get().appDataDir.resolve(name);
        try {
            // Through java.nio, not File.mkdirs: the runtime's own folders are not calls of the app.
            java.nio.file.Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create " + dir, e);
        }
        return dir.toFile();
    }
}
