package consentaudit.sandbox;

/** The harness asked for something the screen cannot do (typing where there is no text field). */
final class InputRejected extends RuntimeException {
    InputRejected(String message) {
        super(message);
    }
}
