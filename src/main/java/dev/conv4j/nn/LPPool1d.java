package dev.conv4j.nn;

import dev.conv4j.spec.PoolSpec;

/** torch.nn.LPPool1d: {@code (sum x^p)^(1/p)} over each window, computed as PyTorch computes it. */
public final class LPPool1d extends Pooling {
    private LPPool1d(Builder<LPPool1d> b) {
        super(b);
    }

    /** A builder with the required norm type and kernel size; stride defaults to kernel_size. */
    public static Builder<LPPool1d> builder(double normType, int... kernelSize) {
        return new Builder<>(PoolSpec.lp(1, normType, kernelSize), LPPool1d::new);
    }
}
