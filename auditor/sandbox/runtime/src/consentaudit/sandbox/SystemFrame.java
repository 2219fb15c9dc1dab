package consentaudit.sandbox;

import android.content.Context;
import android.view.ViewGroup;

/** A framework container of a window's decor; the window manager positions it and its children itself. */
final class SystemFrame extends ViewGroup {
    private final String accessibilityClass;

    SystemFrame(Context context, String accessibilityClass, String resourceId) {
        super(context);
        this.accessibilityClass = accessibilityClass;
        setResourceName(resourceId);
    }

    @Override
    public CharSequence getAccessibilityClassName() {
        return accessibilityClass;
    }

    @Override
    protected void onMeasure(int width, int heightSpec) {
        setMeasuredDimension(width, 0);
    }
}
