package dev.conv4j.nn;

import dev.conv4j.spec.AdaptivePoolSpec;
import dev.conv4j.spec.PoolKind;

/** torch.nn.AdaptiveMaxPool1d: pools each dimension into the requested number of (possibly overlapping) windows. */
public final class AdaptiveMaxPool1d extends AdaptivePooling {
    private AdaptiveMaxPool1d(Builder<AdaptiveMaxPool1d> b) {
        super(b);
    }

    /**
     * {@code torch.nn.AdaptiveMaxPool1d(output_size)} on the default backend, the short form of
     * {@code builder(outputSize).build()} (the required argument only, as in PyTorch).
     */
    public static AdaptiveMaxPool1d of(long... outputSize) {
        return builder(outputSize).build();
    }

    /**
     * A builder with the required output_size: one size. Build with
     * {@code returnIndices(true)} to use {@link #forwardWithIndices}.
     */
    public static Builder<AdaptiveMaxPool1d> builder(long... outputSize) {
        return builder(AdaptivePoolSpec.boxed(outputSize));
    }

    /** As {@link #builder(long...)}; a null entry keeps that input dimension's size (PyTorch's None). */
    public static Builder<AdaptiveMaxPool1d> builder(Long[] outputSize) {
        return new Builder<>(PoolKind.MAX, 1, outputSize, AdaptiveMaxPool1d::new);
    }
}
