package android.widget;

import android.content.Context;
import android.view.View;

public class TextView extends View {
    static final int PADDING_HORIZONTAL = 42;
    static final int PADDING_VERTICAL = 24;
    static final int LINE_HEIGHT = 57;
    /** Width of one narrow (Latin) character; wide (CJK) characters take two. */
    static final int CHAR_WIDTH = 25;
    /** Android's default primary text colour on a light theme (87% black), as the screenshot draws it. */
    static final int DEFAULT_TEXT_COLOR = 0xDE000000;

    private CharSequence mText = "";
    private CharSequence mHint;
    private int mTextColor = DEFAULT_TEXT_COLOR;

    public TextView(Context context) {
        super(context);
    }

    @Override
    public CharSequence getAccessibilityClassName() {
        return TextView.class.getName();
    }

    public final void setText(CharSequence text) {
        storeText(text == null ? "" : text);
    }

    /** Where the text is kept; EditText keeps an Editable. */
    void storeText(CharSequence text) {
        mText = text;
    }

    public CharSequence getText() {
        return mText;
    }

    public int length() {
        return getText().length();
    }

    public void setHint(CharSequence hint) {
        mHint = hint;
    }

    public CharSequence getHint() {
        return mHint;
    }

    public void setTextSize(float size) {
    }

    /** As on Android: the colour (0xAARRGGBB) the text is drawn in. */
    public void setTextColor(int color) {
        mTextColor = color;
    }

    public final int getCurrentTextColor() {
        return mTextColor;
    }

    public void setGravity(int gravity) {
    }

    /** What the screen shows for this view (a password field shows bullets). */
    public String getDisplayText() {
        return getText().toString();
    }

    protected int minimumHeight() {
        return 0;
    }

    @Override
    protected void onMeasure(int width, int heightSpec) {
        int lines = lineCount(getDisplayText(), Math.max(1, (width - 2 * PADDING_HORIZONTAL) / CHAR_WIDTH));
        setMeasuredDimension(width, Math.max(minimumHeight(), lines * LINE_HEIGHT + 2 * PADDING_VERTICAL));
    }

    static int lineCount(String text, int unitsPerLine) {
        int lines = 0;
        for (String paragraph : text.split("\n", -1)) {
            int units = 0;
            for (int i = 0; i < paragraph.length(); ) {
                int codePoint = paragraph.codePointAt(i);
                units += codePoint >= 0x1100 ? 2 : 1;
                i += Character.charCount(codePoint);
            }
            lines += Math.max(1, (units + unitsPerLine - 1) / unitsPerLine);
        }
        return lines;
    }
}
