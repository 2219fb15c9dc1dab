package android.app.usage;

public final class UsageStats {
    UsageStats() {
    }
}
