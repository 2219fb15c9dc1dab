package android.widget;

import android.content.Context;
import android.text.Editable;
import android.text.InputType;
import android.text.SpannableStringBuilder;

public class EditText extends TextView {
    private int mInputType = InputType.TYPE_CLASS_TEXT;

    public EditText(Context context) {
        super(context);
        setClickable(true);
        setFocusable(true);
        setLongClickable(true);
    }

    @Override
    public CharSequence getAccessibilityClassName() {
        return EditText.class.getName();
    }

    @Override
    void storeText(CharSequence text) {
        super.storeText(new SpannableStringBuilder(text));
    }

    @Override
    public Editable getText() {
        CharSequence text = super.getText();
        if (!(text instanceof Editable)) {
            storeText(text);
            text = super.getText();
        }
        return (Editable) text;
    }

    public void setInputType(int type) {
        mInputType = type;
    }

    public int getInputType() {
        return mInputType;
    }

    public boolean isPassword() {
        int variation = mInputType & InputType.TYPE_MASK_VARIATION;
        return (mInputType & InputType.TYPE_MASK_CLASS) == InputType.TYPE_CLASS_TEXT
                && (variation == InputType.TYPE_TEXT_VARIATION_PASSWORD
                || variation == InputType.TYPE_TEXT_VARIATION_WEB_PASSWORD);
    }

    @Override
    public String getDisplayText() {
        String text = getText().toString();
        return isPassword() ? "\u2022".repeat(text.codePointCount(0, text.length())) : text;
    }

    public void setSelection(int index) {
    }

    @Override
    protected int minimumHeight() {
        return Button.MIN_HEIGHT;
    }
}
