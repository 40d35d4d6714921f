package dev.conv4j.reliability;

import java.util.List;

import dev.conv4j.backend.Backend;
import dev.conv4j.backend.Backends;

/** The backends every reliability test runs on, by name (looked up when a test runs). */
final class Backs {
    static final List<String> NAMES = List.of("reference", "onednn");

    private Backs() {
    }

    /** The backend; if the oneDNN backend cannot load, the test that asks fails with the reason. */
    static Backend get(String name) {
        return Backends.byName(name);
    }

    static Backend reference() {
        return Backends.reference();
    }

    static Backend onednn() {
        return Backends.onednn();
    }
}
