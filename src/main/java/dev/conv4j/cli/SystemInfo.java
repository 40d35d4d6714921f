package dev.conv4j.cli;

import java.util.ArrayList;
import java.util.List;

import dev.conv4j.backend.Backends;

/** The backend-specific lines of {@code conv4j info}. */
final class SystemInfo {
    private SystemInfo() {
    }

    static List<String> lines() {
        List<String> out = new ArrayList<>();
        try {
            out.add("backend:      " + Backends.onednn().name());
        } catch (RuntimeException e) {
            out.add("backend:      reference only (" + e.getMessage() + ")");
        }
        return out;
    }
}
