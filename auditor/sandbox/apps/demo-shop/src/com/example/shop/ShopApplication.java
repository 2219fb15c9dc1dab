package com.example.shop;

import android.app.Application;
import com.trackmetrics.Analytics;

public class ShopApplication extends Application {
    @Override
    public void onCreate() {
        super.onCreate();
        Analytics.start(this);
    }
}
