package android.app.usage;

/** App foreground/background events; empty for apps without usage access. */
public final class UsageEvents {
    UsageEvents() {
    }

    public boolean hasNextEvent() {
        return false;
    }

    @Override
    public String toString() {
        return "UsageEvents{0 events}";
    }
}
