package dev.conv4j.backend;

import dev.conv4j.Precision;
import dev.conv4j.Tensor;
import dev.conv4j.spec.ConvProblem;

/** A convolution prepared with its weights by a {@link Backend}; callable from many threads at once. */
public interface ConvKernel extends AutoCloseable {
    /**
     * Runs one call. {@code output} has the problem's output elements
     * ({@link ConvProblem#outputShape()}, batched or not); its contents on entry are unspecified
     * (callers allocate it without zero-filling) and the kernel writes every element. The
     * problem's spec is the one the kernel was prepared for.
     */
    void forward(ConvProblem problem, Tensor input, Tensor output);

    /**
     * The precision the kernel computes at: the one it was prepared with, or {@link Precision#F32}
     * where the backend cannot multiply in bf16 on this CPU.
     */
    default Precision precision() {
        return Precision.F32;
    }

    /** Frees what the kernel holds (not the caller's weight and bias). Closing twice is harmless. */
    @Override
    void close();
}
