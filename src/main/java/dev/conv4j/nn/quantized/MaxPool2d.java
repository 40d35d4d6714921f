package dev.conv4j.nn.quantized;

import dev.conv4j.backend.Backend;
import dev.conv4j.spec.PoolKind;
import dev.conv4j.spec.QuantizedPoolGeometry;

/** {@code torch.nn.MaxPool2d} applied to a quint8 tensor: the maximum integer of each window, exactly. */
public final class MaxPool2d extends QuantizedPooling.Windowed {
    private MaxPool2d(QuantizedPoolGeometry.Args args, Backend backend) {
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
        private int[] dilation = {1};
        private boolean ceilMode;
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

        public Builder dilation(int... v) {
            dilation = v.clone();
            return this;
        }

        public Builder ceilMode(boolean v) {
            ceilMode = v;
            return this;
        }

        public Builder backend(Backend v) {
            backend = v;
            return this;
        }

        public MaxPool2d build() {
            return new MaxPool2d(new QuantizedPoolGeometry.Args(PoolKind.MAX, kernelSize, stride, padding, dilation,
                    ceilMode, true, null), backend);
        }
    }
}
