package android.telephony;

import android.Manifest;
import android.content.Context;
import consentaudit.sandbox.DeviceIdentity;
import consentaudit.sandbox.PermissionController;

/** Device and subscriber identity. The identifiers need READ_PHONE_STATE, as the catalog records. */
public class TelephonyManager {
    public static final int PHONE_TYPE_GSM = 1;
    public static final int SIM_STATE_READY = 5;

    /** @hide */
    public TelephonyManager(Context context) {
    }

    private static void enforcePhoneState(String operation) {
        PermissionController.get().enforce(operation, Manifest.permission.READ_PHONE_STATE);
    }

    @Deprecated
    public String getDeviceId() {
        enforcePhoneState("getDeviceId");
        return DeviceIdentity.imei(0);
    }

    @Deprecated
    public String getDeviceId(int slotIndex) {
        enforcePhoneState("getDeviceId");
        return slotIndex == 0 || slotIndex == 1 ? DeviceIdentity.imei(slotIndex) : null;
    }

    public String getImei() {
        enforcePhoneState("getImei");
        return DeviceIdentity.imei(0);
    }

    public String getImei(int slotIndex) {
        enforcePhoneState("getImei");
        return slotIndex == 0 || slotIndex == 1 ? DeviceIdentity.imei(slotIndex) : null;
    }

    public String getSubscriberId() {
        enforcePhoneState("getSubscriberId");
        return DeviceIdentity.IMSI;
    }

    public String getSimSerialNumber() {
        enforcePhoneState("getSimSerialNumber");
        return DeviceIdentity.SIM_SERIAL;
    }

    public String getLine1Number() {
        PermissionController.get().enforce("getLine1Number", Manifest.permission.READ_PHONE_STATE,
                Manifest.permission.READ_PHONE_NUMBERS);
        return DeviceIdentity.LINE1_NUMBER;
    }

    public int getPhoneType() {
        return PHONE_TYPE_GSM;
    }

    public int getSimState() {
        return SIM_STATE_READY;
    }

    public String getSimOperator() {
        return DeviceIdentity.OPERATOR;
    }

    public String getNetworkOperator() {
        return DeviceIdentity.OPERATOR;
    }

    public String getNetworkOperatorName() {
        return DeviceIdentity.OPERATOR_NAME;
    }

    public String getSimCountryIso() {
        return "cn";
    }

    public String getNetworkCountryIso() {
        return "cn";
    }
}
