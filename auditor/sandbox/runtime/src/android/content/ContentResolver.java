package android.content;

import android.Manifest;
import android.database.ContentObserver;
import android.database.Cursor;
import android.database.MatrixCursor;
import android.net.Uri;
import android.os.Bundle;
import android.os.CancellationSignal;
import consentaudit.sandbox.AppProcess;
import consentaudit.sandbox.PermissionController;

import java.io.ByteArrayInputStream;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Abstract, as on Android; {@code android.app.ContextImpl$ApplicationContentResolver} is the instance apps get.
 * The device's own providers answer with a few rows each (contacts, SMS, call log, calendar, media), guarded by
 * their read permissions as on Android; other authorities have no provider (null). The query overloads call one
 * another the way Android 11's do.
 */
public abstract class ContentResolver {
    public static final String QUERY_ARG_SQL_SELECTION = "android:query-arg-sql-selection";
    public static final String QUERY_ARG_SQL_SORT_ORDER = "android:query-arg-sql-sort-order";

    private final Context mContext;
    private final List<ContentObserver> mObservers = new ArrayList<>();

    public ContentResolver(Context context) {
        mContext = context;
    }

    public final Cursor query(Uri uri, String[] projection, String selection, String[] selectionArgs,
            String sortOrder) {
        return query(uri, projection, selection, selectionArgs, sortOrder, null);
    }

    public final Cursor query(Uri uri, String[] projection, String selection, String[] selectionArgs,
            String sortOrder, CancellationSignal cancellationSignal) {
        Bundle queryArgs = new Bundle();
        if (selection != null) {
            queryArgs.putString(QUERY_ARG_SQL_SELECTION, selection);
        }
        if (sortOrder != null) {
            queryArgs.putString(QUERY_ARG_SQL_SORT_ORDER, sortOrder);
        }
        return query(uri, projection, queryArgs, cancellationSignal);
    }

    public final Cursor query(Uri uri, String[] projection, Bundle queryArgs, CancellationSignal cancellationSignal) {
        if (uri == null) {
            throw new NullPointerException("uri");
        }
        if (cancellationSignal != null) {
            cancellationSignal.throwIfCanceled();
        }
        SystemProvider provider = SystemProvider.of(uri);
        if (provider == null) {
            android.util.Log.e("ActivityThread", "Failed to find provider info for " + authorityOf(uri));
            return null;
        }
        provider.enforceRead();
        return provider.rows();
    }

    public final void registerContentObserver(Uri uri, boolean notifyForDescendants, ContentObserver observer) {
        if (uri == null || observer == null) {
            throw new NullPointerException("uri or observer");
        }
        SystemProvider provider = SystemProvider.of(uri);
        if (provider != null) {
            provider.enforceRead();
        }
        synchronized (mObservers) {
            mObservers.add(observer);
        }
    }

    public final void unregisterContentObserver(ContentObserver observer) {
        synchronized (mObservers) {
            mObservers.remove(observer);
        }
    }

