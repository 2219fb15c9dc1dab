package android.telephony;

import android.Manifest;
import android.app.PendingIntent;
import android.util.Log;
import consentaudit.sandbox.PermissionController;

import java.util.ArrayList;


/** Sends SMS from the user's number (SEND_SMS). The sandbox has no radio: messages go to the device log. */
public final class SmsManager {
    private static final int MAX_GSM7_CHARS = 160;
    private static final int MAX_GSM7_PART_CHARS = 153;
    private static final SmsManager DEFAULT = new SmsManager();

    private SmsManager() {
    }

    @Deprecated
    public static SmsManager getDefault() {
        return DEFAULT;
    }

    private static void enforceSend(String operation, String destination) {
        PermissionController.get().enforce(operation, Manifest.permission.SEND_SMS);
        if (destination == null || destination.isEmpty()) {
            throw new IllegalArgumentException("Invalid destinationAddress");
        }
    }

    public void sendTextMessage(String destinationAddress, String scAddress, String text, PendingIntent sentIntent,
            PendingIntent deliveryIntent) {
        enforceSend("sendTextMessage", destinationAddress);
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("Invalid message body");
        }
        Log.i("SmsManager", "sendText to " + destinationAddress + " (" + text.length() + " chars)");
    }

    public void sendMultipartTextMessage(String destinationAddress, String scAddress, ArrayList<String> parts,
            ArrayList<PendingIntent> sentIntents, ArrayList<PendingIntent> deliveryIntents) {
        enforceSend("sendMultipartTextMessage", destinationAddress);
        if (parts == null || parts.isEmpty()) {
            throw new IllegalArgumentException("Invalid message body");
        }
        Log.i("SmsManager", "sendMultipartText to " + destinationAddress + " (" + parts.size() + " parts)");
    }

    public void sendDataMessage(String destinationAddress, String scAddress, short destinationPort, byte[] data,
            PendingIntent sentIntent, PendingIntent deliveryIntent) {
        enforceSend("sendDataMessage", destinationAddress);
        if (data == null || data.length == 0) {
            throw new IllegalArgumentException("Invalid message data");
        }
        Log.i("SmsManager", "sendData to " + destinationAddress + ":" + destinationPort + " (" + data.length
                + " bytes)");
    }

    public ArrayList<String> divideMessage(String text) {
        ArrayList<String> parts = new ArrayList<>();
        if (text.length() <= MAX_GSM7_CHARS) {
            parts.add(text);
            return parts;
        }
        for (int start = 0; start < text.length(); start += MAX_GSM7_PART_CHARS) {
            parts.add(text.substring(start, Math.min(text.length(), start + MAX_GSM7_PART_CHARS)));
        }
        return parts;
    }

}
