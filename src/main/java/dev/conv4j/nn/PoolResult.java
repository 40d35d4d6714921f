package dev.conv4j.nn;

import dev.conv4j.Tensor;

/** Output and indices of a max pooling with {@code return_indices=True}; closing closes both. */
public final class PoolResult implements AutoCloseable {
    private final Tensor output;
    private final Tensor indices;

    PoolResult(Tensor output, Tensor indices) {
        this.output = output;
        this.indices = indices;
    }

    public Tensor output() {
        return output;
    }

    /** Int64 flat offsets of each maximum within its input plane, as PyTorch returns them. */
    public Tensor indices() {
        return indices;
    }

    @Override
    public void close() {
        output.close();
        indices.close();
    }
}
