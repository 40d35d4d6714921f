package dev.conv4j.nn;

import dev.conv4j.backend.Backend;
import dev.conv4j.spec.AdaptivePoolSpec;
import dev.conv4j.spec.PoolKind;

/** torch.nn.AdaptiveAvgPool2d: pools each dimension into the requested number of (possibly overlapping) windows. */
public final class AdaptiveAvgPool2d extends AdaptivePooling {
    private AdaptiveAvgPool2d(AdaptivePoolSpec spec, Backend backend) {
        super(spec, backend);
    }

    /** One size for every dimension or one per dimension (D, H, W), on the default backend. */
    public static AdaptiveAvgPool2d of(long... outputSize) {
        return of(false, null, java.util.Arrays.stream(outputSize).boxed().toArray(Long[]::new));
    }

    /**
     * @param outputSize null entries keep that input dimension's size (PyTorch's None)
     * @param backend null for the default backend
     */
    public static AdaptiveAvgPool2d of(Backend backend, Long... outputSize) {
        return of(false, backend, outputSize);
    }

    private static AdaptiveAvgPool2d of(boolean returnIndices, Backend backend, Long... outputSize) {
        return new AdaptiveAvgPool2d(AdaptivePoolSpec.of(PoolKind.AVG, 2, returnIndices, outputSize), backend);
    }}
