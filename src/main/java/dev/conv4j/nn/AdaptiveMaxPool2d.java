package dev.conv4j.nn;

import dev.conv4j.spec.AdaptivePoolSpec;
import dev.conv4j.spec.PoolKind;

/** torch.nn.AdaptiveMaxPool2d: pools each dimension into the requested number of (possibly overlapping) windows. */
public final class AdaptiveMaxPool2d extends AdaptivePooling {
    private AdaptiveMaxPool2d(Builder<AdaptiveMaxPool2d> b) {
        super(b);
    }

    /**
     * {@code torch.nn.AdaptiveMaxPool2d(output_size)} on the default backend, the short form of
     * {@code builder(outputSize).build()} (the required argument only, as in PyTorch).
     */
    public static AdaptiveMaxPool2d of(long... outputSize) {
        return builder(outputSize).build();
    }

    /**
     * A builder with the required output_size: one size for every dimension or one per dimension (H, W). Build with
     * {@code returnIndices(true)} to use {@link #forwardWithIndices}.
     */
    public static Builder<AdaptiveMaxPool2d> builder(long... outputSize) {
        return builder(AdaptivePoolSpec.boxed(outputSize));
    }

    /** As {@link #builder(long...)}; a null entry keeps that input dimension's size (PyTorch's None). */
    public static Builder<AdaptiveMaxPool2d> builder(Long[] outputSize) {
        return new Builder<>(PoolKind.MAX, 2, outputSize, AdaptiveMaxPool2d::new);
    }
}
