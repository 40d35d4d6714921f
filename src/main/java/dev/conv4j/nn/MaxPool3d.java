package dev.conv4j.nn;

import dev.conv4j.spec.PoolSpec;

/** torch.nn.MaxPool3d: input {@code [N, C, ...]} or unbatched {@code [C, ...]}. */
public final class MaxPool3d extends Pooling {
    private MaxPool3d(Builder<MaxPool3d> b) {
        super(b);
    }

    /** A builder with the required kernel size; the rest default as in PyTorch (stride = kernel_size). */
    public static Builder<MaxPool3d> builder(int... kernelSize) {
        return new Builder<>(PoolSpec.max(3, kernelSize), MaxPool3d::new);
    }
}
