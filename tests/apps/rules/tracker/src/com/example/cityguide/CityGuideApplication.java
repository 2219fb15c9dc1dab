package com.example.cityguide;

import android.app.Application;
import android.content.pm.PackageInfo;
import android.util.Log;

import java.util.List;

public class CityGuideApplication extends Application {
    @Override
    public void onCreate() {
        super.onCreate();
        // Deliberate defect: the app's own code lists the installed apps at start-up, before the privacy dialog,
        // to decide which "Open in" buttons to show later.
        List<PackageInfo> installed = getPackageManager().getInstalledPackages(0);
        Log.i("CityGuide", "found " + installed.size() + " installed apps");
    }
}
