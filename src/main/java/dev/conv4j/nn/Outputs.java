package dev.conv4j.nn;

import java.util.function.BiConsumer;
import java.util.function.Consumer;

import dev.conv4j.DType;
import dev.conv4j.MemoryFormat;
import dev.conv4j.Tensor;
import dev.conv4j.backend.MemoryFormats;

/**
 * Allocates operator outputs (not zero-filled: backends write every element) and frees them if
 * the computation fails, so no path leaks native memory. An empty output (a batch of zero) skips the computation.
 */
public final class Outputs {
    private Outputs() {
    }

    /**
     * A float output of {@code shape} for {@code input}, filled by {@code body}: channels-last
     * when the input is and the output has its rank, else contiguous
     * ({@link MemoryFormats#outputFormat}).
     */
    public static Tensor compute(Tensor input, long[] shape, Consumer<Tensor> body) {
        return compute(MemoryFormats.outputFormat(input, shape.length), shape, body);
    }

    private static Tensor compute(MemoryFormat format, long[] shape, Consumer<Tensor> body) {
        Tensor out = Tensor.empty(DType.FLOAT32, format, shape);
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

    /** A float output and int64 indices of {@code shape}, both in the format {@link #compute} picks, filled by {@code body}. */
    public static PoolResult computeWithIndices(Tensor input, long[] shape, BiConsumer<Tensor, Tensor> body) {
        MemoryFormat format = MemoryFormats.outputFormat(input, shape.length);
        Tensor idx = Tensor.empty(DType.INT64, format, shape);
        try {
            return new PoolResult(compute(format, shape, out -> body.accept(out, idx)), idx);
        } catch (RuntimeException | Error e) {
            idx.close();
            throw e;
        }
    }
}
