package dev.conv4j.onednn;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.bytedeco.javacpp.Pointer;

/**
 * What a piece of setup code owns until it is done: oneDNN handles it creates for itself
 * (descriptors, attributes; {@link Dnnl#destroy}) and the parts of a plan it is building
 * (primitives, packed weights), freed together in reverse order when it ends, also when it
 * throws. Parts that end up in a plan are passed on with {@link #handOver}.
 */
final class Owned implements AutoCloseable {
    private final List<Runnable> frees = new ArrayList<>();

    /** The oneDNN {@code handle}, destroyed on {@link #close}; null is allowed and skipped. */
    <P extends Pointer> P add(P handle) {
        frees.add(() -> Dnnl.destroy(handle));
        return handle;
    }

    /** {@code part}, freed by {@code free} on {@link #close} unless handed over; null is allowed and skipped. */
    <T> T add(T part, Consumer<? super T> free) {
        if (part != null) {
            frees.add(() -> free.accept(part));
        }
        return part;
    }

    /** Everything added so far now belongs to a new owner: {@link #close} frees none of it. */
    void handOver() {
        frees.clear();
    }

    @Override
    public void close() {
        for (int i = frees.size() - 1; i >= 0; i--) {
            frees.get(i).run();
        }
        frees.clear();
    }
}
