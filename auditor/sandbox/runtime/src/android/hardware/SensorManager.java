package android.hardware;

import android.content.Context;

import java.util.ArrayList;
import java.util.List;

/** Lists the device's sensors; the sandbox delivers no sensor events. */
public class SensorManager {
    /** @hide */
    public SensorManager(Context context) {
    }

    public List<Sensor> getSensorList(int type) {
        List<Sensor> sensors = new ArrayList<>();
        if (type == Sensor.TYPE_ALL || type == Sensor.TYPE_ACCELEROMETER) {
            sensors.add(new Sensor(Sensor.TYPE_ACCELEROMETER, "Sandbox Accelerometer"));
        }
        if (type == Sensor.TYPE_ALL || type == Sensor.TYPE_GYROSCOPE) {
            sensors.add(new Sensor(Sensor.TYPE_GYROSCOPE, "Sandbox Gyroscope"));
        }
        return sensors;
    }

    public Sensor getDefaultSensor(int type) {
        List<Sensor> sensors = getSensorList(type);
        return sensors.isEmpty() ? null : sensors.get(0);
    }
}
