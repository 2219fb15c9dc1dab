package android.provider;

import android.content.ContentResolver;
import android.database.Cursor;
import android.graphics.Bitmap;
import android.net.Uri;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;

/** The media store's contract. The helpers call ContentResolver as Android's do. */
public final class MediaStore {
    public static final String AUTHORITY = "media";

    private MediaStore() {
    }

    public static final class Images {
        private Images() {
        }

        public static final class Media {
            public static final Uri EXTERNAL_CONTENT_URI = Uri.parse("content://media/external/images/media");
            public static final String DEFAULT_SORT_ORDER = "bucket_display_name";

            private Media() {
            }

            public static Cursor query(ContentResolver cr, Uri uri, String[] projection) {
                return cr.query(uri, projection, null, null, DEFAULT_SORT_ORDER);
            }

            public static Cursor query(ContentResolver cr, Uri uri, String[] projection, String where,
                    String orderBy) {
                return cr.query(uri, projection, where, null, orderBy == null ? DEFAULT_SORT_ORDER : orderBy);
            }

            public static Cursor query(ContentResolver cr, Uri uri, String[] projection, String selection,
                    String[] selectionArgs, String orderBy) {
                return cr.query(uri, projection, selection, selectionArgs,
                        orderBy == null ? DEFAULT_SORT_ORDER : orderBy);
            }

            /** Decodes the photo at `url`: a 12-megapixel camera picture. */
            @Deprecated
            public static Bitmap getBitmap(ContentResolver cr, Uri url) throws FileNotFoundException, IOException {
                try (InputStream input = cr.openInputStream(url)) {
                    if (input.read() != 0xFF || input.read() != 0xD8) {
                        throw new IOException("not an image: " + url);
                    }
                }
                return new Bitmap(4032, 3024);
            }
        }
    }
}
