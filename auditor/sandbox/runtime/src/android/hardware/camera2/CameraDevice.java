package android.hardware.camera2;

/** An open camera. */
public abstract class CameraDevice {
    public CameraDevice() {
    }

    public abstract String getId();

    public abstract void close();

    public abstract static class StateCallback {
        public static final int ERROR_CAMERA_IN_USE = 1;

        public StateCallback() {
        }

        public abstract void onOpened(CameraDevice camera);

        public void onClosed(CameraDevice camera) {
        }

        public abstract void onDisconnected(CameraDevice camera);

        public abstract void onError(CameraDevice camera, int error);
    }
}
