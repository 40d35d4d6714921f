package dev.conv4j.nn.quantized;

import dev.conv4j.quantized.QTensor;

/**
 * A quantized layer: one {@code quint8} input, one {@code quint8} output, as the modules of
 * {@code torch.ao.nn.quantized}. Modules own their weights and native state: close them when
 * done. A module is safe to call from many threads at once.
 */
public interface QModule extends AutoCloseable {
    /** Computes the layer on {@code input}; the caller owns (and closes) the returned tensor. */
    QTensor forward(QTensor input);

    /** Frees the module's weights and native state. Closing twice is harmless; waits for running calls. */
    @Override
    void close();
}
