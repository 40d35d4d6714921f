package dev.conv4j.nn;

import dev.conv4j.spec.AdaptivePoolSpec;
import dev.conv4j.spec.PoolKind;

/** torch.nn.AdaptiveAvgPool3d: pools each dimension into the requested number of (possibly overlapping) windows. */
public final class AdaptiveAvgPool3d extends AdaptivePooling {
    private AdaptiveAvgPool3d(Builder<AdaptiveAvgPool3d> b) {
        super(b);
    }

    /**
     * {@code torch.nn.AdaptiveAvgPool3d(output_size)} on the default backend, the short form of
     * {@code builder(outputSize).build()} (the required argument only, as in PyTorch).
     */
    public static AdaptiveAvgPool3d of(long... outputSize) {
        return builder(outputSize).build();
    }

    /** A builder with the required output_size: one size for every dimension or one per dimension (D, H, W). */
    public static Builder<AdaptiveAvgPool3d> builder(long... outputSize) {
        return builder(AdaptivePoolSpec.boxed(outputSize));
    }

    /** As {@link #builder(long...)}; a null entry keeps that input dimension's size (PyTorch's None). */
    public static Builder<AdaptiveAvgPool3d> builder(Long[] outputSize) {
        return new Builder<>(PoolKind.AVG, 3, outputSize, AdaptiveAvgPool3d::new);
    }
}
