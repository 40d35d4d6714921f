package dev.conv4j.spec;

import java.util.Arrays;

/**
 * PyTorch 1.13's rules for pooling a {@code quint8} tensor: {@code MaxPool2d} and
 * {@code AvgPool2d} (the float modules, which dispatch to the quantized kernels) and
 * {@code AdaptiveAvgPool2d}. Their checks and messages differ from the float kernels' (and the
 * average pooling accepts an empty output), so they are here; sizes come from
 * {@link PoolGeometry#outputSize} and {@link AdaptivePoolGeometry}.
 *
 * <p>A quantized pooling keeps the arguments unchecked until the call ({@link #forward}), as
 * PyTorch checks them only there: {@link Args} holds them.
 */
public final class QuantizedPoolGeometry {
    private QuantizedPoolGeometry() {
    }

    /** The arguments of {@code MaxPool2d} or {@code AvgPool2d}, per dimension (H, W). */
    public static final class Args {
        final PoolKind kind;
        final int[] kernelSize;
        final int[] stride;
        final int[] padding;
        final int[] dilation;
        final boolean ceilMode;
        final boolean countIncludePad;
        final Integer divisorOverride;

        /**
         * @param stride null for PyTorch's default (the kernel size)
         * @param dilation max pooling only (1 for average pooling)
         * @param divisorOverride average pooling only, null for none
         */
        public Args(PoolKind kind, int[] kernelSize, int[] stride, int[] padding, int[] dilation, boolean ceilMode,
                boolean countIncludePad, Integer divisorOverride) {
            if (kind == PoolKind.LP) {
                throw new IllegalArgumentException("quantized tensors have no LP pooling");
            }
            this.kind = kind;
            this.kernelSize = Tuples.expand("kernel_size", 2, kernelSize);
            this.stride = stride == null ? this.kernelSize.clone() : Tuples.expand("stride", 2, stride);
            this.padding = Tuples.expand("padding", 2, padding);
            this.dilation = Tuples.expand("dilation", 2, dilation);
            this.ceilMode = ceilMode;
            this.countIncludePad = countIncludePad;
            this.divisorOverride = divisorOverride;
        }

        public PoolKind kind() {
            return kind;
        }

        @Override
        public String toString() {
            return (kind == PoolKind.MAX ? "MaxPool2d" : "AvgPool2d") + "(kernel_size=" + Tuples.tuple(kernelSize)
                    + ", stride=" + Tuples.tuple(stride) + ", padding=" + Tuples.tuple(padding)
                    + (kind == PoolKind.MAX ? ", dilation=" + Tuples.tuple(dilation) : "") + ", ceil_mode="
                    + (ceilMode ? "True" : "False") + ")";
        }
    }

    /**
     * PyTorch 1.13's refusal of {@code MaxPool2d(..., return_indices=True)} on a quantized tensor
     * (the first line of its dispatcher error; the rest lists where the kernel is registered).
     */
    public static final String RETURN_INDICES_MESSAGE =
            "Could not run 'aten::max_pool2d_with_indices.out' with arguments from the 'QuantizedCPU' "
            + "backend. This could be because the operator doesn't exist for this backend, or was "
            + "omitted during the selective/custom build process (if using custom build). If you are a "
            + "Facebook employee using PyTorch on mobile, please visit https://fburl.com/ptmfixes for "
            + "possible resolutions. 'aten::max_pool2d_with_indices.out' is only available for these "
            + "backends: [CPU, Meta, BackendSelect, Python, FuncTorchDynamicLayerBackMode, "
            + "Functionalize, Named, Conjugate, Negative, ZeroTensor, ADInplaceOrView, AutogradOther, "
            + "AutogradCPU, AutogradCUDA, AutogradHIP, AutogradXLA, AutogradMPS, AutogradIPU, "
            + "AutogradXPU, AutogradHPU, AutogradVE, AutogradLazy, AutogradMeta, AutogradPrivateUse1, "
            + "AutogradPrivateUse2, AutogradPrivateUse3, AutogradNestedTensor, Tracer, AutocastCPU, "
            + "AutocastCUDA, FuncTorchBatched, FuncTorchVmapMode, Batched, VmapMode, "
            + "FuncTorchGradWrapper, PythonTLSSnapshot, FuncTorchDynamicLayerFrontMode, "
            + "PythonDispatcher].";

    /** Resolves one call on a {@code quint8} input of the given shape, with PyTorch's checks in its order. */
    public static PoolProblem forward(Args a, long[] inputShape) {
        return a.kind == PoolKind.MAX ? max(a, inputShape) : avg(a, inputShape);
    }

