package com.android.okhttp;

import com.android.okhttp.internal.huc.HttpURLConnectionImpl;

import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.net.URLStreamHandlerFactory;

/** Android's URL handler for http and https: connections are the platform OkHttp's HttpURLConnectionImpl. */
public final class HttpHandler extends URLStreamHandler {
    /** Installed at process start, as Android's libcore installs its handlers. */
    public static final URLStreamHandlerFactory FACTORY = protocol ->
            "http".equals(protocol) || "https".equals(protocol) ? new HttpHandler(protocol) : null;

    private final int defaultPort;

    private HttpHandler(String protocol) {
        this.defaultPort = "https".equals(protocol) ? 443 : 80;
    }

    @Override
    protected URLConnection openConnection(URL url) {
        return new HttpURLConnectionImpl(url);
    }

    @Override
    protected int getDefaultPort() {
        return defaultPort;
    }
}
