package android.telephony;

import android.Manifest;
import android.content.Context;
import consentaudit.sandbox.DeviceIdentity;
import consentaudit.sandbox.PermissionController;

import java.util.ArrayList;
import java.util.List;

/** The SIM subscriptions: one, China Mobile, in slot 0. Reads need READ_PHONE_STATE, as on Android. */
public class SubscriptionManager {
    public static final int INVALID_SUBSCRIPTION_ID = -1;
    public static final int PHONE_NUMBER_SOURCE_UICC = 1;

    /** @hide */
    public SubscriptionManager(Context context) {
    }

    public static SubscriptionManager from(Context context) {
        return (SubscriptionManager) context.getSystemService(Context.TELEPHONY_SUBSCRIPTION_SERVICE);
    }

    public static int getDefaultSubscriptionId() {
        return 1;
    }

    private static void enforcePhoneState(String operation) {
        PermissionController.get().enforce(operation, Manifest.permission.READ_PHONE_STATE);
    }

    private static List<SubscriptionInfo> subscriptions() {
        List<SubscriptionInfo> list = new ArrayList<>();
        list.add(SubscriptionInfo.theSim());
        return list;
    }

    public List<SubscriptionInfo> getActiveSubscriptionInfoList() {
        enforcePhoneState("getActiveSubscriptionInfoList");
        return subscriptions();
    }

    public SubscriptionInfo getActiveSubscriptionInfo(int subId) {
        enforcePhoneState("getActiveSubscriptionInfo");
        return subId == 1 ? SubscriptionInfo.theSim() : null;
    }

    public SubscriptionInfo getActiveSubscriptionInfoForSimSlotIndex(int slotIndex) {
        enforcePhoneState("getActiveSubscriptionInfoForSimSlotIndex");
        return slotIndex == 0 ? SubscriptionInfo.theSim() : null;
    }

    public int getActiveSubscriptionInfoCount() {
        enforcePhoneState("getActiveSubscriptionInfoCount");
        return 1;
    }

    /** Embedded subscriptions the caller has carrier privileges over: none for an ordinary app. */
    public List<SubscriptionInfo> getAccessibleSubscriptionInfoList() {
        return null;
    }

    public List<SubscriptionInfo> getCompleteActiveSubscriptionInfoList() {
        enforcePhoneState("getCompleteActiveSubscriptionInfoList");
        return subscriptions();
    }

    public List<SubscriptionInfo> getAllSubscriptionInfoList() {
        enforcePhoneState("getAllSubscriptionInfoList");
        return subscriptions();
    }

    public String getPhoneNumber(int subscriptionId) {
        PermissionController.get().enforce("getPhoneNumber", Manifest.permission.READ_PHONE_NUMBERS);
        return subscriptionId == 1 ? DeviceIdentity.LINE1_NUMBER : "";
    }

    public String getPhoneNumber(int subscriptionId, int source) {
        PermissionController.get().enforce("getPhoneNumber", Manifest.permission.READ_PHONE_NUMBERS);
        return subscriptionId == 1 && source == PHONE_NUMBER_SOURCE_UICC ? DeviceIdentity.LINE1_NUMBER : "";
    }
}
