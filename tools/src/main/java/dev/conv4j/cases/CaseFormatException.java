package dev.conv4j.cases;

/** A case folder that is not a valid case: bad JSON, unknown keys or ops, bad or missing .npy files. */
public final class CaseFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public CaseFormatException(String message) {
        super(message);
    }

    public CaseFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
