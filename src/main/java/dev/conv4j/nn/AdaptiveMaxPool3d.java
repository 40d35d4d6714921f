package dev.conv4j.nn;

import dev.conv4j.backend.Backend;
import dev.conv4j.spec.AdaptivePoolSpec;
import dev.conv4j.spec.PoolKind;

/** torch.nn.AdaptiveMaxPool3d: pools each dimension into the requested number of (possibly overlapping) windows. */
public final class AdaptiveMaxPool3d extends AdaptivePooling {
    private AdaptiveMaxPool3d(AdaptivePoolSpec spec, Backend backend) {
        super(spec, backend);
    }

    /** One size for every dimension or one per dimension (D, H, W), on the default backend. */
    public static AdaptiveMaxPool3d of(long... outputSize) {
        return of(false, null, java.util.Arrays.stream(outputSize).boxed().toArray(Long[]::new));
    }

    /**
     * @param outputSize null entries keep that input dimension's size (PyTorch's None)
     * @param backend null for the default backend
     */
    public static AdaptiveMaxPool3d of(Backend backend, Long... outputSize) {
        return of(false, backend, outputSize);
    }

    /** With {@code return_indices}: use {@link #forwardWithIndices}. Null sizes keep the input's. */
    public static AdaptiveMaxPool3d of(boolean returnIndices, Backend backend, Long... outputSize) {
        return new AdaptiveMaxPool3d(AdaptivePoolSpec.of(PoolKind.MAX, 3, returnIndices, outputSize), backend);
    }
}
