package org.lateloader;

import android.app.Activity;
import android.content.Context;
import android.os.Bundle;
import android.widget.Button;
import android.widget.LinearLayout;
import android.widget.TextView;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.concurrent.Callable;

public class MainActivity extends Activity {
    private static final String CLIENT = "com.google.android.gms.ads.identifier.AdvertisingIdClient";
    private LinearLayout screen;
    private TextView status;

    @Override
    protected void onCreate(Bundle savedInstanceState) {
        super.onCreate(savedInstanceState);
        screen = new LinearLayout(this);
        screen.setOrientation(LinearLayout.VERTICAL);
        button("grow", "Grow loader", this::growingLoader);
        button("bytes", "Bytes loader", this::bytesLoader);
        status = new TextView(this);
        status.setResourceName("status");
        screen.addView(status);
        setContentView(screen);
    }

    private void button(String id, String text, Callable<ClassLoader> loader) {
        Button button = new Button(this);
        button.setResourceName(id);
        button.setText(text);
        button.setOnClickListener(view -> status.setText(readId(loader)));
        screen.addView(button);
    }

    /** The advertising id, through the SDK class as `loader` defines it. */
    private String readId(Callable<ClassLoader> loader) {
        try {
            ClassLoader sdkLoader = loader.call();
            Class<?> client = sdkLoader.loadClass(CLIENT);
            Object info = client.getMethod("getAdvertisingIdInfo", Context.class).invoke(null, this);
            Object id = info.getClass().getMethod("getId").invoke(info);
            return "id=" + id + " own-loader=" + (client.getClassLoader() == sdkLoader);
        } catch (Exception failure) {
            return "failed: " + failure;
        }
    }

    private static ClassLoader framework() {
        return MainActivity.class.getClassLoader().getParent();
    }

    /** Empty when made; the app's classes are added afterwards. */
    private ClassLoader growingLoader() {
        GrowingLoader loader = new GrowingLoader(framework());
        loader.grow(MainActivity.class.getProtectionDomain().getCodeSource().getLocation());
        return loader;
    }

    private ClassLoader bytesLoader() {
        return new BytesLoader(framework());
    }

    /** A URLClassLoader whose URLs arrive after its constructor (addURL is protected). */
    private static final class GrowingLoader extends URLClassLoader {
        GrowingLoader(ClassLoader parent) {
            super(new URL[0], parent);
        }

        void grow(URL classes) {
            addURL(classes);
        }
    }

    /** Defines the SDK's classes from their bytes, read from the app's own classes. */
    private static final class BytesLoader extends ClassLoader {
        BytesLoader(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            if (!name.startsWith("com.google.android.gms.")) {
                throw new ClassNotFoundException(name);
            }
            String file = name.replace('.', '/') + ".class";
            try (InputStream in = MainActivity.class.getClassLoader().getResourceAsStream(file)) {
                if (in == null) {
                    throw new ClassNotFoundException(name);
                }
                byte[] bytes = in.readAllBytes();
                return defineClass(name, bytes, 0, bytes.length);
            } catch (IOException e) {
                throw new ClassNotFoundException(name, e);
            }
        }
    }
}
