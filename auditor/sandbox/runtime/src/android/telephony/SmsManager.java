package android.telephony;

import android.Manifest;
import android.app.PendingIntent;
import android.util.Log;
import consentaudit.sandbox.AppProcess;
import consentaudit.sandbox.PermissionController;

import java.util.ArrayList;
import java.util.List;


/**
 * Sends SMS from the user's number (SEND_SMS). The sandbox has no radio: messages go to the device log. The public
 * methods go through Android 11's own internal ones (sendTextMessageInternal, sendMultipartTextMessageInternal,
 * with AOSP's parameters), and the hidden *WithSelfPermissions methods exist too, so that hooks on them meet what
 * they meet on a device.
 */
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
        sendTextMessageInternal(destinationAddress, scAddress, text, sentIntent, deliveryIntent, true,
                AppProcess.get().manifest.packageName, null, 0L);
    }

    private void sendTextMessageInternal(String destinationAddress, String scAddress, String text,
            PendingIntent sentIntent, PendingIntent deliveryIntent, boolean persistMessage, String packageName,
            String attributionTag, long messageId) {
        enforceSend("sendTextMessage", destinationAddress);
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("Invalid message body");
        }
        Log.i("SmsManager", "sendText to " + destinationAddress + " (" + text.length() + " chars)");
    }

    /** @hide Sends with the caller's own permissions (Android's system apps); the sandbox checks SEND_SMS. */
    public void sendTextMessageWithSelfPermissions(String destinationAddress, String scAddress, String text,
            PendingIntent sentIntent, PendingIntent deliveryIntent, boolean persistMessage) {
        enforceSend("sendTextMessageWithSelfPermissions", destinationAddress);
        Log.i("SmsManager", "sendText (self permissions) to " + destinationAddress);
    }

    public void sendMultipartTextMessage(String destinationAddress, String scAddress, ArrayList<String> parts,
            ArrayList<PendingIntent> sentIntents, ArrayList<PendingIntent> deliveryIntents) {
        sendMultipartTextMessageInternal(destinationAddress, scAddress, parts, sentIntents, deliveryIntents, true,
                AppProcess.get().manifest.packageName, null, 0L);
    }

    private void sendMultipartTextMessageInternal(String destinationAddress, String scAddress, List<String> parts,
            List<PendingIntent> sentIntents, List<PendingIntent> deliveryIntents, boolean persistMessage,
            String packageName, String attributionTag, long messageId) {
        enforceSend("sendMultipartTextMessage", destinationAddress);
        if (parts == null || parts.isEmpty()) {
            throw new IllegalArgumentException("Invalid message body");
        }
        Log.i("SmsManager", "sendMultipartText to " + destinationAddress + " (" + parts.size() + " parts)");
    }

    /** @hide */
    public void sendDataMessageWithSelfPermissions(String destinationAddress, String scAddress, short destinationPort,
            byte[] data, PendingIntent sentIntent, PendingIntent deliveryIntent) {
        enforceSend("sendDataMessageWithSelfPermissions", destinationAddress);
        Log.i("SmsManager", "sendData (self permissions) to " + destinationAddress + ":" + destinationPort);
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
