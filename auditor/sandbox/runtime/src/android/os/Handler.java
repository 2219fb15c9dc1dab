package android.os;

/** Posts runnables to a looper's thread, now or later. */
public class Handler {
    private final Looper looper;

    /** @deprecated as on Android: the looper of the calling thread is implicit. */
    @Deprecated
    public Handler() {
        Looper mine = Looper.myLooper();
        if (mine == null) {
            throw new RuntimeException("Can't create handler inside thread " + Thread.currentThread()
                    + " that has not called Looper.prepare()");
        }
        this.looper = mine;
    }

    public Handler(Looper looper) {
        if (looper == null) {
            throw new NullPointerException("looper must not be null");
        }
        this.looper = looper;
    }

    public final Looper getLooper() {
        return looper;
    }

    public final boolean post(Runnable r) {
        return looper.queue.enqueue(r, SystemClock.uptimeMillis(), this);
    }

    public final boolean postDelayed(Runnable r, long delayMillis) {
        return looper.queue.enqueue(r, SystemClock.uptimeMillis() + Math.max(0, delayMillis), this);
    }

    public final boolean postAtTime(Runnable r, long uptimeMillis) {
        return looper.queue.enqueue(r, uptimeMillis, this);
    }

    public final void removeCallbacks(Runnable r) {
        looper.queue.remove(this, r);
    }

    public final void removeCallbacksAndMessages(Object token) {
        looper.queue.remove(this, null);
    }
}
