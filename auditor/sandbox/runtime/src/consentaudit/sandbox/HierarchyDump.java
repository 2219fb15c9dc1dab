package consentaudit.sandbox;

import android.graphics.drawable.ColorDrawable;
import android.graphics.drawable.Drawable;
import android.view.View;
import android.view.ViewGroup;
import android.widget.CompoundButton;
import android.widget.EditText;
import android.widget.ScrollView;
import android.widget.TextView;

import java.util.List;

/**
 * The screen as uiautomator's XML: one root node per window, topmost window last, bounds clipped to the window.
 * For the screenshot, the same dump with what uiautomator does not write but a screen shows: each view's background
 * colour ({@code background}, when the app set one) and each text's colour ({@code text-color}), as #AARRGGBB.
 */
final class HierarchyDump {
    private HierarchyDump() {
    }

    static String write(List<Window> windows) {
        return write(windows, false);
    }

    static String writeForDrawing(List<Window> windows) {
        return write(windows, true);
    }

    private static String write(List<Window> windows, boolean paint) {
        StringBuilder xml = new StringBuilder(4096);
        xml.append("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?><hierarchy rotation=\"0\">");
        for (Window window : windows) {
            int[] clip = window.bounds();
            node(xml, window.decor, 0, window.packageName, clip[0], clip[1], clip[2], clip[3], paint);
        }
        xml.append("</hierarchy>");
        return xml.toString();
    }

    private static void node(StringBuilder xml, View view, int index, String pkg, int clipLeft, int clipTop,
            int clipRight, int clipBottom, boolean paint) {
        int left = Math.max(view.getLeft(), clipLeft);
        int top = Math.max(view.getTop(), clipTop);
        int right = Math.min(view.getRight(), clipRight);
        int bottom = Math.min(view.getBottom(), clipBottom);
        String text = view instanceof TextView ? ((TextView) view).getDisplayText() : "";
        CharSequence description = view.getContentDescription();
        boolean checkable = view instanceof CompoundButton;
        xml.append("<node");
        attribute(xml, "index", Integer.toString(index));
        attribute(xml, "text", text);
        attribute(xml, "resource-id", view.getResourceName());
        attribute(xml, "class", view.getAccessibilityClassName().toString());
        attribute(xml, "package", pkg);
        attribute(xml, "content-desc", description == null ? "" : description.toString());
        attribute(xml, "checkable", Boolean.toString(checkable));
        attribute(xml, "checked", Boolean.toString(checkable && ((CompoundButton) view).isChecked()));
        attribute(xml, "clickable", Boolean.toString(view.isClickable()));
        attribute(xml, "enabled", Boolean.toString(view.isEnabled()));
        attribute(xml, "focusable", Boolean.toString(view.isFocusable()));
        attribute(xml, "focused", Boolean.toString(view.isFocused()));
        boolean scrollable = view instanceof ScrollView && ((ScrollView) view).isScrollable();
        attribute(xml, "scrollable", Boolean.toString(scrollable));
        attribute(xml, "long-clickable", Boolean.toString(view.isLongClickable()));
        attribute(xml, "password", Boolean.toString(view instanceof EditText && ((EditText) view).isPassword()));
        attribute(xml, "selected", Boolean.toString(view.isSelected()));
        attribute(xml, "bounds", "[" + left + "," + top + "][" + right + "," + bottom + "]");
        if (paint) {
            Drawable background = view.getBackground();
            if (background instanceof ColorDrawable) {
                attribute(xml, "background", colour(((ColorDrawable) background).getColor()));
            }
            if (view instanceof TextView) {
                attribute(xml, "text-color", colour(((TextView) view).getCurrentTextColor()));
            }
        }
        boolean wroteChild = false;
        if (view instanceof ViewGroup) {
            ViewGroup group = (ViewGroup) view;
            for (int i = 0; i < group.getChildCount(); i++) {
                View child = group.getChildAt(i);
                // uiautomator lists only what is visible to the user.
                if (child.getVisibility() != View.VISIBLE || !intersects(child, left, top, right, bottom)) {
                    continue;
                }
                if (!wroteChild) {
                    xml.append('>');
                    wroteChild = true;
                }
                node(xml, child, i, pkg, left, top, right, bottom, paint);
            }
        }
        xml.append(wroteChild ? "</node>" : " />");
    }

    private static String colour(int argb) {
        return String.format("#%08x", argb);
    }

    private static boolean intersects(View view, int left, int top, int right, int bottom) {
        return view.getLeft() < right && view.getRight() > left && view.getTop() < bottom && view.getBottom() > top
                && view.getRight() > view.getLeft() && view.getBottom() > view.getTop();
    }

    private static void attribute(StringBuilder xml, String name, String value) {
        xml.append(' ').append(name).append("=\"");
        escape(xml, value);
        xml.append('"');
    }

    /** XML attribute escaping; characters XML 1.0 cannot carry become '?', as uiautomator's dumper does. */
    static void escape(StringBuilder xml, String value) {
        for (int i = 0; i < value.length(); ) {
            int c = value.codePointAt(i);
            i += Character.charCount(c);
            switch (c) {
                case '&':
                    xml.append("&amp;");
                    break;
                case '<':
                    xml.append("&lt;");
                    break;
                case '>':
                    xml.append("&gt;");
                    break;
                case '"':
                    xml.append("&quot;");
                    break;
                case '\n':
                    xml.append("&#10;");
                    break;
                case '\r':
                    xml.append("&#13;");
                    break;
                case '\t':
                    xml.append("&#9;");
                    break;
                default:
                    boolean allowed = (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD)
                            || (c >= 0x10000 && c <= 0x10FFFF);
                    if (allowed) {
                        xml.appendCodePoint(c);
                    } else {
                        xml.append('?');
                    }
            }
        }
    }
}
