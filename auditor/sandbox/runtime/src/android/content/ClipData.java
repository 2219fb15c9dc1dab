package android.content;

import java.util.ArrayList;
import java.util.List;

public class ClipData {
    public static class Item {
        private final CharSequence mText;

        public Item(CharSequence text) {
            mText = text;
        }

        public CharSequence getText() {
            return mText;
        }

        public CharSequence coerceToText(Context context) {
            return mText == null ? "" : mText;
        }

        @Override
        public String toString() {
            return "ClipData.Item { T:" + mText + " }";
        }
    }

    private final CharSequence mLabel;
    private final List<Item> mItems = new ArrayList<>();
    private final ClipDescription mDescription;

    public ClipData(CharSequence label, String[] mimeTypes, Item item) {
        mLabel = label;
        mItems.add(item);
        mDescription = new ClipDescription(label, mimeTypes);
    }

    public ClipDescription getDescription() {
        return mDescription;
    }

    public static ClipData newPlainText(CharSequence label, CharSequence text) {
        return new ClipData(label, new String[] {"text/plain"}, new Item(text));
    }

    public int getItemCount() {
        return mItems.size();
    }

    public Item getItemAt(int index) {
        return mItems.get(index);
    }

    public void addItem(Item item) {
        mItems.add(item);
    }

    public CharSequence getLabel() {
        return mLabel;
    }

    @Override
    public String toString() {
        return "ClipData { text/plain " + mItems + " }";
    }
}
