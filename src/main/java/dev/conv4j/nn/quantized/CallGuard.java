package dev.conv4j.nn.quantized;

import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Open/closed state of a quantized module: calls run under the read lock, {@link #close} takes
 * the write lock, so closing waits for running calls and never frees memory under them.
 */
final class CallGuard {
    private final String name;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    CallGuard(String name) {
        this.name = name;
    }

    <T> T call(Supplier<T> body) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException(name + " is closed");
            }
            return body.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Runs {@code release} once, after every running call has left. */
    void close(Runnable release) {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                release.run();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}
