package android.telephony;

import consentaudit.sandbox.DeviceIdentity;

/** One SIM subscription. toString hides the ICCID and the number as Android's user builds do. */
public class SubscriptionInfo {
    private final int mId;
    private final String mIccId;
    private final int mSimSlotIndex;
    private final String mNumber;

    /** @hide */
    public SubscriptionInfo(int id, String iccId, int simSlotIndex, String number) {
        mId = id;
        mIccId = iccId;
        mSimSlotIndex = simSlotIndex;
        mNumber = number;
    }

    /** @hide The sandbox's one SIM. */
    static SubscriptionInfo theSim() {
        return new SubscriptionInfo(1, DeviceIdentity.SIM_SERIAL, 0, DeviceIdentity.LINE1_NUMBER);
    }

    public int getSubscriptionId() {
        return mId;
    }

    public String getIccId() {
        return mIccId;
    }

    public int getSimSlotIndex() {
        return mSimSlotIndex;
    }

    public CharSequence getDisplayName() {
        return "CMCC";
    }

    public CharSequence getCarrierName() {
        return DeviceIdentity.OPERATOR_NAME;
    }

    @Deprecated
    public String getNumber() {
        return mNumber;
    }

    public String getMccString() {
        return "460";
    }

    public String getMncString() {
        return "00";
    }

    public String getCountryIso() {
        return "cn";
    }

    /** @hide Android's own: the first 9 digits of an ICCID, the rest as X. */
    public static String givePrintableIccid(String iccId) {
        if (iccId == null || iccId.length() <= 9) {
            return iccId;
        }
        return iccId.substring(0, 9) + "X".repeat(iccId.length() - 9);
    }

    @Override
    public String toString() {
        return "{id=" + mId + " iccId=" + givePrintableIccid(mIccId) + " simSlotIndex=" + mSimSlotIndex
                + " carrierId=1435 displayName=CMCC carrierName=CHINA MOBILE nameSource=0 iconTint=-16746133"
                + " number=*** mcc=460 mnc=00 countryIso=cn isEmbedded=false}";
    }
}
