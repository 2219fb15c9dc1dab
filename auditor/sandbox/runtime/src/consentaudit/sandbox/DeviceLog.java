package consentaudit.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The device log, written to the process's stdout one entry per line, as {@code logcat -v epoch,threadtime} shows:
 * {@code <epoch seconds>.<ms> <pid> <tid> <level> <tag>: <message>}. A multi-line message becomes one entry per line.
 */
public final class DeviceLog {
    private static final PrintStream OUT =
            new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    private static final int PID = (int) ProcessHandle.current().pid();
    /** Starts a sync line (see {@link #sync}); auditor/devices/sandbox.py has the same text. */
    static final String SYNC_PREFIX = "\u001fconsent-audit-sync ";
    private static volatile Thread mainThread;

    private DeviceLog() {
    }

    static void setMainThread(Thread thread) {
        mainThread = thread;
    }

    public static void write(char level, String tag, String message) {
        long now = System.currentTimeMillis();
        Thread current = Thread.currentThread();
        // On Android the main thread's tid equals the pid; other threads get their own numbers.
        long tid = current == mainThread ? PID : PID + current.getId();
        String prefix = String.format("%d.%03d %5d %5d %c %s: ", now / 1000, now % 1000, PID, tid, level, tag);
        String[] lines = message.split("\r?\n", -1);
        int count = lines.length;
        if (count > 1 && lines[count - 1].isEmpty()) {
            count--;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            text.append(prefix).append(lines[i]).append('\n');
        }
        synchronized (OUT) {
            OUT.print(text);
            OUT.flush();
        }
    }

    /**
     * Marks the log's position before answer {@code number} of the control connection: a line no entry can be
     * (entries start with a digit), which the backend reads and does not pass on. The backend returns answer n to
     * its caller only once its reader has passed this mark, so every entry written before an answer reaches the log
     * sink before the request that caused it returns (stdout and the control socket are read on separate threads).
     */
    static void sync(long number) {
        synchronized (OUT) {
            OUT.print(SYNC_PREFIX + number + "\n");
            OUT.flush();
        }
    }

    public static void i(String tag, String message) {
        write('I', tag, message);
    }

    public static void w(String tag, String message) {
        write('W', tag, message);
    }

    public static void e(String tag, String message) {
        write('E', tag, message);
    }

    /** Sends System.out and System.err to the log, as Android does (tags System.out / System.err). */
    static void captureStandardStreams() {
        System.setOut(new PrintStream(new LineLogger('I', "System.out"), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new LineLogger('W', "System.err"), true, StandardCharsets.UTF_8));
    }

    private static final class LineLogger extends OutputStream {
        private final char level;
        private final String tag;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        LineLogger(char level, String tag) {
            this.level = level;
            this.tag = tag;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                flushLine();
            } else {
                pending.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) {
            for (int i = offset; i < offset + length; i++) {
                write(bytes[i]);
            }
        }

        @Override
        public synchronized void flush() {
            if (pending.size() > 0) {
                flushLine();
            }
        }

        private void flushLine() {
            String line = pending.toString(StandardCharsets.UTF_8);
            pending.reset();
            DeviceLog.write(level, tag, line);
        }
    }
}
