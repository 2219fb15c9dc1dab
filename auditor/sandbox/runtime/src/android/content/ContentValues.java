package android.content;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

public final class ContentValues {
    private final Map<String, Object> values = new LinkedHashMap<>();

    public ContentValues() {
    }

    public void put(String key, String value) {
        values.put(key, value);
    }

    public void put(String key, Integer value) {
        values.put(key, value);
    }

    public void put(String key, Long value) {
        values.put(key, value);
    }

    public void put(String key, Boolean value) {
        values.put(key, value);
    }

    public Object get(String key) {
        return values.get(key);
    }

    public String getAsString(String key) {
        Object value = values.get(key);
        return value == null ? null : value.toString();
    }

    public Set<String> keySet() {
        return values.keySet();
    }

    public int size() {
        return values.size();
    }
}
