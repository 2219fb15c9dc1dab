package org.apache.http.client.methods;

import java.net.URI;

public interface HttpUriRequest {
    URI getURI();
}
