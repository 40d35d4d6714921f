package dev.conv4j.nn;

import java.util.function.BiConsumer;
import java.util.function.Consumer;

import dev.conv4j.DType;
import dev.conv4j.Tensor;

/**
 * Allocates operator outputs (zero-filled, as backends expect) and frees them if the computation
 * fails, so no path leaks native memory. An empty output (a batch of zero) skips the computation.
 */
public final class Outputs {
    private Outputs() {
    }

    /** A float output of {@code shape} filled by {@code body}. */
    public static Tensor compute(long[] shape, Consumer<Tensor> body) {
        Tensor out = Tensor.zeros(shape);
        if (out.numel() == 0) {
            return out;
        }
        try {
            body.accept(out);
            return out;
        } catch (RuntimeException | Error e) {
            out.close();
            throw e;
        }
    }

    /** A float output and int64 indices of {@code shape} filled by {@code body}. */
    public static PoolResult computeWithIndices(long[] shape, BiConsumer<Tensor, Tensor> body) {
        Tensor idx = Tensor.zeros(DType.INT64, shape);
        try {
            return new PoolResult(compute(shape, out -> body.accept(out, idx)), idx);
        } catch (RuntimeException | Error e) {
            idx.close();
            throw e;
        }
    }
}
