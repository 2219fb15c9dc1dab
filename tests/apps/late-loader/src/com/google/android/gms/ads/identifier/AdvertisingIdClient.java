package com.google.android.gms.ads.identifier;

import android.content.Context;

/** Google Play services' advertising-id client, as an app bundles it (the id is a fixed test value). */
public class AdvertisingIdClient {
    public static final class Info {
        private final String id;
        private final boolean limitAdTracking;

        public Info(String id, boolean limitAdTracking) {
            this.id = id;
            this.limitAdTracking = limitAdTracking;
        }

        public String getId() {
            return id;
        }

        public boolean isLimitAdTrackingEnabled() {
            return limitAdTracking;
        }
    }

    public AdvertisingIdClient(Context context) {
    }

    public static Info getAdvertisingIdInfo(Context context) {
        return new Info("38400000-8cf0-11bd-b23e-10b96e40000d", false);
    }
}
