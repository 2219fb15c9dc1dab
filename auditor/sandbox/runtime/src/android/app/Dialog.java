package android.app;

import android.content.Context;
import android.content.DialogInterface;
import android.os.Bundle;
import android.os.Looper;
import android.view.View;
import android.view.WindowManager;
import consentaudit.sandbox.WindowManagerImpl;

/** A window on top of its activity. Modal: while shown, taps outside it never reach the activity. */
public class Dialog implements DialogInterface {
    private final Context mContext;
    private View mContentView;
    private CharSequence mTitle;
    private boolean mCreated;
    private boolean mShowing;
    boolean mCancelable = true;
    private boolean mCanceledOnTouchOutside = true;
    private OnCancelListener mCancelListener;
    private OnDismissListener mDismissListener;

    public Dialog(Context context) {
        mContext = context;
    }

    public final Context getContext() {
        return mContext;
    }

    protected void onCreate(Bundle savedInstanceState) {
    }

    protected void onStart() {
    }

    protected void onStop() {
    }

    public void setContentView(View view) {
        mContentView = view;
    }

    /** @hide The view the window shows (for AlertDialog, its panels). */
    public View getContentViewForWindow() {
        return mContentView;
    }

    public void setTitle(CharSequence title) {
        mTitle = title;
    }

    /** @hide */
    public CharSequence getTitleForLog() {
        return mTitle;
    }

    public void setCancelable(boolean flag) {
        mCancelable = flag;
    }

    /** @hide */
    public boolean isCancelable() {
        return mCancelable;
    }

    public void setCanceledOnTouchOutside(boolean cancel) {
        if (cancel && !mCancelable) {
            mCancelable = true;
        }
        mCanceledOnTouchOutside = cancel;
    }

    /** @hide */
    public boolean isCanceledOnTouchOutside() {
        return mCancelable && mCanceledOnTouchOutside;
    }

    public void setOnCancelListener(OnCancelListener listener) {
        mCancelListener = listener;
    }

    public void setOnDismissListener(OnDismissListener listener) {
        mDismissListener = listener;
    }

    public boolean isShowing() {
        return mShowing;
    }

    public void show() {
        if (Looper.myLooper() == null) {
            throw new RuntimeException("Can't create handler inside thread " + Thread.currentThread()
                    + " that has not called Looper.prepare()");
        }
        if (mShowing) {
            return;
        }
        Activity owner = mContext instanceof Activity ? (Activity) mContext : null;
        if (owner == null || owner.isFinishing() || owner.isDestroyed()) {
            throw new WindowManager.BadTokenException(
                    "Unable to add window -- token null is not valid; is your activity running?");
        }
        if (!mCreated) {
            mCreated = true;
            onCreate(null);
        }
        onStart();
        mShowing = true;
        WindowManagerImpl.get().addDialog(this, owner);
    }

    public void hide() {
        dismiss();
    }

    @Override
    public void dismiss() {
        if (!mShowing) {
            return;
        }
        mShowing = false;
        WindowManagerImpl.get().removeDialog(this);
        onStop();
        if (mDismissListener != null) {
            mDismissListener.onDismiss(this);
        }
    }

    @Override
    public void cancel() {
        if (mCancelListener != null) {
            mCancelListener.onCancel(this);
        }
        dismiss();
    }

    /** @hide Back key on the dialog. */
    public void onBackPressed() {
        if (mCancelable) {
            cancel();
        }
    }
}
