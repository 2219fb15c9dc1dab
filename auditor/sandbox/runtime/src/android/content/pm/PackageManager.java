package android.content.pm;

import java.util.List;

/** Abstract, as on Android: {@code Context.getPackageManager()} returns an android.app.ApplicationPackageManager. */
public abstract class PackageManager {
    public static final int PERMISSION_GRANTED = 0;
    public static final int PERMISSION_DENIED = -1;
    public static final int GET_META_DATA = 0x00000080;
    public static final int GET_PERMISSIONS = 0x00001000;
    public static final int MATCH_ALL = 0x00020000;

    public static class NameNotFoundException extends Exception {
        public NameNotFoundException() {
        }

        public NameNotFoundException(String name) {
            super(name);
        }
    }

    public PackageManager() {
    }

    public abstract List<PackageInfo> getInstalledPackages(int flags);

    public abstract List<ApplicationInfo> getInstalledApplications(int flags);

    public abstract PackageInfo getPackageInfo(String packageName, int flags) throws NameNotFoundException;

    public abstract int checkPermission(String permName, String packageName);

    public abstract ApplicationInfo getApplicationInfo(String packageName, int flags) throws NameNotFoundException;

    @Deprecated
    public abstract String getInstallerPackageName(String packageName);

    public abstract List<ResolveInfo> queryIntentActivities(android.content.Intent intent, int flags);

    public abstract List<ResolveInfo> queryIntentServices(android.content.Intent intent, int flags);

    public abstract List<ResolveInfo> queryBroadcastReceivers(android.content.Intent intent, int flags);

    public abstract List<PackageInfo> getPackagesHoldingPermissions(String[] permissions, int flags);

    public List<ModuleInfo> getInstalledModules(int flags) {
        throw new UnsupportedOperationException("getInstalledModules not implemented in subclass");
    }
}
