package android.hardware;

import android.Manifest;
import consentaudit.sandbox.PermissionController;

/** The original camera API: two cameras, back (0) and front (1). Opening one needs CAMERA. */
@Deprecated
public class Camera {
    private static final int CAMERAS = 2;
    private static final boolean[] OPEN = new boolean[CAMERAS];

    private final int mCameraId;

    private Camera(int cameraId) {
        mCameraId = cameraId;
    }

    public static int getNumberOfCameras() {
        return CAMERAS;
    }

    public static Camera open() {
        return open(0);
    }

    public static Camera open(int cameraId) {
        PermissionController.get().enforce("Camera.open", Manifest.permission.CAMERA);
        if (cameraId < 0 || cameraId >= CAMERAS) {
            throw new RuntimeException("Fail to connect to camera service");
        }
        synchronized (OPEN) {
            if (OPEN[cameraId]) {
                throw new RuntimeException("Fail to connect to camera service");
            }
            OPEN[cameraId] = true;
        }
        return new Camera(cameraId);
    }

    public final void release() {
        synchronized (OPEN) {
            OPEN[mCameraId] = false;
        }
    }

    @Override
    public String toString() {
        return "android.hardware.Camera@" + Integer.toHexString(System.identityHashCode(this)) + "[" + mCameraId + "]";
    }
}
