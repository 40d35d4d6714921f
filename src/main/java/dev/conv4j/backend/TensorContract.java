package dev.conv4j.backend;

import java.util.function.Supplier;

import dev.conv4j.DType;
import dev.conv4j.Tensor;
import dev.conv4j.spec.Tuples;

/**
 * The one check of the tensor contract every backend and kernel entry point relies on: a tensor
 * that is there, open, of the expected element type and holding the expected number of
 * elements (a batched or unbatched shape: an unbatched tensor is laid out as a batch of one).
 * It is what keeps native code from reading or writing out of bounds; PyTorch's own rules are
 * checked earlier, by {@code dev.conv4j.spec}.
 *
 * <p><b>Internal</b>: public for the library's backend packages, not part of the API.
 */
public final class TensorContract {
    private TensorContract() {
    }

    /**
     * Refuses {@code t} unless it is open, of {@code dtype}, with the elements of {@code shape}.
     *
     * @param name the tensor's role in messages, e.g. {@code "input"}
     * @throws IllegalArgumentException if {@code t} is null, of another type or element count
     * @throws IllegalStateException if {@code t} is closed
     */
    public static void require(String name, Tensor t, DType dtype, long[] shape) {
        long expected = 1;
        for (long s : shape) {
            expected = Math.multiplyExact(expected, s);
        }
        if (!holds(name, t, dtype, expected)) {
            throw mismatch(name, t, dtype, expected, "shape " + Tuples.list(shape));
        }
    }

    /**
     * As {@link #require(String, Tensor, DType, long[])} for {@code count} elements;
     * {@code expectation} says what was expected (e.g. the call), for the message.
     */
    public static void require(String name, Tensor t, DType dtype, long count, String expectation) {
        if (!holds(name, t, dtype, count)) {
            throw mismatch(name, t, dtype, count, expectation);
        }
    }

    /**
     * As {@link #require(String, Tensor, DType, long, String)}, the expectation made only for a
     * refusal (so that a call that passes builds no message).
     */
    public static void require(String name, Tensor t, DType dtype, long count, Supplier<String> expectation) {
        if (!holds(name, t, dtype, count)) {
            throw mismatch(name, t, dtype, count, expectation.get());
        }
    }

    /** Whether {@code t} has the type and element count; refuses a null or closed tensor. */
    private static boolean holds(String name, Tensor t, DType dtype, long count) {
        if (t == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (t.isClosed()) {
            throw new IllegalStateException(name + " tensor is closed");
        }
        return t.dtype() == dtype && t.numel() == count;
    }

    private static IllegalArgumentException mismatch(String name, Tensor t, DType dtype, long count,
            String expectation) {
        return new IllegalArgumentException(name + " should be a " + dtype + " tensor of " + count + " elements ("
                + expectation + "), but got " + t.dtype() + " " + Tuples.list(t.shape()));
    }
}
