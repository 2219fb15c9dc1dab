package androidx.camera.core;

import java.util.concurrent.Executor;

/** Stand-in for CameraX's ImageCapture. Not bound to a camera lifecycle, it fails the capture as CameraX does. */
public final class ImageCapture {
    public ImageCapture() {
    }

    public void takePicture(Executor executor, OnImageCapturedCallback callback) {
        executor.execute(() -> callback.onError(new ImageCaptureException("Not bound to a valid Camera [" + this
                + "]")));
    }

    public void takePicture(OutputFileOptions outputFileOptions, Executor executor, OnImageSavedCallback callback) {
        executor.execute(() -> callback.onError(new ImageCaptureException("Not bound to a valid Camera [" + this
                + "]")));
    }

    public abstract static class OnImageCapturedCallback {
        public OnImageCapturedCallback() {
        }

        public void onError(ImageCaptureException exception) {
        }
    }

    public interface OnImageSavedCallback {
        void onError(ImageCaptureException exception);
    }

    public static final class OutputFileOptions {
        public OutputFileOptions() {
        }
    }

    public static final class ImageCaptureException extends Exception {
        public ImageCaptureException(String message) {
            super(message);
        }
    }
}
