package dev.conv4j.nn;

import dev.conv4j.spec.PoolSpec;

/** torch.nn.AvgPool1d: input {@code [N, C, ...]} or unbatched {@code [C, ...]}. */
public final class AvgPool1d extends Pooling {
    private AvgPool1d(Builder<AvgPool1d> b) {
        super(b);
    }

    /** A builder with the required kernel size; the rest default as in PyTorch (stride = kernel_size). */
    public static Builder<AvgPool1d> builder(int... kernelSize) {
        return new Builder<>(PoolSpec.avg(1, kernelSize), AvgPool1d::new);
    }
}
