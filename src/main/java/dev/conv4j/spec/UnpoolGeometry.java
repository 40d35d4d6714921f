package dev.conv4j.spec;

import java.util.Arrays;

import dev.conv4j.DType;

/** PyTorch's rules for max unpooling: the default and requested output size, and the checks. */
public final class UnpoolGeometry {
    private UnpoolGeometry() {
    }

    /**
     * Resolves one forward call with int64 indices.
     *
     * @param outputSize the forward {@code output_size} (spatial sizes, optionally preceded by
     *     batch and channels), or null for the default
     */
    public static UnpoolProblem forward(UnpoolSpec s, long[] inputShape, long[] indicesShape, long[] outputSize) {
        return forward(s, inputShape, indicesShape, DType.INT64, outputSize);
    }

    /**
     * Resolves one forward call, with PyTorch's checks in PyTorch's order: torch.nn's output size
     * first, then ATen's (max_unpool1d runs as max_unpool2d on {@code input.unsqueeze(-1)}).
     *
     * @param indicesType the indices' element type (PyTorch wants int64)
     * @param outputSize the forward {@code output_size} (spatial sizes, optionally preceded by
     *     batch and channels), or null for the default
     */
    public static UnpoolProblem forward(UnpoolSpec s, long[] inputShape, long[] indicesShape, DType indicesType,
            long[] outputSize) {
        int d = s.dims();
        int atenDims = Math.max(2, d);
        String fn = "max_unpooling" + atenDims + "d";
        if (inputShape.length < d) {
            // PyTorch fails reading the input's last sizes (an IndexError)
            throw new IllegalArgumentException(rankMessage(fn, atenDims, inputShape.length + atenDims - d));
        }
        int[] k = s.kernelSize();
        int[] st = s.stride();
        int[] pad = s.padding();
        long[] out = new long[d];
        for (int i = 0; i < d; i++) {
            out[i] = (inputShape[inputShape.length - d + i] - 1) * st[i] + k[i] - 2L * pad[i];
        }
        if (outputSize != null) {
            out = requestedSize(out, st, outputSize);
        }
        if (indicesType != DType.INT64) {
            throw new IllegalArgumentException("elements in indices should be type int64"
                    + (atenDims == 2 ? " but got: " + torchName(indicesType) : ""));
        }
        long[] x = d == 1 ? withWidth(inputShape) : inputShape;
        if (x.length != atenDims + 1 && x.length != atenDims + 2) {
            throw new IllegalArgumentException(rankMessage(fn, atenDims, x.length));
        }
        if (!Arrays.equals(inputShape, indicesShape)) {
            throw new IllegalArgumentException("Expected shape of indices to be same as that of the input tensor ("
                    + Tuples.list(x) + ") but got indices tensor with shape: "
                    + Tuples.list(d == 1 ? withWidth(indicesShape) : indicesShape));
        }
        for (int i = 1; i < x.length; i++) {
            if (x[i] == 0) {
                throw new IllegalArgumentException(fn + "_forward_out_cpu(): Expected input to have non-zero size for "
                        + "non-batch dimensions, but got " + Tuples.list(x) + " with dimension " + i + " being empty.");
            }
        }
        if (d == 3 && Arrays.stream(st).anyMatch(v -> v <= 0)) {
            throw new IllegalArgumentException("strides should be greater than zero, but got stride: " + Tuples.list(st));
        }
        boolean batched = inputShape.length == d + 2;
        long[] in = batched ? inputShape.clone() : ConvGeometry.prepend(1, inputShape);
        long[] spatial = Arrays.copyOfRange(in, 2, in.length);
        ConvGeometry.checkElementCount(ConvProblem.shape(in[0], in[1], out, true));
        return new UnpoolProblem(s, batched, in[0], in[1], spatial, out);
    }

    /** torch.nn's {@code _unpool_output_size}: the requested size must be within a stride of the default. */
    private static long[] requestedSize(long[] defaults, int[] st, long[] outputSize) {
        int d = defaults.length;
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
        return size.clone();
    }

    private static String rankMessage(String fn, int atenDims, int rank) {
        return "Input to " + fn + " should be a " + (atenDims + 1) + "d or " + (atenDims + 2) + "d Tensor, but got a "
                + "tensor with " + rank + " dimensions.";
    }

    /** The shape with a trailing width of one ({@code unsqueeze(-1)}). */
    private static long[] withWidth(long[] shape) {
        long[] x = Arrays.copyOf(shape, shape.length + 1);
        x[shape.length] = 1;
        return x;
    }

    /** PyTorch's name of an element type, as its messages print it. */
    static String torchName(DType type) {
        return type == DType.INT64 ? "Long" : type == DType.FLOAT32 ? "Float" : String.valueOf(type);
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
