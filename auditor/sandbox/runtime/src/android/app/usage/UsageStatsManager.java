package android.app.usage;

import android.content.Context;
import android.util.Log;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * App usage history. It needs the user to grant "usage access" (the PACKAGE_USAGE_STATS app op) in Settings;
 * the sandbox's user never has, so apps get what Android gives them then: nothing.
 */
public final class UsageStatsManager {
    public static final int INTERVAL_DAILY = 0;
    public static final int INTERVAL_BEST = 4;

    /** @hide */
    public UsageStatsManager(Context context) {
    }

    private static void noAccess(String operation) {
        Log.w("UsageStatsService", operation + ": the caller has no usage access");
    }

    public List<UsageStats> queryUsageStats(int intervalType, long beginTime, long endTime) {
        noAccess("queryUsageStats");
        return new ArrayList<>();
    }

    public UsageEvents queryEvents(long beginTime, long endTime) {
        noAccess("queryEvents");
        return new UsageEvents();
    }

    public Map<String, UsageStats> queryAndAggregateUsageStats(long beginTime, long endTime) {
        noAccess("queryAndAggregateUsageStats");
        return new HashMap<>();
    }
}
