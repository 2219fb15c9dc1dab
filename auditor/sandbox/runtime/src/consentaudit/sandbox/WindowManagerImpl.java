package consentaudit.sandbox;

import android.app.Activity;
import android.app.ActivityThread;
import android.app.Dialog;
import android.util.Log;
import android.view.View;
import android.view.ViewGroup;
import android.widget.EditText;
import android.widget.TextView;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The screen: the top activity's window, its dialogs above it, and system dialogs on top. Taps go to the topmost
 * window containing the point; a dialog is modal, so a tap outside it never reaches the windows below. Every method
 * runs on the main thread.
 */
public final class WindowManagerImpl {
    private static final String TAG = "WindowManager";
    private static final WindowManagerImpl INSTANCE = new WindowManagerImpl();

    private final Map<Activity, Window> activityWindows = new IdentityHashMap<>();
    /** Dialogs and system dialogs, bottom to top. */
    private final List<Window> overlays = new ArrayList<>();

    private WindowManagerImpl() {
    }

    public static WindowManagerImpl get() {
        return INSTANCE;
    }

    private Window windowOf(Activity activity) {
        return activityWindows.computeIfAbsent(activity, Window::activity);
    }

    public void setActivityContent(Activity activity, View view) {
        windowOf(activity).setContentView(view);
    }

    public void setActivityTitle(Activity activity, CharSequence title) {
        if (title == null || title.length() == 0) {
            windowOf(activity).setTitleBar(null);
            return;
        }
        SystemFrame bar = new SystemFrame(activity, "android.view.ViewGroup", "android:id/action_bar");
        TextView text = new TextView(activity);
        text.setText(title);
        bar.addView(text);
        windowOf(activity).setTitleBar(new TitleBar(bar, text));
    }

    public void addDialog(Dialog dialog, Activity owner) {
        Window window = Window.dialog(dialog, owner);
        overlays.add(window);
        Log.i(TAG, "Showing " + window.describe() + " of " + owner.getClass().getName());
    }

    public void removeDialog(Dialog dialog) {
        overlays.removeIf(window -> {
            if (window.dialog == dialog) {
                Log.i(TAG, "Removed " + window.describe());
                return true;
            }
            return false;
        });
    }

    void addSystemWindow(Window window) {
        overlays.add(window);
    }

    void removeSystemWindow(Window window) {
        overlays.remove(window);
    }

    public void removeWindowsOf(Activity activity) {
        activityWindows.remove(activity);
        overlays.removeIf(window -> window.owner == activity);
    }

    /** The windows the user sees, bottom to top, laid out. */
    List<Window> visibleWindows() {
        List<Window> visible = new ArrayList<>();
        ActivityThread thread = ActivityThread.current();
        Activity top = thread == null ? null : thread.topActivity();
        if (top == null) {
            return visible;
        }
        visible.add(windowOf(top));
        for (Window overlay : overlays) {
            if (overlay.owner == top) {
                visible.add(overlay);
            }
        }
        for (Window window : visible) {
            window.layout();
        }
        return visible;
    }

    public String dump() {
        return HierarchyDump.write(visibleWindows());
    }

    /** The dump with the colours a screenshot draws (not part of uiautomator's format). */
    public String dumpForDrawing() {
        return HierarchyDump.writeForDrawing(visibleWindows());
    }

    public String click(int x, int y) {
        List<Window> windows = visibleWindows();
        for (int i = windows.size() - 1; i >= 0; i--) {
            Window window = windows.get(i);
            if (window.contains(x, y)) {
                View target = hitTest(window.decor, x, y);
                if (target == null) {
                    return "nothing clickable at (" + x + ", " + y + ") in " + window.describe();
                }
                String what = describe(target);
                if (!target.isEnabled()) {
                    return "tapped disabled " + what;
                }
                // In touch mode only text fields take focus from a tap (Android's focusableInTouchMode).
                if (target instanceof EditText) {
                    target.requestFocus();
                }
                target.performClick();
                return "clicked " + what;
            }
            if (window.isModal()) {
                if (window.dialog != null && window.dialog.isCanceledOnTouchOutside()) {
                    Log.i(TAG, "Touch outside " + window.describe() + ": cancelled");
                    window.dialog.cancel();
                    return "tap outside " + window.describe() + " cancelled it";
                }
                return "tap outside " + window.describe() + " was blocked (modal)";
            }
        }
        return "nothing at (" + x + ", " + y + ")";
    }

