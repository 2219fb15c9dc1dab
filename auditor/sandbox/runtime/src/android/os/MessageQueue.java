package android.os;

import java.util.PriorityQueue;

/** The main thread's queue of runnables, ordered by due time (uptime ms) and then by arrival. */
public final class MessageQueue {
    private static final class Entry implements Comparable<Entry> {
        final long when;
        final long order;
        final Runnable task;
        final Handler owner;

        Entry(long when, long order, Runnable task, Handler owner) {
            this.when = when;
            this.order = order;
            this.task = task;
            this.owner = owner;
        }

        @Override
        public int compareTo(Entry other) {
            int byTime = Long.compare(when, other.when);
            return byTime != 0 ? byTime : Long.compare(order, other.order);
        }
    }

    private final PriorityQueue<Entry> entries = new PriorityQueue<>();
    private long arrivals;
    private boolean dispatching;
    private boolean quitting;

    MessageQueue() {
    }

    synchronized boolean enqueue(Runnable task, long uptimeMillis, Handler owner) {
        if (quitting) {
            return false;
        }
        entries.add(new Entry(uptimeMillis, arrivals++, task, owner));
        notifyAll();
        return true;
    }

    synchronized void remove(Handler owner, Runnable task) {
        entries.removeIf(entry -> entry.owner == owner && (task == null || entry.task == task));
        notifyAll();
    }

    /** Blocks until a task is due; null once the queue quits. Marks the queue busy until {@link #finished()}. */
    synchronized Runnable next() {
        while (true) {
            if (quitting) {
                return null;
            }
            Entry head = entries.peek();
            long now = SystemClock.uptimeMillis();
            if (head != null && head.when <= now) {
                entries.poll();
                dispatching = true;
                return head.task;
            }
            try {
                if (head == null) {
                    wait();
                } else {
                    wait(Math.max(1, head.when - now));
                }
            } catch (InterruptedException ignored) {
                // The main thread is never interrupted on purpose; keep serving the queue.
            }
        }
    }

    synchronized void finished() {
        dispatching = false;
        notifyAll();
    }

    synchronized void quit() {
        quitting = true;
        notifyAll();
    }

    /** True when nothing runs now and nothing is due now (later delayed tasks do not count). */
    public synchronized boolean isIdle() {
        Entry head = entries.peek();
        return !dispatching && (head == null || head.when > SystemClock.uptimeMillis());
    }

    /** Waits until {@link #isIdle()}; false on timeout. Used by the harness, never by apps. */
    public synchronized boolean awaitIdle(long timeoutMillis) throws InterruptedException {
        long deadline = SystemClock.uptimeMillis() + timeoutMillis;
        while (!isIdle()) {
            long now = SystemClock.uptimeMillis();
            if (now >= deadline) {
                return false;
            }
            long wake = deadline - now;
            Entry head = entries.peek();
            if (!dispatching && head != null) {
                wake = Math.min(wake, Math.max(1, head.when - now));
            }
            wait(wake);
        }
        return true;
    }
}
