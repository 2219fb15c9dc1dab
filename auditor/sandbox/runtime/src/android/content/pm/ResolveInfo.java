package android.content.pm;

/** An app component that matches an intent. */
public class ResolveInfo {
    public ActivityInfo activityInfo;
    public ServiceInfo serviceInfo;
    public int priority;

    public ResolveInfo() {
    }

    @Override
    public String toString() {
        ComponentInfo info = activityInfo != null ? activityInfo : serviceInfo;
        String component = info == null ? "?" : info.packageName + "/" + info.name;
        return "ResolveInfo{" + Integer.toHexString(System.identityHashCode(this)) + " " + component + " m=0x108000}";
    }
}
