package dev.conv4j.nn;

import dev.conv4j.spec.PoolSpec;

/** torch.nn.AvgPool3d: input {@code [N, C, ...]} or unbatched {@code [C, ...]}. */
public final class AvgPool3d extends Pooling {
    private AvgPool3d(Builder<AvgPool3d> b) {
        super(b);
    }

    /** A builder with the required kernel size; the rest default as in PyTorch (stride = kernel_size). */
    public static Builder<AvgPool3d> builder(int... kernelSize) {
        return new Builder<>(PoolSpec.avg(3, kernelSize), AvgPool3d::new);
    }
}
