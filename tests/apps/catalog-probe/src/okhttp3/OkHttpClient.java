package okhttp3;

/** Stand-in for OkHttp's client: newCall prepares a call; the host is resolved when it connects (Dns). */
public class OkHttpClient {
    public OkHttpClient() {
    }

    public Call newCall(Request request) {
        return () -> request;
    }
}
