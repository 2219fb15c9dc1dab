package android.hardware;

import android.Manifest;
import android.content.Context;
import android.os.Handler;
import android.os.Looper;
import consentaudit.sandbox.PermissionController;

import java.util.ArrayList;
import java.util.List;

/**
 * The device's sensors. Registering a listener delivers one reading on the handler's (or the main) thread; the
 * heart-rate sensor needs BODY_SENSORS and the step counter ACTIVITY_RECOGNITION, as on Android 10+ (without
 * them registerListener returns false).
 */
public class SensorManager {
    public static final int SENSOR_DELAY_NORMAL = 3;
    public static final int SENSOR_DELAY_UI = 2;

    private static final List<Sensor> SENSORS = List.of(
            new Sensor(Sensor.TYPE_ACCELEROMETER, "lsm6dso Accelerometer Non-wakeup", "STMicro"),
            new Sensor(Sensor.TYPE_GYROSCOPE, "lsm6dso Gyroscope Non-wakeup", "STMicro"),
            new Sensor(Sensor.TYPE_STEP_COUNTER, "Step Counter", "Qualcomm"),
            new Sensor(Sensor.TYPE_HEART_RATE, "Heart Rate", "Sandbox Health"));

    private final List<SensorEventListener> mListeners = new ArrayList<>();

    /** @hide */
    public SensorManager(Context context) {
    }

    private static List<Sensor> sensorsOfType(int type) {
        List<Sensor> result = new ArrayList<>();
        for (Sensor sensor : SENSORS) {
            if (type == Sensor.TYPE_ALL || sensor.getType() == type) {
                result.add(sensor);
            }
        }
        return result;
    }

    public List<Sensor> getSensorList(int type) {
        return sensorsOfType(type);
    }

    /** Sensors plugged in at run time: none on this device. */
    public List<Sensor> getDynamicSensorList(int type) {
        return new ArrayList<>();
    }

    /** Goes through getSensorList, as Android's does (a hook on both sees both). */
    public Sensor getDefaultSensor(int type) {
        List<Sensor> sensors = getSensorList(type);
        return sensors.isEmpty() ? null : sensors.get(0);
    }

    /** The sandbox's sensors are all non-wake-up ones. */
    public Sensor getDefaultSensor(int type, boolean wakeUp) {
        List<Sensor> sensors = getSensorList(type);
        return wakeUp || sensors.isEmpty() ? null : sensors.get(0);
    }

    public boolean registerListener(SensorEventListener listener, Sensor sensor, int samplingPeriodUs) {
        return register(listener, sensor, null);
    }

    public boolean registerListener(SensorEventListener listener, Sensor sensor, int samplingPeriodUs,
            Handler handler) {
        return register(listener, sensor, handler);
    }

    public boolean registerListener(SensorEventListener listener, Sensor sensor, int samplingPeriodUs,
            int maxReportLatencyUs) {
        return register(listener, sensor, null);
    }

    private boolean register(SensorEventListener listener, Sensor sensor, Handler handler) {
        if (listener == null || sensor == null) {
            return false;
        }
        String needed = sensor.getType() == Sensor.TYPE_HEART_RATE ? Manifest.permission.BODY_SENSORS
                : sensor.getType() == Sensor.TYPE_STEP_COUNTER ? Manifest.permission.ACTIVITY_RECOGNITION : null;
        if (needed != null && PermissionController.get().check(needed) != 0) {
            android.util.Log.w("SensorManager", "Trying to add sensor " + sensor.getName()
                    + " without the required permission " + needed);
            return false;
        }
        synchronized (mListeners) {
            mListeners.add(listener);
        }
        float[] values = sensor.getType() == Sensor.TYPE_HEART_RATE ? new float[] {72f}
                : sensor.getType() == Sensor.TYPE_STEP_COUNTER ? new float[] {6214f} : new float[] {0.12f, 9.78f, 0.31f};
        SensorEvent event = new SensorEvent(sensor, values);
        Handler target = handler != null ? handler : new Handler(Looper.getMainLooper());
        target.postDelayed(() -> {
            synchronized (mListeners) {
                if (!mListeners.contains(listener)) {
                    return;
                }
            }
            listener.onSensorChanged(event);
        }, 50);
        return true;
    }

    public void unregisterListener(SensorEventListener listener) {
        synchronized (mListeners) {
            mListeners.remove(listener);
        }
    }
}
