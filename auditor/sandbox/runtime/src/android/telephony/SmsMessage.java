package android.telephony;

import java.nio.charset.StandardCharsets;

/**
 * A received SMS, decoded from its 3GPP TS 23.040 SMS-DELIVER PDU (what a receiver of SMS_RECEIVED gets):
 * originating address, GSM 7-bit default alphabet or UCS-2 text. 3GPP2 (CDMA) PDUs are not supported.
 */
public class SmsMessage {
    public static final String FORMAT_3GPP = "3gpp";
    public static final String FORMAT_3GPP2 = "3gpp2";

    /** GSM 03.38 default alphabet; escape (0x1B) to the extension table is read as a space. */
    private static final String GSM7 = "@\u00a3$\u00a5\u00e8\u00e9\u00f9\u00ec\u00f2\u00c7\n\u00d8\u00f8\r\u00c5\u00e5"
            + "\u0394_\u03a6\u0393\u039b\u03a9\u03a0\u03a8\u03a3\u0398\u039e \u00c6\u00e6\u00df\u00c9"
            + " !\"#\u00a4%&'()*+,-./0123456789:;<=>?"
            + "\u00a1ABCDEFGHIJKLMNOPQRSTUVWXYZ\u00c4\u00d6\u00d1\u00dc\u00a7"
            + "\u00bfabcdefghijklmnopqrstuvwxyz\u00e4\u00f6\u00f1\u00fc\u00e0";

    private final String mOriginatingAddress;
    private final String mMessageBody;

    private SmsMessage(String originatingAddress, String messageBody) {
        mOriginatingAddress = originatingAddress;
        mMessageBody = messageBody;
    }

    @Deprecated
    public static SmsMessage createFromPdu(byte[] pdu) {
        return createFromPdu(pdu, FORMAT_3GPP);
    }

    public static SmsMessage createFromPdu(byte[] pdu, String format) {
        if (pdu == null || !FORMAT_3GPP.equals(format)) {
            return null;
        }
        try {
            return parse(pdu);
        } catch (RuntimeException e) {
            android.util.Log.e("SmsMessage", "SMS PDU parsing failed: " + e);
            return null;
        }
    }

    private static SmsMessage parse(byte[] pdu) {
        int at = 1 + (pdu[0] & 0xff);
        int firstOctet = pdu[at++] & 0xff;
        if ((firstOctet & 0x03) != 0) {
            throw new IllegalArgumentException("not an SMS-DELIVER PDU");
        }
        boolean hasHeader = (firstOctet & 0x40) != 0;
        int digits = pdu[at++] & 0xff;
        int typeOfAddress = pdu[at++] & 0xff;
        StringBuilder address = new StringBuilder((typeOfAddress & 0x70) == 0x10 ? "+" : "");
        for (int i = 0; i < digits; i++) {
            int octet = pdu[at + i / 2] & 0xff;
            address.append((char) ('0' + (i % 2 == 0 ? octet & 0x0f : octet >> 4)));
        }
        at += (digits + 1) / 2;
        at++; // protocol identifier
        int codingScheme = pdu[at++] & 0xff;
        at += 7; // service centre time stamp
        int length = pdu[at++] & 0xff;
        boolean ucs2 = (codingScheme & 0x0c) == 0x08;
        String body;
        if (ucs2) {
            int start = at;
            if (hasHeader) {
                start += 1 + (pdu[at] & 0xff);
            }
            body = new String(pdu, start, at + length - start, StandardCharsets.UTF_16BE);
        } else {
            body = unpackSeptets(pdu, at, length, hasHeader ? 1 + (pdu[at] & 0xff) : 0);
        }
        return new SmsMessage(address.toString(), body);
    }

    private static String unpackSeptets(byte[] pdu, int start, int septets, int headerOctets) {
        int skip = headerOctets == 0 ? 0 : (headerOctets * 8 + 6) / 7;
        StringBuilder text = new StringBuilder();
        for (int i = skip; i < septets; i++) {
            int bit = i * 7;
            int low = pdu[start + bit / 8] & 0xff;
            int high = start + bit / 8 + 1 < pdu.length ? pdu[start + bit / 8 + 1] & 0xff : 0;
            int septet = ((low >> (bit % 8)) | (high << (8 - bit % 8))) & 0x7f;
            text.append(GSM7.charAt(septet));
        }
        return text.toString();
    }

    public String getOriginatingAddress() {
        return mOriginatingAddress;
    }

    public String getDisplayOriginatingAddress() {
        return mOriginatingAddress;
    }

    public String getMessageBody() {
        return mMessageBody;
    }

    public String getDisplayMessageBody() {
        return mMessageBody;
    }

    @Override
    public String toString() {
        return "SmsMessage{from " + mOriginatingAddress + ", " + mMessageBody.length() + " chars}";
    }
}
