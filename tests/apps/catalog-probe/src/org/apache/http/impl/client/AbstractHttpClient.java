package org.apache.http.impl.client;

import java.io.IOException;
import java.net.ConnectException;

import org.apache.http.HttpResponse;
import org.apache.http.client.methods.HttpUriRequest;

/**
 * Stand-in for the legacy Apache HttpClient (org.apache.http.legacy). It never reaches the network: every request
 * fails to connect, as on a device without a route to the host.
 */
public abstract class AbstractHttpClient {
    protected AbstractHttpClient() {
    }

    public final HttpResponse execute(HttpUriRequest request) throws IOException {
        throw new ConnectException("Connection to " + request.getURI().getHost() + " refused");
    }
}
