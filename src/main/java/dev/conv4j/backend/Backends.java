package dev.conv4j.backend;

import java.util.Locale;

import dev.conv4j.reference.ReferenceBackend;

/**
 * The available backends and the process-wide default. The default is the native oneDNN
 * backend; the system property {@code conv4j.backend=reference} (or {@link #setDefault})
 * chooses the pure-Java reference instead. There is no silent fallback: if the native library
 * cannot load, asking for the oneDNN backend throws an exception that says why.
 */
public final class Backends {
    /** System property naming the default backend: {@code onednn} or {@code reference}. */
    public static final String PROPERTY = "conv4j.backend";

    private static volatile Backend defaultBackend;

    private Backends() {
    }

    /** The pure-Java reference backend (always available). */
    public static Backend reference() {
        return ReferenceBackend.INSTANCE;
    }

    /**
     * The native oneDNN backend.
     *
     * @throws IllegalStateException if the native libraries cannot be loaded, naming the
     *     classifier jar that is needed
     */
    public static Backend onednn() {
        return OneDnnLoader.backend();
    }

    /** {@code "onednn"} or {@code "reference"}. */
    public static Backend byName(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "reference":
                return reference();
            case "onednn":
                return onednn();
            default:
                throw new IllegalArgumentException("unknown backend '" + name + "' (expected onednn or reference)");
        }
    }

    /** The default backend for modules built without an explicit one. */
    public static Backend getDefault() {
        Backend b = defaultBackend;
        if (b == null) {
            b = byName(System.getProperty(PROPERTY, "onednn"));
            defaultBackend = b;
        }
        return b;
    }

    /** Sets the process-wide default backend. */
    public static void setDefault(Backend backend) {
        defaultBackend = backend;
    }
}
