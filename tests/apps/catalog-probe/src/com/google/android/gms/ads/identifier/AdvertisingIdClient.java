package com.google.android.gms.ads.identifier;

import android.content.Context;

/** Stand-in for play-services-ads-identifier: the device's advertising ID, as Play services would answer. */
public class AdvertisingIdClient {
    public AdvertisingIdClient(Context context) {
    }

    public static Info getAdvertisingIdInfo(Context context) throws java.io.IOException {
        return new Info("38400000-8cf0-11bd-b23e-10b96e40000d", false);
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
