package android.app;

import android.content.SharedPreferences;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/** Preferences kept in the app's data dir (kept across relaunch, wiped by clear state). Values carry a type tag. */
final class SharedPreferencesImpl implements SharedPreferences {
    private final Path file;
    private final Map<String, Object> values = new HashMap<>();

    SharedPreferencesImpl(Path file) {
        this.file = file;
        load();
    }

    private void load() {
        if (!Files.exists(file)) {
            return;
        }
        Properties stored = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            stored.loadFromXML(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read shared preferences " + file, e);
        }
        for (String key : stored.stringPropertyNames()) {
            String raw = stored.getProperty(key);
            String body = raw.substring(2);
            switch (raw.charAt(0)) {
                case 'b':
                    values.put(key, Boolean.parseBoolean(body));
                    break;
                case 'i':
                    values.put(key, Integer.parseInt(body));
                    break;
                case 'l':
                    values.put(key, Long.parseLong(body));
                    break;
                default:
                    values.put(key, body);
            }
        }
    }

    private void store() {
        Properties stored = new Properties();
        for (Map.Entry<String, Object> entry : values.entrySet()) {
            Object value = entry.getValue();
            char tag = value instanceof Boolean ? 'b' : value instanceof Integer ? 'i' : value instanceof Long ? 'l' : 's';
            stored.setProperty(entry.getKey(), tag + ":" + value);
        }
        try {
            Files.createDirectories(file.getParent());
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            try (OutputStream out = Files.newOutputStream(temporary)) {
                stored.storeToXML(out, null);
            }
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write shared preferences " + file, e);
        }
    }

    @Override
    public synchronized Map<String, ?> getAll() {
        return new TreeMap<>(values);
    }

    @Override
    public synchronized String getString(String key, String defValue) {
        Object value = values.get(key);
        return value instanceof String ? (String) value : defValue;
    }

    @Override
    public synchronized int getInt(String key, int defValue) {
        Object value = values.get(key);
        return value instanceof Integer ? (Integer) value : defValue;
    }

    @Override
    public synchronized long getLong(String key, long defValue) {
        Object value = values.get(key);
        return value instanceof Long ? (Long) value : defValue;
    }

    @Override
    public synchronized boolean getBoolean(String key, boolean defValue) {
        Object value = values.get(key);
        return value instanceof Boolean ? (Boolean) value : defValue;
    }

    @Override
    public synchronized boolean contains(String key) {
        return values.containsKey(key);
    }

    @Override
    public Editor edit() {
        return new EditorImpl();
    }

    private final class EditorImpl implements Editor {
        private final Map<String, Object> changes = new HashMap<>();
        private boolean clear;

        @Override
        public Editor putString(String key, String value) {
            changes.put(key, value);
            return this;
        }

        @Override
        public Editor putInt(String key, int value) {
            changes.put(key, value);
            return this;
        }

        @Override
        public Editor putLong(String key, long value) {
            changes.put(key, value);
            return this;
        }

        @Override
        public Editor putBoolean(String key, boolean value) {
            changes.put(key, value);
            return this;
        }

        @Override
        public Editor remove(String key) {
            changes.put(key, this);
            return this;
        }

        @Override
        public Editor clear() {
            clear = true;
            return this;
        }

        @Override
        public boolean commit() {
            synchronized (SharedPreferencesImpl.this) {
                if (clear) {
                    values.clear();
                }
                for (Map.Entry<String, Object> change : changes.entrySet()) {
                    // The editor itself marks a removal; null string values remove too, as on Android.
                    if (change.getValue() == this || change.getValue() == null) {
                        values.remove(change.getKey());
                    } else {
                        values.put(change.getKey(), change.getValue());
                    }
                }
                store();
            }
            return true;
        }

        @Override
        public void apply() {
            commit();
        }
    }
}
