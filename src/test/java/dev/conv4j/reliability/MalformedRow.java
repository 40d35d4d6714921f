package dev.conv4j.reliability;

/** A row (or generated call) the test code cannot read; never taken for a refusal of conv4j. */
final class MalformedRow extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MalformedRow(String message) {
        super(message);
    }
}
