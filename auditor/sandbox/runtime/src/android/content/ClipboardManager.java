package android.content;

import java.util.ArrayList;
import java.util.List;

import consentaudit.sandbox.DeviceIdentity;

/** The device clipboard. It starts with text "the user copied earlier", as a real device's would. */
public class ClipboardManager extends android.text.ClipboardManager {
    private static final List<OnPrimaryClipChangedListener> LISTENERS = new ArrayList<>();
    private static ClipData primary = ClipData.newPlainText("text", DeviceIdentity.INITIAL_CLIPBOARD);

    /** @hide */
    public ClipboardManager(Context context) {
    }

    public ClipData getPrimaryClip() {
        synchronized (ClipboardManager.class) {
            return primary;
        }
    }

    public void setPrimaryClip(ClipData clip) {
        if (clip == null) {
            throw new NullPointerException("clip");
        }
        List<OnPrimaryClipChangedListener> listeners;
        synchronized (ClipboardManager.class) {
            primary = clip;
            listeners = new ArrayList<>(LISTENERS);
        }
        for (OnPrimaryClipChangedListener listener : listeners) {
            listener.onPrimaryClipChanged();
        }
    }

    public void clearPrimaryClip() {
        synchronized (ClipboardManager.class) {
            primary = null;
        }
    }

    public ClipDescription getPrimaryClipDescription() {
        synchronized (ClipboardManager.class) {
            return primary == null ? null : primary.getDescription();
        }
    }

    public void addPrimaryClipChangedListener(OnPrimaryClipChangedListener what) {
        synchronized (ClipboardManager.class) {
            LISTENERS.add(what);
        }
    }

    public void removePrimaryClipChangedListener(OnPrimaryClipChangedListener what) {
        synchronized (ClipboardManager.class) {
            LISTENERS.remove(what);
        }
    }

    public interface OnPrimaryClipChangedListener {
        void onPrimaryClipChanged();
    }

    public boolean hasPrimaryClip() {
        synchronized (ClipboardManager.class) {
            return primary != null;
        }
    }

    @Override
    @Deprecated
    public CharSequence getText() {
        ClipData clip = getPrimaryClip();
        return clip != null && clip.getItemCount() > 0 ? clip.getItemAt(0).getText() : null;
    }

    @Override
    @Deprecated
    public void setText(CharSequence text) {
        setPrimaryClip(ClipData.newPlainText(null, text));
    }

    @Override
    @Deprecated
    public boolean hasText() {
        return getText() != null;
    }
}
