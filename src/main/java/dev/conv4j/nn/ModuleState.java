package dev.conv4j.nn;

import dev.conv4j.DType;
import dev.conv4j.Tensor;

/** Shared checks of the module classes: open/closed state and input type. */
final class ModuleState {
    private volatile boolean closed;
    private final String name;

    ModuleState(String name) {
        this.name = name;
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
    }

    /** Marks closed; returns true the first time. */
    synchronized boolean markClosed() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }

    static void checkFloatInput(Tensor input, String what) {
        if (input == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (input.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException(what + " must be a FLOAT32 tensor, but got " + input.dtype());
        }
    }
}
