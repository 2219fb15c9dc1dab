package okhttp3;

/** Stand-in for OkHttp's Request. */
public final class Request {
    final String url;

    Request(String url) {
        this.url = url;
    }

    public static final class Builder {
        private String url;

        public Builder() {
        }

        public Builder url(String url) {
            this.url = url;
            return this;
        }

        public Request build() {
            return new Request(url);
        }
    }
}
