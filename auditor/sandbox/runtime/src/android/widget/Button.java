package android.widget;

import android.content.Context;

public class Button extends TextView {
    static final int MIN_HEIGHT = 144;

    public Button(Context context) {
        super(context);
        setClickable(true);
        setFocusable(true);
    }

    @Override
    public CharSequence getAccessibilityClassName() {
        return Button.class.getName();
    }

    @Override
    protected int minimumHeight() {
        return MIN_HEIGHT;
    }
}
