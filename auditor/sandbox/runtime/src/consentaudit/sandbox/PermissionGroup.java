package consentaudit.sandbox;

import java.util.List;

/** A runtime-permission group as Android 11 asks for it: one dialog per group, with Android's question text. */
final class PermissionGroup {
    final String name;
    /** The question, with %s for the app's label. */
    final String question;
    /** Location, camera and microphone offer "While using the app" / "Only this time" instead of "Allow". */
    final boolean foregroundOnly;
    final List<String> permissions;

    private PermissionGroup(String name, String question, boolean foregroundOnly, String... permissions) {
        this.name = name;
        this.question = question;
        this.foregroundOnly = foregroundOnly;
        this.permissions = List.of(permissions);
    }

    private static final String P = "android.permission.";

    static final List<PermissionGroup> ALL = List.of(
            new PermissionGroup("LOCATION", "Allow %s to access this device\u2019s location?", true,
                    P + "ACCESS_FINE_LOCATION", P + "ACCESS_COARSE_LOCATION", P + "ACCESS_BACKGROUND_LOCATION"),
            new PermissionGroup("CAMERA", "Allow %s to take pictures and record video?", true, P + "CAMERA"),
            new PermissionGroup("MICROPHONE", "Allow %s to record audio?", true, P + "RECORD_AUDIO"),
            new PermissionGroup("PHONE", "Allow %s to make and manage phone calls?", false,
                    P + "READ_PHONE_STATE", P + "READ_PHONE_NUMBERS", P + "CALL_PHONE", P + "ANSWER_PHONE_CALLS",
                    P + "USE_SIP", P + "ACCEPT_HANDOVER", "com.android.voicemail.permission.ADD_VOICEMAIL"),
            new PermissionGroup("CONTACTS", "Allow %s to access your contacts?", false,
                    P + "READ_CONTACTS", P + "WRITE_CONTACTS", P + "GET_ACCOUNTS"),
            new PermissionGroup("CALENDAR", "Allow %s to access your calendar?", false,
                    P + "READ_CALENDAR", P + "WRITE_CALENDAR"),
            new PermissionGroup("SMS", "Allow %s to send and view SMS messages?", false,
                    P + "SEND_SMS", P + "RECEIVE_SMS", P + "READ_SMS", P + "RECEIVE_WAP_PUSH", P + "RECEIVE_MMS"),
            new PermissionGroup("CALL_LOG", "Allow %s to access your phone call logs?", false,
                    P + "READ_CALL_LOG", P + "WRITE_CALL_LOG", P + "PROCESS_OUTGOING_CALLS"),
            new PermissionGroup("STORAGE", "Allow %s to access photos, media, and files on your device?", false,
                    P + "READ_EXTERNAL_STORAGE", P + "WRITE_EXTERNAL_STORAGE", P + "ACCESS_MEDIA_LOCATION"),
            new PermissionGroup("SENSORS", "Allow %s to access sensor data about your vital signs?", false,
                    P + "BODY_SENSORS"),
            new PermissionGroup("ACTIVITY_RECOGNITION", "Allow %s to access your physical activity?", false,
                    P + "ACTIVITY_RECOGNITION"),
            new PermissionGroup("NEARBY_DEVICES",
                    "Allow %s to find, connect to and determine the relative position of nearby devices?", false,
                    P + "BLUETOOTH_SCAN", P + "BLUETOOTH_CONNECT", P + "BLUETOOTH_ADVERTISE"),
            new PermissionGroup("NOTIFICATIONS", "Allow %s to send you notifications?", false,
                    P + "POST_NOTIFICATIONS"));

    /** The group of a dangerous permission; null for install-time (normal) permissions. */
    static PermissionGroup of(String permission) {
        for (PermissionGroup group : ALL) {
            if (group.permissions.contains(permission)) {
                return group;
            }
        }
        return null;
    }
}
