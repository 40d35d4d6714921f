package dev.conv4j.backend;

/** Creates the oneDNN backend on first use (filled in with the native path). */
final class OneDnnLoader {
    private OneDnnLoader() {
    }

    static Backend backend() {
        throw new IllegalStateException("the oneDNN backend is not available in this build; "
                + "use -D" + Backends.PROPERTY + "=reference");
    }
}