    private static PoolProblem max(Args a, long[] x) {
        int[] k = a.kernelSize;
        int[] s = a.stride;
        int[] p = a.padding;
        int[] d = a.dilation;
        check(k[0] > 0 && k[1] > 0, "kernel_size should be greater than zero.");
        check(s[0] > 0 && s[1] > 0, "strides should be greater than zero.");
        check(d[0] > 0 && d[1] > 0, "dilation should be greater than zero. Got (" + d[0] + ", " + d[1] + ")");
        int rank = x.length;
        check(rank == 3 || rank == 4, "Expecting the input tensor of rank 3 or 4.");
        long c = x[rank - 3];
        long h = x[rank - 2];
        long w = x[rank - 1];
        check(c > 0 && h > 0 && w > 0, "input dimensions must be non-zero.");
        check(k[0] / 2 >= p[0] && k[1] / 2 >= p[1], "padding should be smaller than half of kernel_size.");
        check(p[0] >= 0, "pad must be non-negative, but got pad: " + p[0]);
        check(p[1] >= 0, "pad must be non-negative, but got pad: " + p[1]);
        long oh = PoolGeometry.outputSize(h, k[0], p[0], s[0], d[0], a.ceilMode);
        long ow = PoolGeometry.outputSize(w, k[1], p[1], s[1], d[1], a.ceilMode);
        check(oh > 0 && ow > 0, "Given input size: (" + c + "x" + h + "x" + w + "). Calculated output size: (" + c + "x"
                + oh + "x" + ow + "). Output size is too small.");
        PoolSpec spec = PoolSpec.max(2, k).stride(s).padding(p).dilation(d).ceilMode(a.ceilMode).build();
        return problem(spec, x, new long[] {oh, ow});
    }

    private static PoolProblem avg(Args a, long[] x) {
        int[] k = a.kernelSize;
        int[] s = a.stride;
        int[] p = a.padding;
        check(a.divisorOverride == null || a.divisorOverride != 0, "divisor must be not zero");
        int rank = x.length;
        if (rank < 3) {
            throw new IllegalArgumentException("Dimension out of range (expected to be in range of [" + -rank + ", "
                    + (rank - 1) + "], but got -3)");
        }
        check(rank == 3 || rank == 4, "quantized avg_pool2d takes 3D or 4D (batch mode) input, but got "
                + Tuples.list(x));
        long[] out = new long[2];
        for (int i = 0; i < 2; i++) {
            // pooling_output_shape's own checks, height first
            check(s[i] != 0, "stride should not be zero");
            check(p[i] >= 0, "pad must be non-negative, but got pad: " + p[i]);
            check(p[i] <= k[i] / 2, "pad should be at most half of kernel size, but got pad=" + p[i] + " and kernel_size="
                    + k[i]);
            out[i] = PoolGeometry.outputSize(x[rank - 2 + i], k[i], p[i], s[i], 1, a.ceilMode);
        }
        if (out[0] < 0 || out[1] < 0) {
            long[] shape = x.clone();
            shape[rank - 2] = out[0];
            shape[rank - 1] = out[1];
            throw new IllegalArgumentException("Trying to create tensor with negative dimension "
                    + (out[0] < 0 ? out[0] : out[1]) + ": " + Tuples.list(shape));
        }
        if (Arrays.stream(k).anyMatch(v -> v <= 0) || Arrays.stream(s).anyMatch(v -> v < 0)) {
            throw new IllegalArgumentException("kernel_size and stride must be positive, but got kernel_size="
                    + Tuples.tuple(k) + " and stride=" + Tuples.tuple(s));
        }
        PoolSpec spec = PoolSpec.avg(2, k).stride(s).padding(p).ceilMode(a.ceilMode)
                .countIncludePad(a.countIncludePad).divisorOverride(a.divisorOverride).build();
        return problem(spec, x, out);
    }

    private static PoolProblem problem(PoolSpec spec, long[] x, long[] out) {
        boolean batched = x.length == 4;
        long[] in = batched ? x.clone() : ConvGeometry.prepend(1, x);
        ConvGeometry.checkElementCount(ConvProblem.shape(in[0], in[1], out, true));
        return new PoolProblem(spec, batched, in[0], in[1], Arrays.copyOfRange(in, 2, 4), out);
    }

    /** {@code AdaptiveAvgPool2d} on a {@code quint8} input, with PyTorch's checks in its order. */
    public static AdaptivePoolProblem adaptiveAvg(AdaptivePoolSpec s, long[] x) {
        if (s.kind() != PoolKind.AVG || s.dims() != 2) {
            throw new IllegalArgumentException("quantized adaptive pooling is AdaptiveAvgPool2d only, but got " + s);
        }
        int rank = x.length;
        Long[] requested = s.outputSize();
        if ((s.perDimension() || Arrays.asList(requested).contains(null)) && rank <= 2) {
            throw new IllegalArgumentException("Input dimension should be at least 3");
        }
        long[] out = new long[2];
        for (int i = 0; i < 2; i++) {
            out[i] = requested[i] == null ? x[rank - 2 + i] : requested[i];
        }
        if (out[0] < 0 || out[1] < 0) {
            throw new IllegalArgumentException("adaptive_avg_pool2d: elements of output_size must be greater than or "
                    + "equal to 0 but received {" + out[0] + ", " + out[1] + "}");
        }
        check(rank == 3 || rank == 4, "non-empty 3D or 4D (batch mode) tensor expected for input");
        for (int i = rank - 2; i < rank; i++) {
            if (x[i] == 0) {
                throw new IllegalArgumentException("adaptive_avg_pooling2d(): expected input to have non-empty spatial "
                        + "dimensions, but input has sizes " + Tuples.list(x) + " with dimension " + i + " being empty");
            }
        }
        boolean batched = rank == 4;
        long[] in = batched ? x.clone() : ConvGeometry.prepend(1, x);
        ConvGeometry.checkElementCount(ConvProblem.shape(in[0], in[1], out, true));
        return new AdaptivePoolProblem(s, batched, in[0], in[1], Arrays.copyOfRange(in, 2, 4), out);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
