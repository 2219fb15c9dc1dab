package android.widget;

import android.content.Context;
import android.view.View;

/**
 * A vertical scrolling view: as tall as its content, or as the height its parent has for it when the content is
 * taller; then the content moves by the scroll offset and what falls outside is clipped (and left out of the
 * hierarchy, as uiautomator leaves it out). A swipe over it scrolls it by the finger's travel.
 */
public class ScrollView extends FrameLayout {
    private int mContentHeight;

    public ScrollView(Context context) {
        super(context);
    }

    @Override
    public CharSequence getAccessibilityClassName() {
        return ScrollView.class.getName();
    }

    @Override
    protected void onMeasure(int width, int heightSpec) {
        int content = 0;
        for (View child : laidOutChildren()) {
            child.measure(width, 0);
            content = Math.max(content, child.getMeasuredHeight());
        }
        mContentHeight = content;
        setMeasuredDimension(width, heightSpec > 0 ? Math.min(content, heightSpec) : content);
    }

    @Override
    protected void onLayout(boolean changed, int left, int top, int right, int bottom) {
        int offset = Math.max(0, Math.min(getScrollY(), maxScroll(bottom - top)));
        for (View child : laidOutChildren()) {
            child.layout(left, top - offset, right, top - offset + child.getMeasuredHeight());
        }
    }

    private int maxScroll(int viewport) {
        return Math.max(0, mContentHeight - viewport);
    }

    @Override
    public void scrollTo(int x, int y) {
        super.scrollTo(0, Math.max(0, Math.min(y, maxScroll(getHeight()))));
    }

    @Override
    public boolean canScrollVertically(int direction) {
        return direction > 0 ? getScrollY() < maxScroll(getHeight()) : direction < 0 && getScrollY() > 0;
    }

    /** Sandbox addition, for the hierarchy dump: the content is taller than the view (uiautomator's scrollable). */
    public boolean isScrollable() {
        return maxScroll(getHeight()) > 0;
    }
}
