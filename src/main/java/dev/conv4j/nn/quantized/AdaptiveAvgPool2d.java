package dev.conv4j.nn.quantized;

import dev.conv4j.backend.Backend;
import dev.conv4j.spec.AdaptivePoolSpec;
import dev.conv4j.spec.PoolKind;

/**
 * {@code torch.nn.AdaptiveAvgPool2d} applied to a quint8 tensor: PyTorch's adaptive windows,
 * each averaged as {@link AvgPool2d} averages.
 */
public final class AdaptiveAvgPool2d extends QuantizedPooling.Adaptive {
    private AdaptiveAvgPool2d(AdaptivePoolSpec spec, Backend backend) {
        super(spec, backend);
    }

    /**
     * @param outputSize one size for both dimensions or (H, W); a null entry keeps the input's size
     * @param backend null for {@link dev.conv4j.backend.Backends#getDefault()}
     */
    public static AdaptiveAvgPool2d of(Backend backend, Long... outputSize) {
        return new AdaptiveAvgPool2d(AdaptivePoolSpec.of(PoolKind.AVG, 2, false, outputSize), backend);
    }
}
