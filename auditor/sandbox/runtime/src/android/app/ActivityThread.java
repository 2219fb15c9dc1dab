package android.app;

import android.content.ActivityNotFoundException;
import android.content.ComponentName;
import android.content.ContentProvider;
import android.content.Intent;
import android.os.Bundle;
import android.os.Handler;
import android.os.Looper;
import android.os.SystemClock;
import android.util.Log;
import consentaudit.sandbox.AppManifest;
import consentaudit.sandbox.AppProcess;
import consentaudit.sandbox.DeviceLog;
import consentaudit.sandbox.PermissionController;
import consentaudit.sandbox.WindowManagerImpl;

import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the app's components on the main thread in Android's order: Application.attachBaseContext, content providers,
 * Application.onCreate, then the launcher activity (main process) or the service the process was started for.
 * Every method that touches components runs on the main thread.
 */
public final class ActivityThread {
    static final String LIFECYCLE_TAG = "Lifecycle";
    private static volatile ActivityThread current;

    private final AppProcess process;
    private final Handler handler;
    private ClassLoader appClassLoader;
    private ContextImpl context;
    private volatile Application application;
    private final List<Activity> activities = new ArrayList<>();
    private final Map<String, Service> services = new HashMap<>();
    private int serviceStartId;
    private volatile boolean foreground = true;
    private volatile String topActivityName = "";

    private ActivityThread(AppProcess process) {
        this.process = process;
        this.handler = new Handler(Looper.getMainLooper());
    }

    /** @hide Called once by the launcher on the main thread, after Looper.prepareMainLooper(). */
    public static ActivityThread attach(AppProcess process) {
        current = new ActivityThread(process);
        return current;
    }

    public static ActivityThread current() {
        return current;
    }

    public static Application currentApplication() {
        ActivityThread thread = current;
        return thread == null ? null : thread.application;
    }

    Handler handler() {
        return handler;
    }

    Application getApplication() {
        return application;
    }

    public boolean isForeground() {
        return foreground;
    }

    /** Class name of the activity on top of the app's task, or "" when there is none. Any thread. */
    public String topActivityName() {
        return topActivityName;
    }

    /** The activity the user sees (resumed or paused under a system dialog); main thread. */
    public Activity topActivity() {
        return activities.isEmpty() ? null : activities.get(activities.size() - 1);
    }

