package android.os;

public final class SystemClock {
    private static final long START_NANOS = System.nanoTime();

    private SystemClock() {
    }

    public static long uptimeMillis() {
        return (System.nanoTime() - START_NANOS) / 1_000_000L;
    }

    public static long elapsedRealtimeNanos() {
        return elapsedRealtime() * 1_000_000L;
    }

    public static long elapsedRealtime() {
        return uptimeMillis();
    }

    public static long currentThreadTimeMillis() {
        return uptimeMillis();
    }

    public static void sleep(long ms) {
        long end = uptimeMillis() + ms;
        while (uptimeMillis() < end) {
            try {
                Thread.sleep(Math.max(1, end - uptimeMillis()));
            } catch (InterruptedException ignored) {
                // SystemClock.sleep ignores interrupts, as on Android.
            }
        }
    }
}
