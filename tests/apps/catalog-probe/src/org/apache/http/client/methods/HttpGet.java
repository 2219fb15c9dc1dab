package org.apache.http.client.methods;

import java.net.URI;

/** Stand-in for Apache HttpClient's HttpGet. */
public class HttpGet implements HttpUriRequest {
    private final URI uri;

    public HttpGet(String uri) {
        this.uri = URI.create(uri);
    }

    @Override
    public URI getURI() {
        return uri;
    }
}