    static void lifecycle(Object component, String callback) {
        DeviceLog.i(LIFECYCLE_TAG, component.getClass().getName() + "." + callback + "()");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Process start

    /** The `go` of the harness: load the app's classes and bring the process's components up. */
    public void bindApplication() {
        AppManifest manifest = process.manifest;
        try {
            // Unnamed, so stack frames print as on Android ("com.example.Foo.bar(Foo.java:12)").
            appClassLoader = new AppClassLoader(new URL[] {manifest.classesDir.toUri().toURL()},
                    ActivityThread.class.getClassLoader());
        } catch (MalformedURLException e) {
            throw new IllegalStateException("bad app classes path " + manifest.classesDir, e);
        }
        Thread.currentThread().setContextClassLoader(appClassLoader);
        context = new ContextImpl(this);
        String applicationClass = manifest.applicationClass.isEmpty()
                ? Application.class.getName() : manifest.applicationClass;
        Application app = (Application) instantiate(applicationClass, "application");
        application = app;
        lifecycle(app, "attachBaseContext");
        app.attach(context);
        for (Map.Entry<String, String> provider : manifest.providers.entrySet()) {
            if (provider.getValue().equals(process.processName)) {
                installProvider(provider.getKey());
            }
        }
        lifecycle(app, "onCreate");
        try {
            app.onCreate();
        } catch (RuntimeException e) {
            throw new RuntimeException("Unable to create application " + applicationClass + ": " + e, e);
        }
        if (process.isMainProcess()) {
            if (manifest.launcherActivity.isEmpty()) {
                Log.w("ActivityTaskManager", "No launcher activity in " + manifest.packageName);
            } else {
                launchActivity(manifest.launcherActivity, new Intent(Intent.ACTION_MAIN)
                        .setClassName(manifest.packageName, manifest.launcherActivity));
            }
        } else if (!process.component.isEmpty()) {
            handleStartService(process.component,
                    new Intent().setClassName(manifest.packageName, process.component));
        }
    }

    private void installProvider(String className) {
        ContentProvider provider = (ContentProvider) instantiate(className, "provider");
        lifecycle(provider, "onCreate");
        try {
            provider.attachInfo(application);
        } catch (RuntimeException e) {
            throw new RuntimeException("Unable to get provider " + className + ": " + e, e);
        }
    }

    private Object instantiate(String className, String kind) {
        try {
            Class<?> type = Class.forName(className, true, appClassLoader);
            return type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            throw new RuntimeException("Unable to instantiate " + kind + " "
                    + new ComponentName(process.manifest.packageName, className) + ": " + e, e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Activities

    void startActivity(Intent intent) {
        ComponentName component = intent.getComponent();
        AppManifest manifest = process.manifest;
        if (component == null || !component.getPackageName().equals(manifest.packageName)) {
            throw new ActivityNotFoundException("No Activity found to handle " + intent);
        }
        if (!manifest.activities.contains(component.getClassName())) {
            throw new ActivityNotFoundException("Unable to find explicit activity class {"
                    + component.flattenToShortString()
                    + "}; have you declared this activity in your AndroidManifest.xml?");
        }
        if (!process.isMainProcess()) {
            Log.w("ActivityTaskManager", "Activities run in the main process only; ignoring start of " + intent);
            return;
        }
        Intent copy = new Intent(intent);
        handler.post(() -> launchActivity(component.getClassName(), copy));
    }

    private void launchActivity(String className, Intent intent) {
        long started = SystemClock.uptimeMillis();
        Activity activity = (Activity) instantiate(className, "activity");
        activity.attach(context, this, intent, application,
                new ComponentName(process.manifest.packageName, className));
        Activity previous = topActivity();
        if (previous != null && previous.isResumedState()) {
            previous.performPause();
        }
        activities.add(activity);
        try {
            activity.performCreate(null);
        } catch (RuntimeException e) {
            throw new RuntimeException("Unable to start activity " + activity.getComponentName() + ": " + e, e);
        }
        if (activity.isFinishing()) {
            activities.remove(activity);
            activity.performDestroy();
            bringTopBack(previous);
            updateState();
            return;
        }
        activity.performStart();
        if (foreground) {
            activity.performResume();
            Log.i("ActivityTaskManager", "Displayed " + activity.getComponentName().flattenToShortString()
                    + ": +" + (SystemClock.uptimeMillis() - started) + "ms");
        } else {
            activity.performStop();
        }
        if (previous != null && previous.isStartedState()) {
            previous.performStop();
        }
        updateState();
    }

    void finishActivity(Activity activity) {
        int index = activities.indexOf(activity);
        if (index < 0) {
            return;
        }
        boolean wasTop = index == activities.size() - 1;
        if (activity.isResumedState()) {
            activity.performPause();
        }
        activities.remove(index);
        WindowManagerImpl.get().removeWindowsOf(activity);
        PermissionController.get().abandonRequestOf(activity);
        if (wasTop && !activities.isEmpty()) {
            bringTopBack(topActivity());
        }
        if (activity.isStartedState()) {
            activity.performStop();
        }
        activity.performDestroy();
        updateState();
        if (activities.isEmpty() && process.isMainProcess()) {
            process.endProcess("exited", "last activity finished", 0);
        }
    }

    private void bringTopBack(Activity top) {
        if (top == null || !foreground) {
            return;
        }
        if (top.isStoppedState()) {
            top.performRestart();
            top.performStart();
        }
        if (!top.isResumedState() && !PermissionController.get().isAsking(top)) {
            top.performResume();
        }
    }

    /** Home: the task goes to the background. */
    public void moveToBackground() {
        if (!foreground) {
            return;
        }
        foreground = false;
        Activity top = topActivity();
        if (top != null) {
            if (top.isResumedState()) {
                top.performPause();
            }
            if (top.isStartedState()) {
                top.performStop();
            }
        }
        Log.i("ActivityTaskManager", process.manifest.packageName + " moved to background");
        updateState();
    }

    /** Recents: the task comes back without a new launch. */
    public void moveToForeground() {
        if (foreground) {
            return;
        }
        foreground = true;
        Log.i("ActivityTaskManager", process.manifest.packageName + " moved to foreground");
        bringTopBack(topActivity());
        updateState();
    }

    /** A system dialog (the permission prompt) covers the activity: it pauses, as under a translucent activity. */
    public void pauseForSystemDialog(Activity activity) {
        if (activity.isResumedState()) {
            activity.performPause();
        }
    }

    public void resumeAfterSystemDialog(Activity activity) {
        if (foreground && activity == topActivity() && activity.isStartedState() && !activity.isResumedState()) {
            activity.performResume();
        }
    }

    private void updateState() {
        Activity top = topActivity();
        topActivityName = top == null ? "" : top.getClass().getName();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Services

    ComponentName startService(Intent intent) {
        ComponentName component = intent.getComponent();
        if (component == null) {
            throw new IllegalArgumentException("Service Intent must be explicit: " + intent);
        }
        AppManifest manifest = process.manifest;
        String target = manifest.processOfService(component.getClassName());
        if (!component.getPackageName().equals(manifest.packageName) || target == null) {
            Log.w("ActivityManager", "Unable to start service " + intent + " U=0: not found");
            return null;
        }
        if (target.equals(process.processName)) {
            Intent copy = new Intent(intent);
            handler.post(() -> handleStartService(component.getClassName(), copy));
        } else {
            process.requestProcess(target, component.getClassName());
        }
        return component;
    }

    /** @hide Creates the service if needed and delivers onStartCommand; main thread. */
    public void handleStartService(String className, Intent intent) {
        Service service = services.get(className);
        if (service == null) {
            service = (Service) instantiate(className, "service");
            service.attach(context, application);
            services.put(className, service);
            lifecycle(service, "onCreate");
            try {
                service.onCreate();
            } catch (RuntimeException e) {
                throw new RuntimeException("Unable to create service " + className + ": " + e, e);
            }
        }
        lifecycle(service, "onStartCommand");
        service.onStartCommand(intent, 0, ++serviceStartId);
    }

    boolean stopService(String className) {
        Service service = services.remove(className);
        if (service == null) {
            return false;
        }
        Runnable destroy = () -> {
            lifecycle(service, "onDestroy");
            service.onDestroy();
        };
        if (Looper.getMainLooper().isCurrentThread()) {
            destroy.run();
        } else {
            handler.post(destroy);
        }
        return true;
    }

    /**
     * The app's classes, apart from the framework's (Android's PathClassLoader). It grants no code-source
     * permissions: URLClassLoader would open a URLConnection to the classes folder to compute them, a call the
     * hook catalog watches and that no app made (and there is no security manager to use them).
     */
    private static final class AppClassLoader extends URLClassLoader {
        AppClassLoader(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected java.security.PermissionCollection getPermissions(java.security.CodeSource codesource) {
            return new java.security.Permissions();
        }
    }
}
