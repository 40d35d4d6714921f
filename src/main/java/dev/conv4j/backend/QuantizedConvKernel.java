package dev.conv4j.backend;

import dev.conv4j.Tensor;
import dev.conv4j.spec.ConvProblem;

/** A quantized convolution prepared with its weights by a {@link QuantizedBackend}; callable from many threads. */
public interface QuantizedConvKernel extends AutoCloseable {
    /**
     * Runs one call on UINT8 integers: {@code input} quantized with {@code inputScale} and
     * {@code inputZeroPoint}, {@code output} of {@link ConvProblem#outputShape()} receiving the
     * integers of the spec's output scale and zero point (every element is written: its contents
     * on entry are unspecified).
     */
    void forward(ConvProblem problem, Tensor input, double inputScale, long inputZeroPoint, Tensor output);

    /** Frees what the kernel holds (not the caller's weight and bias). Closing twice is harmless. */
    @Override
    void close();
}
