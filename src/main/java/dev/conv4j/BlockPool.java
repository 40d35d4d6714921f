package dev.conv4j;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

import org.bytedeco.javacpp.BytePointer;

/**
 * Keeps the native blocks of closed large tensors for reuse by new tensors of the same byte
 * size. Without it, every forward call of a large layer maps a fresh output block from the
 * operating system and faults in each page again (measured here: 19 ms of a 38 ms Conv2d call at
 * batch 16), and small ones skip JavaCPP's allocation bookkeeping (an 8 KB tensor: 1.3 us fresh,
 * 0.3 us reused). Bounded: at most {@value #PROPERTY} bytes (default 256 MiB) are kept.
 */
final class BlockPool {
    /** System property: the most bytes kept for reuse (0 disables the pool). */
    static final String PROPERTY = "conv4j.tensorCacheBytes";
    static final long MAX_BYTES = Long.getLong(PROPERTY, 256L << 20);

    private static final ConcurrentHashMap<Long, ConcurrentLinkedDeque<BytePointer>> FREE = new ConcurrentHashMap<>();
    private static final AtomicLong CACHED = new AtomicLong();

    private BlockPool() {
    }

    /** A block of exactly {@code bytes} bytes (contents undefined), reused when one is free. */
    static BytePointer take(long bytes) {
        ConcurrentLinkedDeque<BytePointer> free = FREE.get(bytes);
        BytePointer p = free == null ? null : free.pollFirst();
        if (p != null) {
            CACHED.addAndGet(-bytes);
            return p.position(0).limit(bytes);
        }
        return new BytePointer(bytes);
    }

    /** Returns a block taken with {@link #take}: kept for reuse if there is room, else freed. */
    static void give(BytePointer block, long bytes) {
        if (CACHED.addAndGet(bytes) <= MAX_BYTES) {
            FREE.computeIfAbsent(bytes, b -> new ConcurrentLinkedDeque<>()).addFirst(block);
            return;
        }
        CACHED.addAndGet(-bytes);
        block.close();
    }

    /** Bytes currently kept for reuse. */
    static long cachedBytes() {
        return CACHED.get();
    }
}
