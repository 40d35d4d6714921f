package dev.conv4j.spec;

/**
 * The constructor arguments of torch.nn's MaxPool, AvgPool and LPPool modules (1d/2d/3d).
 * Per-dimension values are ordered (D, H, W). Immutable; build with {@link #builder}.
 */
public final class PoolSpec {
    private final PoolKind kind;
    private final int dims;
    private final int[] kernelSize;
    private final int[] stride;
    private final int[] padding;
    private final int[] dilation;
    private final boolean ceilMode;
    private final boolean countIncludePad;
    private final Integer divisorOverride;
    private final double normType;
    private final boolean returnIndices;

    private PoolSpec(Builder b) {
        kind = b.kind;
        dims = b.dims;
        kernelSize = Tuples.expand("kernel_size", dims, b.kernelSize);
        // stride=None means stride = kernel_size
        stride = b.stride == null ? kernelSize.clone() : Tuples.expand("stride", dims, b.stride);
        padding = Tuples.expand("padding", dims, b.padding);
        dilation = Tuples.expand("dilation", dims, b.dilation);
        ceilMode = b.ceilMode;
        countIncludePad = b.countIncludePad;
        divisorOverride = b.divisorOverride;
        normType = b.normType;
        returnIndices = b.returnIndices;
        PoolGeometry.checkSpec(this);
    }

    /** Max pooling: {@code MaxPool{dims}d(kernel_size)}. */
    public static Builder max(int dims, int... kernelSize) {
        return new Builder(PoolKind.MAX, dims, kernelSize);
    }

    /** Average pooling: {@code AvgPool{dims}d(kernel_size)}. */
    public static Builder avg(int dims, int... kernelSize) {
        return new Builder(PoolKind.AVG, dims, kernelSize);
    }

    /** Power-average pooling: {@code LPPool{dims}d(norm_type, kernel_size)}. */
    public static Builder lp(int dims, double normType, int... kernelSize) {
        return new Builder(PoolKind.LP, dims, kernelSize).normType(normType);
    }

    public PoolKind kind() {
        return kind;
    }

    public int dims() {
        return dims;
    }

    public int[] kernelSize() {
        return kernelSize.clone();
    }

    public int[] stride() {
        return stride.clone();
    }

    public int[] padding() {
        return padding.clone();
    }

    public int[] dilation() {
        return dilation.clone();
    }

    public boolean ceilMode() {
        return ceilMode;
    }

    public boolean countIncludePad() {
        return countIncludePad;
    }

    /** The divisor that replaces the window size in average pooling, or null (PyTorch's None). */
    public Integer divisorOverride() {
        return divisorOverride;
    }

    public double normType() {
        return normType;
    }

    public boolean returnIndices() {
        return returnIndices;
    }

    /** The torch.nn class name, e.g. {@code MaxPool2d}. */
    public String opName() {
        String base = kind == PoolKind.MAX ? "MaxPool" : kind == PoolKind.AVG ? "AvgPool" : "LPPool";
        return base + dims + "d";
    }

    @Override
    public String toString() {
        return opName() + "(kernel_size=" + Tuples.tuple(kernelSize) + ", stride=" + Tuples.tuple(stride)
                + ", padding=" + Tuples.tuple(padding) + ", dilation=" + Tuples.tuple(dilation)
                + ", ceil_mode=" + ceilMode + ", count_include_pad=" + countIncludePad
                + ", divisor_override=" + divisorOverride + ", norm_type=" + normType
                + ", return_indices=" + returnIndices + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PoolSpec && o.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    /** Builder; method names are PyTorch's argument names in camelCase. */
    public static final class Builder {
        private final PoolKind kind;
        private final int dims;
        private final int[] kernelSize;
        private int[] stride;
        private int[] padding = {0};
        private int[] dilation = {1};
        private boolean ceilMode;
        private boolean countIncludePad = true;
        private Integer divisorOverride;
        private double normType = 2;
        private boolean returnIndices;

        private Builder(PoolKind kind, int dims, int[] kernelSize) {
            if (dims < 1 || dims > 3) {
                throw new IllegalArgumentException("pooling has 1, 2 or 3 spatial dimensions, but got " + dims);
            }
            if (kind == PoolKind.LP && dims == 3) {
                throw new IllegalArgumentException("LPPool has 1 or 2 spatial dimensions, but got 3");
            }
            this.kind = kind;
            this.dims = dims;
            this.kernelSize = kernelSize.clone();
        }

        /** The window step; null (the default) means kernel_size. */
        public Builder stride(int... v) {
            stride = v == null ? null : v.clone();
            return this;
        }

        /** Implicit padding on both sides (negative infinity for max, zeros for average). */
        public Builder padding(int... v) {
            requireNot(PoolKind.LP, "padding");
            padding = v.clone();
            return this;
        }

        public Builder dilation(int... v) {
            requireKind(PoolKind.MAX, "dilation");
            dilation = v.clone();
            return this;
        }

        public Builder ceilMode(boolean v) {
            ceilMode = v;
            return this;
        }

        public Builder countIncludePad(boolean v) {
            requireKind(PoolKind.AVG, "count_include_pad");
            countIncludePad = v;
            return this;
        }

        /** Divisor for every window instead of its size (AvgPool2d/3d); null for none. */
        public Builder divisorOverride(Integer v) {
            requireKind(PoolKind.AVG, "divisor_override");
            if (dims == 1 && v != null) {
                throw new IllegalArgumentException("AvgPool1d has no divisor_override argument");
            }
            divisorOverride = v;
            return this;
        }

        public Builder normType(double v) {
            requireKind(PoolKind.LP, "norm_type");
            normType = v;
            return this;
        }

        public Builder returnIndices(boolean v) {
            requireKind(PoolKind.MAX, "return_indices");
            returnIndices = v;
            return this;
        }

        private void requireKind(PoolKind k, String arg) {
            if (kind != k) {
                throw new IllegalArgumentException(PoolGeometry.opName(kind, dims) + " has no " + arg + " argument");
            }
        }

        private void requireNot(PoolKind k, String arg) {
            if (kind == k) {
                throw new IllegalArgumentException(PoolGeometry.opName(kind, dims) + " has no " + arg + " argument");
            }
        }

        /** Validates every argument as PyTorch does. */
        public PoolSpec build() {
            return new PoolSpec(this);
        }
    }
}
