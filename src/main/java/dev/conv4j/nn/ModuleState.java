package dev.conv4j.nn;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.conv4j.DType;
import dev.conv4j.Tensor;

/**
 * The open/closed state of a module shared by many threads. Calls bracket their work with
 * {@link #enter()} and {@link #exit()}; {@link #close(Runnable)} refuses new calls at once and
 * frees the module's native state when the last running call has left, so closing a module
 * while other threads still use it can never free memory under them.
 */
final class ModuleState {
    private final String name;
    private final AtomicInteger users = new AtomicInteger();
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile boolean closed;
    private volatile Runnable release;

    ModuleState(String name) {
        this.name = name;
    }

    /** Starts a call; throws {@link IllegalStateException} if the module is closed. */
    void enter() {
        users.incrementAndGet();
        if (closed) {
            exit();
            throw new IllegalStateException(name + " is closed");
        }
    }

    /** Ends a call started by {@link #enter()}. */
    void exit() {
        if (users.decrementAndGet() == 0 && closed) {
            releaseOnce();
        }
    }

    /** Throws {@link IllegalStateException} if the module is closed. */
    void checkOpen() {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
    }

    /**
     * Closes the module: new calls fail from now on, and {@code freeResources} runs once, when no
     * call is running any more. Closing twice is harmless.
     */
    void close(Runnable freeResources) {
        synchronized (this) {
            if (closed) {
                return;
            }
            release = freeResources;
            closed = true;
        }
        if (users.get() == 0) {
            releaseOnce();
        }
    }

    private void releaseOnce() {
        Runnable r = release;
        if (r != null && released.compareAndSet(false, true)) {
            r.run();
        }
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
