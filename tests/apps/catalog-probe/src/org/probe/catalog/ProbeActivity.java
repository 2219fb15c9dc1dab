package org.probe.catalog;

import android.Manifest;
import android.accounts.Account;
import android.accounts.AccountManager;
import android.app.Activity;
import android.app.ActivityManager;
import android.app.admin.DevicePolicyManager;
import android.app.usage.UsageStatsManager;
import android.bluetooth.BluetoothAdapter;
import android.bluetooth.BluetoothDevice;
import android.bluetooth.BluetoothManager;
import android.bluetooth.BluetoothProfile;
import android.bluetooth.le.ScanCallback;
import android.content.ClipboardManager;
import android.content.ComponentName;
import android.content.ContentResolver;
import android.content.Context;
import android.content.Intent;
import android.content.pm.PackageManager;
import android.database.ContentObserver;
import android.hardware.Camera;
import android.hardware.Sensor;
import android.hardware.SensorEvent;
import android.hardware.SensorEventListener;
import android.hardware.SensorManager;
import android.hardware.camera2.CameraDevice;
import android.hardware.camera2.CameraManager;
import android.location.Criteria;
import android.location.Geocoder;
import android.location.GnssStatus;
import android.location.Location;
import android.location.LocationListener;
import android.location.LocationManager;
import android.media.AudioFormat;
import android.media.AudioRecord;
import android.media.MediaRecorder;
import android.net.ConnectivityManager;
import android.net.Network;
import android.net.NetworkInfo;
import android.net.Uri;
import android.net.wifi.WifiInfo;
import android.net.wifi.WifiManager;
import android.os.Build;
import android.os.Bundle;
import android.os.CancellationSignal;
import android.os.Handler;
import android.os.Looper;
import android.provider.MediaStore;
import android.provider.Settings;
import android.speech.RecognitionListener;
import android.speech.SpeechRecognizer;
import android.telephony.CellInfo;
import android.telephony.CellLocation;
import android.telephony.PhoneStateListener;
import android.telephony.SmsManager;
import android.telephony.SmsMessage;
import android.telephony.SubscriptionInfo;
import android.telephony.SubscriptionManager;
import android.telephony.TelephonyCallback;
import android.telephony.TelephonyManager;
import android.telephony.UiccCardInfo;
import android.telephony.cdma.CdmaCellLocation;
import android.telephony.gsm.GsmCellLocation;
import android.util.Log;
import android.widget.Button;
import android.widget.LinearLayout;
import android.widget.TextView;

import java.io.File;
import java.io.FileInputStream;
import java.io.RandomAccessFile;
import java.lang.reflect.Method;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Asks for every runtime permission the catalog needs, then ("Run probes") calls every Java catalog entry once,
 * logging `CatalogProbe: probe <entry> <parameter types> [nested <entries>]` before each call.
 */
public class ProbeActivity extends Activity {
    private static final String TAG = "CatalogProbe";
    private static final String[] PERMISSIONS = {
        Manifest.permission.ACCESS_FINE_LOCATION, Manifest.permission.ACCESS_COARSE_LOCATION,
        Manifest.permission.READ_PHONE_STATE, Manifest.permission.READ_PHONE_NUMBERS,
        Manifest.permission.READ_CONTACTS, Manifest.permission.GET_ACCOUNTS, Manifest.permission.READ_CALENDAR,
        Manifest.permission.READ_SMS, Manifest.permission.RECEIVE_SMS, Manifest.permission.SEND_SMS,
        Manifest.permission.READ_CALL_LOG, Manifest.permission.READ_EXTERNAL_STORAGE, Manifest.permission.CAMERA,
        Manifest.permission.RECORD_AUDIO, Manifest.permission.BODY_SENSORS, Manifest.permission.ACTIVITY_RECOGNITION,
    };
    /** A received SMS-DELIVER PDU: from 106980095588, UCS-2 text with a verification code. */
    private static final String SMS_PDU = "00040C810196089055880008426051215300233030105DE5554694F6884C30119A8C8"
            + "BC178010020003400380032003900310033FF0C00355206949F5185670965483002";
    private static final String STRING = "java.lang.String";
    private static final Executor MAIN_THREAD = Runnable::run;

    private TextView status;
    private int probes;
    /** Permission requests of the last probes whose answers have not arrived yet. */
    private int awaitedAnswers;

