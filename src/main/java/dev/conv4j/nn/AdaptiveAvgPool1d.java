package dev.conv4j.nn;

import dev.conv4j.spec.AdaptivePoolSpec;
import dev.conv4j.spec.PoolKind;

/** torch.nn.AdaptiveAvgPool1d: pools each dimension into the requested number of (possibly overlapping) windows. */
public final class AdaptiveAvgPool1d extends AdaptivePooling {
    private AdaptiveAvgPool1d(Builder<AdaptiveAvgPool1d> b) {
        super(b);
    }

    /**
     * {@code torch.nn.AdaptiveAvgPool1d(output_size)} on the default backend, the short form of
     * {@code builder(outputSize).build()} (the required argument only, as in PyTorch).
     */
    public static AdaptiveAvgPool1d of(long... outputSize) {
        return builder(outputSize).build();
    }

    /** A builder with the required output_size: one size. */
    public static Builder<AdaptiveAvgPool1d> builder(long... outputSize) {
        return builder(AdaptivePoolSpec.boxed(outputSize));
    }

    /** As {@link #builder(long...)}; a null entry keeps that input dimension's size (PyTorch's None). */
    public static Builder<AdaptiveAvgPool1d> builder(Long[] outputSize) {
        return new Builder<>(PoolKind.AVG, 1, outputSize, AdaptiveAvgPool1d::new);
    }
}
