package android.app;

import android.content.ComponentName;
import android.content.Context;
import android.content.Intent;
import consentaudit.sandbox.AppProcess;

import java.util.ArrayList;
import java.util.List;

/** Running processes, services and tasks. Since Android 5.1 (and 8 for services) an app sees only its own. */
public class ActivityManager {
    public static class RunningAppProcessInfo {
        public String processName;
        public int pid;
        public int uid;
        public String[] pkgList;

        public RunningAppProcessInfo() {
        }

        @Override
        public String toString() {
            return "RunningAppProcessInfo{" + processName + " pid=" + pid + "}";
        }
    }

    public static class RunningServiceInfo {
        public ComponentName service;
        public int pid;
        public String process;

        public RunningServiceInfo() {
        }

        @Override
        public String toString() {
            return "RunningServiceInfo{" + service + " pid=" + pid + "}";
        }
    }

    public static class RunningTaskInfo {
        public int id;
        public ComponentName baseActivity;
        public ComponentName topActivity;
        public int numActivities;

        public RunningTaskInfo() {
        }

        @Override
        public String toString() {
            return "RunningTaskInfo{id=" + id + " baseActivity=" + baseActivity + " topActivity=" + topActivity + "}";
        }
    }

    public static class RecentTaskInfo {
        public int id;
        public Intent baseIntent;

        public RecentTaskInfo() {
        }

        @Override
        public String toString() {
            return "RecentTaskInfo{id=" + id + " baseIntent=" + baseIntent + "}";
        }
    }

    public static class AppTask {
        private final int mTaskId;

        AppTask(int taskId) {
            mTaskId = taskId;
        }

        @Override
        public String toString() {
            return "AppTask{" + mTaskId + "}";
        }
    }

    private static final int TASK_ID = 42;

    /** @hide */
    public ActivityManager(Context context) {
    }

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

    /** The app's own running services (none are tracked across processes in the sandbox). */
    @Deprecated
    public List<RunningServiceInfo> getRunningServices(int maxNum) {
        return new ArrayList<>();
    }

    @Deprecated
    public List<RunningTaskInfo> getRunningTasks(int maxNum) {
        List<RunningTaskInfo> result = new ArrayList<>();
        Activity top = ActivityThread.current().topActivity();
        if (maxNum > 0 && top != null) {
            RunningTaskInfo task = new RunningTaskInfo();
            task.id = TASK_ID;
            task.topActivity = top.getComponentName();
            task.baseActivity = top.getComponentName();
            task.numActivities = 1;
            result.add(task);
        }
        return result;
    }

    @Deprecated
    public List<RecentTaskInfo> getRecentTasks(int maxNum, int flags) {
        List<RecentTaskInfo> result = new ArrayList<>();
        Activity top = ActivityThread.current().topActivity();
        if (maxNum > 0 && top != null) {
            RecentTaskInfo task = new RecentTaskInfo();
            task.id = TASK_ID;
            task.baseIntent = top.getIntent();
            result.add(task);
        }
        return result;
    }

    public List<AppTask> getAppTasks() {
        List<AppTask> result = new ArrayList<>();
        result.add(new AppTask(TASK_ID));
        return result;
    }

    /** Only the system may open another service's settings: null for apps. */
    public PendingIntent getRunningServiceControlPanel(ComponentName service) {
        return null;
    }
}
