package android.media;

public class MediaSyncEvent {
    public static final int SYNC_EVENT_NONE = 0;

    private MediaSyncEvent() {
    }

    public static MediaSyncEvent createEvent(int eventType) {
        return new MediaSyncEvent();
    }
}
