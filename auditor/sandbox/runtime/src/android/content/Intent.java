package android.content;

import android.net.Uri;
import android.os.Bundle;

public class Intent {
    public static final String ACTION_MAIN = "android.intent.action.MAIN";
    public static final String ACTION_VIEW = "android.intent.action.VIEW";
    public static final String ACTION_SEND = "android.intent.action.SEND";
    public static final String CATEGORY_LAUNCHER = "android.intent.category.LAUNCHER";
    public static final int FLAG_ACTIVITY_NEW_TASK = 0x10000000;
    public static final int FLAG_ACTIVITY_CLEAR_TOP = 0x04000000;

    private String mAction;
    private Uri mData;
    private String mPackage;
    private ComponentName mComponent;
    private int mFlags;
    private final Bundle mExtras = new Bundle();

    public Intent() {
    }

    public Intent(Intent other) {
        mAction = other.mAction;
        mData = other.mData;
        mPackage = other.mPackage;
        mComponent = other.mComponent;
        mFlags = other.mFlags;
        for (String key : other.mExtras.keySet()) {
            copyExtra(other.mExtras, key);
        }
    }

    public Intent(String action) {
        mAction = action;
    }

    public Intent(String action, Uri uri) {
        mAction = action;
        mData = uri;
    }

    public Intent(Context packageContext, Class<?> cls) {
        mComponent = new ComponentName(packageContext, cls);
    }

    public String getAction() {
        return mAction;
    }

    public Intent setAction(String action) {
        mAction = action;
        return this;
    }

    public Uri getData() {
        return mData;
    }

    public Intent setData(Uri data) {
        mData = data;
        return this;
    }

    public String getPackage() {
        return mPackage;
    }

    public Intent setPackage(String packageName) {
        mPackage = packageName;
        return this;
    }

    public ComponentName getComponent() {
        return mComponent;
    }

    public Intent setComponent(ComponentName component) {
        mComponent = component;
        return this;
    }

    public Intent setClassName(String packageName, String className) {
        mComponent = new ComponentName(packageName, className);
        return this;
    }

    public Intent setClassName(Context packageContext, String className) {
        mComponent = new ComponentName(packageContext, className);
        return this;
    }

    public Intent setClass(Context packageContext, Class<?> cls) {
        mComponent = new ComponentName(packageContext, cls);
        return this;
    }

    public int getFlags() {
        return mFlags;
    }

    public Intent setFlags(int flags) {
        mFlags = flags;
        return this;
    }

    public Intent addFlags(int flags) {
        mFlags |= flags;
        return this;
    }

    public Intent putExtra(String name, String value) {
        mExtras.putString(name, value);
        return this;
    }

    public Intent putExtra(String name, int value) {
        mExtras.putInt(name, value);
        return this;
    }

    public Intent putExtra(String name, long value) {
        mExtras.putLong(name, value);
        return this;
    }

    public Intent putExtra(String name, boolean value) {
        mExtras.putBoolean(name, value);
        return this;
    }

    public boolean hasExtra(String name) {
        return mExtras.containsKey(name);
    }

    public String getStringExtra(String name) {
        return mExtras.getString(name);
    }

    public int getIntExtra(String name, int defaultValue) {
        return mExtras.getInt(name, defaultValue);
    }

    public long getLongExtra(String name, long defaultValue) {
        return mExtras.getLong(name, defaultValue);
    }

    public boolean getBooleanExtra(String name, boolean defaultValue) {
        return mExtras.getBoolean(name, defaultValue);
    }

    public Bundle getExtras() {
        return mExtras.isEmpty() ? null : new Bundle(mExtras);
    }

    private void copyExtra(Bundle from, String key) {
        Object value = from.get(key);
        if (value instanceof String) {
            mExtras.putString(key, (String) value);
        } else if (value instanceof Integer) {
            mExtras.putInt(key, (Integer) value);
        } else if (value instanceof Long) {
            mExtras.putLong(key, (Long) value);
        } else if (value instanceof Boolean) {
            mExtras.putBoolean(key, (Boolean) value);
        }
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Intent {");
        if (mAction != null) {
            text.append(" act=").append(mAction);
        }
        if (mData != null) {
            text.append(" dat=").append(mData);
        }
        if (mPackage != null) {
            text.append(" pkg=").append(mPackage);
        }
        if (mComponent != null) {
            text.append(" cmp=").append(mComponent.flattenToShortString());
        }
        return text.append(" }").toString();
    }
}
