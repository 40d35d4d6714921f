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

    private static String negativeOutputMessage(AdaptivePoolSpec s, long[] in, long[] out) {
        // ATen runs 1d as 2d with an output height of one
        long[] sizes = s.dims() == 1 ? new long[] {1, out[0]} : out;
        if (s.kind() == PoolKind.MAX) {
            long negative = Arrays.stream(sizes).filter(v -> v < 0).findFirst().getAsLong();
            long[] shape = ConvProblem.shape(in[0], in[1], sizes, true);
            return "Trying to create tensor with negative dimension " + negative + ": " + Tuples.list(shape);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < sizes.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(sizes[i]);
        }
        return "adaptive_avg_pool" + Math.max(2, s.dims()) + "d: elements of output_size must be greater than or "
                + "equal to 0 but received {" + sb + "}";
    }

    /** Resolves one forward call. */
    public static AdaptivePoolProblem forward(AdaptivePoolSpec s, long[] inputShape) {
        int d = s.dims();
        String fn = functionName(s.kind(), d);
        boolean batched = inputShape.length == d + 2;
        if (!batched && inputShape.length != d + 1) {
            if (d == 1) {
                throw new IllegalArgumentException(PoolGeometry.dimRangeMessage(fn, inputShape.length));
            }
            throw new IllegalArgumentException(fn + "(): Expected " + (d + 1) + "D or " + (d + 2) + "D tensor, but got"
                    + (s.kind() == PoolKind.MAX ? ": " : " ") + Tuples.list(inputShape));
        }
        for (int i = 1; i < inputShape.length; i++) {
            if (inputShape[i] == 0) {
                throw new IllegalArgumentException(fn + "(): Expected input to have non-zero size for non-batch "
                        + "dimensions, but input has sizes " + Tuples.list(inputShape) + " with dimension " + i
                        + " being empty");
            }
        }
        long[] in = batched ? inputShape.clone() : ConvGeometry.prepend(1, inputShape);
        long[] spatial = Arrays.copyOfRange(in, 2, in.length);
        Long[] requested = s.outputSize();
        long[] out = new long[d];
        for (int i = 0; i < d; i++) {
            out[i] = requested[i] == null ? spatial[i] : requested[i];
        }
        if (Arrays.stream(out).anyMatch(v -> v < 0)) {
            throw new IllegalArgumentException(negativeOutputMessage(s, in, out));
        }
        ConvGeometry.checkElementCount(ConvProblem.shape(in[0], in[1], out, true));
        return new AdaptivePoolProblem(s, batched, in[0], in[1], spatial, out);
    }
}
