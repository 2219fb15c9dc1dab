package android.speech;

import android.Manifest;
import android.content.Context;
import android.content.Intent;
import android.os.Bundle;
import android.os.Handler;
import android.os.Looper;
import consentaudit.sandbox.PermissionController;

/**
 * Speech recognition through the device's recognition service. Without RECORD_AUDIO the listener gets
 * ERROR_INSUFFICIENT_PERMISSIONS; with it, the service listens and hears nothing (ERROR_SPEECH_TIMEOUT).
 */
public class SpeechRecognizer {
    public static final int ERROR_SPEECH_TIMEOUT = 6;
    public static final int ERROR_INSUFFICIENT_PERMISSIONS = 9;

    private final Handler mHandler = new Handler(Looper.getMainLooper());
    private RecognitionListener mListener;

    private SpeechRecognizer() {
    }

    public static boolean isRecognitionAvailable(Context context) {
        return true;
    }

    public static SpeechRecognizer createSpeechRecognizer(Context context) {
        if (Looper.myLooper() != Looper.getMainLooper()) {
            throw new RuntimeException("SpeechRecognizer should be used only from the application's main thread");
        }
        return new SpeechRecognizer();
    }

    public void setRecognitionListener(RecognitionListener listener) {
        mListener = listener;
    }

    public void startListening(Intent recognizerIntent) {
        if (recognizerIntent == null) {
            throw new IllegalArgumentException("intent must not be null");
        }
        RecognitionListener listener = mListener;
        if (listener == null) {
            return;
        }
        if (PermissionController.get().check(Manifest.permission.RECORD_AUDIO) != 0) {
            mHandler.post(() -> listener.onError(ERROR_INSUFFICIENT_PERMISSIONS));
            return;
        }
        mHandler.post(() -> listener.onReadyForSpeech(new Bundle()));
        mHandler.postDelayed(() -> listener.onError(ERROR_SPEECH_TIMEOUT), 100);
    }

    public void stopListening() {
    }

    public void destroy() {
        mListener = null;
    }
}
