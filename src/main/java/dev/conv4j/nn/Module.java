package dev.conv4j.nn;

import dev.conv4j.Tensor;

/**
 * A torch.nn-style layer with one input and one output. Modules own their weights and native
 * state: close them when done. A module is safe to call from many threads at once.
 */
public interface Module extends AutoCloseable {
    /** Computes the layer on {@code input}; the caller owns (and closes) the returned tensor. */
    Tensor forward(Tensor input);

    /**
     * Computes the layer on {@code input} into the caller's {@code out}, like PyTorch's
     * {@code out=} argument, and returns {@code out}: a warm call allocates no native memory.
     * {@code out} must be what {@link #forward(Tensor)} would return: float32, of the output's
     * shape and memory format, and not overlapping {@code input}; otherwise
     * {@link IllegalArgumentException} says which.
     */
    Tensor forward(Tensor input, Tensor out);

    /** Frees the module's weights and native state. Closing twice is harmless. */
    @Override
    void close();
}
