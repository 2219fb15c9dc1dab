package android.app;

import android.content.Context;
import android.content.DialogInterface;
import android.os.Bundle;
import android.view.View;
import android.widget.Button;
import android.widget.FrameLayout;
import android.widget.LinearLayout;
import android.widget.ScrollView;
import android.widget.TextView;

/** Android's alert dialog, with the framework's resource ids (alertTitle, message, button1..3, custom). */
public class AlertDialog extends Dialog implements DialogInterface {
    private CharSequence mTitle;
    private CharSequence mMessage;
    private View mView;
    private final CharSequence[] mButtonTexts = new CharSequence[3];
    private final OnClickListener[] mButtonListeners = new OnClickListener[3];
    private final Button[] mButtons = new Button[3];

    protected AlertDialog(Context context) {
        super(context);
    }

    @Override
    public void setTitle(CharSequence title) {
        super.setTitle(title);
        mTitle = title;
    }

    public void setMessage(CharSequence message) {
        mMessage = message;
    }

    public void setView(View view) {
        mView = view;
    }

    public void setButton(int whichButton, CharSequence text, OnClickListener listener) {
        int slot = slotOf(whichButton);
        mButtonTexts[slot] = text;
        mButtonListeners[slot] = listener;
    }

    /** The button, once the dialog has been shown (null before, as on Android). */
    public Button getButton(int whichButton) {
        return mButtons[slotOf(whichButton)];
    }

    private static int slotOf(int whichButton) {
        switch (whichButton) {
            case BUTTON_POSITIVE:
                return 0;
            case BUTTON_NEGATIVE:
                return 1;
            case BUTTON_NEUTRAL:
                return 2;
            default:
                throw new IllegalArgumentException("Button does not exist");
        }
    }

    @Override
    protected void onCreate(Bundle savedInstanceState) {
        Context context = getContext();
        LinearLayout parentPanel = panel(context, "android:id/parentPanel", LinearLayout.VERTICAL);
        if (mTitle != null && mTitle.length() > 0) {
            LinearLayout topPanel = panel(context, "android:id/topPanel", LinearLayout.VERTICAL);
            LinearLayout titleTemplate = panel(context, "android:id/title_template", LinearLayout.HORIZONTAL);
            TextView title = new TextView(context);
            title.setResourceName("android:id/alertTitle");
            title.setText(mTitle);
            titleTemplate.addView(title);
            topPanel.addView(titleTemplate);
            parentPanel.addView(topPanel);
        }
        if (mMessage != null && mMessage.length() > 0) {
            FrameLayout contentPanel = new FrameLayout(context);
            contentPanel.setResourceName("android:id/contentPanel");
            ScrollView scrollView = new ScrollView(context);
            scrollView.setResourceName("android:id/scrollView");
            LinearLayout inner = new LinearLayout(context);
            inner.setOrientation(LinearLayout.VERTICAL);
            TextView message = new TextView(context);
            message.setResourceName("android:id/message");
            message.setText(mMessage);
            inner.addView(message);
            scrollView.addView(inner);
            contentPanel.addView(scrollView);
            parentPanel.addView(contentPanel);
        }
        if (mView != null) {
            FrameLayout customPanel = new FrameLayout(context);
            customPanel.setResourceName("android:id/customPanel");
            FrameLayout custom = new FrameLayout(context);
            custom.setResourceName("android:id/custom");
            custom.addView(mView);
            customPanel.addView(custom);
            parentPanel.addView(customPanel);
        }
        if (mButtonTexts[0] != null || mButtonTexts[1] != null || mButtonTexts[2] != null) {
            ScrollView buttonPanel = new ScrollView(context);
            buttonPanel.setResourceName("android:id/buttonPanel");
            LinearLayout row = new LinearLayout(context);
            row.setOrientation(LinearLayout.HORIZONTAL);
            // Android's order, left to right: neutral, negative, positive.
            addButton(context, row, 2, BUTTON_NEUTRAL, "android:id/button3");
            addButton(context, row, 1, BUTTON_NEGATIVE, "android:id/button2");
            addButton(context, row, 0, BUTTON_POSITIVE, "android:id/button1");
            buttonPanel.addView(row);
            parentPanel.addView(buttonPanel);
        }
        setContentView(parentPanel);
    }

    private static LinearLayout panel(Context context, String id, int orientation) {
        LinearLayout panel = new LinearLayout(context);
        panel.setOrientation(orientation);
        panel.setResourceName(id);
        return panel;
    }

    private void addButton(Context context, LinearLayout row, int slot, int which, String id) {
        if (mButtonTexts[slot] == null) {
            return;
        }
        Button button = new Button(context);
        button.setResourceName(id);
        button.setText(mButtonTexts[slot]);
        OnClickListener listener = mButtonListeners[slot];
        button.setOnClickListener(view -> {
            if (listener != null) {
                listener.onClick(this, which);
            }
            dismiss();
        });
        mButtons[slot] = button;
        row.addView(button);
    }

    public static class Builder {
        private final Context mContext;
        private CharSequence mTitle;
        private CharSequence mMessage;
        private View mView;
        private final CharSequence[] mTexts = new CharSequence[3];
        private final OnClickListener[] mListeners = new OnClickListener[3];
        private boolean mCancelable = true;
        private OnCancelListener mOnCancel;
        private OnDismissListener mOnDismiss;

        public Builder(Context context) {
            mContext = context;
        }

        public Context getContext() {
            return mContext;
        }

        public Builder setTitle(CharSequence title) {
            mTitle = title;
            return this;
        }

        public Builder setMessage(CharSequence message) {
            mMessage = message;
            return this;
        }

        public Builder setView(View view) {
            mView = view;
            return this;
        }

        public Builder setPositiveButton(CharSequence text, OnClickListener listener) {
            mTexts[0] = text;
            mListeners[0] = listener;
            return this;
        }

        public Builder setNegativeButton(CharSequence text, OnClickListener listener) {
            mTexts[1] = text;
            mListeners[1] = listener;
            return this;
        }

        public Builder setNeutralButton(CharSequence text, OnClickListener listener) {
            mTexts[2] = text;
            mListeners[2] = listener;
            return this;
        }

        public Builder setCancelable(boolean cancelable) {
            mCancelable = cancelable;
            return this;
        }

        public Builder setOnCancelListener(OnCancelListener listener) {
            mOnCancel = listener;
            return this;
        }

        public Builder setOnDismissListener(OnDismissListener listener) {
            mOnDismiss = listener;
            return this;
        }

        public AlertDialog create() {
            AlertDialog dialog = new AlertDialog(mContext);
            dialog.setTitle(mTitle);
            dialog.setMessage(mMessage);
            dialog.setView(mView);
            dialog.setButton(BUTTON_POSITIVE, mTexts[0], mListeners[0]);
            dialog.setButton(BUTTON_NEGATIVE, mTexts[1], mListeners[1]);
            dialog.setButton(BUTTON_NEUTRAL, mTexts[2], mListeners[2]);
            dialog.setCancelable(mCancelable);
            if (mCancelable) {
                dialog.setCanceledOnTouchOutside(true);
            }
            dialog.setOnCancelListener(mOnCancel);
            dialog.setOnDismissListener(mOnDismiss);
            return dialog;
        }

        public AlertDialog show() {
            AlertDialog dialog = create();
            dialog.show();
            return dialog;
        }
    }
}
