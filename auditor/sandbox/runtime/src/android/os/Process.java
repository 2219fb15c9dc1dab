package android.os;

public class Process {
    public static final int SYSTEM_UID = 1000;
    public static final int FIRST_APPLICATION_UID = 10000;
    private static final int APP_UID = 10123;

    public static final int myPid() {
        return (int) ProcessHandle.current().pid();
    }

    public static final int myUid() {
        return APP_UID;
    }

    public static final int myTid() {
        return (int) Thread.currentThread().getId();
    }

    /** Only the calling process can be killed, as for an app on Android. */
    public static final void killProcess(int pid) {
        if (pid == myPid()) {
            consentaudit.sandbox.AppProcess.get().endProcess("killed", "Process.killProcess", 9);
        }
    }
}
