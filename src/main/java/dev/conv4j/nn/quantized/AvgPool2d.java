package dev.conv4j.nn.quantized;

import dev.conv4j.backend.Backend;
import dev.conv4j.spec.PoolKind;
import dev.conv4j.spec.QuantizedPoolGeometry;

/**
 * {@code torch.nn.AvgPool2d} applied to a quint8 tensor: per window
 * {@code round_half_even((sum(q) - n * zero_point) / divisor) + zero_point}, clamped to 0..255.
 */
public final class AvgPool2d extends QuantizedPooling.Windowed {
    private AvgPool2d(QuantizedPoolGeometry.Args args, Backend backend) {
        super(args, backend);
    }

    /** A builder with the kernel size; the rest default as in PyTorch (stride = kernel size). */
    public static Builder builder(int... kernelSize) {
        return new Builder(kernelSize);
    }

    /** Builder; method names are PyTorch's argument names in camelCase. Arguments are checked at the call, as PyTorch does. */
    public static final class Builder {
        private final int[] kernelSize;
        private int[] stride;
        private int[] padding = {0};
        private boolean ceilMode;
        private boolean countIncludePad = true;
        private Integer divisorOverride;
        private Backend backend;

        private Builder(int[] kernelSize) {
            this.kernelSize = kernelSize.clone();
        }

        public Builder stride(int... v) {
            stride = v == null ? null : v.clone();
            return this;
        }

        public Builder padding(int... v) {
            padding = v.clone();
            return this;
        }

        public Builder ceilMode(boolean v) {
            ceilMode = v;
            return this;
        }

        public Builder countIncludePad(boolean v) {
            countIncludePad = v;
            return this;
        }

        /** Null for none (the default). */
        public Builder divisorOverride(Integer v) {
            divisorOverride = v;
            return this;
        }

        public Builder backend(Backend v) {
            backend = v;
            return this;
        }

        public AvgPool2d build() {
            return new AvgPool2d(new QuantizedPoolGeometry.Args(PoolKind.AVG, kernelSize, stride, padding, new int[] {1},
                    ceilMode, countIncludePad, divisorOverride), backend);
        }
    }
}
