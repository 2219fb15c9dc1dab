package org.apache.http.impl.client;

public class DefaultHttpClient extends AbstractHttpClient {
    public DefaultHttpClient() {
    }
}
