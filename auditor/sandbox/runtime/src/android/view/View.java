package android.view;

import android.content.Context;
import android.graphics.drawable.ColorDrawable;
import android.graphics.drawable.Drawable;
import android.os.Handler;
import android.os.Looper;

/**
 * A view. Layout is deliberately simple: a view is as wide as its parent gives it and as tall as its content;
 * {@link #measure} receives the width in pixels (not a MeasureSpec) and the height available (0: unbounded), which
 * only a scrolling view heeds (it is as tall as its content, or the height available when its content is taller).
 */
public class View {
    public static final int VISIBLE = 0;
    public static final int INVISIBLE = 4;
    public static final int GONE = 8;
    public static final int NO_ID = -1;

    public interface OnClickListener {
        void onClick(View v);
    }

    public interface OnLongClickListener {
        boolean onLongClick(View v);
    }

    public interface OnScrollChangeListener {
        void onScrollChange(View v, int scrollX, int scrollY, int oldScrollX, int oldScrollY);
    }

    protected final Context mContext;
    ViewParent mParent;
    private int mId = NO_ID;
    private String mResourceName = "";
    private CharSequence mContentDescription;
    private int mVisibility = VISIBLE;
    private boolean mEnabled = true;
    private boolean mClickable;
    private boolean mLongClickable;
    private boolean mFocusable;
    private boolean mFocused;
    private boolean mSelected;
    private OnClickListener mOnClickListener;
    private OnLongClickListener mOnLongClickListener;
    private Object mTag;
    private int mLeft;
    private int mTop;
    private int mRight;
    private int mBottom;
    private int mMeasuredWidth;
    private int mMeasuredHeight;
    private int mMinHeight;
    private int mScrollY;
    private OnScrollChangeListener mOnScrollChangeListener;
    private Drawable mBackground;

    public View(Context context) {
        mContext = context;
    }

    public final Context getContext() {
        return mContext;
    }

    public final ViewParent getParent() {
        return mParent;
    }

    // ---- identity

    public void setId(int id) {
        mId = id;
    }

    public int getId() {
        return mId;
    }

    /**
     * Sandbox addition (there are no layout resources): the view's resource id in the hierarchy becomes
     * {@code <package>:id/<name>}; a name that already has the form {@code pkg:id/name} is used as it is.
     */
    public void setResourceName(String name) {
        if (name == null || name.isEmpty()) {
            mResourceName = "";
        } else if (name.contains(":id/")) {
            mResourceName = name;
        } else {
            String pkg = mContext != null ? mContext.getPackageName() : "android";
            mResourceName = pkg + ":id/" + name;
        }
    }

    /** The full resource id, {@code pkg:id/name}, or "" when the view has none. */
    public String getResourceName() {
        return mResourceName;
    }

    @SuppressWarnings("unchecked")
    public final <T extends View> T findViewById(int id) {
        if (id == NO_ID) {
            return null;
        }
        return (T) findViewTraversal(id);
    }

    View findViewTraversal(int id) {
        return id == mId ? this : null;
    }

    public void setTag(Object tag) {
        mTag = tag;
    }

    public Object getTag() {
        return mTag;
    }

    public void setContentDescription(CharSequence contentDescription) {
        mContentDescription = contentDescription;
    }

    public CharSequence getContentDescription() {
        return mContentDescription;
    }

    /** The framework class uiautomator reports for this view (an app's subclass reports its framework class). */
    public CharSequence getAccessibilityClassName() {
        return View.class.getName();
    }

    // ---- state

    public void setVisibility(int visibility) {
        mVisibility = visibility;
    }

    public int getVisibility() {
        return mVisibility;
    }

    public boolean isShown() {
        View current = this;
        while (true) {
            if (current.mVisibility != VISIBLE) {
                return false;
            }
            if (!(current.mParent instanceof View)) {
                return true;
            }
            current = (View) current.mParent;
        }
    }

    public void setEnabled(boolean enabled) {
        mEnabled = enabled;
    }

    public boolean isEnabled() {
        return mEnabled;
    }

    public void setClickable(boolean clickable) {
        mClickable = clickable;
    }

    public boolean isClickable() {
        return mClickable;
    }

    public void setLongClickable(boolean longClickable) {
        mLongClickable = longClickable;
    }

    public boolean isLongClickable() {
        return mLongClickable;
    }

    public void setFocusable(boolean focusable) {
        mFocusable = focusable;
    }

    public boolean isFocusable() {
        return mFocusable;
    }

    public boolean isFocused() {
        return mFocused;
    }

    public boolean requestFocus() {
        if (!mFocusable) {
            return false;
        }
        View root = this;
        while (root.mParent instanceof View) {
            root = (View) root.mParent;
        }
        root.clearFocusTree();
        mFocused = true;
        return true;
    }

