package android.app;

import android.content.pm.ApplicationInfo;
import android.content.pm.PackageInfo;
import android.content.pm.PackageManager;
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

    @Override
    public PackageInfo getPackageInfo(String packageName, int flags) throws NameNotFoundException {
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
    public int checkPermission(String permName, String packageName) {
        if (!AppProcess.get().manifest.packageName.equals(packageName)) {
            return PERMISSION_DENIED;
        }
        return PermissionController.get().check(permName);
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
