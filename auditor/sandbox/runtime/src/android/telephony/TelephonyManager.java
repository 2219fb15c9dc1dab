package android.telephony;

import android.Manifest;
import android.content.Context;
import android.os.Handler;
import android.os.Looper;
import consentaudit.sandbox.DeviceIdentity;
import consentaudit.sandbox.PermissionController;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Device and subscriber identity, cell location and network state of a single-SIM GSM/LTE phone on China Mobile.
 * The identifiers need READ_PHONE_STATE (the sandbox's one simplification: Android 10+ also requires a privileged
 * permission); cell location needs ACCESS_FINE_LOCATION, as on Android 11.
 */
public class TelephonyManager {
    public static final int PHONE_TYPE_GSM = 1;
    public static final int SIM_STATE_READY = 5;
    public static final int NETWORK_TYPE_LTE = 13;

    /** The serving cell: an LTE cell of China Mobile in central Shanghai. */
    static final int SERVING_LAC = 0x5A1B;
    static final int SERVING_CID = 0x0C3D5E1;
    private static final String SOFTWARE_VERSION = "01";
    private static final String GROUP_ID_LEVEL1 = "FFFFFFFF";
    private static final String NAI = "460001357924680@ims.mnc000.mcc460.3gppnetwork.org";
    private static final String VOICEMAIL_NUMBER = "+8613800138000";
    private static final String MEID_BODY = "A1000049F3C2B7";

    /** @hide */
    public TelephonyManager(Context context) {
    }

    private static void enforcePhoneState(String operation) {
        PermissionController.get().enforce(operation, Manifest.permission.READ_PHONE_STATE);
    }

    private static void enforceFineLocation(String operation) {
        PermissionController.get().enforce(operation, Manifest.permission.ACCESS_FINE_LOCATION);
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

    /** A GSM phone has no MEID: null, as on Android. */
    public String getMeid() {
        enforcePhoneState("getMeid");
        return null;
    }

    public String getMeid(int slotIndex) {
        enforcePhoneState("getMeid");
        return null;
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
                Manifest.permission.READ_PHONE_NUMBERS, Manifest.permission.READ_SMS);
        return DeviceIdentity.LINE1_NUMBER;
    }

    public String getVoiceMailNumber() {
        enforcePhoneState("getVoiceMailNumber");
        return VOICEMAIL_NUMBER;
    }

    public String getDeviceSoftwareVersion() {
        enforcePhoneState("getDeviceSoftwareVersion");
        return SOFTWARE_VERSION;
    }

    public String getGroupIdLevel1() {
        enforcePhoneState("getGroupIdLevel1");
        return GROUP_ID_LEVEL1;
    }

    public String getNai() {
        enforcePhoneState("getNai");
        return NAI;
    }

    /** The first eight digits of the IMEI; no permission, as on Android. */
    public String getTypeAllocationCode() {
        return DeviceIdentity.imei(0).substring(0, 8);
    }

    public String getTypeAllocationCode(int slotIndex) {
        return slotIndex == 0 || slotIndex == 1 ? DeviceIdentity.imei(slotIndex).substring(0, 8) : null;
    }

    /** A GSM phone has no MEID, so no manufacturer code: null, as on Android. */
    public String getManufacturerCode() {
        return null;
    }

    public String getManufacturerCode(int slotIndex) {
        return null;
    }

    /** Two cards: the physical SIM in slot 0 and an empty eUICC (eSIM) in slot 1. */
    public List<UiccCardInfo> getUiccCardsInfo() {
        enforcePhoneState("getUiccCardsInfo");
        List<UiccCardInfo> cards = new ArrayList<>();
        cards.add(new UiccCardInfo(false, 0, null, DeviceIdentity.SIM_SERIAL, 0, false));
        cards.add(new UiccCardInfo(true, 1, UiccCardInfo.SANDBOX_EID, null, 1, true));
        return cards;
    }

    public int getPhoneType() {
        return PHONE_TYPE_GSM;
    }

    public int getSimState() {
        return SIM_STATE_READY;
    }

    public int getNetworkType() {
        return NETWORK_TYPE_LTE;
    }

    public String getSimOperator() {
        return DeviceIdentity.OPERATOR;
    }

