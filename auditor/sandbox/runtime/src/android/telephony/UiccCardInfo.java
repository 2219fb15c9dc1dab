package android.telephony;

/** One UICC card (physical SIM or eUICC). */
public final class UiccCardInfo {
    /** @hide An EID as GSMA SGP.22 shapes it: 32 digits, starting 89 049. */
    static final String SANDBOX_EID = "89049032004008882600012345678907";

    private final boolean mIsEuicc;
    private final int mCardId;
    private final String mEid;
    private final String mIccId;
    private final int mSlotIndex;
    private final boolean mIsRemovable;

    /** @hide */
    public UiccCardInfo(boolean isEuicc, int cardId, String eid, String iccId, int slotIndex, boolean isRemovable) {
        mIsEuicc = isEuicc;
        mCardId = cardId;
        mEid = eid;
        mIccId = iccId;
        mSlotIndex = slotIndex;
        mIsRemovable = isRemovable;
    }

    public boolean isEuicc() {
        return mIsEuicc;
    }

    public int getCardId() {
        return mCardId;
    }

    public String getEid() {
        return mEid;
    }

    @Deprecated
    public String getIccId() {
        return mIccId;
    }

    public int getSlotIndex() {
        return mSlotIndex;
    }

    public boolean isRemovable() {
        return mIsRemovable;
    }

    @Override
    public String toString() {
        return "UiccCardInfo (mIsEuicc=" + mIsEuicc + ", mCardId=" + mCardId + ", mEid=" + mEid + ", mIccId="
                + SubscriptionInfo.givePrintableIccid(mIccId) + ", mSlotIndex=" + mSlotIndex + ", mIsRemovable="
                + mIsRemovable + ")";
    }
}
