package android.accounts;

public class OperationCanceledException extends AccountsException {
    public OperationCanceledException() {
    }

    public OperationCanceledException(String message) {
        super(message);
    }
}
