package okhttp3;

public interface Call {
    Request request();
}
