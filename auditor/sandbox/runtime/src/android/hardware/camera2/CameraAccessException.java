package android.hardware.camera2;

public class CameraAccessException extends Exception {
    public static final int CAMERA_DISABLED = 1;

    public CameraAccessException(int problem, String message) {
        super(message);
    }
}
