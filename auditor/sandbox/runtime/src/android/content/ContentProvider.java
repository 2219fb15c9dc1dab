package android.content;

import android.database.Cursor;
import android.net.Uri;

/** Created at process start, before Application.onCreate, as on Android (SDKs use this to start themselves). */
public abstract class ContentProvider {
    private Context mContext;

    public ContentProvider() {
    }

    public final Context getContext() {
        return mContext;
    }

    /** @hide Called by the runtime before onCreate. */
    public void attachInfo(Context context) {
        if (mContext == null) {
            mContext = context;
            onCreate();
        }
    }

    public abstract boolean onCreate();

    public abstract Cursor query(Uri uri, String[] projection, String selection, String[] selectionArgs,
            String sortOrder);

    public abstract String getType(Uri uri);

    public abstract Uri insert(Uri uri, ContentValues values);

    public abstract int delete(Uri uri, String selection, String[] selectionArgs);

    public abstract int update(Uri uri, ContentValues values, String selection, String[] selectionArgs);
}
