package android.app;

import android.content.pm.ApplicationInfo;
import android.content.pm.PackageInfo;
import android.content.Intent;
import android.content.pm.ActivityInfo;
import android.content.pm.ModuleInfo;
import android.content.pm.PackageManager;
import android.content.pm.ResolveInfo;
import android.content.pm.ServiceInfo;
import consentaudit.sandbox.AppManifest;
import consentaudit.sandbox.AppProcess;
import consentaudit.sandbox.DeviceIdentity;
import consentaudit.sandbox.PermissionController;

import java.util.ArrayList;
import java.util.List;

/** The PackageManager implementation, where the code runs (and where hooks belong). */
public class ApplicationPackageManager extends PackageManager {
    private static final long INSTALL_TIME = 1700000000000L;

    ApplicationPackageManager(ContextImpl context) {
    }

    @Override
    public List<PackageInfo> getInstalledPackages(int flags) {
        List<PackageInfo> result = new ArrayList<>();
        for (String[] known : allPackages()) {
            result.add(packageInfo(known[0], known[1]));
        }
        return result;
    }

    @Override
    public List<ApplicationInfo> getInstalledApplications(int flags) {
        List<ApplicationInfo> result = new ArrayList<>();
        for (String[] known : allPackages()) {
            result.add(applicationInfo(known[0]));
        }
        return result;
    }

    /** As Android's: the calling user's package, through getPackageInfoAsUser. */
    @Override
    public PackageInfo getPackageInfo(String packageName, int flags) throws NameNotFoundException {
        return getPackageInfoAsUser(packageName, flags, 0);
    }

    /** @hide As Android: `getPackageInfo` for another user; the sandbox has one user, 0. */
    public PackageInfo getPackageInfoAsUser(String packageName, int flags, int userId) throws NameNotFoundException {
        if (userId != 0) {
            throw new SecurityException("Permission Denial: requires android.permission.INTERACT_ACROSS_USERS");
        }
        for (String[] known : allPackages()) {
            if (known[0].equals(packageName)) {
                PackageInfo info = packageInfo(known[0], known[1]);
                if (packageName.equals(AppProcess.get().manifest.packageName)) {
                    info.versionCode = AppProcess.get().manifest.versionCode;
                    info.requestedPermissions = AppProcess.get().manifest.permissions.toArray(new String[0]);
                }
                return info;
            }
        }
        throw new NameNotFoundException(packageName);
    }

    @Override
    public ApplicationInfo getApplicationInfo(String packageName, int flags) throws NameNotFoundException {
        for (String[] known : allPackages()) {
            if (known[0].equals(packageName)) {
                return applicationInfo(packageName);
            }
        }
        throw new NameNotFoundException(packageName);
    }

    /** Apps the user installed came from the Play Store; the platform's own have no installer. */
    @Override
    public String getInstallerPackageName(String packageName) {
        for (String[] known : allPackages()) {
            if (known[0].equals(packageName)) {
                return packageName.startsWith("com.android.") ? null : "com.android.vending";
            }
        }
        throw new IllegalArgumentException("Unknown package: " + packageName);
    }

    @Override
    public int checkPermission(String permName, String packageName) {
        if (!AppProcess.get().manifest.packageName.equals(packageName)) {
            return PERMISSION_DENIED;
        }
        return PermissionController.get().check(permName);
    }

    /** MAIN intents list each app's launcher activity (as if every app were visible, QUERY_ALL_PACKAGES). */
    @Override
    public List<ResolveInfo> queryIntentActivities(Intent intent, int flags) {
        List<ResolveInfo> result = new ArrayList<>();
        if (!Intent.ACTION_MAIN.equals(intent.getAction())) {
            return result;
        }
        for (String[] known : allPackages()) {
            ActivityInfo activity = new ActivityInfo();
            activity.packageName = known[0];
            activity.name = known[0] + ".MainActivity";
            activity.exported = true;
            activity.applicationInfo = applicationInfo(known[0]);
            ResolveInfo info = new ResolveInfo();
            info.activityInfo = activity;
            result.add(info);
        }
        return result;
    }

    /** Push services of the big apps answer their vendors' push intents, which is how SDKs find each other. */
    @Override
    public List<ResolveInfo> queryIntentServices(Intent intent, int flags) {
        List<ResolveInfo> result = new ArrayList<>();
        if (!"com.tencent.android.tpush.action.PUSH_MESSAGE".equals(intent.getAction())) {
            return result;
        }
        ServiceInfo service = new ServiceInfo();
        service.packageName = "com.tencent.mm";
        service.name = "com.tencent.mm.plugin.PushService";
        service.exported = true;
        ResolveInfo info = new ResolveInfo();
        info.serviceInfo = service;
        result.add(info);
        return result;
    }

    @Override
    public List<ResolveInfo> queryBroadcastReceivers(Intent intent, int flags) {
        List<ResolveInfo> result = new ArrayList<>();
        if (!"android.intent.action.BOOT_COMPLETED".equals(intent.getAction())) {
            return result;
        }
        for (String packageName : new String[] {"com.tencent.mm", "com.eg.android.AlipayGphone"}) {
            ActivityInfo receiver = new ActivityInfo();
            receiver.packageName = packageName;
            receiver.name = packageName + ".BootReceiver";
            ResolveInfo info = new ResolveInfo();
            info.activityInfo = receiver;
            result.add(info);
        }
        return result;
    }

    /** Only the app's own package is known to hold permissions it was granted. */
    @Override
    public List<PackageInfo> getPackagesHoldingPermissions(String[] permissions, int flags) {
        List<PackageInfo> result = new ArrayList<>();
        AppManifest app = AppProcess.get().manifest;
        for (String permission : permissions) {
            if (PermissionController.get().check(permission) == PERMISSION_GRANTED) {
                result.add(packageInfo(app.packageName, app.versionName));
                break;
            }
        }
        return result;
    }

    @Override
    public List<ModuleInfo> getInstalledModules(int flags) {
        List<ModuleInfo> modules = new ArrayList<>();
        modules.add(newModule("Time zone rules", "com.google.android.tzdata2"));
        modules.add(newModule("Media components", "com.google.android.media"));
        modules.add(newModule("Permission controller", "com.google.android.permissioncontroller"));
        return modules;
    }

    private static ModuleInfo newModule(String name, String packageName) {
        return new ModuleInfo(name, packageName);
    }

    private static List<String[]> allPackages() {
        AppManifest app = AppProcess.get().manifest;
        List<String[]> all = new ArrayList<>(DeviceIdentity.INSTALLED_PACKAGES);
        all.add(new String[] {app.packageName, app.versionName});
        return all;
    }

    private static PackageInfo packageInfo(String packageName, String versionName) {
        PackageInfo info = new PackageInfo();
        info.packageName = packageName;
        info.versionName = versionName;
        info.versionCode = 1;
        info.firstInstallTime = INSTALL_TIME;
        info.lastUpdateTime = INSTALL_TIME;
        info.applicationInfo = applicationInfo(packageName);
        return info;
    }

    private static ApplicationInfo applicationInfo(String packageName) {
        ApplicationInfo info = new ApplicationInfo();
        info.packageName = packageName;
        info.processName = packageName;
        info.flags = packageName.startsWith("com.android.") ? ApplicationInfo.FLAG_SYSTEM : 0;
        return info;
    }
}