    /** One catalog call. */
    private interface Call {
        Object run() throws Exception;
    }

    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        LinearLayout layout = new LinearLayout(this);
        layout.setOrientation(LinearLayout.VERTICAL);
        status = new TextView(this);
        status.setResourceName("status");
        status.setText("Asking for permissions");
        Button run = new Button(this);
        run.setResourceName("run");
        run.setText("Run probes");
        run.setOnClickListener(view -> runProbes());
        layout.addView(status);
        layout.addView(run);
        setContentView(layout);
        probe("permissions.request", "(java.lang.String[],int)", () -> {
            requestPermissions(PERMISSIONS, 1);
            return null;
        });
    }

    @Override
    public void onRequestPermissionsResult(int requestCode, String[] permissions, int[] grantResults) {
        log("permissions.result", "(int,java.lang.String[],int[])");
        super.onRequestPermissionsResult(requestCode, permissions, grantResults);
        if (requestCode == 1) {
            status.setText("Permissions answered");
        } else if (--awaitedAnswers == 0) {
            finishProbes();
        }
    }

    private void log(String entry, String sig, String... nested) {
        probes++;
        String line = "probe " + entry + " " + sig;
        if (nested.length > 0) {
            line += " nested " + String.join(",", nested);
        }
        Log.i(TAG, line);
    }

    private Object probe(String entry, String sig, Call call, String... nested) {
        log(entry, sig, nested);
        try {
            return call.run();
        } catch (Throwable error) {
            Log.i(TAG, "threw " + error.getClass().getName() + ": " + error.getMessage());
            return null;
        }
    }

    private void runProbes() {
        probes = 0;
        identifiers();
        bluetooth();
        location();
        networkState();
        apps();
        clipboard();
        content();
        accounts();
        capture();
        network();
        components();
        permissions();
        if (awaitedAnswers == 0) {
            finishProbes();
        } else {
            status.setText("Probes called, waiting for the permission answers");
        }
    }

    /** Every call made and every answer in: what the scenario waits for. */
    private void finishProbes() {
        status.setText("All probes done: " + probes);
        Log.i(TAG, "done " + probes);
    }

    // ------------------------------------------------------------------------------------------------------

    private void identifiers() {
        TelephonyManager tm = (TelephonyManager) getSystemService(TELEPHONY_SERVICE);
        probe("telephony.device-id", "()", tm::getDeviceId);
        probe("telephony.imei", "(int)", () -> tm.getImei(1));
        probe("telephony.meid", "()", tm::getMeid);
        probe("telephony.subscriber-id", "()", tm::getSubscriberId);
        probe("telephony.sim-serial", "()", tm::getSimSerialNumber);
        probe("telephony.line1-number", "()", tm::getLine1Number);
        probe("telephony.voicemail-number", "()", tm::getVoiceMailNumber);
        probe("telephony.software-version", "()", tm::getDeviceSoftwareVersion);
        probe("telephony.group-id-level1", "()", tm::getGroupIdLevel1);
        probe("telephony.nai", "()", tm::getNai);
        probe("telephony.type-allocation-code", "()", tm::getTypeAllocationCode);
        probe("telephony.manufacturer-code", "(int)", () -> tm.getManufacturerCode(0));
        @SuppressWarnings("unchecked")
        List<UiccCardInfo> cards = (List<UiccCardInfo>) probe("telephony.uicc-cards-info", "()",
                tm::getUiccCardsInfo);
        probe("telephony.uicc-iccid", "()", () -> cards.get(0).getIccId());
        probe("telephony.uicc-eid", "()", () -> cards.get(1).getEid());

        SubscriptionManager sm = (SubscriptionManager) getSystemService(TELEPHONY_SUBSCRIPTION_SERVICE);
        @SuppressWarnings("unchecked")
        List<SubscriptionInfo> subscriptions = (List<SubscriptionInfo>) probe("subscription.active-list", "()",
                sm::getActiveSubscriptionInfoList);
        probe("subscription.active-info", "(int)", () -> sm.getActiveSubscriptionInfo(1));
        probe("subscription.active-info-for-slot", "(int)", () -> sm.getActiveSubscriptionInfoForSimSlotIndex(0));
        probe("subscription.accessible-list", "()", sm::getAccessibleSubscriptionInfoList);
        probe("subscription.complete-active-list", "()", sm::getCompleteActiveSubscriptionInfoList);
        probe("subscription.all-list", "()", sm::getAllSubscriptionInfoList);
        probe("subscription.phone-number", "(int)", () -> sm.getPhoneNumber(1));
        probe("subscription.info-iccid", "()", () -> subscriptions.get(0).getIccId());
        probe("subscription.info-number", "()", () -> subscriptions.get(0).getNumber());

        ContentResolver resolver = getContentResolver();
        probe("settings.android-id", "(android.content.ContentResolver,java.lang.String)",
                () -> Settings.Secure.getString(resolver, Settings.Secure.ANDROID_ID));
        probe("settings.system-android-id", "(android.content.ContentResolver,java.lang.String)",
                () -> Settings.System.getString(resolver, "android_id"));
        probe("build.serial", "()", Build::getSerial);
        probe("sysprop.serial", "(java.lang.String)", () -> {
            Method get = Class.forName("android.os.SystemProperties").getMethod("get", String.class);
            return get.invoke(null, "ro.serialno");
        });
        WifiManager wifi = (WifiManager) getSystemService(WIFI_SERVICE);
        probe("wifi.mac", "()", () -> wifi.getConnectionInfo().getMacAddress(), "wifi.connection-info");
        probe("netif.mac", "()", () -> java.net.NetworkInterface.getByName("lo").getHardwareAddress());
        DevicePolicyManager dpm = (DevicePolicyManager) getSystemService(DEVICE_POLICY_SERVICE);
        probe("devicepolicy.wifi-mac", "(android.content.ComponentName)",
                () -> dpm.getWifiMacAddress(new ComponentName(this, ProbeActivity.class)));

        Object gaid = probe("gaid.info", "(android.content.Context)",
                () -> com.google.android.gms.ads.identifier.AdvertisingIdClient.getAdvertisingIdInfo(this));
        probe("gaid.id", "()", ((com.google.android.gms.ads.identifier.AdvertisingIdClient.Info) gaid)::getId);
        Object oaid = probe("oaid.huawei-info", "(android.content.Context)",
                () -> com.huawei.hms.ads.identifier.AdvertisingIdClient.getAdvertisingIdInfo(this));
        probe("oaid.huawei-id", "()", ((com.huawei.hms.ads.identifier.AdvertisingIdClient.Info) oaid)::getId);
        com.android.id.impl.IdProviderImpl miui = new com.android.id.impl.IdProviderImpl();
        probe("oaid.xiaomi-oaid", "(android.content.Context)", () -> miui.getOAID(this));
        probe("oaid.xiaomi-udid", "(android.content.Context)", () -> miui.getUDID(this));
        probe("oaid.xiaomi-vaid", "(android.content.Context)", () -> miui.getVAID(this));
        probe("oaid.xiaomi-aaid", "(android.content.Context)", () -> miui.getAAID(this));
        com.samsung.android.deviceidservice.IDeviceIdService samsung =
                com.samsung.android.deviceidservice.IDeviceIdService.Stub.asInterface(null);
        probe("oaid.samsung-oaid", "()", samsung::getOAID);
        probe("oaid.samsung-vaid", "(java.lang.String)", () -> samsung.getVAID(getPackageName()));
        probe("oaid.samsung-aaid", "(java.lang.String)", () -> samsung.getAAID(getPackageName()));
        repeackage.com.samsung.android.deviceidservice.IDeviceIdService msa =
                repeackage.com.samsung.android.deviceidservice.IDeviceIdService.Stub.asInterface(null);
        probe("oaid.repackaged-samsung-oaid", "()", msa::getOAID);
        probe("oaid.repackaged-samsung-vaid", "(java.lang.String)", () -> msa.getVAID(getPackageName()));
        probe("oaid.repackaged-samsung-aaid", "(java.lang.String)", () -> msa.getAAID(getPackageName()));
    }

    private void bluetooth() {
        BluetoothAdapter adapter = BluetoothAdapter.getDefaultAdapter();
        probe("bluetooth.adapter-address", "()", adapter::getAddress);
        probe("bluetooth.adapter-name", "()", adapter::getName);
        @SuppressWarnings("unchecked")
        java.util.Set<BluetoothDevice> bonded = (java.util.Set<BluetoothDevice>) probe("bluetooth.bonded-devices",
                "()", adapter::getBondedDevices);
        probe("bluetooth.discovery", "()", adapter::startDiscovery);
        probe("bluetooth.le-scan", "(android.bluetooth.le.ScanCallback)", () -> {
            adapter.getBluetoothLeScanner().startScan(new ScanCallback() { });
            return null;
        });
        BluetoothManager manager = (BluetoothManager) getSystemService(BLUETOOTH_SERVICE);
        probe("bluetooth.connected-devices", "(int)", () -> manager.getConnectedDevices(BluetoothProfile.GATT));
        BluetoothDevice device = bonded.iterator().next();
        probe("bluetooth.device-name", "()", device::getName);
        probe("bluetooth.device-address", "()", device::getAddress);
        probe("bluetooth.device-alias", "()", device::getAlias);
        probe("settings.bluetooth-address", "(android.content.ContentResolver,java.lang.String)",
                () -> Settings.Secure.getString(getContentResolver(), "bluetooth_address"));
        probe("settings.bluetooth-name", "(android.content.ContentResolver,java.lang.String)",
                () -> Settings.Secure.getString(getContentResolver(), Settings.Secure.BLUETOOTH_NAME));
    }

    private void location() {
        LocationManager lm = (LocationManager) getSystemService(LOCATION_SERVICE);
        LocationListener ignore = location -> { };
        Location fix = (Location) probe("location.last-known", "(java.lang.String)",
                () -> lm.getLastKnownLocation(LocationManager.GPS_PROVIDER));
        probe("location.updates", "(java.lang.String,long,float,android.location.LocationListener)", () -> {
            lm.requestLocationUpdates(LocationManager.GPS_PROVIDER, 60_000L, 0f, ignore);
            lm.removeUpdates(ignore);
            return null;
        });
        probe("location.single-update", "(java.lang.String,android.location.LocationListener,android.os.Looper)",
                () -> {
                    lm.requestSingleUpdate(LocationManager.NETWORK_PROVIDER, ignore, Looper.getMainLooper());
                    return null;
                });
        probe("location.current", "(java.lang.String,android.os.CancellationSignal,java.util.concurrent.Executor,"
                + "java.util.function.Consumer)", () -> {
                    lm.getCurrentLocation(LocationManager.GPS_PROVIDER, new CancellationSignal(), MAIN_THREAD,
                            location -> { });
                    return null;
                });
        Criteria criteria = new Criteria();
        criteria.setAccuracy(Criteria.ACCURACY_FINE);
        probe("location.best-provider", "(android.location.Criteria,boolean)", () -> lm.getBestProvider(criteria, true));
        probe("location.provider", "(java.lang.String)", () -> lm.getProvider(LocationManager.GPS_PROVIDER));
        probe("location.gnss-hardware-model", "()", lm::getGnssHardwareModelName);
        probe("location.gnss-hardware-year", "()", lm::getGnssYearOfHardware);
        probe("location.gnss-status", "(android.location.GnssStatus$Callback)",
                () -> lm.registerGnssStatusCallback(new GnssStatus.Callback() { }));
        probe("location.nmea", "(android.location.OnNmeaMessageListener)",
                () -> lm.addNmeaListener((message, timestamp) -> { }));
        probe("location.latitude", "()", fix::getLatitude);
        probe("location.longitude", "()", fix::getLongitude);
        probe("location.accuracy", "()", fix::getAccuracy);
        probe("location.altitude", "()", fix::getAltitude);
        probe("location.bearing", "()", fix::getBearing);
        probe("location.bearing-accuracy", "()", fix::getBearingAccuracyDegrees);
        probe("location.elapsed-realtime", "()", fix::getElapsedRealtimeNanos);
        probe("location.extras", "()", fix::getExtras);
        probe("location.fix-provider", "()", fix::getProvider);
        probe("location.speed", "()", fix::getSpeed);
        probe("location.speed-accuracy", "()", fix::getSpeedAccuracyMetersPerSecond);
        probe("location.time", "()", fix::getTime);
        probe("location.vertical-accuracy", "()", fix::getVerticalAccuracyMeters);
        Geocoder geocoder = new Geocoder(this);
        probe("geocoder.from-location", "(double,double,int)", () -> geocoder.getFromLocation(31.230416, 121.473701, 1));
        probe("geocoder.from-location-name", "(java.lang.String,int)",
                () -> geocoder.getFromLocationName("人民广场", 1));

        TelephonyManager tm = (TelephonyManager) getSystemService(TELEPHONY_SERVICE);
        CellLocation cell = (CellLocation) probe("cell.location", "()", tm::getCellLocation);
        probe("cell.all-info", "()", tm::getAllCellInfo);
        probe("cell.info-update", "(java.util.concurrent.Executor,android.telephony.TelephonyManager$CellInfoCallback)",
                () -> {
                    tm.requestCellInfoUpdate(MAIN_THREAD, new TelephonyManager.CellInfoCallback() {
                        @Override
                        public void onCellInfo(List<CellInfo> cellInfo) {
                        }
                    });
                    return null;
                });
        probe("cell.neighboring", "()", tm::getNeighboringCellInfo);
        probe("cell.service-state", "()", tm::getServiceState);
        probe("cell.listen", "(android.telephony.PhoneStateListener,int)", () -> {
            tm.listen(new PhoneStateListener(), PhoneStateListener.LISTEN_CELL_LOCATION);
            return null;
        });
        probe("cell.telephony-callback", "(java.util.concurrent.Executor,android.telephony.TelephonyCallback)", () -> {
            tm.registerTelephonyCallback(MAIN_THREAD, new CellCallback());
            return null;
        });
        CdmaCellLocation cdma = new CdmaCellLocation();
        cdma.setCellLocationData(3241, 449_357, 1_749_616, 13824, 1);
        probe("cell.cdma-base-station-id", "()", cdma::getBaseStationId);
        probe("cell.cdma-network-id", "()", cdma::getNetworkId);
        probe("cell.cdma-system-id", "()", cdma::getSystemId);
        probe("cell.cdma-latitude", "()", cdma::getBaseStationLatitude);
        probe("cell.cdma-longitude", "()", cdma::getBaseStationLongitude);
        GsmCellLocation gsm = (GsmCellLocation) cell;
        probe("cell.gsm-cid", "()", gsm::getCid);
        probe("cell.gsm-lac", "()", gsm::getLac);
        probe("cell.gsm-psc", "()", gsm::getPsc);
    }

    /** A TelephonyCallback for cell location changes (API 31). */
    private static final class CellCallback extends TelephonyCallback implements TelephonyCallback.CellLocationListener {
        @Override
        public void onCellLocationChanged(CellLocation location) {
        }
    }

    private void networkState() {
        WifiManager wifi = (WifiManager) getSystemService(WIFI_SERVICE);
        WifiInfo info = (WifiInfo) probe("wifi.connection-info", "()", wifi::getConnectionInfo);
        probe("wifi.ssid", "()", info::getSSID);
        probe("wifi.bssid", "()", info::getBSSID);
        probe("wifi.ip-address", "()", info::getIpAddress);
        probe("wifi.network-id", "()", info::getNetworkId);
        probe("wifi.configured-networks", "()", wifi::getConfiguredNetworks);
        probe("wifi.scan-results", "()", wifi::getScanResults);
        probe("wifi.start-scan", "()", wifi::startScan);
        probe("wifi.state", "()", wifi::getWifiState);
        probe("wifi.dhcp-info", "()", wifi::getDhcpInfo);
        ConnectivityManager cm = (ConnectivityManager) getSystemService(CONNECTIVITY_SERVICE);
        NetworkInfo active = (NetworkInfo) probe("connectivity.active-network-info", "()", cm::getActiveNetworkInfo);
        probe("connectivity.network-type", "()", active::getType);
        probe("connectivity.network-type-name", "()", active::getTypeName);
        probe("connectivity.network-extra-info", "()", active::getExtraInfo);
        probe("connectivity.network-available", "()", active::isAvailable);
        probe("connectivity.network-connected", "()", active::isConnected);
        Network network = (Network) probe("connectivity.active-network", "()", cm::getActiveNetwork);
        probe("connectivity.capabilities", "(android.net.Network)", () -> cm.getNetworkCapabilities(network));
        probe("connectivity.link-properties", "(android.net.Network)", () -> cm.getLinkProperties(network));
        InetAddress loopback4;
        InetAddress loopback6;
        try {
            loopback4 = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
            loopback6 = InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        probe("inet.host-name", "()", loopback4::getHostName);
        probe("inet.canonical-host-name", "()", loopback4::getCanonicalHostName);
        probe("inet4.host-address", "()", ((Inet4Address) loopback4)::getHostAddress);
        probe("inet6.host-address", "()", ((Inet6Address) loopback6)::getHostAddress);
        InetSocketAddress socketAddress = new InetSocketAddress(loopback4, 443);
        probe("inet.socket-host-name", "()", socketAddress::getHostName);
        probe("inet.socket-host-string", "()", socketAddress::getHostString);
        probe("inet.socket-address", "()", socketAddress::getAddress);
        probe("inet4.address", "()", loopback4::getAddress);
        probe("inet6.address", "()", loopback6::getAddress);
        TelephonyManager tm = (TelephonyManager) getSystemService(TELEPHONY_SERVICE);
        probe("telephony.sim-operator", "()", tm::getSimOperator);
        probe("telephony.sim-operator-name", "()", tm::getSimOperatorName);
        probe("telephony.network-operator", "()", tm::getNetworkOperator);
        probe("telephony.network-operator-name", "()", tm::getNetworkOperatorName);
        probe("telephony.sim-country", "()", tm::getSimCountryIso);
        probe("telephony.network-country", "()", tm::getNetworkCountryIso);
    }

    private void apps() {
        PackageManager pm = getPackageManager();
        probe("apps.installed-packages", "(int)", () -> pm.getInstalledPackages(0));
        probe("apps.installed-applications", "(int)", () -> pm.getInstalledApplications(0));
        probe("apps.query-activities", "(android.content.Intent,int)",
                () -> pm.queryIntentActivities(new Intent(Intent.ACTION_MAIN), 0));
        probe("apps.query-services", "(android.content.Intent,int)",
                () -> pm.queryIntentServices(new Intent("com.tencent.android.tpush.action.PUSH_MESSAGE"), 0));
        probe("apps.query-receivers", "(android.content.Intent,int)",
                () -> pm.queryBroadcastReceivers(new Intent("android.intent.action.BOOT_COMPLETED"), 0));
        probe("apps.holding-permissions", "(java.lang.String[],int)",
                () -> pm.getPackagesHoldingPermissions(new String[] {Manifest.permission.CAMERA}, 0));
        probe("apps.installed-modules", "(int)", () -> pm.getInstalledModules(0));
        probe("apps.installer-package", "(java.lang.String)", () -> pm.getInstallerPackageName("com.tencent.mm"));
        probe("apps.application-info", "(java.lang.String,int)",
                () -> pm.getApplicationInfo("com.eg.android.AlipayGphone", 0));
        probe("apps.package-info", "(java.lang.String,int)", () -> pm.getPackageInfo("com.tencent.mm", 0));
        probe("apps.package-info-as-user", "(java.lang.String,int,int)", () -> pm.getClass()
                .getMethod("getPackageInfoAsUser", String.class, int.class, int.class)
                .invoke(pm, "com.taobao.taobao", 0, 0));
        // The app's own package: no event.
        try {
            pm.getPackageInfo(getPackageName(), 0);
            pm.getApplicationInfo(getPackageName(), 0);
            pm.getInstallerPackageName(getPackageName());
        } catch (PackageManager.NameNotFoundException impossible) {
            throw new IllegalStateException(impossible);
        }
        ActivityManager am = (ActivityManager) getSystemService(ACTIVITY_SERVICE);
        probe("running.app-processes", "()", am::getRunningAppProcesses);
        probe("running.services", "(int)", () -> am.getRunningServices(10));
        probe("running.tasks", "(int)", () -> am.getRunningTasks(5));
        probe("running.recent-tasks", "(int,int)", () -> am.getRecentTasks(5, 0));
        probe("running.app-tasks", "()", am::getAppTasks);
        probe("running.service-control-panel", "(android.content.ComponentName)",
                () -> am.getRunningServiceControlPanel(new ComponentName("com.tencent.mm", "com.tencent.mm.Push")));
        UsageStatsManager usage = (UsageStatsManager) getSystemService(USAGE_STATS_SERVICE);
        long now = System.currentTimeMillis();
        probe("usage.stats", "(int,long,long)",
                () -> usage.queryUsageStats(UsageStatsManager.INTERVAL_DAILY, now - 86_400_000L, now));
        probe("usage.events", "(long,long)", () -> usage.queryEvents(now - 86_400_000L, now));
        probe("usage.aggregate", "(long,long)", () -> usage.queryAndAggregateUsageStats(now - 86_400_000L, now));
    }

    private void clipboard() {
        ClipboardManager clipboard = (ClipboardManager) getSystemService(CLIPBOARD_SERVICE);
        probe("clipboard.read", "()", clipboard::getPrimaryClip);
        probe("clipboard.read-text", "()", clipboard::getText);
        probe("clipboard.description", "()", clipboard::getPrimaryClipDescription);
        probe("clipboard.write", "(android.content.ClipData)", () -> {
            clipboard.setPrimaryClip(android.content.ClipData.newPlainText("coupon", "SPRING-2024-SAVE15"));
            return null;
        });
        probe("clipboard.listen", "(android.content.ClipboardManager$OnPrimaryClipChangedListener)", () -> {
            clipboard.addPrimaryClipChangedListener(() -> { });
            return null;
        });
    }

    private void content() {
        ContentResolver resolver = getContentResolver();
        String query5 = "(android.net.Uri,java.lang.String[],java.lang.String,java.lang.String[],java.lang.String)";
        String query6 = "(android.net.Uri,java.lang.String[],java.lang.String,java.lang.String[],java.lang.String,"
                + "android.os.CancellationSignal)";
        String queryBundle = "(android.net.Uri,java.lang.String[],android.os.Bundle,android.os.CancellationSignal)";
        probe("content.contacts", query5, () -> resolver.query(
                Uri.parse("content://com.android.contacts/data/phones"), null, null, null, null));
        probe("content.sms", query6, () -> resolver.query(
                Uri.parse("content://sms/inbox"), null, null, null, "date DESC", new CancellationSignal()));
        probe("content.call-log", queryBundle, () -> resolver.query(
                Uri.parse("content://call_log/calls"), null, new Bundle(), null));
        probe("content.calendar", query5, () -> resolver.query(
                Uri.parse("content://com.android.calendar/events"), new String[] {"title", "dtstart"}, null, null, null));
        probe("content.media", query5, () -> resolver.query(
                MediaStore.Images.Media.EXTERNAL_CONTENT_URI, null, null, null, null));
        // A provider no entry watches: no event.
        resolver.query(Uri.parse("content://com.example.notes/items"), null, null, null, null);
        Handler main = new Handler(Looper.getMainLooper());
        ContentObserver observer = new ContentObserver(main) { };
        String observe = "(android.net.Uri,boolean,android.database.ContentObserver)";
        probe("content.contacts-observer", observe, () -> {
            resolver.registerContentObserver(Uri.parse("content://com.android.contacts"), true, observer);
            return null;
        });
        probe("content.sms-observer", observe, () -> {
            resolver.registerContentObserver(Uri.parse("content://sms"), true, observer);
            return null;
        });
        probe("content.media-observer", observe, () -> {
            resolver.registerContentObserver(MediaStore.Images.Media.EXTERNAL_CONTENT_URI, true, observer);
            return null;
        });
        Uri photo = Uri.parse("content://media/external/images/media/101");
        probe("content.media-open", "(android.net.Uri)", () -> {
            resolver.openInputStream(photo).close();
            return null;
        });
        probe("media.images-query", "(android.content.ContentResolver,android.net.Uri,java.lang.String[])",
                () -> MediaStore.Images.Media.query(resolver, MediaStore.Images.Media.EXTERNAL_CONTENT_URI,
                        new String[] {"_display_name"}));
        probe("media.images-bitmap", "(android.content.ContentResolver,android.net.Uri)",
                () -> MediaStore.Images.Media.getBitmap(resolver, photo));
        Uri inbox = Uri.parse("content://sms/inbox");
        probe("content.insert", "(android.net.Uri,android.content.ContentValues)", () -> {
            android.content.ContentValues row = new android.content.ContentValues();
            row.put("address", "10690000");
            row.put("body", "TD");
            return resolver.insert(inbox, row);
        });
        probe("content.delete", "(android.net.Uri,java.lang.String,java.lang.String[])",
                () -> resolver.delete(inbox, "address = ?", new String[] {"106980095588"}));
        SmsManager sms = (SmsManager) probe("sms.default", "()", SmsManager::getDefault);
        probe("sms.send-text", "(java.lang.String,java.lang.String,java.lang.String,android.app.PendingIntent,"
                + "android.app.PendingIntent)", () -> {
                    sms.sendTextMessage("10690000", null, "TD", null, null);
                    return null;
                });
        probe("sms.send-multipart", "(java.lang.String,java.lang.String,java.util.ArrayList,java.util.ArrayList,"
                + "java.util.ArrayList)", () -> {
                    sms.sendMultipartTextMessage("10690000", null, sms.divideMessage("CX"), null, null);
                    return null;
                });
        probe("sms.send-data", "(java.lang.String,java.lang.String,short,byte[],android.app.PendingIntent,"
                + "android.app.PendingIntent)", () -> {
                    sms.sendDataMessage("10690000", null, (short) 16001, new byte[] {1, 2, 3}, null, null);
                    return null;
                });
        probe("sms.send-text-internal", "(java.lang.String,java.lang.String,java.lang.String,android.app.PendingIntent,"
                + "android.app.PendingIntent,boolean,java.lang.String,java.lang.String,long)", () -> {
                    Method internal = SmsManager.class.getDeclaredMethod("sendTextMessageInternal", String.class,
                            String.class, String.class, android.app.PendingIntent.class,
                            android.app.PendingIntent.class, boolean.class, String.class, String.class, long.class);
                    internal.setAccessible(true);
                    return internal.invoke(sms, "10690000", null, "TD", null, null, true, getPackageName(), null, 0L);
                });
        probe("sms.send-text-self", "(java.lang.String,java.lang.String,java.lang.String,android.app.PendingIntent,"
                + "android.app.PendingIntent,boolean)", () -> SmsManager.class.getMethod(
                        "sendTextMessageWithSelfPermissions", String.class, String.class, String.class,
                        android.app.PendingIntent.class, android.app.PendingIntent.class, boolean.class)
                .invoke(sms, "10690000", null, "TD", null, null, true));
        probe("sms.send-multipart-internal", "(java.lang.String,java.lang.String,java.util.List,java.util.List,"
                + "java.util.List,boolean,java.lang.String,java.lang.String,long)", () -> {
                    Method internal = SmsManager.class.getDeclaredMethod("sendMultipartTextMessageInternal",
                            String.class, String.class, List.class, List.class, List.class, boolean.class,
                            String.class, String.class, long.class);
                    internal.setAccessible(true);
                    return internal.invoke(sms, "10690000", null, sms.divideMessage("CX"), null, null, true,
                            getPackageName(), null, 0L);
                });
        probe("sms.send-data-self", "(java.lang.String,java.lang.String,short,byte[],android.app.PendingIntent,"
                + "android.app.PendingIntent)", () -> SmsManager.class.getMethod("sendDataMessageWithSelfPermissions",
                        String.class, String.class, short.class, byte[].class, android.app.PendingIntent.class,
                        android.app.PendingIntent.class)
                .invoke(sms, "10690000", null, (short) 16001, new byte[] {1, 2, 3}, null, null));
        byte[] pdu = hex(SMS_PDU);
        SmsMessage message = SmsMessage.createFromPdu(pdu, SmsMessage.FORMAT_3GPP);
        probe("sms.message-body", "()", message::getMessageBody);
        probe("sms.message-display-body", "()", message::getDisplayMessageBody);
        probe("sms.message-sender", "()", message::getOriginatingAddress);
        probe("sms.message-display-sender", "()", message::getDisplayOriginatingAddress);
        probe("storage.shared-random-access", "(java.io.File,java.lang.String)",
                () -> new RandomAccessFile(new File("/sdcard/DCIM/Camera/IMG_20240601_101500.jpg"), "r"));
        probe("storage.shared-file-read", "(java.lang.String)",
                () -> new FileInputStream("/storage/emulated/0/Download/contacts.vcf"));
        probe("storage.shared-file-open", "(java.lang.String,int)", () -> Class.forName("libcore.io.IoBridge")
                .getMethod("open", String.class, int.class).invoke(null, "/sdcard/DCIM/Camera/IMG_20240601_101500.jpg", 0));
        File thumbnails = new File(getCacheDir(), "thumbnails");
        probe("storage.mkdir", "()", thumbnails::mkdir);
        probe("storage.mkdirs", "()", new File(getCacheDir(), "images/2024/06")::mkdirs);
        probe("storage.open-file-output", "(java.lang.String,int)", () -> {
            try (java.io.FileOutputStream out = openFileOutput("notes.txt", MODE_PRIVATE)) {
                out.write('n');
            }
            return null;
        });
        probe("storage.open-file-input", "(java.lang.String)", () -> {
            try (FileInputStream in = openFileInput("notes.txt")) {
                return in.read();
            }
        });
        probe("storage.delete-file", "(java.lang.String)", () -> deleteFile("notes.txt"));
        // Files outside shared storage are the app's own: no event.
        try {
            new FileInputStream(new File(getFilesDir(), "absent.txt")).close();
        } catch (java.io.IOException expected) {
            Log.i(TAG, "own file: " + expected.getClass().getSimpleName());
        }
    }

    private static byte[] hex(String text) {
        byte[] bytes = new byte[text.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(text.substring(2 * i, 2 * i + 2), 16);
        }
        return bytes;
    }

    private void accounts() {
        AccountManager am = AccountManager.get(this);
        Account google = new Account("li.wei@gmail.com", "com.google");
        probe("accounts.all", "()", am::getAccounts);
        probe("accounts.by-type", "(java.lang.String)", () -> am.getAccountsByType("com.google"));
        probe("accounts.by-type-and-features", "(java.lang.String,java.lang.String[],"
                + "android.accounts.AccountManagerCallback,android.os.Handler)",
                () -> am.getAccountsByTypeAndFeatures("com.google", new String[0], null, null));
        probe("accounts.by-type-for-package", "(java.lang.String,java.lang.String)",
                () -> am.getAccountsByTypeForPackage("com.google", getPackageName()));
        probe("accounts.user-data", "(android.accounts.Account,java.lang.String)", () -> am.getUserData(google, "uid"));
        probe("accounts.password", "(android.accounts.Account)", () -> am.getPassword(google));
        probe("accounts.peek-auth-token", "(android.accounts.Account,java.lang.String)",
                () -> am.peekAuthToken(google, "oauth2:email"));
        probe("accounts.auth-token", "(android.accounts.Account,java.lang.String,android.os.Bundle,"
                + "android.app.Activity,android.accounts.AccountManagerCallback,android.os.Handler)",
                () -> am.getAuthToken(google, "oauth2:email", new Bundle(), this, null, null));
        probe("accounts.blocking-auth-token", "(android.accounts.Account,java.lang.String,boolean)",
                () -> am.blockingGetAuthToken(google, "oauth2:email", false));
    }

    private void capture() {
        Camera camera = (Camera) probe("camera.open", "(int)", () -> Camera.open(0));
        camera.release();
        CameraManager cameras = (CameraManager) getSystemService(CAMERA_SERVICE);
        probe("camera.open-camera2", "(java.lang.String,android.hardware.camera2.CameraDevice$StateCallback,"
                + "android.os.Handler)", () -> {
                    cameras.openCamera("0", new CameraDevice.StateCallback() {
                        @Override
                        public void onOpened(CameraDevice device) {
                            device.close();
                        }

                        @Override
                        public void onDisconnected(CameraDevice device) {
                        }

                        @Override
                        public void onError(CameraDevice device, int error) {
                        }
                    }, null);
                    return null;
                });
        androidx.camera.core.ImageCapture capture = new androidx.camera.core.ImageCapture();
        probe("camera.image-capture", "(java.util.concurrent.Executor,"
                + "androidx.camera.core.ImageCapture$OnImageCapturedCallback)", () -> {
                    // The app's own callback runs inside the recorded call (an inline executor), and what it reads
                    // is recorded: only the calls an entry's implementation makes (`wraps`) are part of it.
                    capture.takePicture(MAIN_THREAD, new androidx.camera.core.ImageCapture.OnImageCapturedCallback() {
                        @Override
                        public void onError(androidx.camera.core.ImageCapture.ImageCaptureException exception) {
                            ((LocationManager) getSystemService(LOCATION_SERVICE))
                                    .getLastKnownLocation(LocationManager.GPS_PROVIDER);
                        }
                    });
                    return null;
                }, "location.last-known");
        MediaRecorder recorder = new MediaRecorder();
        probe("camera.recorder-video-source", "(int)", () -> {
            recorder.setVideoSource(MediaRecorder.VideoSource.CAMERA);
            return null;
        });
        probe("microphone.recorder-audio-source", "(int)", () -> {
            recorder.setAudioSource(MediaRecorder.AudioSource.MIC);
            return null;
        });
        recorder.setOutputFormat(MediaRecorder.OutputFormat.THREE_GPP);
        recorder.setAudioEncoder(MediaRecorder.AudioEncoder.AMR_NB);
        recorder.setOutputFile(new File(getCacheDir(), "memo.3gp").getPath());
        try {
            recorder.prepare();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        probe("microphone.recorder-start", "()", () -> {
            recorder.start();
            return null;
        });
        recorder.stop();
        recorder.release();
        AudioRecord audio = (AudioRecord) probe("microphone.audio-record-create", "(int,int,int,int,int)",
                () -> new AudioRecord(MediaRecorder.AudioSource.MIC, 16000, AudioFormat.CHANNEL_IN_MONO,
                        AudioFormat.ENCODING_PCM_16BIT, 3584));
        probe("microphone.audio-record-start", "()", () -> {
            audio.startRecording();
            return null;
        });
        audio.stop();
        audio.release();
        SpeechRecognizer recognizer = SpeechRecognizer.createSpeechRecognizer(this);
        recognizer.setRecognitionListener(new QuietListener());
        probe("microphone.speech-recognizer", "(android.content.Intent)", () -> {
            recognizer.startListening(new Intent("android.speech.action.RECOGNIZE_SPEECH"));
            return null;
        });
        SensorManager sensors = (SensorManager) getSystemService(SENSOR_SERVICE);
        probe("sensors.list", "(int)", () -> sensors.getSensorList(Sensor.TYPE_ALL));
        Sensor heart = (Sensor) probe("sensors.default", "(int)", () -> sensors.getDefaultSensor(Sensor.TYPE_HEART_RATE));
        SensorEventListener listener = new SensorEventListener() {
            @Override
            public void onSensorChanged(SensorEvent event) {
                sensors.unregisterListener(this);
            }

            @Override
            public void onAccuracyChanged(Sensor sensor, int accuracy) {
            }
        };
        probe("sensors.listen", "(android.hardware.SensorEventListener,android.hardware.Sensor,int)",
                () -> sensors.registerListener(listener, heart, SensorManager.SENSOR_DELAY_NORMAL));
        probe("sensors.dynamic-list", "(int)", () -> sensors.getDynamicSensorList(Sensor.TYPE_ALL));
    }

    /** Listens to the speech recognizer and does nothing with what it hears. */
    private static final class QuietListener implements RecognitionListener {
        @Override
        public void onReadyForSpeech(Bundle params) {
        }

        @Override
        public void onBeginningOfSpeech() {
        }

        @Override
        public void onRmsChanged(float rmsdB) {
        }

        @Override
        public void onBufferReceived(byte[] buffer) {
        }

        @Override
        public void onEndOfSpeech() {
        }

        @Override
        public void onError(int error) {
        }

        @Override
        public void onResults(Bundle results) {
        }

        @Override
        public void onPartialResults(Bundle partialResults) {
        }

        @Override
        public void onEvent(int eventType, Bundle params) {
        }
    }

    private void network() {
        java.net.URLConnection connection = (java.net.URLConnection) probe("network.url-open-connection", "()",
                () -> new URL("https://api.adtrack.example/v1/collect?uid=42").openConnection());
        probe("network.okhttp-huc-input", "()", connection::getInputStream);
        com.android.org.conscrypt.ConscryptFileDescriptorSocket tls =
                new com.android.org.conscrypt.ConscryptFileDescriptorSocket();
        byte[] hello = "GET / HTTP/1.1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        probe("network.tls-write", "(byte[],int,int)", () -> {
            tls.getOutputStream().write(hello, 0, hello.length);
            return null;
        });
        probe("network.tls-read", "(byte[],int,int)", () -> tls.getInputStream().read(new byte[64], 0, 64));
        com.android.org.conscrypt.OpenSSLSocketImpl legacy = new com.android.org.conscrypt.OpenSSLSocketImpl();
        probe("network.tls-write-legacy", "(byte[],int,int)", () -> {
            legacy.getOutputStream().write(hello, 0, hello.length);
            return null;
        });
        probe("network.tls-read-legacy", "(byte[],int,int)", () -> legacy.getInputStream().read(new byte[64], 0, 64));
        socketExchange();
        probe("network.dns-all-by-name", "(java.lang.String)", () -> InetAddress.getAllByName("localhost"));
        probe("network.dns-by-name", "(java.lang.String)", () -> InetAddress.getByName("localhost"));
        okhttp3.OkHttpClient client = new okhttp3.OkHttpClient();
        probe("network.okhttp-new-call", "(okhttp3.Request)",
                () -> client.newCall(new okhttp3.Request.Builder().url("https://log.sdk.example/collect").build()));
        probe("network.okhttp-dns", "(java.lang.String)", () -> okhttp3.Dns.Companion.SYSTEM.lookup("localhost"));
        probe("network.okhttp3-dns", "(java.lang.String)", () -> okhttp3.Dns.SYSTEM.lookup("localhost"));
        probe("network.okhttp313-dns", "(java.lang.String)", () -> okhttp3.Dns.LAMBDA_SYSTEM.lookup("localhost"));
        probe("network.apache-execute", "(org.apache.http.client.methods.HttpUriRequest)",
                () -> new org.apache.http.impl.client.DefaultHttpClient().execute(
                        new org.apache.http.client.methods.HttpGet("http://stat.legacy.example/ping")));
    }

    /** A TCP exchange over the loopback: the server end is a channel (not java.net's socket streams). */
    private void socketExchange() {
        try (java.nio.channels.ServerSocketChannel server = java.nio.channels.ServerSocketChannel.open()) {
            // The platform reads the socket address as it binds (twice) and as it reports the bound address.
            java.net.SocketAddress endpoint = (java.net.SocketAddress) probe("inet.socket-address", "()", () -> {
                server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                return server.getLocalAddress();
            }, "inet.socket-address", "inet.socket-address");
            java.net.Socket client = new java.net.Socket();
            probe("network.socket-connect", "(java.net.SocketAddress)", () -> {
                client.connect(endpoint);
                return null;
            });
            Log.i(TAG, "accepting");
            java.nio.channels.SocketChannel accepted = server.accept();
            accepted.write(java.nio.ByteBuffer.wrap(hello()));
            probe("network.socket-write", "(java.io.FileDescriptor,byte[],int,int)", () -> {
                client.getOutputStream().write(hello(), 0, 5);
                return null;
            });
            probe("network.socket-read", "(java.io.FileDescriptor,byte[],int,int,int)",
                    () -> client.getInputStream().read(new byte[16], 0, 16));
            client.close();
            accepted.close();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hello() {
        return "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private void components() {
        Context application = getApplicationContext();
        Intent wechat = new Intent().setClassName("com.tencent.mm", "com.tencent.mm.ui.LauncherUI")
                .addFlags(Intent.FLAG_ACTIVITY_NEW_TASK);
        probe("components.start-activity", "(android.content.Intent)", () -> {
            application.startActivity(wechat);
            return null;
        });
        probe("components.activity-start-activity", "(android.content.Intent)", () -> {
            startActivity(new Intent().setClassName("com.eg.android.AlipayGphone",
                    "com.alipay.mobile.quinox.LauncherActivity"));
            return null;
        });
        probe("components.start-service", "(android.content.Intent)",
                () -> startService(new Intent().setClassName("com.tencent.mm", "com.tencent.mm.plugin.PushService")));
        probe("components.start-foreground-service", "(android.content.Intent)",
                () -> startForegroundService(new Intent(this, LocalService.class)));
        probe("components.bind-service", "(android.content.Intent,android.content.ServiceConnection,int)",
                () -> bindService(new Intent().setClassName("com.eg.android.AlipayGphone", "com.alipay.PushService"),
                        new android.content.ServiceConnection() {
                            @Override
                            public void onServiceConnected(ComponentName name, android.os.IBinder service) {
                            }

                            @Override
                            public void onServiceDisconnected(ComponentName name) {
                            }
                        }, BIND_AUTO_CREATE));
        probe("components.send-broadcast", "(android.content.Intent)", () -> {
            sendBroadcast(new Intent("com.tencent.mm.action.WAKE_UP").setPackage("com.tencent.mm"));
            return null;
        });
        probe("components.send-ordered-broadcast", "(android.content.Intent,java.lang.String)", () -> {
            sendOrderedBroadcast(new Intent("com.sina.weibo.action.SYNC"), null);
            return null;
        });
    }

    private void permissions() {
        probe("permissions.check", "(java.lang.String)", () -> checkSelfPermission(Manifest.permission.CAMERA));
        probe("permissions.rationale", "(java.lang.String)",
                () -> shouldShowRequestPermissionRationale(Manifest.permission.READ_CONTACTS));
        probe("permissions.package-check", "(java.lang.String,java.lang.String)",
                () -> getPackageManager().checkPermission(Manifest.permission.CAMERA, "com.tencent.mm"));
        probe("androidx.check-self-permission", "(android.content.Context,java.lang.String)",
                () -> androidx.core.content.ContextCompat.checkSelfPermission(this, Manifest.permission.CAMERA));
        probe("androidx.permission-checker", "(android.content.Context,java.lang.String)",
                () -> androidx.core.content.PermissionChecker.checkSelfPermission(this, Manifest.permission.CAMERA));
        probe("androidx.rationale", "(android.app.Activity,java.lang.String)",
                () -> androidx.core.app.ActivityCompat.shouldShowRequestPermissionRationale(this,
                        Manifest.permission.CAMERA));
        probe("support.check-self-permission", "(android.content.Context,java.lang.String)",
                () -> android.support.v4.content.ContextCompat.checkSelfPermission(this, Manifest.permission.CAMERA));
        probe("support.rationale", "(android.app.Activity,java.lang.String)",
                () -> android.support.v4.app.ActivityCompat.shouldShowRequestPermissionRationale(this,
                        Manifest.permission.CAMERA));
        // Both permissions are granted already: the answers arrive at once, without a dialog.
        probe("androidx.request-permissions", "(android.app.Activity,java.lang.String[],int)", () -> {
            androidx.core.app.ActivityCompat.requestPermissions(this, new String[] {Manifest.permission.CAMERA}, 2);
            awaitedAnswers++;
            return null;
        });
        probe("support.request-permissions", "(android.app.Activity,java.lang.String[],int)", () -> {
            android.support.v4.app.ActivityCompat.requestPermissions(this,
                    new String[] {Manifest.permission.RECORD_AUDIO}, 3);
            awaitedAnswers++;
            return null;
        });
    }
}
