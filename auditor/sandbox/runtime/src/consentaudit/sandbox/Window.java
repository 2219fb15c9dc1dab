package consentaudit.sandbox;

import android.app.Activity;
import android.app.Dialog;
import android.view.View;
import android.view.ViewGroup;

/** One window on the screen: an activity's, a dialog's, or a system dialog's (the permission prompt). */
final class Window {
    enum Kind { ACTIVITY, DIALOG, SYSTEM }

    static final int SCREEN_WIDTH = 1080;
    static final int SCREEN_HEIGHT = 2400;
    static final int STATUS_BAR_HEIGHT = 84;
    static final int NAVIGATION_BAR_HEIGHT = 126;
    static final int ACTION_BAR_HEIGHT = 147;
    static final int DIALOG_MARGIN = 60;

    final Kind kind;
    final String packageName;
    final Activity owner;
    final Dialog dialog;
    /** What Back does while this window is on top (system windows). */
    final Runnable onBack;
    /** The decor: the window's root node in the hierarchy. */
    final SystemFrame decor;
    private final SystemFrame inner;
    private final SystemFrame content;
    private View contentView;
    private View titleBar;
    private int left;
    private int top;
    private int right;
    private int bottom;

    private Window(Kind kind, String packageName, Activity owner, Dialog dialog, Runnable onBack) {
        this.kind = kind;
        this.packageName = packageName;
        this.owner = owner;
        this.dialog = dialog;
        this.onBack = onBack;
        decor = new SystemFrame(owner, "android.widget.FrameLayout", "");
        inner = new SystemFrame(owner, kind == Kind.ACTIVITY ? "android.widget.LinearLayout"
                : "android.widget.FrameLayout", "");
        content = new SystemFrame(owner, "android.widget.FrameLayout", "android:id/content");
        decor.addView(inner);
        inner.addView(content);
    }

    static Window activity(Activity activity) {
        return new Window(Kind.ACTIVITY, activity.getPackageName(), activity, null, null);
    }

    static Window dialog(Dialog dialog, Activity owner) {
        Window window = new Window(Kind.DIALOG, owner.getPackageName(), owner, dialog, null);
        window.setContentView(dialog.getContentViewForWindow());
        return window;
    }

    static Window system(String packageName, View view, Activity owner, Runnable onBack) {
        Window window = new Window(Kind.SYSTEM, packageName, owner, null, onBack);
        window.setContentView(view);
        return window;
    }

    void setContentView(View view) {
        if (contentView != null) {
            content.removeView(contentView);
        }
        contentView = view;
        if (view != null) {
            if (view.getParent() instanceof ViewGroup) {
                ((ViewGroup) view.getParent()).removeView(view);
            }
            content.addView(view);
        }
    }

    void setTitleBar(View bar) {
        if (titleBar != null) {
            inner.removeView(titleBar);
        }
        titleBar = bar;
        if (bar != null) {
            inner.addView(bar, 0);
        }
    }

    boolean isModal() {
        return kind != Kind.ACTIVITY;
    }

    boolean contains(int x, int y) {
        return x >= left && x < right && y >= top && y < bottom;
    }

    /** Positions the decor: activities fill the screen; dialogs are centred; system dialogs sit at the bottom. */
    void layout() {
        if (kind == Kind.ACTIVITY) {
            left = 0;
            top = 0;
            right = SCREEN_WIDTH;
            bottom = SCREEN_HEIGHT;
            place(decor, left, top, right, bottom);
            place(inner, left, top, right, bottom);
            int contentTop = STATUS_BAR_HEIGHT;
            if (titleBar != null && titleBar.getVisibility() != View.GONE) {
                titleBar.measure(SCREEN_WIDTH, 0);
                titleBar.layout(0, contentTop, SCREEN_WIDTH, contentTop + ACTION_BAR_HEIGHT);
                contentTop += ACTION_BAR_HEIGHT;
            }
            int contentBottom = SCREEN_HEIGHT - NAVIGATION_BAR_HEIGHT;
            place(content, 0, contentTop, SCREEN_WIDTH, contentBottom);
            if (contentView != null && contentView.getVisibility() != View.GONE) {
                contentView.measure(SCREEN_WIDTH, contentBottom - contentTop);
                // The content view fills the content area (match_parent); taller content runs off screen, unless
                // a scrolling view in it takes up the difference.
                contentView.layout(0, contentTop, SCREEN_WIDTH,
                        Math.max(contentBottom, contentTop + contentView.getMeasuredHeight()));
            }
            return;
        }
        int width = kind == Kind.DIALOG ? SCREEN_WIDTH - 2 * DIALOG_MARGIN : SCREEN_WIDTH;
        int height = 0;
        int usable = SCREEN_HEIGHT - STATUS_BAR_HEIGHT - NAVIGATION_BAR_HEIGHT;
        if (contentView != null && contentView.getVisibility() != View.GONE) {
            contentView.measure(width, usable);
            height = contentView.getMeasuredHeight();
        }
        height = Math.min(height, usable);
        left = (SCREEN_WIDTH - width) / 2;
        right = left + width;
        if (kind == Kind.DIALOG) {
            top = STATUS_BAR_HEIGHT + (usable - height) / 2;
        } else {
            top = SCREEN_HEIGHT - NAVIGATION_BAR_HEIGHT - height;
        }
        bottom = top + height;
        place(decor, left, top, right, bottom);
        place(inner, left, top, right, bottom);
        place(content, left, top, right, bottom);
        if (contentView != null && contentView.getVisibility() != View.GONE) {
            contentView.layout(left, top, right, top + contentView.getMeasuredHeight());
        }
    }

    private static void place(View view, int l, int t, int r, int b) {
        view.layout(l, t, r, b);
    }

    int[] bounds() {
        return new int[] {left, top, right, bottom};
    }

    String describe() {
        switch (kind) {
            case ACTIVITY:
                return "activity " + owner.getClass().getName();
            case DIALOG:
                CharSequence title = dialog.getTitleForLog();
                return "dialog" + (title == null ? "" : " \"" + title + "\"");
            default:
                return "system dialog of " + packageName;
        }
    }
}
