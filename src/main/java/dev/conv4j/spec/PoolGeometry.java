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

    /** Checks that depend on the arguments alone. */
    static void checkSpec(PoolSpec s) {
        int[] k = s.kernelSize();
        int[] st = s.stride();
        int[] pad = s.padding();
        int[] dil = s.dilation();
        if (s.kind() == PoolKind.AVG && s.divisorOverride() != null && s.divisorOverride() == 0) {
            throw new IllegalArgumentException("divisor must be not zero");
        }
        for (int i = 0; i < s.dims(); i++) {
            if (st[i] == 0) {
                throw new IllegalArgumentException("stride should not be zero");
            }
        }
        for (int i = 0; i < s.dims(); i++) {
            if (pad[i] < 0) {
                throw new IllegalArgumentException("pad must be non-negative, but got pad: " + pad[i]);
            }
            if (pad[i] > k[i] / 2) {
                throw new IllegalArgumentException("pad should be at most half of kernel size, but got pad=" + pad[i]
                        + " and kernel_size=" + k[i]);
            }
        }
        if (Arrays.stream(k).anyMatch(v -> v <= 0)) {
            throw new IllegalArgumentException("kernel size should be greater than zero, but got " + named("k", k));
        }
        if (Arrays.stream(st).anyMatch(v -> v <= 0)) {
            throw new IllegalArgumentException("stride should be greater than zero, but got " + named("d", st));
        }
        if (Arrays.stream(dil).anyMatch(v -> v <= 0)) {
            throw new IllegalArgumentException("dilation should be greater than zero, but got " + named("dilation", dil));
        }
    }

    /** ATen's {@code kH: 3 kW: 3} style (T, H, W suffixes). */
    private static String named(String prefix, int[] v) {
        String[] suffix = v.length == 3 ? new String[] {"T", "H", "W"} : v.length == 2 ? new String[] {"H", "W"}
                : new String[] {"W"};
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
        boolean batched = inputShape.length == d + 2;
        if (!batched && inputShape.length != d + 1) {
            throw new IllegalArgumentException(rankMessage(s, inputShape));
        }
        long[] in = batched ? inputShape.clone() : ConvGeometry.prepend(1, inputShape);
        long[] spatial = Arrays.copyOfRange(in, 2, in.length);
        for (int i = 1; i < inputShape.length; i++) {
            if (inputShape[i] == 0 || (!batched && inputShape[0] == 0)) {
                throw new IllegalArgumentException(rankMessage(s, inputShape));
            }
        }
        int[] k = s.kernelSize();
        int[] pad = s.padding();
        int[] st = s.stride();
        int[] dil = s.dilation();
        long[] out = new long[d];
        for (int i = 0; i < d; i++) {
            out[i] = outputSize(spatial[i], k[i], pad[i], st[i], dil[i], s.ceilMode());
        }
        if (Arrays.stream(out).anyMatch(v -> v < 1)) {
            long planes = in[1];
            throw new IllegalArgumentException("Given input size: (" + planes + "x" + join(spatial)
                    + "). Calculated output size: (" + planes + "x" + join(out) + "). Output size is too small");
        }
        ConvGeometry.checkElementCount(ConvProblem.shape(in[0], in[1], out, true));
        return new PoolProblem(s, batched, in[0], in[1], spatial, out);
    }

    private static String rankMessage(PoolSpec s, long[] shape) {
        int d = s.dims();
        return "Expected " + (d + 1) + "D or " + (d + 2) + "D (batch mode) tensor with optional 0 dim batch size for input, but got:"
                + Tuples.list(shape);
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
