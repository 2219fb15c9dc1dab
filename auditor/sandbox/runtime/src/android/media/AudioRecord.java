package android.media;

import android.Manifest;
import consentaudit.sandbox.PermissionController;

/**
 * Raw audio capture. As on Android, a recorder created without RECORD_AUDIO is uninitialised (no exception), and
 * startRecording() on it throws IllegalStateException. The sandbox's microphone hears silence.
 */
public class AudioRecord {
    public static final int STATE_UNINITIALIZED = 0;
    public static final int STATE_INITIALIZED = 1;
    public static final int RECORDSTATE_STOPPED = 1;
    public static final int RECORDSTATE_RECORDING = 3;

    private final int mState;
    private int mRecordingState = RECORDSTATE_STOPPED;

    public AudioRecord(int audioSource, int sampleRateInHz, int channelConfig, int audioFormat, int bufferSizeInBytes)
            throws IllegalArgumentException {
        if (sampleRateInHz < 4000 || sampleRateInHz > 192000) {
            throw new IllegalArgumentException(sampleRateInHz + "Hz is not a supported sample rate.");
        }
        boolean allowed = PermissionController.get().check(Manifest.permission.RECORD_AUDIO) == 0;
        if (!allowed) {
            android.util.Log.e("AudioRecord", "AudioFlinger could not create record track, status: -1");
        }
        mState = allowed ? STATE_INITIALIZED : STATE_UNINITIALIZED;
    }

    public static int getMinBufferSize(int sampleRateInHz, int channelConfig, int audioFormat) {
        return 3584;
    }

    public int getState() {
        return mState;
    }

    public int getRecordingState() {
        return mRecordingState;
    }

    public void startRecording() throws IllegalStateException {
        if (mState != STATE_INITIALIZED) {
            throw new IllegalStateException("startRecording() called on an uninitialized AudioRecord.");
        }
        mRecordingState = RECORDSTATE_RECORDING;
    }

    public void startRecording(MediaSyncEvent syncEvent) throws IllegalStateException {
        startRecording();
    }

    public int read(short[] audioData, int offsetInShorts, int sizeInShorts) {
        if (mState != STATE_INITIALIZED) {
            return -3;
        }
        java.util.Arrays.fill(audioData, offsetInShorts, offsetInShorts + sizeInShorts, (short) 0);
        return sizeInShorts;
    }

    public void stop() throws IllegalStateException {
        if (mState != STATE_INITIALIZED) {
            throw new IllegalStateException("stop() called on an uninitialized AudioRecord.");
        }
        mRecordingState = RECORDSTATE_STOPPED;
    }

    public void release() {
        mRecordingState = RECORDSTATE_STOPPED;
    }
}
