package android.text;

/** @deprecated Old text-only clipboard interface, kept as android.content.ClipboardManager's superclass. */
@Deprecated
public abstract class ClipboardManager {
    public abstract CharSequence getText();

    public abstract void setText(CharSequence text);

    public abstract boolean hasText();
}
