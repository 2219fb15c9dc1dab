package android.widget;

import android.content.Context;
import android.util.Log;

/** Toasts are not part of uiautomator's hierarchy on a device either; the sandbox writes them to the log. */
public class Toast {
    public static final int LENGTH_SHORT = 0;
    public static final int LENGTH_LONG = 1;

    private final Context mContext;
    private CharSequence mText = "";

    public Toast(Context context) {
        mContext = context;
    }

    public static Toast makeText(Context context, CharSequence text, int duration) {
        Toast toast = new Toast(context);
        toast.mText = text;
        return toast;
    }

    public void setText(CharSequence text) {
        mText = text;
    }

    public void show() {
        Log.i("Toast", "show \"" + mText + "\" (" + mContext.getPackageName() + ")");
    }
}
