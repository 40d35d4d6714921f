package dev.conv4j.nn;

import dev.conv4j.spec.PoolSpec;

/** torch.nn.MaxPool2d: input {@code [N, C, ...]} or unbatched {@code [C, ...]}. */
public final class MaxPool2d extends Pooling {
    private MaxPool2d(Builder<MaxPool2d> b) {
        super(b);
    }

    /** A builder with the required kernel size; the rest default as in PyTorch (stride = kernel_size). */
    public static Builder<MaxPool2d> builder(int... kernelSize) {
        return new Builder<>(PoolSpec.max(2, kernelSize), MaxPool2d::new);
    }
}
