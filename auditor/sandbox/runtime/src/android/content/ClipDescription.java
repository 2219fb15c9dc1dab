package android.content;

/** What is on the clipboard: label, MIME types and when it was copied. */
public class ClipDescription {
    public static final String MIMETYPE_TEXT_PLAIN = "text/plain";

    private final CharSequence mLabel;
    private final String[] mMimeTypes;
    private final long mTimestamp;

    public ClipDescription(CharSequence label, String[] mimeTypes) {
        mLabel = label;
        mMimeTypes = mimeTypes.clone();
        mTimestamp = System.currentTimeMillis();
    }

    public CharSequence getLabel() {
        return mLabel;
    }

    public int getMimeTypeCount() {
        return mMimeTypes.length;
    }

    public String getMimeType(int index) {
        return mMimeTypes[index];
    }

    public boolean hasMimeType(String mimeType) {
        for (String type : mMimeTypes) {
            if (type.equals(mimeType)) {
                return true;
            }
        }
        return false;
    }

    public long getTimestamp() {
        return mTimestamp;
    }

    @Override
    public String toString() {
        return "ClipDescription { " + String.join(" ", mMimeTypes) + " \"" + mLabel + "\" T:" + mTimestamp + " }";
    }
}
