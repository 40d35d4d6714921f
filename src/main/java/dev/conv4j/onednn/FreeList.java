package dev.conv4j.onednn;

import java.util.ArrayDeque;

/**
 * Free objects kept for the next call (execution contexts, buffers), last in first out, under a
 * lock. Every call takes and returns one, so it stays cheap even before the JIT compiles it: an
 * uncontended lock costs a service's first calls much less than a lock-free deque's VarHandle
 * accesses do in the interpreter.
 *
 * @param <T> the kept objects
 */
final class FreeList<T> {
    private final ArrayDeque<T> free = new ArrayDeque<>();

    /** A kept object, or null. */
    synchronized T poll() {
        return free.pollFirst();
    }

    synchronized void push(T t) {
        free.addFirst(t);
    }

    synchronized int size() {
        return free.size();
    }
}
