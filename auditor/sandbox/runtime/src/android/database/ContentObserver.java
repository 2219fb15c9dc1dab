package android.database;

import android.os.Handler;

/** Receives change notifications of a content URI. */
public abstract class ContentObserver {
    private final Handler mHandler;

    public ContentObserver(Handler handler) {
        mHandler = handler;
    }

    public boolean deliverSelfNotifications() {
        return false;
    }

    public void onChange(boolean selfChange) {
    }

    public final void dispatchChange(boolean selfChange) {
        if (mHandler == null) {
            onChange(selfChange);
        } else {
            mHandler.post(() -> onChange(selfChange));
        }
    }
}
