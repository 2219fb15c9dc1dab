package android.os;

/** The sandbox plays an Android 11 (API 30) device. */
public class Build {
    public static final String MANUFACTURER = "consent-audit";
    public static final String BRAND = "sandbox";
    public static final String MODEL = "JVM Sandbox";
    public static final String DEVICE = "sandbox";
    public static final String PRODUCT = "sandbox";
    public static final String HARDWARE = "jvm";
    public static final String BOARD = "jvm";
    public static final String FINGERPRINT = "sandbox/sandbox/sandbox:11/RSB1.210101.001/1:user/release-keys";
    public static final String UNKNOWN = "unknown";
    /** Since API 26 the field holds "unknown"; the serial comes from {@link #getSerial()}. */
    @Deprecated
    public static final String SERIAL = UNKNOWN;
    /** @hide The hardware serial number (ro.serialno). */
    static final String SANDBOX_SERIAL = "R5CR30ABCDE";

    /** Needs READ_PHONE_STATE in the sandbox (Android 10+ also requires a privileged permission). */
    public static String getSerial() {
        consentaudit.sandbox.PermissionController.get().enforce("getSerial",
                android.Manifest.permission.READ_PHONE_STATE);
        return SANDBOX_SERIAL;
    }

    public static class VERSION {
        public static final int SDK_INT = 30;
        public static final String RELEASE = "11";
        public static final String CODENAME = "REL";
        public static final String INCREMENTAL = "1";
    }

    public static class VERSION_CODES {
        public static final int M = 23;
        public static final int N = 24;
        public static final int O = 26;
        public static final int P = 28;
        public static final int Q = 29;
        public static final int R = 30;
        public static final int S = 31;
        public static final int TIRAMISU = 33;
    }
}
