package android.content;

import java.util.Objects;

public final class ComponentName {
    private final String mPackage;
    private final String mClass;

    public ComponentName(String pkg, String cls) {
        if (pkg == null || cls == null) {
            throw new NullPointerException("package name and class name must not be null");
        }
        mPackage = pkg;
        mClass = cls;
    }

    public ComponentName(Context pkg, String cls) {
        this(pkg.getPackageName(), cls);
    }

    public ComponentName(Context pkg, Class<?> cls) {
        this(pkg.getPackageName(), cls.getName());
    }

    public String getPackageName() {
        return mPackage;
    }

    public String getClassName() {
        return mClass;
    }

    public String getShortClassName() {
        return mClass.startsWith(mPackage + ".") ? mClass.substring(mPackage.length()) : mClass;
    }

    public String flattenToShortString() {
        return mPackage + "/" + getShortClassName();
    }

    public String flattenToString() {
        return mPackage + "/" + mClass;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ComponentName && ((ComponentName) other).mPackage.equals(mPackage)
                && ((ComponentName) other).mClass.equals(mClass);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mPackage, mClass);
    }

    @Override
    public String toString() {
        return "ComponentInfo{" + flattenToString() + "}";
    }
}
