package android.content;

import android.database.Cursor;
import android.net.Uri;

/** Abstract, as on Android; {@code android.app.ContextImpl$ApplicationContentResolver} is the instance apps get. */
public abstract class ContentResolver {
    private final Context mContext;

    public ContentResolver(Context context) {
        mContext = context;
    }

    /** The sandbox has no content providers to query across apps: every query finds nothing. */
    public final Cursor query(Uri uri, String[] projection, String selection, String[] selectionArgs,
            String sortOrder) {
        return null;
    }

    public final String getType(Uri url) {
        return null;
    }

    /** @hide */
    public Context getContextForSandbox() {
        return mContext;
    }
}
