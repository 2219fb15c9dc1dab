package android.content.pm;

public class ApplicationInfo extends PackageItemInfo {
    public static final int FLAG_SYSTEM = 1;
    public int flags;
    public String processName;
    public int targetSdkVersion = 30;
    public int uid;
    public String dataDir;

    public ApplicationInfo() {
    }

    @Override
    public String toString() {
        return "ApplicationInfo{" + Integer.toHexString(System.identityHashCode(this)) + " " + packageName + "}";
    }
}