    public final InputStream openInputStream(Uri uri) throws FileNotFoundException {
        if ("file".equals(uri.getScheme())) {
            return new FileInputStream(uri.getPath());
        }
        SystemProvider provider = SystemProvider.of(uri);
        if (provider != SystemProvider.MEDIA || uri.getPath() == null || !uri.getPath().matches(".*/\\d+")) {
            throw new FileNotFoundException("No content provider: " + uri);
        }
        provider.enforceRead();
        // The start of a JPEG (SOI, JFIF APP0): the photos' pixels are not part of the sandbox.
        return new ByteArrayInputStream(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16,
                'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, (byte) 0xFF, (byte) 0xD9});
    }

    /**
     * Android's answer to a third-party app: a new row's URI in a provider it may write (the write permission
     * granted), nothing in the SMS provider, which only the default SMS app may write (Android ignores the others).
     */
    public final Uri insert(Uri url, ContentValues values) {
        SystemProvider provider = writable(url);
        if (provider == null) {
            return null;
        }
        return Uri.parse(url.toString() + "/" + (100 + (values == null ? 0 : values.size())));
    }

    public final int delete(Uri url, String where, String[] selectionArgs) {
        return writable(url) == null ? 0 : 1;
    }

    private static SystemProvider writable(Uri url) {
        if (url == null) {
            throw new NullPointerException("url");
        }
        SystemProvider provider = SystemProvider.of(url);
        if (provider == null) {
            throw new IllegalArgumentException("Unknown URL " + url);
        }
        if (provider == SystemProvider.SMS) {
            return null;
        }
        provider.enforce(provider.writePermission);
        return provider;
    }

    public final String getType(Uri url) {
        SystemProvider provider = SystemProvider.of(url);
        return provider == null ? null : provider.type;
    }

    private static String authorityOf(Uri uri) {
        return uri.getHost();
    }

    /** @hide */
    public Context getContextForSandbox() {
        return mContext;
    }

    /** The device's providers, by the start of their content URIs, with the permission that guards reading. */
    private enum SystemProvider {
        CONTACTS("com.android.providers.contacts.ContactsProvider2", Manifest.permission.READ_CONTACTS,
                Manifest.permission.WRITE_CONTACTS, "vnd.android.cursor.dir/contact", "content://com.android.contacts",
                "content://contacts"),
        SMS("com.android.providers.telephony.SmsProvider", Manifest.permission.READ_SMS, null,
                "vnd.android-dir/mms-sms", "content://sms", "content://mms"),
        CALL_LOG("com.android.providers.contacts.CallLogProvider", Manifest.permission.READ_CALL_LOG,
                Manifest.permission.WRITE_CALL_LOG, "vnd.android.cursor.dir/calls", "content://call_log"),
        CALENDAR("com.android.providers.calendar.CalendarProvider2", Manifest.permission.READ_CALENDAR,
                Manifest.permission.WRITE_CALENDAR, "vnd.android.cursor.dir/event", "content://com.android.calendar"),
        MEDIA("com.android.providers.media.MediaProvider", Manifest.permission.READ_EXTERNAL_STORAGE,
                Manifest.permission.WRITE_EXTERNAL_STORAGE, "vnd.android.cursor.dir/image", "content://media");

        final String className;
        final String permission;
        final String writePermission;
        final String type;
        final String[] prefixes;

        SystemProvider(String className, String permission, String writePermission, String type, String... prefixes) {
            this.className = className;
            this.permission = permission;
            this.writePermission = writePermission;
            this.type = type;
            this.prefixes = prefixes;
        }

        static SystemProvider of(Uri uri) {
            String text = uri == null ? "" : uri.toString();
            for (SystemProvider provider : values()) {
                for (String prefix : provider.prefixes) {
                    if (text.startsWith(prefix)) {
                        return provider;
                    }
                }
            }
            return null;
        }

        void enforceRead() {
            enforce(permission);
        }

        void enforce(String required) {
            if (PermissionController.get().check(required) == 0) {
                return;
            }
            int pid = android.os.Process.myPid();
            int uid = android.os.Process.myUid();
            throw new SecurityException("Permission Denial: opening provider " + className + " from ProcessRecord{"
                    + pid + ":" + AppProcess.get().processName + "/u0a" + (uid - 10000) + "} (pid=" + pid + ", uid="
                    + uid + ") requires " + required);
        }

        Cursor rows() {
            long day = 86_400_000L;
            long now = 1_717_200_000_000L;
            switch (this) {
                case CONTACTS: {
                    MatrixCursor cursor = new MatrixCursor(new String[] {"_id", "display_name", "data1"});
                    cursor.addRow(new Object[] {1, "张伟", "+86 139 1234 5678"});
                    cursor.addRow(new Object[] {2, "王芳", "+86 186 2101 7788"});
                    cursor.addRow(new Object[] {3, "Li Na", "+86 21 6321 0000"});
                    return cursor;
                }
                case SMS: {
                    MatrixCursor cursor = new MatrixCursor(new String[] {"_id", "address", "body", "date"});
                    cursor.addRow(new Object[] {1, "10086", "您本月话费余额为 32.50 元。", now - 2 * day});
                    cursor.addRow(new Object[] {2, "106980095588", "【工商银行】验证码 482913，5分钟内有效。", now - 3600_000L});
                    return cursor;
                }
                case CALL_LOG: {
                    MatrixCursor cursor = new MatrixCursor(new String[] {"_id", "number", "type", "duration", "date"});
                    cursor.addRow(new Object[] {1, "+8613912345678", 2, 184, now - day});
                    cursor.addRow(new Object[] {2, "+8618621017788", 1, 47, now - 2 * day});
                    cursor.addRow(new Object[] {3, "+862163210000", 3, 0, now - 3 * day});
                    return cursor;
                }
                case CALENDAR: {
                    MatrixCursor cursor = new MatrixCursor(new String[] {"_id", "title", "dtstart", "eventLocation"});
                    cursor.addRow(new Object[] {1, "复诊 - 瑞金医院", now + 3 * day, "瑞金二路197号"});
                    cursor.addRow(new Object[] {2, "Team offsite", now + 7 * day, "Hangzhou"});
                    return cursor;
                }
                default: {
                    MatrixCursor cursor = new MatrixCursor(new String[] {"_id", "_display_name", "datetaken",
                            "relative_path"});
                    cursor.addRow(new Object[] {101, "IMG_20240601_101500.jpg", now - day, "DCIM/Camera/"});
                    cursor.addRow(new Object[] {102, "Screenshot_20240602-2210.png", now - 3600_000L,
                            "Pictures/Screenshots/"});
                    cursor.addRow(new Object[] {103, "IMG_20240528_183012.jpg", now - 5 * day, "DCIM/Camera/"});
                    cursor.addRow(new Object[] {104, "mmexport1716800000000.jpg", now - 6 * day, "Pictures/WeiXin/"});
                    return cursor;
                }
            }
        }
    }
}
