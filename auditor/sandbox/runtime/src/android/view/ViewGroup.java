package android.view;

import android.content.Context;

import java.util.ArrayList;
import java.util.List;

public abstract class ViewGroup extends View implements ViewParent {
    private final List<View> mChildren = new ArrayList<>();

    public ViewGroup(Context context) {
        super(context);
    }

    @Override
    public CharSequence getAccessibilityClassName() {
        return ViewGroup.class.getName();
    }

    public void addView(View child) {
        addView(child, -1);
    }

    public void addView(View child, int index) {
        if (child.mParent != null) {
            throw new IllegalStateException("The specified child already has a parent. "
                    + "You must call removeView() on the child's parent first.");
        }
        child.mParent = this;
        if (index < 0 || index > mChildren.size()) {
            mChildren.add(child);
        } else {
            mChildren.add(index, child);
        }
    }

    public void removeView(View child) {
        if (mChildren.remove(child)) {
            child.mParent = null;
        }
    }

    public void removeAllViews() {
        for (View child : mChildren) {
            child.mParent = null;
        }
        mChildren.clear();
    }

    public int getChildCount() {
        return mChildren.size();
    }

    public View getChildAt(int index) {
        return index >= 0 && index < mChildren.size() ? mChildren.get(index) : null;
    }

    public int indexOfChild(View child) {
        return mChildren.indexOf(child);
    }

    @Override
    View findViewTraversal(int id) {
        if (id == getId()) {
            return this;
        }
        for (View child : mChildren) {
            View found = child.findViewTraversal(id);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    @Override
    void clearFocusTree() {
        super.clearFocusTree();
        for (View child : mChildren) {
            child.clearFocusTree();
        }
    }

    /** Children that take space (not GONE). */
    protected final List<View> laidOutChildren() {
        List<View> result = new ArrayList<>();
        for (View child : mChildren) {
            if (child.getVisibility() != GONE) {
                result.add(child);
            }
        }
        return result;
    }
}
