package dev.conv4j.nn;

import dev.conv4j.spec.PoolSpec;

/** torch.nn.LPPool2d: {@code (sum x^p)^(1/p)} over each window, computed as PyTorch computes it. */
public final class LPPool2d extends Pooling {
    private LPPool2d(Builder<LPPool2d> b) {
        super(b);
    }

    /** A builder with the required norm type and kernel size; stride defaults to kernel_size. */
    public static Builder<LPPool2d> builder(double normType, int... kernelSize) {
        return new Builder<>(PoolSpec.lp(2, normType, kernelSize), LPPool2d::new);
    }
}
