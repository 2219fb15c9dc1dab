package android.hardware;

/** One reading of a sensor. */
public class SensorEvent {
    public final float[] values;
    public Sensor sensor;
    public int accuracy;
    public long timestamp;

    SensorEvent(Sensor sensor, float[] values) {
        this.sensor = sensor;
        this.values = values;
        this.accuracy = 3;
        this.timestamp = System.nanoTime();
    }
}
