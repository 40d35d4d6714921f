package dev.conv4j.nn;

import dev.conv4j.spec.PoolSpec;

/** torch.nn.MaxPool1d: input {@code [N, C, ...]} or unbatched {@code [C, ...]}. */
public final class MaxPool1d extends Pooling {
    private MaxPool1d(Builder<MaxPool1d> b) {
        super(b);
    }

    /** A builder with the required kernel size; the rest default as in PyTorch (stride = kernel_size). */
    public static Builder<MaxPool1d> builder(int... kernelSize) {
        return new Builder<>(PoolSpec.max(1, kernelSize), MaxPool1d::new);
    }
}
