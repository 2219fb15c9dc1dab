package android.graphics.drawable;

/** A drawable that fills its bounds with one colour (0xAARRGGBB), as {@code View.setBackgroundColor} makes. */
public class ColorDrawable extends Drawable {
    private int mColor;

    public ColorDrawable() {
        this(0);
    }

    public ColorDrawable(int color) {
        mColor = color;
    }

    public int getColor() {
        return mColor;
    }

    public void setColor(int color) {
        mColor = color;
    }

    public int getAlpha() {
        return mColor >>> 24;
    }
}
