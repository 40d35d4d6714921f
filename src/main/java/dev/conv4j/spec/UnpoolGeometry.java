package dev.conv4j.spec;

import java.util.Arrays;

/** PyTorch's rules for max unpooling: the default and requested output size, and the checks. */
public final class UnpoolGeometry {
    private UnpoolGeometry() {
    }

    /**
     * Resolves one forward call.
     *
     * @param outputSize the forward {@code output_size} (spatial sizes, optionally preceded by
     *     batch and channels), or null for the default
     */
    public static UnpoolProblem forward(UnpoolSpec s, long[] inputShape, long[] indicesShape, long[] outputSize) {
        int d = s.dims();
        boolean batched = inputShape.length == d + 2;
        if (!batched && inputShape.length != d + 1) {
            throw new IllegalArgumentException("Input to max_unpooling" + d + "d should be a " + (d + 1) + "d or "
                    + (d + 2) + "d Tensor, but got a tensor with " + inputShape.length + " dimensions.");
        }
        if (!Arrays.equals(inputShape, indicesShape)) {
            throw new IllegalArgumentException("Expected shape of indices to be same as that of the input tensor ("
                    + Tuples.list(inputShape) + ") but got indices tensor with shape: " + Tuples.list(indicesShape));
        }
        long[] in = batched ? inputShape.clone() : ConvGeometry.prepend(1, inputShape);
        long[] spatial = Arrays.copyOfRange(in, 2, in.length);
        int[] k = s.kernelSize();
        int[] st = s.stride();
        int[] pad = s.padding();
        long[] defaults = new long[d];
        for (int i = 0; i < d; i++) {
            defaults[i] = (spatial[i] - 1) * st[i] + k[i] - 2L * pad[i];
        }
        long[] out = defaults;
        if (outputSize != null) {
            long[] size = outputSize.length == d + 2 ? Arrays.copyOfRange(outputSize, 2, outputSize.length) : outputSize;
            if (size.length != d) {
                throw new IllegalArgumentException("output_size should be a sequence containing " + d + " or " + (d + 2)
                        + " elements, but it has a length of '" + size.length + "'");
            }
            for (int i = 0; i < d; i++) {
                long min = defaults[i] - st[i];
                long max = defaults[i] + st[i];
                if (!(min < size[i] && size[i] < max)) {
                    throw new IllegalArgumentException("invalid output_size \"" + Tuples.list(size) + "\" (dim " + i
                            + " must be between " + min + " and " + max + ")");
                }
            }
            out = size.clone();
        }
        for (int i = 1; i < in.length; i++) {
            if (in[i] == 0) {
                throw new IllegalArgumentException("max_unpooling" + d + "d(): Expected input to have non-zero size for "
                        + "non-batch dimensions, but got " + Tuples.list(in) + " with dimension " + i + " being empty.");
            }
        }
        ConvGeometry.checkElementCount(ConvProblem.shape(in[0], in[1], out, true));
        return new UnpoolProblem(s, batched, in[0], in[1], spatial, out);
    }

    static String invalidIndexMessage(UnpoolProblem p, long index) {
        long[] out = p.outputSpatial();
        StringBuilder sb = new StringBuilder("Found an invalid max index: " + index + " (output volumes are of size ");
        for (int i = 0; i < out.length; i++) {
            sb.append(i == 0 ? "" : "x").append(out[i]);
        }
        if (out.length == 1) {
            sb.append("x1"); // max_unpool1d runs as 2d on an [L, 1] plane
        }
        // PyTorch's message has no closing parenthesis.
        return sb.toString();
    }
}
