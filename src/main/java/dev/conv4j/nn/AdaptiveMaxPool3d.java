package dev.conv4j.nn;

import dev.conv4j.spec.AdaptivePoolSpec;
import dev.conv4j.spec.PoolKind;

/** torch.nn.AdaptiveMaxPool3d: pools each dimension into the requested number of (possibly overlapping) windows. */
public final class AdaptiveMaxPool3d extends AdaptivePooling {
    private AdaptiveMaxPool3d(Builder<AdaptiveMaxPool3d> b) {
        super(b);
    }

    /**
     * {@code torch.nn.AdaptiveMaxPool3d(output_size)} on the default backend, the short form of
     * {@code builder(outputSize).build()} (the required argument only, as in PyTorch).
     */
    public static AdaptiveMaxPool3d of(long... outputSize) {
        return builder(outputSize).build();
    }

    /**
     * A builder with the required output_size: one size for every dimension or one per dimension (D, H, W). Build with
     * {@code returnIndices(true)} to use {@link #forwardWithIndices}.
     */
    public static Builder<AdaptiveMaxPool3d> builder(long... outputSize) {
        return builder(AdaptivePoolSpec.boxed(outputSize));
    }

    /** As {@link #builder(long...)}; a null entry keeps that input dimension's size (PyTorch's None). */
    public static Builder<AdaptiveMaxPool3d> builder(Long[] outputSize) {
        return new Builder<>(PoolKind.MAX, 3, outputSize, AdaptiveMaxPool3d::new);
    }
}
