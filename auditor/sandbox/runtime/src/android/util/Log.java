package android.util;

import consentaudit.sandbox.DeviceLog;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Writes to the device log (the sandbox process's stdout), as logcat shows it. */
public final class Log {
    public static final int VERBOSE = 2;
    public static final int DEBUG = 3;
    public static final int INFO = 4;
    public static final int WARN = 5;
    public static final int ERROR = 6;
    public static final int ASSERT = 7;
    private static final char[] LEVEL_LETTERS = {'?', '?', 'V', 'D', 'I', 'W', 'E', 'A'};

    private Log() {
    }

    public static int v(String tag, String msg) {
        return println(VERBOSE, tag, msg);
    }

    public static int v(String tag, String msg, Throwable tr) {
        return println(VERBOSE, tag, msg + '\n' + getStackTraceString(tr));
    }

    public static int d(String tag, String msg) {
        return println(DEBUG, tag, msg);
    }

    public static int d(String tag, String msg, Throwable tr) {
        return println(DEBUG, tag, msg + '\n' + getStackTraceString(tr));
    }

    public static int i(String tag, String msg) {
        return println(INFO, tag, msg);
    }

    public static int i(String tag, String msg, Throwable tr) {
        return println(INFO, tag, msg + '\n' + getStackTraceString(tr));
    }

    public static int w(String tag, String msg) {
        return println(WARN, tag, msg);
    }

    public static int w(String tag, String msg, Throwable tr) {
        return println(WARN, tag, msg + '\n' + getStackTraceString(tr));
    }

    public static int w(String tag, Throwable tr) {
        return println(WARN, tag, getStackTraceString(tr));
    }

    public static int e(String tag, String msg) {
        return println(ERROR, tag, msg);
    }

    public static int e(String tag, String msg, Throwable tr) {
        return println(ERROR, tag, msg + '\n' + getStackTraceString(tr));
    }

    public static int wtf(String tag, String msg) {
        return println(ASSERT, tag, msg);
    }

    public static boolean isLoggable(String tag, int level) {
        return level >= INFO;
    }

    public static String getStackTraceString(Throwable tr) {
        if (tr == null) {
            return "";
        }
        StringWriter text = new StringWriter();
        tr.printStackTrace(new PrintWriter(text));
        return text.toString();
    }

    public static int println(int priority, String tag, String msg) {
        char level = priority >= VERBOSE && priority <= ASSERT ? LEVEL_LETTERS[priority] : 'I';
        String text = msg == null ? "null" : msg;
        DeviceLog.write(level, tag == null ? "null" : tag, text);
        return text.length();
    }
}
