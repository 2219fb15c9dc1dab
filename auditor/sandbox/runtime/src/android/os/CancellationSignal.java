package android.os;

/** Cancels an operation in progress (a query, a location request). */
public final class CancellationSignal {
    private boolean mCanceled;

    public CancellationSignal() {
    }

    public synchronized boolean isCanceled() {
        return mCanceled;
    }

    public synchronized void cancel() {
        mCanceled = true;
    }

    public void throwIfCanceled() {
        if (isCanceled()) {
            throw new OperationCanceledException();
        }
    }
}
