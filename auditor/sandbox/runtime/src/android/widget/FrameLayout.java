package android.widget;

import android.content.Context;
import android.view.View;
import android.view.ViewGroup;

/** Children stacked on top of each other, each as wide as the frame; the frame is as tall as the tallest. */
public class FrameLayout extends ViewGroup {
    public FrameLayout(Context context) {
        super(context);
    }

    @Override
    public CharSequence getAccessibilityClassName() {
        return FrameLayout.class.getName();
    }

    @Override
    protected void onMeasure(int width, int heightSpec) {
        int height = 0;
        for (View child : laidOutChildren()) {
            child.measure(width, heightSpec);
            height = Math.max(height, child.getMeasuredHeight());
        }
        setMeasuredDimension(width, height);
    }

    @Override
    protected void onLayout(boolean changed, int left, int top, int right, int bottom) {
        for (View child : laidOutChildren()) {
            child.layout(left, top, right, top + child.getMeasuredHeight());
        }
    }
}
