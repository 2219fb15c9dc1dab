package android.content.pm;

/** A mainline system module. */
public final class ModuleInfo {
    private final String mName;
    private final String mPackageName;

    /** @hide */
    public ModuleInfo(String name, String packageName) {
        mName = name;
        mPackageName = packageName;
    }

    public CharSequence getName() {
        return mName;
    }

    public String getPackageName() {
        return mPackageName;
    }

    @Override
    public String toString() {
        return "ModuleInfo{" + Integer.toHexString(System.identityHashCode(this)) + " " + mName + "}";
    }
}
