package android.provider;

import android.content.ContentResolver;
import consentaudit.sandbox.DeviceIdentity;

public final class Settings {
    private Settings() {
    }

    public static final class Secure {
        public static final String ANDROID_ID = "android_id";
        public static final String BLUETOOTH_NAME = "bluetooth_name";
        public static final String DEFAULT_INPUT_METHOD = "default_input_method";

        private Secure() {
        }

        public static String getString(ContentResolver resolver, String name) {
            if (ANDROID_ID.equals(name)) {
                return DeviceIdentity.ANDROID_ID;
            }
            if (BLUETOOTH_NAME.equals(name)) {
                return "Sandbox";
            }
            if (DEFAULT_INPUT_METHOD.equals(name)) {
                return "com.android.inputmethod.latin/.LatinIME";
            }
            return null;
        }

        public static int getInt(ContentResolver resolver, String name, int def) {
            return def;
        }
    }

    public static final class System {
        private System() {
        }

        public static String getString(ContentResolver resolver, String name) {
            return null;
        }

        public static int getInt(ContentResolver resolver, String name, int def) {
            return def;
        }
    }
}
