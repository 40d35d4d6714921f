package dev.conv4j.spec;

/**
 * The constructor arguments of a quantized convolution module of PyTorch 1.13 with the
 * {@code onednn} engine: {@code torch.ao.nn.quantized.Conv1d/2d/3d},
 * {@code ConvTranspose1d/2d/3d} and {@code torch.nn.intrinsic.quantized.ConvReLU1d/2d/3d}: the
 * float convolution's arguments ({@link #conv()}), the output's {@code scale} and
 * {@code zero_point}, and whether ReLU is fused. Validated as PyTorch's constructor and the
 * engine's weight prepacking validate them ({@link QuantizedConvGeometry}). Immutable.
 */
public final class QuantizedConvSpec {
    private final ConvSpec conv;
    private final boolean relu;
    private final double scale;
    private final long zeroPoint;

    QuantizedConvSpec(ConvSpec conv, boolean relu, double scale, long zeroPoint) {
        this.conv = conv;
        this.relu = relu;
        this.scale = scale;
        this.zeroPoint = zeroPoint;
    }

    /**
     * A builder with the required arguments; everything else has PyTorch's default (output
     * scale 1.0 and zero point 0, as a freshly built module has them).
     *
     * @param relu true for ConvReLU (not with {@code transposed})
     */
    public static Builder builder(int dims, boolean transposed, boolean relu, int inChannels, int outChannels,
            int... kernelSize) {
        return new Builder(dims, transposed, relu, inChannels, outChannels, kernelSize);
    }

    /** The float convolution's arguments (padding mode {@code zeros} or {@code reflect}). */
    public ConvSpec conv() {
        return conv;
    }

    /** True for ConvReLU: the output is clamped at the zero point. */
    public boolean relu() {
        return relu;
    }

    /** The output's scale. */
    public double scale() {
        return scale;
    }

    /** The output's zero point. */
    public long zeroPoint() {
        return zeroPoint;
    }

    /** PyTorch's class name: {@code Conv2d}, {@code ConvTranspose1d}, {@code ConvReLU3d}. */
    public String opName() {
        return relu ? "ConvReLU" + conv.dims() + "d" : conv.opName();
    }

    @Override
    public String toString() {
        String c = conv.toString();
        return "Quantized" + opName() + c.substring(c.indexOf('('), c.length() - 1) + ", scale=" + scale
                + ", zero_point=" + zeroPoint + ")";
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof QuantizedConvSpec)) {
            return false;
        }
        QuantizedConvSpec s = (QuantizedConvSpec) o;
        return conv.equals(s.conv) && relu == s.relu && Double.compare(scale, s.scale) == 0 && zeroPoint == s.zeroPoint;
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    /** Builder; method names are PyTorch's argument names in camelCase. */
    public static final class Builder {
        final int dims;
        final boolean transposed;
        final boolean relu;
        final int inChannels;
        final int outChannels;
        final int[] kernelSize;
        int[] stride = {1};
        int[] padding = {0};
        String paddingString;
        int[] outputPadding = {0};
        int[] dilation = {1};
        int groups = 1;
        boolean bias = true;
        String paddingMode = "zeros";
        double scale = 1.0;
        long zeroPoint = 0;

        private Builder(int dims, boolean transposed, boolean relu, int inChannels, int outChannels, int[] kernelSize) {
            if (dims < 1 || dims > 3) {
                throw new IllegalArgumentException("convolutions have 1, 2 or 3 spatial dimensions, but got " + dims);
            }
            if (relu && transposed) {
                throw new IllegalArgumentException("there is no quantized ConvTranspose with a fused ReLU");
            }
            this.dims = dims;
            this.transposed = transposed;
            this.relu = relu;
            this.inChannels = inChannels;
            this.outChannels = outChannels;
            this.kernelSize = kernelSize.clone();
        }

        public Builder stride(int... v) {
            stride = v.clone();
            return this;
        }

        public Builder padding(int... v) {
            padding = v.clone();
            paddingString = null;
            return this;
        }

        /** PyTorch's quantized modules refuse {@code "same"} and {@code "valid"} (when weights are prepacked). */
        public Builder padding(String v) {
            paddingString = v;
            return this;
        }

        public Builder outputPadding(int... v) {
            outputPadding = v.clone();
            return this;
        }

        public Builder dilation(int... v) {
            dilation = v.clone();
            return this;
        }

        public Builder groups(int v) {
            groups = v;
            return this;
        }

        public Builder bias(boolean v) {
            bias = v;
            return this;
        }

        /** {@code "zeros"} or {@code "reflect"} (quantized convolutions support no other mode). */
        public Builder paddingMode(String v) {
            paddingMode = v;
            return this;
        }

        /** The output's scale ({@code module.scale}). */
        public Builder scale(double v) {
            scale = v;
            return this;
        }

        /** The output's zero point ({@code module.zero_point}). */
        public Builder zeroPoint(long v) {
            zeroPoint = v;
            return this;
        }

        /** Validates every argument as PyTorch's constructor and the onednn prepacking do. */
        public QuantizedConvSpec build() {
            return QuantizedConvGeometry.build(this);
        }
    }
}
