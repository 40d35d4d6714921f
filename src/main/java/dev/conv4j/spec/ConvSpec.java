package dev.conv4j.spec;

import java.util.Arrays;

/**
 * The constructor arguments of a torch.nn convolution ({@code Conv1d/2d/3d}) or transposed
 * convolution ({@code ConvTranspose1d/2d/3d}), validated as PyTorch's constructor validates them.
 * Per-dimension values are ordered (D, H, W). Immutable; build with {@link #builder}.
 */
public final class ConvSpec {
    /** How {@code padding} was given. */
    public enum PaddingType {
        /** Explicit per-dimension values (the default, 0). */
        EXPLICIT,
        /** {@code padding='same'}: output size equals input size; needs stride 1. */
        SAME,
        /** {@code padding='valid'}: no padding. */
        VALID
    }

    private final int dims;
    private final boolean transposed;
    private final int inChannels;
    private final int outChannels;
    private final int[] kernelSize;
    private final int[] stride;
    private final int[] padding;
    private final PaddingType paddingType;
    private final int[] outputPadding;
    private final int[] dilation;
    private final int groups;
    private final boolean bias;
    private final PaddingMode paddingMode;

    private ConvSpec(Builder b) {
        dims = b.dims;
        transposed = b.transposed;
        inChannels = b.inChannels;
        outChannels = b.outChannels;
        kernelSize = Tuples.expand("kernel_size", dims, b.kernelSize);
        stride = Tuples.expand("stride", dims, b.stride);
        dilation = Tuples.expand("dilation", dims, b.dilation);
        outputPadding = Tuples.expand("output_padding", dims, b.outputPadding);
        groups = b.groups;
        bias = b.bias;
        paddingMode = b.paddingMode;
        paddingType = b.paddingType;
        padding = b.paddingType == PaddingType.EXPLICIT ? Tuples.expand("padding", dims, b.padding) : new int[dims];
        ConvGeometry.checkSpec(this);
    }

    /**
     * A builder with the required arguments; everything else has PyTorch's default.
     *
     * @param dims number of spatial dimensions (1, 2 or 3)
     * @param transposed true for ConvTranspose
     */
    public static Builder builder(int dims, boolean transposed, int inChannels, int outChannels, int... kernelSize) {
        return new Builder(dims, transposed, inChannels, outChannels, kernelSize);
    }

    /** Spatial dimensions: 1, 2 or 3. */
    public int dims() {
        return dims;
    }

    public boolean transposed() {
        return transposed;
    }

    public int inChannels() {
        return inChannels;
    }

    public int outChannels() {
        return outChannels;
    }

    public int[] kernelSize() {
        return kernelSize.clone();
    }

    public int[] stride() {
        return stride.clone();
    }

    /** Explicit padding per dimension (zeros for 'same' and 'valid'; see {@link #paddingType()}). */
    public int[] padding() {
        return padding.clone();
    }

    public PaddingType paddingType() {
        return paddingType;
    }

    public int[] outputPadding() {
        return outputPadding.clone();
    }

    public int[] dilation() {
        return dilation.clone();
    }

    public int groups() {
        return groups;
    }

    public boolean bias() {
        return bias;
    }

    public PaddingMode paddingMode() {
        return paddingMode;
    }

    /** The weight shape in PyTorch's layout: {@code [out, in/groups, k...]}, or {@code [in, out/groups, k...]} transposed. */
    public long[] weightShape() {
        long[] shape = new long[2 + dims];
        shape[0] = transposed ? inChannels : outChannels;
        shape[1] = transposed ? outChannels / groups : inChannels / groups;
        for (int i = 0; i < dims; i++) {
            shape[2 + i] = kernelSize[i];
        }
        return shape;
    }

    /** The torch.nn class name, e.g. {@code Conv2d} or {@code ConvTranspose3d}. */
    public String opName() {
        return (transposed ? "ConvTranspose" : "Conv") + dims + "d";
    }

    @Override
    public String toString() {
        return opName() + "(" + inChannels + ", " + outChannels + ", kernel_size=" + Tuples.tuple(kernelSize)
                + ", stride=" + Tuples.tuple(stride)
                + ", padding=" + (paddingType == PaddingType.EXPLICIT ? Tuples.tuple(padding)
                        : "'" + paddingType.name().toLowerCase() + "'")
                + (transposed ? ", output_padding=" + Tuples.tuple(outputPadding) : "")
                + ", dilation=" + Tuples.tuple(dilation) + ", groups=" + groups + ", bias=" + (bias ? "True" : "False")
                + ", padding_mode='" + paddingMode.torchName() + "')";
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ConvSpec)) {
            return false;
        }
        ConvSpec s = (ConvSpec) o;
        return dims == s.dims && transposed == s.transposed && inChannels == s.inChannels
                && outChannels == s.outChannels && Arrays.equals(kernelSize, s.kernelSize)
                && Arrays.equals(stride, s.stride) && Arrays.equals(padding, s.padding)
                && paddingType == s.paddingType && Arrays.equals(outputPadding, s.outputPadding)
                && Arrays.equals(dilation, s.dilation) && groups == s.groups && bias == s.bias
                && paddingMode == s.paddingMode;
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    /** Builder; method names are PyTorch's argument names in camelCase. */
    public static final class Builder {
        private final int dims;
        private final boolean transposed;
        private final int inChannels;
        private final int outChannels;
        private final int[] kernelSize;
        private int[] stride = {1};
        private int[] padding = {0};
        private PaddingType paddingType = PaddingType.EXPLICIT;
        private int[] outputPadding = {0};
        private int[] dilation = {1};
        private int groups = 1;
        private boolean bias = true;
        private PaddingMode paddingMode = PaddingMode.ZEROS;

        private Builder(int dims, boolean transposed, int inChannels, int outChannels, int[] kernelSize) {
            if (dims < 1 || dims > 3) {
                throw new IllegalArgumentException("convolutions have 1, 2 or 3 spatial dimensions, but got " + dims);
            }
            this.dims = dims;
            this.transposed = transposed;
            this.inChannels = inChannels;
            this.outChannels = outChannels;
            this.kernelSize = kernelSize.clone();
        }

        public Builder stride(int... v) {
            stride = v.clone();
            return this;
        }

        /** Explicit padding: one value for every dimension or one per dimension. */
        public Builder padding(int... v) {
            padding = v.clone();
            paddingType = PaddingType.EXPLICIT;
            return this;
        }

        /** {@code "same"} or {@code "valid"}, as PyTorch accepts them. */
        public Builder padding(String v) {
            paddingType = ConvGeometry.parsePaddingString(v, transposed, dims);
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

        public Builder paddingMode(PaddingMode v) {
            paddingMode = v;
            return this;
        }

        /** PyTorch's spelling: {@code "zeros"}, {@code "reflect"}, {@code "replicate"} or {@code "circular"}. */
        public Builder paddingMode(String v) {
            paddingMode = PaddingMode.fromTorch(v);
            return this;
        }

        /** Validates every argument as PyTorch's constructor does. */
        public ConvSpec build() {
            return new ConvSpec(this);
        }
    }
}
