package android.hardware.camera2;

import android.Manifest;
import android.content.Context;
import android.os.Handler;
import android.os.Looper;
import consentaudit.sandbox.PermissionController;

import java.util.concurrent.Executor;

/** Context.CAMERA_SERVICE: cameras "0" (back) and "1" (front). Opening needs CAMERA. */
public final class CameraManager {
    private static final String[] IDS = {"0", "1"};

    /** @hide */
    public CameraManager(Context context) {
    }

    public String[] getCameraIdList() {
        return IDS.clone();
    }

    public void openCamera(String cameraId, CameraDevice.StateCallback callback, Handler handler)
            throws CameraAccessException {
        Handler target = handler != null ? handler : new Handler(Looper.getMainLooper());
        open(cameraId, callback, target::post);
    }

    public void openCamera(String cameraId, Executor executor, CameraDevice.StateCallback callback)
            throws CameraAccessException {
        if (executor == null) {
            throw new IllegalArgumentException("executor was null");
        }
        open(cameraId, callback, executor);
    }

    private void open(String cameraId, CameraDevice.StateCallback callback, Executor executor)
            throws CameraAccessException {
        if (cameraId == null || callback == null) {
            throw new IllegalArgumentException("cameraId or callback was null");
        }
        PermissionController.get().enforce("openCamera", Manifest.permission.CAMERA);
        if (!"0".equals(cameraId) && !"1".equals(cameraId)) {
            throw new IllegalArgumentException("getCameraCharacteristics:Camera " + cameraId + " is not available");
        }
        CameraDevice device = new CameraDevice() {
            @Override
            public String getId() {
                return cameraId;
            }

            @Override
            public void close() {
            }
        };
        executor.execute(() -> callback.onOpened(device));
    }
}
