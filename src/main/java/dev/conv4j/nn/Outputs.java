package dev.conv4j.nn;

import java.util.Arrays;
import java.util.Locale;
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
final class Outputs {
    private Outputs() {
    }

    /**
     * A float output of {@code shape} for {@code input}, filled by {@code body}: channels-last
     * when the input is and the output has its rank, else contiguous
     * ({@link MemoryFormats#outputFormat}).
     */
    static Tensor compute(Tensor input, long[] shape, Consumer<Tensor> body) {
        return compute(MemoryFormats.outputFormat(input, shape.length), shape, body);
    }

    /**
     * Fills the caller's {@code out} (PyTorch's {@code out=}) with {@code body} after checking that
     * it is what {@link #compute} would have allocated: open, float32, of {@code shape}, in the
     * same memory format, and sharing no memory with {@code input}. Returns {@code out}; nothing
     * is allocated.
     */
    static Tensor into(Tensor input, Tensor out, long[] shape, Consumer<Tensor> body) {
        checkOut(input, out, shape, MemoryFormats.outputFormat(input, shape.length));
        if (out.numel() > 0) {
            body.accept(out);
        }
        return out;
    }

    /** The checks of {@link #into}, for an output expected in {@code format}. */
    static void checkOut(Tensor input, Tensor out, long[] shape, MemoryFormat format) {
        if (out == null) {
            throw new IllegalArgumentException("out must not be null");
        }
        if (out.isClosed()) {
            throw new IllegalStateException("out tensor is closed");
        }
        if (out.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException("Expected out tensor to have dtype float, but got " + out.dtype()
                    + " instead");
        }
        if (!Arrays.equals(out.shape(), shape)) {
            throw new IllegalArgumentException("out should have shape " + Arrays.toString(shape)
                    + " (this call's output), but got " + Arrays.toString(out.shape()));
        }
        if (out.memoryFormat() != format) {
            throw new IllegalArgumentException("out should be " + format.name().toLowerCase(Locale.ROOT)
                    + " (as this call's output is), but is " + out.memoryFormat().name().toLowerCase(Locale.ROOT));
        }
        if (input != null && !input.isClosed() && overlap(input, out)) {
            throw new IllegalArgumentException("unsupported operation: some elements of the input tensor and the"
                    + " written-to tensor refer to a single memory location. Please clone() the tensor before"
                    + " performing the operation.");
        }
    }

    private static boolean overlap(Tensor a, Tensor b) {
        long a0 = a.address();
        long b0 = b.address();
        long a1 = a0 + a.numel() * a.dtype().byteSize();
        long b1 = b0 + b.numel() * b.dtype().byteSize();
        return a0 < b1 && b0 < a1;
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
    static PoolResult computeWithIndices(Tensor input, long[] shape, BiConsumer<Tensor, Tensor> body) {
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
