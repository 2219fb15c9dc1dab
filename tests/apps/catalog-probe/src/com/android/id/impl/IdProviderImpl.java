package com.android.id.impl;

import android.content.Context;

/** Stand-in for MIUI's identifier provider (a ROM class on Xiaomi devices; here in the app, loaded the same way). */
public class IdProviderImpl {
    public IdProviderImpl() {
    }

    public String getUDID(Context context) {
        return "a8f5f167f44f4964e6c998dee827110c";
    }

    public String getOAID(Context context) {
        return "6e1b2f3a9c4d5e7f";
    }

    public String getVAID(Context context) {
        return "9a8b7c6d5e4f3a2b";
    }

    public String getAAID(Context context) {
        return "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
    }
}