    void clearFocusTree() {
        mFocused = false;
    }

    public void clearFocus() {
        mFocused = false;
    }

    public void setSelected(boolean selected) {
        mSelected = selected;
    }

    public boolean isSelected() {
        return mSelected;
    }

    public void setPadding(int left, int top, int right, int bottom) {
    }

    /** As on Android: the view's background becomes a {@link ColorDrawable} of this colour (0xAARRGGBB), drawn
     * over the whole of its bounds in the screenshot in place of the widget's own look. */
    public void setBackgroundColor(int color) {
        if (mBackground instanceof ColorDrawable) {
            ((ColorDrawable) mBackground).setColor(color);
        } else {
            mBackground = new ColorDrawable(color);
        }
    }

    public void setBackground(Drawable background) {
        mBackground = background;
    }

    /** The background set with {@link #setBackgroundColor} or {@link #setBackground}; null: the widget's own. */
    public Drawable getBackground() {
        return mBackground;
    }

    /** As on Android: the view is measured at least this tall (pixels). */
    public void setMinimumHeight(int minHeight) {
        mMinHeight = Math.max(0, minHeight);
    }

    public int getMinimumHeight() {
        return mMinHeight;
    }

    // ---- input

    public void setOnClickListener(OnClickListener listener) {
        if (!mClickable) {
            mClickable = true;
        }
        mOnClickListener = listener;
    }

    public boolean hasOnClickListeners() {
        return mOnClickListener != null;
    }

    public void setOnLongClickListener(OnLongClickListener listener) {
        if (!mLongClickable) {
            mLongClickable = true;
        }
        mOnLongClickListener = listener;
    }

    public boolean performClick() {
        if (mOnClickListener != null) {
            mOnClickListener.onClick(this);
            return true;
        }
        return false;
    }

    public boolean callOnClick() {
        return performClick();
    }

    public boolean performLongClick() {
        return mOnLongClickListener != null && mOnLongClickListener.onLongClick(this);
    }

    public boolean post(Runnable action) {
        return new Handler(Looper.getMainLooper()).post(action);
    }

    public boolean postDelayed(Runnable action, long delayMillis) {
        return new Handler(Looper.getMainLooper()).postDelayed(action, delayMillis);
    }

    // ---- layout

    public final void measure(int width, int heightSpec) {
        onMeasure(width, heightSpec);
        if (mMeasuredHeight < mMinHeight) {
            mMeasuredHeight = mMinHeight;
        }
    }

    /** Sets the measured size; a plain View has no content, so it is as tall as its minimum (none). */
    protected void onMeasure(int width, int heightSpec) {
        setMeasuredDimension(width, 0);
    }

    protected final void setMeasuredDimension(int width, int height) {
        mMeasuredWidth = width;
        mMeasuredHeight = height;
    }

    public final int getMeasuredWidth() {
        return mMeasuredWidth;
    }

    public final int getMeasuredHeight() {
        return mMeasuredHeight;
    }

    public void layout(int left, int top, int right, int bottom) {
        mLeft = left;
        mTop = top;
        mRight = right;
        mBottom = bottom;
        onLayout(true, left, top, right, bottom);
    }

    protected void onLayout(boolean changed, int left, int top, int right, int bottom) {
    }

    public final int getLeft() {
        return mLeft;
    }

    public final int getTop() {
        return mTop;
    }

    public final int getRight() {
        return mRight;
    }

    public final int getBottom() {
        return mBottom;
    }

    public final int getWidth() {
        return mRight - mLeft;
    }

    public final int getHeight() {
        return mBottom - mTop;
    }

    // ---- scrolling (vertical only: nothing in the sandbox scrolls sideways)

    public void scrollTo(int x, int y) {
        int old = mScrollY;
        mScrollY = y;
        if (old != y && mOnScrollChangeListener != null) {
            mOnScrollChangeListener.onScrollChange(this, 0, y, 0, old);
        }
    }

    public void scrollBy(int x, int y) {
        scrollTo(0, mScrollY + y);
    }

    public final int getScrollX() {
        return 0;
    }

    public final int getScrollY() {
        return mScrollY;
    }

    /** As on Android: whether the view can scroll further up (direction < 0) or down (direction > 0). */
    public boolean canScrollVertically(int direction) {
        return false;
    }

    public void setOnScrollChangeListener(OnScrollChangeListener listener) {
        mOnScrollChangeListener = listener;
    }

    @Override
    public String toString() {
        return getClass().getName() + "{" + Integer.toHexString(System.identityHashCode(this))
                + (mResourceName.isEmpty() ? "" : " " + mResourceName) + "}";
    }
}
