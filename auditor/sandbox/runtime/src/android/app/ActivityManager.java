package android.app;

import android.content.Context;
import consentaudit.sandbox.AppProcess;

import java.util.ArrayList;
import java.util.List;

public class ActivityManager {
    public static class RunningAppProcessInfo {
        public String processName;
        public int pid;
        public int uid;
        public String[] pkgList;

        public RunningAppProcessInfo() {
        }
    }

    /** @hide */
    public ActivityManager(Context context) {
    }

    /** Since Android 5.1 an app sees only its own processes; here, the calling one. */
    public List<RunningAppProcessInfo> getRunningAppProcesses() {
        RunningAppProcessInfo self = new RunningAppProcessInfo();
        self.processName = AppProcess.get().processName;
        self.pid = android.os.Process.myPid();
        self.uid = android.os.Process.myUid();
        self.pkgList = new String[] {AppProcess.get().manifest.packageName};
        List<RunningAppProcessInfo> result = new ArrayList<>();
        result.add(self);
        return result;
    }
}
