package org.probe;

import android.app.Activity;
import android.os.Bundle;
import android.widget.Button;
import android.widget.LinearLayout;
import android.widget.TextView;

public class SecondActivity extends Activity {
    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        setTitle("Second");
        LinearLayout screen = new LinearLayout(this);
        screen.setOrientation(LinearLayout.VERTICAL);
        TextView text = new TextView(this);
        text.setResourceName("second_text");
        text.setText("The second screen");
        screen.addView(text);
        Button close = new Button(this);
        close.setResourceName("close");
        close.setText("Close");
        close.setOnClickListener(view -> finish());
        screen.addView(close);
        setContentView(screen);
    }
}
