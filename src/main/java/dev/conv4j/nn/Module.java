package dev.conv4j.nn;

import dev.conv4j.Tensor;

/**
 * A torch.nn-style layer with one input and one output. Modules own their weights and native
 * state: close them when done. A module is safe to call from many threads at once.
 */
public interface Module extends AutoCloseable {
    /** Computes the layer on {@code input}; the caller owns (and closes) the returned tensor. */
    Tensor forward(Tensor input);

    /** Frees the module's weights and native state. Closing twice is harmless. */
    @Override
    void close();
}
