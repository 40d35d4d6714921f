package dev.conv4j.spec;

import java.util.Arrays;

/** PyTorch's rules for adaptive pooling: window bounds in integer arithmetic, checks, messages. */
public final class AdaptivePoolGeometry {
    private AdaptivePoolGeometry() {
    }

    static String functionName(PoolKind kind, int dims) {
        return (kind == PoolKind.MAX ? "adaptive_max_pool" : "adaptive_avg_pool") + dims + "d";
    }

    /** First input index pooled by output cell {@code i}: {@code floor(i * in / out)}. */
    public static long start(long i, long in, long out) {
        return Math.floorDiv(i * in, out);
    }

    /** One past the last input index pooled by output cell {@code i}: {@code ceil((i + 1) * in / out)}. */
    public static long end(long i, long in, long out) {
        return -Math.floorDiv(-(i + 1) * in, out);
    }

    /** Resolves one forward call, with PyTorch's checks in PyTorch's order. */
    public static AdaptivePoolProblem forward(AdaptivePoolSpec s, long[] inputShape) {
        int d = s.dims();
        int rank = inputShape.length;
        boolean max = s.kind() == PoolKind.MAX;
        if (d == 1 && rank != 2 && rank != 3) {
            throw new IllegalArgumentException(PoolGeometry.dimRangeMessage(functionName(s.kind(), d), rank));
        }
        Long[] requested = s.outputSize();
        if (d > 1 && (s.perDimension() || Arrays.asList(requested).contains(null)) && rank <= d) {
            // torch.nn.functional's _list_with_default, before ATen sees the input
            throw new IllegalArgumentException("Input dimension should be at least " + (d + 1));
        }
        long[] out = new long[d];
        for (int i = 0; i < d; i++) {
            out[i] = requested[i] == null ? inputShape[rank - d + i] : requested[i];
        }
        // ATen runs 1d as 2d on the input with a height of one (unsqueeze(-2)), output height 1
        long[] x = d == 1 ? withHeight(inputShape) : inputShape;
        long[] xOut = d == 1 ? new long[] {1, out[0]} : out;
        int xd = xOut.length;
        String fn = functionName(s.kind(), xd);
        if (max) {
            checkRank(s, fn, x);
            checkNotEmpty(fn, x, 1);
            for (long v : xOut) {
                if (v < 0) {
                    long[] shape = x.clone();
                    System.arraycopy(xOut, 0, shape, shape.length - xd, xd);
                    throw new IllegalArgumentException("Trying to create tensor with negative dimension " + v + ": "
                            + Tuples.list(shape));
                }
            }
        } else {
            if (Arrays.stream(xOut).anyMatch(v -> v < 0)) {
                // adaptive_avg_pool3d reuses the 2d message, and prints no space before its third size
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < xd; i++) {
                    sb.append(i == 0 ? "" : i == 2 ? "," : ", ").append(xOut[i]);
                }
                throw new IllegalArgumentException("adaptive_avg_pool2d: elements of output_size must be greater than "
                        + "or equal to 0 but received {" + sb + "}");
            }
            if (xd == 3) {
                checkNotEmpty(fn, x, 1);
                checkRank(s, fn, x);
            } else {
                // adaptive_avg_pool2d takes empty channels: it checks the last two dimensions only
                checkRank(s, fn, x);
                checkNotEmpty(fn, x, x.length - 2);
            }
        }
        boolean batched = rank == d + 2;
        long[] in = batched ? inputShape.clone() : ConvGeometry.prepend(1, inputShape);
        long[] spatial = Arrays.copyOfRange(in, 2, in.length);
        ConvGeometry.checkElementCount(ConvProblem.shape(in[0], in[1], out, true));
        return new AdaptivePoolProblem(s, batched, in[0], in[1], spatial, out);
    }

    private static long[] withHeight(long[] shape) {
        long[] x = new long[shape.length + 1];
        System.arraycopy(shape, 0, x, 0, shape.length - 1);
        x[shape.length - 1] = 1;
        x[shape.length] = shape[shape.length - 1];
        return x;
    }

    private static void checkRank(AdaptivePoolSpec s, String fn, long[] x) {
        int xd = Math.max(2, s.dims());
        if (x.length != xd + 1 && x.length != xd + 2) {
            throw new IllegalArgumentException(fn + "(): Expected " + (xd + 1) + "D or " + (xd + 2) + "D tensor, but got"
                    + (s.kind() == PoolKind.MAX ? ": " : " ") + Tuples.list(x));
        }
    }

    private static void checkNotEmpty(String fn, long[] x, int from) {
        for (int i = from; i < x.length; i++) {
            if (x[i] == 0) {
                throw new IllegalArgumentException(fn + "(): Expected input to have non-zero size for non-batch "
                        + "dimensions, but input has sizes " + Tuples.list(x) + " with dimension " + i + " being empty");
            }
        }
    }
}
