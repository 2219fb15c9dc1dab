package android.media;

import android.Manifest;
import consentaudit.sandbox.PermissionController;

/**
 * Records audio and video to a file. As on Android, choosing the microphone or camera as a source without the
 * permission fails, and start() needs a prepared recorder. The sandbox records silence to no file.
 */
public class MediaRecorder {
    private boolean mAudio;
    private boolean mVideo;
    private boolean mFormat;
    private String mPath;
    private boolean mPrepared;
    private boolean mRecording;

    public MediaRecorder() {
    }

    public final class AudioSource {
        public static final int DEFAULT = 0;
        public static final int MIC = 1;

        private AudioSource() {
        }
    }

    public final class VideoSource {
        public static final int DEFAULT = 0;
        public static final int CAMERA = 1;

        private VideoSource() {
        }
    }

    public final class OutputFormat {
        public static final int THREE_GPP = 1;
        public static final int MPEG_4 = 2;

        private OutputFormat() {
        }
    }

    public final class AudioEncoder {
        public static final int AMR_NB = 1;
        public static final int AAC = 3;

        private AudioEncoder() {
        }
    }

    public void setAudioSource(int audioSource) throws IllegalStateException {
        if (PermissionController.get().check(Manifest.permission.RECORD_AUDIO) != 0) {
            throw new RuntimeException("setAudioSource failed.");
        }
        mAudio = true;
    }

    public void setVideoSource(int videoSource) throws IllegalStateException {
        if (PermissionController.get().check(Manifest.permission.CAMERA) != 0) {
            throw new RuntimeException("setVideoSource failed.");
        }
        mVideo = true;
    }

    public void setOutputFormat(int outputFormat) throws IllegalStateException {
        if (!mAudio && !mVideo) {
            throw new IllegalStateException("setOutputFormat called in an invalid state");
        }
        mFormat = true;
    }

    public void setAudioEncoder(int audioEncoder) throws IllegalStateException {
        if (!mFormat) {
            throw new IllegalStateException("setAudioEncoder called in an invalid state");
        }
    }

    public void setOutputFile(String path) throws IllegalStateException {
        mPath = path;
    }

    public void prepare() throws IllegalStateException, java.io.IOException {
        if (!mFormat || mPath == null) {
            throw new IllegalStateException("prepare called in an invalid state");
        }
        mPrepared = true;
    }

    public void start() throws IllegalStateException {
        if (!mPrepared) {
            throw new IllegalStateException("start called in an invalid state: 1");
        }
        mRecording = true;
    }

    public void stop() throws IllegalStateException {
        if (!mRecording) {
            throw new IllegalStateException("stop called in an invalid state: 4");
        }
        mRecording = false;
    }

    public void release() {
        mRecording = false;
        mPrepared = false;
    }
}
