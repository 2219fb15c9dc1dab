package org.apache.http;

public interface HttpResponse {
}
