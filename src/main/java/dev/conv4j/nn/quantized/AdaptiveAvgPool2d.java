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

    /** A builder with the required output_size: one size for both dimensions or (H, W). */
    public static Builder builder(long... outputSize) {
        return builder(AdaptivePoolSpec.boxed(outputSize));
    }

    /** As {@link #builder(long...)}; a null entry keeps that input dimension's size (PyTorch's None). */
    public static Builder builder(Long[] outputSize) {
        return new Builder(outputSize);
    }

    /** Builder; method names are PyTorch's argument names in camelCase. */
    public static final class Builder {
        private final Long[] outputSize;
        private Backend backend;

        private Builder(Long[] outputSize) {
            if (outputSize == null) {
                throw new IllegalArgumentException("output_size must not be null");
            }
            this.outputSize = outputSize.clone();
        }

        /** The backend to run on (default: {@link dev.conv4j.backend.Backends#getDefault()}). */
        public Builder backend(Backend v) {
            backend = v;
            return this;
        }

        public AdaptiveAvgPool2d build() {
            return new AdaptiveAvgPool2d(AdaptivePoolSpec.of(PoolKind.AVG, 2, false, outputSize), backend);
        }
    }
}
