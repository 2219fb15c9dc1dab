package android.provider;

import android.content.ContentResolver;
import consentaudit.sandbox.DeviceIdentity;

public final class Settings {
    private Settings() {
    }

    public static final class Secure {
        public static final String ANDROID_ID = "android_id";
        public static final String BLUETOOTH_NAME = "bluetooth_name";
        /** @hide Read-only for apps; the Bluetooth MAC, as old releases still give it. */
        public static final String BLUETOOTH_ADDRESS = "bluetooth_address";
        public static final String DEFAULT_INPUT_METHOD = "default_input_method";

        private Secure() {
        }

        public static String getString(ContentResolver resolver, String name) {
            if (ANDROID_ID.equals(name)) {
                return DeviceIdentity.ANDROID_ID;
            }
            if (BLUETOOTH_NAME.equals(name)) {
                return "Li Wei's Phone";
            }
            if (BLUETOOTH_ADDRESS.equals(name)) {
                return "3C:28:6D:E1:7F:0A";
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
        /** Moved to Settings.Secure in API 3; reading it here answers with the Secure value, as Android does. */
        @Deprecated
        public static final String ANDROID_ID = Secure.ANDROID_ID;

        private System() {
        }

        public static String getString(ContentResolver resolver, String name) {
            if (Secure.ANDROID_ID.equals(name)) {
                android.util.Log.w("Settings", "Setting android_id has moved from android.provider.Settings.System"
                        + " to android.provider.Settings.Secure, returning read-only value.");
                return DeviceIdentity.ANDROID_ID;
            }
            return null;
        }

        public static int getInt(ContentResolver resolver, String name, int def) {
            return def;
        }
    }
}
