package dev.conv4j.nn;

import dev.conv4j.spec.PoolSpec;

/** torch.nn.AvgPool2d: input {@code [N, C, ...]} or unbatched {@code [C, ...]}. */
public final class AvgPool2d extends Pooling {
    private AvgPool2d(Builder<AvgPool2d> b) {
        super(b);
    }

    /** A builder with the required kernel size; the rest default as in PyTorch (stride = kernel_size). */
    public static Builder<AvgPool2d> builder(int... kernelSize) {
        return new Builder<>(PoolSpec.avg(2, kernelSize), AvgPool2d::new);
    }
}