    /**
     * A finger moving from (x1, y1) to (x2, y2): the deepest view under the starting point that can scroll that way
     * scrolls by the finger's vertical travel (moving up shows what lies below). Modal windows block as for taps.
     */
    public String swipe(int x1, int y1, int x2, int y2) {
        List<Window> windows = visibleWindows();
        int travel = y1 - y2;
        for (int i = windows.size() - 1; i >= 0; i--) {
            Window window = windows.get(i);
            if (window.contains(x1, y1)) {
                int direction = travel > 0 ? 1 : -1;
                View target = travel == 0 ? null
                        : deepest(window.decor, x1, y1, view -> view.canScrollVertically(direction));
                if (target == null) {
                    return "nothing scrollable that way at (" + x1 + ", " + y1 + ") in " + window.describe();
                }
                int before = target.getScrollY();
                target.scrollBy(0, travel);
                return "scrolled " + describe(target) + " by " + (target.getScrollY() - before) + " px";
            }
            if (window.isModal()) {
                return "swipe outside " + window.describe() + " was blocked (modal)";
            }
        }
        return "nothing at (" + x1 + ", " + y1 + ")";
    }

    /** Types into the text field at the point (replacing its text, as uiautomator2's set_text does). */
    public String inputText(int x, int y, String text) {
        List<Window> windows = visibleWindows();
        for (int i = windows.size() - 1; i >= 0; i--) {
            Window window = windows.get(i);
            if (window.contains(x, y)) {
                View target = hitTest(window.decor, x, y);
                if (!(target instanceof EditText)) {
                    throw new InputRejected("no text field at (" + x + ", " + y + ")"
                            + (target == null ? "" : ": " + describe(target) + " is there"));
                }
                target.requestFocus();
                ((EditText) target).setText(text);
                return "typed into " + describe(target);
            }
            if (window.isModal()) {
                throw new InputRejected("(" + x + ", " + y + ") is outside " + window.describe()
                        + ", which is modal");
            }
        }
        throw new InputRejected("no window at (" + x + ", " + y + ")");
    }

    public String back() {
        List<Window> windows = visibleWindows();
        if (windows.isEmpty()) {
            return "no window";
        }
        Window top = windows.get(windows.size() - 1);
        switch (top.kind) {
            case SYSTEM:
                top.onBack.run();
                return "back on " + top.describe();
            case DIALOG:
                top.dialog.onBackPressed();
                return "back on " + top.describe();
            default:
                top.owner.onBackPressed();
                return "back on " + top.describe();
        }
    }

    /** The deepest visible, clickable view under the point, searching the topmost children first. */
    private static View hitTest(View view, int x, int y) {
        return deepest(view, x, y, View::isClickable);
    }

    /** The deepest visible view under the point that is `wanted`, searching the topmost children first. */
    private static View deepest(View view, int x, int y, Predicate<View> wanted) {
        if (view.getVisibility() != View.VISIBLE || x < view.getLeft() || x >= view.getRight()
                || y < view.getTop() || y >= view.getBottom()) {
            return null;
        }
        if (view instanceof ViewGroup) {
            ViewGroup group = (ViewGroup) view;
            for (int i = group.getChildCount() - 1; i >= 0; i--) {
                View hit = deepest(group.getChildAt(i), x, y, wanted);
                if (hit != null) {
                    return hit;
                }
            }
        }
        return wanted.test(view) ? view : null;
    }

    private static String describe(View view) {
        StringBuilder text = new StringBuilder(view.getAccessibilityClassName());
        if (view instanceof TextView) {
            text.append(" \"").append(((TextView) view).getDisplayText()).append('"');
        }
        if (!view.getResourceName().isEmpty()) {
            text.append(" (").append(view.getResourceName()).append(')');
        }
        return text.toString();
    }

    /** The action bar: a fixed-height bar whose title text sits inside it. */
    private static final class TitleBar extends ViewGroup {
        private final SystemFrame bar;
        private final TextView title;

        TitleBar(SystemFrame bar, TextView title) {
            super(bar.getContext());
            this.bar = bar;
            this.title = title;
            setResourceName("android:id/action_bar_container");
            addView(bar);
        }

        @Override
        public CharSequence getAccessibilityClassName() {
            return "android.widget.FrameLayout";
        }

        @Override
        protected void onLayout(boolean changed, int left, int top, int right, int bottom) {
            bar.layout(left, top, right, bottom);
            title.measure(right - left, 0);
            int textTop = top + Math.max(0, (bottom - top - title.getMeasuredHeight()) / 2);
            title.layout(left, textTop, right, Math.min(bottom, textTop + title.getMeasuredHeight()));
        }
    }
}
