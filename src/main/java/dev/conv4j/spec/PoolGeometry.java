package dev.conv4j.spec;

import java.util.Arrays;

/**
 * PyTorch's shape rules for max, average and LP pooling: argument checks, the output size with
 * floor or ceil mode, the average divisor, and PyTorch's error messages.
 */
public final class PoolGeometry {
    private PoolGeometry() {
    }

    static String opName(PoolKind kind, int dims) {
        String base = kind == PoolKind.MAX ? "MaxPool" : kind == PoolKind.AVG ? "AvgPool" : "LPPool";
        return base + dims + "d";
    }

    /**
     * True when PyTorch runs this pool through its dedicated 1d max-pool path (no indices), whose
     * messages differ and which accepts an empty output.
     */
    static boolean isPlainMaxPool1d(PoolSpec s) {
        return s.kind() == PoolKind.MAX && s.dims() == 1 && !s.returnIndices();
    }

    /** Checks that depend on the arguments alone, in ATen's order, with ATen's messages. */
    static void checkSpec(PoolSpec s) {
        int[] k = s.kernelSize();
        int[] st = s.stride();
        int[] pad = s.padding();
        int[] dil = s.dilation();
        if (isPlainMaxPool1d(s)) {
            check(k[0] > 0, "max_pool1d() kernel_size must be greater than zero, but got " + k[0]);
            check(st[0] > 0, "max_pool1d() stride must be greater than zero, but got " + st[0]);
            check(pad[0] >= 0, "max_pool1d() padding must be non-negative, but got " + pad[0]);
            check(pad[0] <= k[0] / 2, "max_pool1d() padding should be at most half of kernel size, but got padding="
                    + pad[0] + " and kernel_size=" + k[0]);
            check(dil[0] > 0, "max_pool1d() dilation must be greater than zero, but got " + dil[0]);
            return;
        }
        if (s.kind() == PoolKind.AVG && s.divisorOverride() != null) {
            check(s.divisorOverride() != 0, "divisor must be not zero");
        }
        for (int i = 0; i < s.dims(); i++) {
            check(st[i] != 0, "stride should not be zero");
            check(pad[i] >= 0, "pad must be non-negative, but got pad: " + pad[i]);
            check(pad[i] <= k[i] / 2, "pad should be at most half of kernel size, but got pad=" + pad[i]
                    + " and kernel_size=" + k[i]);
        }
        check(Arrays.stream(k).allMatch(v -> v > 0), "kernel size should be greater than zero, but got "
                + named("k", as2d(k, 1)));
        check(Arrays.stream(st).allMatch(v -> v > 0), "stride should be greater than zero, but got "
                + named("d", as2d(st, 1)));
        check(Arrays.stream(dil).allMatch(v -> v > 0), "dilation should be greater than zero, but got "
                + named("dilation", as2d(dil, 1)));
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** ATen runs 1d pooling as 2d with a height of one: prepends that height's value. */
    private static int[] as2d(int[] v, int height) {
        return v.length == 1 ? new int[] {height, v[0]} : v;
    }

    /** ATen's {@code kH: 3 kW: 3} style (T, H, W suffixes). */
    private static String named(String prefix, int[] v) {
        String[] suffix = v.length == 3 ? new String[] {"T", "H", "W"} : new String[] {"H", "W"};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : " ").append(prefix).append(suffix[i]).append(": ").append(v[i]);
        }
        return sb.toString();
    }

    /**
     * Output size along one dimension: PyTorch's {@code pooling_output_shape}. In ceil mode the
     * last window must start inside the input or the left padding, else it is dropped.
     */
    public static long outputSize(long in, int k, int pad, int stride, int dilation, boolean ceil) {
        long numerator = in + 2L * pad - (long) dilation * (k - 1) - 1 + (ceil ? stride - 1 : 0);
        long out = Math.floorDiv(numerator, stride) + 1;
        if (ceil && (out - 1) * stride >= in + pad) {
            out--;
        }
        return out;
    }

    /** Resolves one forward call of a max/avg/LP pool on an input of the given shape. */
    public static PoolProblem forward(PoolSpec s, long[] inputShape) {
        int d = s.dims();
        int rank = inputShape.length;
        boolean batched = rank == d + 2;
        checkInput(s, inputShape);
        long[] in = batched ? inputShape.clone() : ConvGeometry.prepend(1, inputShape);
        long[] spatial = Arrays.copyOfRange(in, 2, in.length);
        int[] k = s.kernelSize();
        int[] pad = s.padding();
        int[] st = s.stride();
        int[] dil = s.dilation();
        if (s.kind() == PoolKind.AVG && d == 3) {
            // avg_pool3d compares the unpadded input with the kernel
            if (spatial[0] < k[0] || spatial[1] < k[1] || spatial[2] < k[2]) {
                throw new IllegalArgumentException("input image (T: " + spatial[0] + " H: " + spatial[1] + " W: "
                        + spatial[2] + ") smaller than kernel size (kT: " + k[0] + " kH: " + k[1] + " kW: " + k[2] + ")");
            }
        }
        long[] out = new long[d];
        for (int i = 0; i < d; i++) {
            out[i] = outputSize(spatial[i], k[i], pad[i], st[i], dil[i], s.ceilMode());
        }
        if (isPlainMaxPool1d(s)) {
            // this path accepts an empty output
            check(out[0] >= 0, "max_pool1d() Invalid computed output size: " + out[0]);
        } else if (Arrays.stream(out).anyMatch(v -> v < 1)) {
            // ATen runs 1d as 2d with a height of one
            String height = d == 1 ? "1x" : "";
            throw new IllegalArgumentException("Given input size: (" + in[1] + "x" + height + join(spatial)
                    + "). Calculated output size: (" + in[1] + "x" + height + join(out) + "). Output size is too small");
        }
        if (s.kind() == PoolKind.LP && s.normType() == 0) {
            throw new IllegalArgumentException("float division by zero"); // 1 / norm_type in Python
        }
        ConvGeometry.checkElementCount(ConvProblem.shape(in[0], in[1], out, true));
        return new PoolProblem(s, batched, in[0], in[1], spatial, out);
    }

    /**
     * The input's rank and empty dimensions, as each ATen function checks them: a batch of zero
     * is fine, other empty dimensions are not (nor, unbatched, an empty first dimension).
     */
    private static void checkInput(PoolSpec s, long[] shape) {
        int d = s.dims();
        int rank = shape.length;
        if (isPlainMaxPool1d(s)) {
            // max_pool1d checks rank and emptiness at once
            if (!(rank == 2 && shape[0] != 0 && shape[1] != 0 || rank == 3 && shape[1] != 0 && shape[2] != 0)) {
                throw new IllegalArgumentException("max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 "
                        + "dim batch size for input, but got:" + Tuples.list(shape));
            }
        } else if (d == 1) {
            if (rank != 2 && rank != 3) {
                throw new IllegalArgumentException(dimRangeMessage(s.kind() == PoolKind.MAX ? "max_pool1d"
                        : "avg_pool1d", rank));
            }
            // then max_pool2d / avg_pool2d on the input with a height of one (unsqueeze(-2))
            long[] as2d = new long[rank + 1];
            System.arraycopy(shape, 0, as2d, 0, rank - 1);
            as2d[rank - 1] = 1;
            as2d[rank] = shape[rank - 1];
            checkPool2dInput(as2d);
        } else if (d == 2) {
            // avg_pool2d (and LPPool2d through it) has no rank check before this one
            if (s.kind() == PoolKind.MAX && rank != 3 && rank != 4) {
                throw new IllegalArgumentException(rankMessage(d));
            }
            checkPool2dInput(shape);
        } else {
            if (rank != 4 && rank != 5) {
                throw new IllegalArgumentException(rankMessage(d));
            }
            for (int i = rank == 5 ? 1 : 0; i < rank; i++) {
                if (shape[i] == 0) {
                    // ATen prints the empty dimension's size (0) where it means its index
                    String fn = s.kind() == PoolKind.MAX ? "max_pool3d_with_indices_out_cpu_template()" : "avg_pool3d()";
                    throw new IllegalArgumentException(fn + ": Expected input's non-batch dimensions to have positive "
                            + "length, but input has a shape of " + Tuples.list(shape) + " and non-batch dimension "
                            + shape[i] + " has length zero!");
                }
            }
        }
    }

    /** {@code pool2d_shape_check}: 3D with no empty dimension or 4D with an optional empty batch. */
    private static void checkPool2dInput(long[] shape) {
        int rank = shape.length;
        boolean ok = rank == 3 || rank == 4;
        for (int i = rank == 4 ? 1 : 0; ok && i < rank; i++) {
            ok = shape[i] != 0;
        }
        if (!ok) {
            throw new IllegalArgumentException("Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size "
                    + "for input, but got:" + Tuples.list(shape));
        }
    }

    private static String rankMessage(int d) {
        return "non-empty " + (d + 1) + "D or " + (d + 2) + "D (batch mode) tensor expected for input";
    }

    /** ATen's {@code checkDimRange} message for functions taking 2 or 3 dimensions. */
    static String dimRangeMessage(String function, int rank) {
        return "Expected 2 to 3 dimensions, but got " + rank + "-dimensional tensor for argument #1 'self' "
                + "(while checking arguments for " + function + ")";
    }

    private static String join(long[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : "x").append(v[i]);
        }
        return sb.toString();
    }

    /** First input index of window {@code o} along a dimension (may be negative: padding). */
    public static long windowStart(long o, int stride, int pad) {
        return o * stride - pad;
    }

    /**
     * PyTorch's average-pooling divisor for one window, per dimension combined by the caller:
     * the window clipped to the padded input (not past it) when count_include_pad, else clipped to
     * the input itself. {@code divisor_override} replaces the product when set.
     *
     * @return {@code {start, end, sizeForDivisor}} along one dimension: the input range
     *     {@code [start, end)} to sum over and this dimension's factor of the divisor
     */
    public static long[] avgWindow(long o, long in, int k, int stride, int pad, boolean countIncludePad) {
        long start = o * stride - pad;
        long end = Math.min(start + k, in + pad);
        long padded = end - start;
        start = Math.max(start, 0);
        end = Math.min(end, in);
        return new long[] {start, end, countIncludePad ? padded : end - start};
    }
}
