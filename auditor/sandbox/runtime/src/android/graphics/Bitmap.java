package android.graphics;

/** A decoded image (its pixels are not kept in the sandbox, only its size). */
public final class Bitmap {
    private final int mWidth;
    private final int mHeight;

    /** @hide */
    public Bitmap(int width, int height) {
        mWidth = width;
        mHeight = height;
    }

    public int getWidth() {
        return mWidth;
    }

    public int getHeight() {
        return mHeight;
    }

    public void recycle() {
    }
}