    public String getSimOperatorName() {
        return DeviceIdentity.OPERATOR_NAME;
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

    // ---- cell location

    @Deprecated
    public CellLocation getCellLocation() {
        enforceFineLocation("getCellLocation");
        return servingCell();
    }

    private static android.telephony.gsm.GsmCellLocation servingCell() {
        android.telephony.gsm.GsmCellLocation cell = new android.telephony.gsm.GsmCellLocation();
        cell.setLacAndCid(SERVING_LAC, SERVING_CID);
        return cell;
    }

    public List<CellInfo> getAllCellInfo() {
        enforceFineLocation("getAllCellInfo");
        return visibleCells();
    }

    private static List<CellInfo> visibleCells() {
        List<CellInfo> cells = new ArrayList<>();
        cells.add(new CellInfo(true, 460, 0, SERVING_LAC, SERVING_CID, 1300, -87));
        cells.add(new CellInfo(false, 460, 0, SERVING_LAC, SERVING_CID + 1, 1300, -101));
        cells.add(new CellInfo(false, 460, 0, SERVING_LAC + 3, 0x0C3E012, 3683, -109));
        return cells;
    }

    public void requestCellInfoUpdate(Executor executor, CellInfoCallback callback) {
        enforceFineLocation("requestCellInfoUpdate");
        List<CellInfo> cells = visibleCells();
        new Handler(Looper.getMainLooper()).postDelayed(() -> executor.execute(() -> callback.onCellInfo(cells)), 50);
    }

    /** @hide Removed from the SDK in API 29; kept on devices for old apps, as Android keeps it. */
    @Deprecated
    public List<NeighboringCellInfo> getNeighboringCellInfo() {
        PermissionController.get().enforce("getNeighboringCellInfo", Manifest.permission.ACCESS_COARSE_LOCATION,
                Manifest.permission.ACCESS_FINE_LOCATION);
        List<NeighboringCellInfo> cells = new ArrayList<>();
        cells.add(new NeighboringCellInfo(-101, SERVING_CID + 1));
        cells.add(new NeighboringCellInfo(-109, 0x0C3E012));
        return cells;
    }

    public ServiceState getServiceState() {
        PermissionController.get().enforce("getServiceState", Manifest.permission.READ_PHONE_STATE);
        boolean located = PermissionController.get().check(Manifest.permission.ACCESS_FINE_LOCATION) == 0;
        return new ServiceState(located);
    }

    public ServiceState getServiceState(int includeLocationData) {
        PermissionController.get().enforce("getServiceState", Manifest.permission.READ_PHONE_STATE);
        boolean located = includeLocationData != 0
                && PermissionController.get().check(Manifest.permission.ACCESS_FINE_LOCATION) == 0;
        return new ServiceState(located);
    }

    /** Delivers the current cell location (and nothing else changes on this quiet device). */
    public void listen(PhoneStateListener listener, int events) {
        if ((events & PhoneStateListener.LISTEN_CELL_LOCATION) != 0) {
            enforceFineLocation("listen");
        }
        if ((events & PhoneStateListener.LISTEN_CELL_LOCATION) != 0) {
            CellLocation cell = servingCell();
            new Handler(Looper.getMainLooper()).postDelayed(() -> listener.onCellLocationChanged(cell), 50);
        }
    }

    public void registerTelephonyCallback(Executor executor, TelephonyCallback callback) {
        if (callback instanceof TelephonyCallback.CellLocationListener) {
            enforceFineLocation("registerTelephonyCallback");
            CellLocation cell = servingCell();
            TelephonyCallback.CellLocationListener listener = (TelephonyCallback.CellLocationListener) callback;
            new Handler(Looper.getMainLooper()).postDelayed(
                    () -> executor.execute(() -> listener.onCellLocationChanged(cell)), 50);
        }
    }

    public void registerTelephonyCallback(int includeLocationData, Executor executor, TelephonyCallback callback) {
        registerTelephonyCallback(executor, callback);
    }

    public void unregisterTelephonyCallback(TelephonyCallback callback) {
    }

    /** Callback of {@link #requestCellInfoUpdate}. */
    public abstract static class CellInfoCallback {
        public CellInfoCallback() {
        }

        public abstract void onCellInfo(List<CellInfo> cellInfo);
    }
}
