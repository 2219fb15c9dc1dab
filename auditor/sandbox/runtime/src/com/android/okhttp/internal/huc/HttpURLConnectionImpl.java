package com.android.okhttp.internal.huc;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.net.UnknownHostException;

/**
 * What `URL.openConnection()` returns on Android for http and https URLs (the platform's repackaged OkHttp). The
 * sandbox has no network: connecting fails the way a device without a connection fails, with the host in the
 * message.
 */
public class HttpURLConnectionImpl extends HttpURLConnection {
    public HttpURLConnectionImpl(URL url) {
        super(url);
    }

    @Override
    public void connect() throws IOException {
        throw new UnknownHostException("Unable to resolve host \"" + url.getHost()
                + "\": No address associated with hostname");
    }

    @Override
    public InputStream getInputStream() throws IOException {
        connect();
        throw new IllegalStateException("unreachable");
    }

    @Override
    public void disconnect() {
    }

    @Override
    public boolean usingProxy() {
        return false;
    }
}
