package android.os;

/** Present so that Service.onBind compiles as on Android; the sandbox has no binding. */
public interface IBinder {
}
