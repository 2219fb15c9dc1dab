package android.widget;

import android.content.Context;
import android.view.View;
import android.view.ViewGroup;

import java.util.List;

/** Vertical: children stacked top to bottom. Horizontal (Android's default): children share the width equally. */
public class LinearLayout extends ViewGroup {
    public static final int HORIZONTAL = 0;
    public static final int VERTICAL = 1;

    private int mOrientation = HORIZONTAL;

    public LinearLayout(Context context) {
        super(context);
    }

    @Override
    public CharSequence getAccessibilityClassName() {
        return LinearLayout.class.getName();
    }

    public void setOrientation(int orientation) {
        mOrientation = orientation;
    }

    public int getOrientation() {
        return mOrientation;
    }

    @Override
    protected void onMeasure(int width, int heightSpec) {
        List<View> children = laidOutChildren();
        int height = 0;
        if (mOrientation == VERTICAL) {
            for (View child : children) {
                child.measure(width, 0);
                height += child.getMeasuredHeight();
            }
            // Too tall for the height available: the first child that can shrink (one holding a scrolling view)
            // gives up the difference, as a scrolling view with layout_weight does on Android.
            for (View child : children) {
                if (heightSpec <= 0 || height <= heightSpec) {
                    break;
                }
                int before = child.getMeasuredHeight();
                child.measure(width, Math.max(1, heightSpec - (height - before)));
                height += child.getMeasuredHeight() - before;
            }
        } else if (!children.isEmpty()) {
            int share = width / children.size();
            for (View child : children) {
                child.measure(share, heightSpec);
                height = Math.max(height, child.getMeasuredHeight());
            }
        }
        setMeasuredDimension(width, height);
    }

    @Override
    protected void onLayout(boolean changed, int left, int top, int right, int bottom) {
        List<View> children = laidOutChildren();
        if (mOrientation == VERTICAL) {
            int y = top;
            for (View child : children) {
                child.layout(left, y, right, y + child.getMeasuredHeight());
                y += child.getMeasuredHeight();
            }
        } else if (!children.isEmpty()) {
            int share = (right - left) / children.size();
            int x = left;
            for (int i = 0; i < children.size(); i++) {
                View child = children.get(i);
                int childRight = i == children.size() - 1 ? right : x + share;
                child.layout(x, top, childRight, top + child.getMeasuredHeight());
                x = childRight;
            }
        }
    }
}
