package dev.conv4j.nn;

import dev.conv4j.backend.Backend;
import dev.conv4j.spec.AdaptivePoolSpec;
import dev.conv4j.spec.PoolKind;

/** torch.nn.AdaptiveAvgPool3d: pools each dimension into the requested number of (possibly overlapping) windows. */
public final class AdaptiveAvgPool3d extends AdaptivePooling {
    private AdaptiveAvgPool3d(AdaptivePoolSpec spec, Backend backend) {
        super(spec, backend);
    }

    /** One size for every dimension or one per dimension (D, H, W), on the default backend. */
    public static AdaptiveAvgPool3d of(long... outputSize) {
        return of(false, null, java.util.Arrays.stream(outputSize).boxed().toArray(Long[]::new));
    }

    /**
     * @param outputSize null entries keep that input dimension's size (PyTorch's None)
     * @param backend null for the default backend
     */
    public static AdaptiveAvgPool3d of(Backend backend, Long... outputSize) {
        return of(false, backend, outputSize);
    }

    private static AdaptiveAvgPool3d of(boolean returnIndices, Backend backend, Long... outputSize) {
        return new AdaptiveAvgPool3d(AdaptivePoolSpec.of(PoolKind.AVG, 3, returnIndices, outputSize), backend);
    }}
