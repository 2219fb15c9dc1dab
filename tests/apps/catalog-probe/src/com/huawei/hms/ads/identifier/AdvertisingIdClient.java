package com.huawei.hms.ads.identifier;

import android.content.Context;

/** Stand-in for HMS ads-identifier: the OAID, as HMS Core would answer on a Huawei device. */
public class AdvertisingIdClient {
    public static Info getAdvertisingIdInfo(Context context) throws java.io.IOException {
        return new Info("1f3d6e8a-b2c4-4d5e-9f01-23456789abcd", false);
    }

    public static final class Info {
        private final String advertisingId;
        private final boolean limitAdTracking;

        public Info(String advertisingId, boolean limitAdTracking) {
            this.advertisingId = advertisingId;
            this.limitAdTracking = limitAdTracking;
        }

        public String getId() {
            return advertisingId;
        }

        public boolean isLimitAdTrackingEnabled() {
            return limitAdTracking;
        }
    }
}
