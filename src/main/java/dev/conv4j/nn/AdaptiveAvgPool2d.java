package dev.conv4j.nn;

import dev.conv4j.spec.AdaptivePoolSpec;
import dev.conv4j.spec.PoolKind;

/** torch.nn.AdaptiveAvgPool2d: pools each dimension into the requested number of (possibly overlapping) windows. */
public final class AdaptiveAvgPool2d extends AdaptivePooling {
    private AdaptiveAvgPool2d(Builder<AdaptiveAvgPool2d> b) {
        super(b);
    }

    /**
     * {@code torch.nn.AdaptiveAvgPool2d(output_size)} on the default backend, the short form of
     * {@code builder(outputSize).build()} (the required argument only, as in PyTorch).
     */
    public static AdaptiveAvgPool2d of(long... outputSize) {
        return builder(outputSize).build();
    }

    /** A builder with the required output_size: one size for every dimension or one per dimension (H, W). */
    public static Builder<AdaptiveAvgPool2d> builder(long... outputSize) {
        return builder(AdaptivePoolSpec.boxed(outputSize));
    }

    /** As {@link #builder(long...)}; a null entry keeps that input dimension's size (PyTorch's None). */
    public static Builder<AdaptiveAvgPool2d> builder(Long[] outputSize) {
        return new Builder<>(PoolKind.AVG, 2, outputSize, AdaptiveAvgPool2d::new);
    }
}
