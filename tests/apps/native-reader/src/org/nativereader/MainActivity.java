package org.nativereader;

import android.app.Activity;
import android.os.Bundle;
import android.widget.Button;
import android.widget.LinearLayout;
import android.widget.TextView;

import java.io.FileInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

public class MainActivity extends Activity {
    private LinearLayout screen;
    private TextView status;

    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        screen = new LinearLayout(this);
        screen.setOrientation(LinearLayout.VERTICAL);
        button("read_mac", "Read MAC", this::readMac);
        button("resolve", "Resolve", () -> "localhost=" + InetAddress.getByName("localhost").getHostAddress());
        button("connect", "Connect", this::connect);
        status = new TextView(this);
        status.setResourceName("status");
        screen.addView(status);
        setContentView(screen);
    }

    private void button(String id, String text, Callable<String> action) {
        Button button = new Button(this);
        button.setResourceName(id);
        button.setText(text);
        button.setOnClickListener(view -> {
            try {
                status.setText(action.call());
            } catch (Exception failure) {
                status.setText("failed: " + failure);
            }
        });
        screen.addView(button);
    }

    private String readMac() throws IOException {
        try (FileInputStream file = new FileInputStream("/sys/class/net/lo/address")) {
            return "mac=" + new String(file.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
    }

    private String connect() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket server = new ServerSocket(0, 1, loopback);
             Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(loopback, server.getLocalPort()), 5000);
            return "connected port=" + server.getLocalPort();
        }
    }
}
