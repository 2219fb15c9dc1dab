package android.widget;

import android.content.Context;

public class ImageView extends android.view.View {
    private static final int SIZE = 108;

    public ImageView(Context context) {
        super(context);
    }

    @Override
    public CharSequence getAccessibilityClassName() {
        return ImageView.class.getName();
    }

    @Override
    protected void onMeasure(int width, int heightSpec) {
        setMeasuredDimension(width, SIZE);
    }
}
