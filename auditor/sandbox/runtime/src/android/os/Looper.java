package android.os;

/** A thread's task loop. The process's main thread runs the main looper: all UI and life-cycle callbacks. */
public final class Looper {
    private static final ThreadLocal<Looper> CURRENT = new ThreadLocal<>();
    private static volatile Looper main;

    final MessageQueue queue = new MessageQueue();
    private final Thread thread;

    private Looper() {
        thread = Thread.currentThread();
    }

    public static void prepare() {
        if (CURRENT.get() != null) {
            throw new RuntimeException("Only one Looper may be created per thread");
        }
        CURRENT.set(new Looper());
    }

    /** Called once by the runtime on the process's main thread. */
    public static void prepareMainLooper() {
        prepare();
        synchronized (Looper.class) {
            if (main != null) {
                throw new IllegalStateException("The main Looper has already been prepared.");
            }
            main = CURRENT.get();
        }
    }

    public static Looper getMainLooper() {
        return main;
    }

    public static Looper myLooper() {
        return CURRENT.get();
    }

    public static void loop() {
        Looper me = myLooper();
        if (me == null) {
            throw new RuntimeException("No Looper; Looper.prepare() wasn't called on this thread.");
        }
        while (true) {
            Runnable task = me.queue.next();
            if (task == null) {
                return;
            }
            try {
                task.run();
            } finally {
                me.queue.finished();
            }
        }
    }

    public Thread getThread() {
        return thread;
    }

    public boolean isCurrentThread() {
        return Thread.currentThread() == thread;
    }

    public MessageQueue getQueue() {
        return queue;
    }

    public void quit() {
        queue.quit();
    }

    public void quitSafely() {
        queue.quit();
    }

    @Override
    public String toString() {
        return "Looper (" + thread.getName() + ", tid " + thread.getId() + ") {" + Integer.toHexString(hashCode()) + "}";
    }
}
