package android.graphics.drawable;

/** Something that can be drawn; in the sandbox only a {@link ColorDrawable} is. */
public abstract class Drawable {
    public Drawable() {
    }
}
