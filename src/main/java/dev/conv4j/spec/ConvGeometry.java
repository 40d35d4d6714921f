package dev.conv4j.spec;

import java.util.Arrays;

/**
 * PyTorch's shape rules for convolutions and transposed convolutions: argument checks, output
 * sizes, 'same' padding, the transposed {@code output_size} range, and PyTorch's error messages.
 * The one place both backends and every test take these numbers from.
 */
public final class ConvGeometry {
    private ConvGeometry() {
    }

    /** Parses {@code padding='same'|'valid'} with PyTorch's message for anything else. */
    static ConvSpec.PaddingType parsePaddingString(String value, boolean transposed, int dims) {
        if (transposed) {
            // PyTorch accepts the string in the constructor and fails in forward with this TypeError.
            throw new IllegalArgumentException("conv_transpose" + dims + "d(): argument 'padding' (position 5) must be "
                    + "tuple of ints, not tuple");
        }
        if ("same".equals(value)) {
            return ConvSpec.PaddingType.SAME;
        }
        if ("valid".equals(value)) {
            return ConvSpec.PaddingType.VALID;
        }
        // PyTorch prints a Python set here; this is its order under PYTHONHASHSEED=0.
        throw new IllegalArgumentException("Invalid padding string '" + value
                + "', should be one of {'same', 'valid'}");
    }

    /** The constructor-time checks of torch.nn's {@code _ConvNd}, then the argument checks of ATen. */
    static void checkSpec(ConvSpec s) {
        if (s.groups() <= 0) {
            throw new IllegalArgumentException("groups must be a positive integer");
        }
        if (s.inChannels() % s.groups() != 0) {
            throw new IllegalArgumentException("in_channels must be divisible by groups");
        }
        if (s.outChannels() % s.groups() != 0) {
            throw new IllegalArgumentException("out_channels must be divisible by groups");
        }
        if (s.paddingType() == ConvSpec.PaddingType.SAME && Arrays.stream(s.stride()).anyMatch(v -> v != 1)) {
            throw new IllegalArgumentException("padding='same' is not supported for strided convolutions");
        }
        if (s.transposed() && s.paddingMode() != PaddingMode.ZEROS) {
            throw new IllegalArgumentException("Only \"zeros\" padding mode is supported for " + s.opName());
        }
        if (s.inChannels() < 0 || s.outChannels() < 0) {
            throw new IllegalArgumentException("in_channels and out_channels must be non-negative, but got in_channels="
                    + s.inChannels() + " and out_channels=" + s.outChannels());
        }
        checkArguments(s);
    }

    /**
     * The checks of kernel_size, padding, stride and dilation, in PyTorch's order: a negative
     * kernel size fails when torch.nn allocates the weight, then {@code check_shape_forward}
     * checks padding, stride and groups, then the CPU kernel ATen picks checks the rest (see
     * {@code checkKernel}).
     */
    static void checkArguments(ConvSpec s) {
        if (Arrays.stream(s.kernelSize()).anyMatch(v -> v < 0)) {
            // PyTorch fails allocating the weight ("Trying to create tensor with negative dimension")
            throw new IllegalArgumentException("kernel_size should be greater than zero, but got kernel_size="
                    + Tuples.tuple(s.kernelSize()));
        }
        if (Arrays.stream(s.padding()).anyMatch(v -> v < 0)) {
            throw new IllegalArgumentException("negative padding is not supported");
        }
        if (Arrays.stream(s.outputPadding()).anyMatch(v -> v < 0)) {
            throw new IllegalArgumentException("negative output_padding is not supported");
        }
        if (Arrays.stream(s.stride()).anyMatch(v -> v <= 0)) {
            throw new IllegalArgumentException("non-positive stride is not supported");
        }
        long[] w = s.weightShape();
        if (w[0] < s.groups()) {
            throw new IllegalArgumentException("Given groups=" + s.groups() + ", expected weight to be at least "
                    + s.groups() + " at dimension 0, but got weight of size " + Tuples.list(w) + " instead");
        }
        checkKernel(s);
    }

    /**
     * The checks of the CPU kernel ATen runs for a batch of one: {@code slow_conv_dilated} when
     * any dilation is not 1, else {@code thnn_conv2d} / {@code slow_conv3d}, and
     * {@code slow_conv_transpose2d/3d} for transposed convolutions. 1d runs as 2d with a height of
     * one (kernel 1, stride 1, dilation 1, output_padding 0).
     */
    private static void checkKernel(ConvSpec s) {
        int[] k = as2d(s.kernelSize(), 1);
        int[] dil = as2d(s.dilation(), 1);
        boolean zeroKernel = Arrays.stream(k).anyMatch(v -> v <= 0);
        boolean badDilation = Arrays.stream(dil).anyMatch(v -> v <= 0);
        if (!s.transposed()) {
            if (Arrays.stream(dil).anyMatch(v -> v != 1)) {
                check(!zeroKernel, "kernel size should be greater than zero, but got " + Tuples.list(k));
                check(!badDilation, "dilation should be greater than zero, but got " + Tuples.list(dil));
            } else if (s.dims() == 3) {
                check(!zeroKernel, "kernel size should be greater than zero, but got: "
                        + Tuples.times(Arrays.stream(k).asLongStream().toArray()) + " (TxHxW)");
            } else {
                check(!zeroKernel, "kernel size should be greater than zero, but got " + perDim("kernel_", k, " "));
            }
            return;
        }
        if (s.dims() != 3) {
            check(!zeroKernel, "kernel size should be greater than zero, but got " + perDim("kernel_", k, " "));
        }
        check(!badDilation, "dilation should be greater than zero, but got " + perDim("dilation_", dil, ", "));
        for (int i = 0; i < s.dims(); i++) {
            int op = s.outputPadding()[i];
            if (op >= s.stride()[i] && op >= s.dilation()[i]) {
                throw new IllegalArgumentException(outputPaddingMessage(s));
            }
        }
        check(!zeroKernel, "non-empty 5D (n_output_plane x n_input_plane x kernel_depth x kernel_height x "
                + "kernel_width) tensor expected for weight, but got: " + Tuples.list(s.weightShape()));
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** ATen runs 1d as 2d with a height of one: prepends that height's value. */
    private static int[] as2d(int[] v, int height) {
        return v.length == 1 ? new int[] {height, v[0]} : v;
    }

    /** ATen's {@code kernel_height: 3 kernel_width: 3} style, with depth, height and width names. */
    private static String perDim(String prefix, int[] v, String separator) {
        String[] names = v.length == 3 ? new String[] {"depth", "height", "width"} : new String[] {"height", "width"};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : separator).append(prefix).append(names[i]).append(": ").append(v[i]);
        }
        return sb.toString();
    }

    private static String outputPaddingMessage(ConvSpec s) {
        return "output padding must be smaller than either stride or dilation, but got "
                + perDim("output_padding_", as2d(s.outputPadding(), 0), " ") + " "
                + perDim("stride_", as2d(s.stride(), 1), " ") + " "
                + perDim("dilation_", as2d(s.dilation(), 1), " ");
    }

    /** ATen's function name for this op, used in rank messages: {@code conv2d}, {@code conv_transpose2d}. */
    static String functionName(ConvSpec s) {
        return (s.transposed() ? "conv_transpose" : "conv") + s.dims() + "d";
    }

    /**
     * Resolves one forward call: checks the input against the spec and computes the output size
     * and padding.
     *
     * @param inputShape the input's shape, batched {@code [N, C, ...]} or unbatched {@code [C, ...]}
     * @param outputSize the transposed convolution's forward {@code output_size} (spatial sizes,
     *     optionally preceded by the batch and channel sizes, as PyTorch accepts it), or null
     */
    public static ConvProblem forward(ConvSpec s, long[] inputShape, long[] outputSize) {
        int d = s.dims();
        if (outputSize != null && !s.transposed()) {
            throw new IllegalArgumentException("output_size is only accepted by transposed convolutions");
        }
        int[] padBefore = modePadding(s, true);
        int[] padAfter = modePadding(s, false);
        if (!s.transposed() && s.paddingMode() != PaddingMode.ZEROS) {
            // torch.nn pads with F.pad before the convolution checks anything else
            PadGeometry.check(s.paddingMode(), inputShape, padBefore, padAfter);
        }
        // torch.nn turns a transposed convolution's output_size into output_padding before ATen
        // checks the input's rank
        int[] outputPadding = s.outputPadding();
        if (outputSize != null) {
            int[] fromSize = transposedOutputPadding(s, inputShape, outputSize);
            outputPadding = fromSize != null ? fromSize : outputPadding;
        }
        boolean batched = inputShape.length == d + 2;
        if (!batched && inputShape.length != d + 1) {
            throw new IllegalArgumentException("Expected " + (d + 1) + "D (unbatched) or " + (d + 2)
                    + "D (batched) input to " + functionName(s) + ", but got input of size: " + Tuples.list(inputShape));
        }
        long[] in = batched ? inputShape.clone() : prepend(1, inputShape);
        long batch = in[0];
        long[] spatial = Arrays.copyOfRange(in, 2, in.length);
        long[] seen = atenInput(s, in, padBefore, padAfter);
        long[] weight = s.weightShape();
        long expectedChannels = s.inChannels();
        if (in[1] != expectedChannels) {
            throw new IllegalArgumentException((s.transposed() ? "Given transposed=1" : "Given groups=" + s.groups())
                    + ", weight of size " + Tuples.list(weight) + ", expected input" + Tuples.list(seen) + " to have "
                    + expectedChannels + " channels, but got " + in[1] + " channels instead");
        }
        int[] k = s.kernelSize();
        int[] dil = s.dilation();
        int[] stride = s.stride();
        long[] out = new long[d];
        if (!s.transposed()) {
            long[] padded = new long[d];
            long[] effective = new long[d];
            boolean fits = true;
            for (int i = 0; i < d; i++) {
                padded[i] = spatial[i] + padBefore[i] + padAfter[i];
                effective[i] = (long) dil[i] * (k[i] - 1) + 1;
                fits &= padded[i] >= effective[i];
            }
            if (!fits) {
                throw new IllegalArgumentException("Calculated padded input size per channel: (" + Tuples.times(padded)
                        + "). Kernel size: (" + Tuples.times(effective)
                        + "). Kernel size can't be greater than actual input size");
            }
            checkEmpty(seen);
            for (int i = 0; i < d; i++) {
                out[i] = (padded[i] - effective[i]) / stride[i] + 1;
            }
        } else {
            checkEmpty(seen);
            for (int i = 0; i < d; i++) {
                padBefore[i] = s.padding()[i];
                padAfter[i] = s.padding()[i] - outputPadding[i];
                out[i] = (spatial[i] - 1) * stride[i] - 2L * s.padding()[i] + (long) dil[i] * (k[i] - 1) + 1
                        + outputPadding[i];
            }
            // a batch of zero (or zero channels) skips the kernel and its check: an empty output is fine
            long smallest = in[0] == 0 || in[1] == 0 ? 0 : 1;
            if (Arrays.stream(out).anyMatch(v -> v < smallest)) {
                // ATen runs 1d as 2d with a height of 1
                String prefix = d == 1 ? "1 x " : "";
                throw new IllegalArgumentException("Given input size per channel: (" + prefix + Tuples.times(spatial)
                        + "). Calculated output size per channel: (" + prefix + Tuples.times(out)
                        + "). Output size is too small");
            }
        }
        checkElementCount(ConvProblem.shape(batch, s.outChannels(), out, true));
        return new ConvProblem(s, batched, batch, spatial, out, padBefore, padAfter);
    }

    /**
     * The input as ATen's convolution sees it, for its messages: batched, padded by F.pad for a
     * non-zero padding mode, and padded on the right by the odd element of an asymmetric 'same'
     * padding.
     */
    private static long[] atenInput(ConvSpec s, long[] in, int[] padBefore, int[] padAfter) {
        long[] seen = in.clone();
        for (int i = 0; i < s.dims(); i++) {
            if (!s.transposed() && s.paddingMode() != PaddingMode.ZEROS) {
                seen[2 + i] += (long) padBefore[i] + padAfter[i];
            } else if (s.paddingType() == ConvSpec.PaddingType.SAME) {
                seen[2 + i] += (long) padAfter[i] - padBefore[i];
            }
        }
        return seen;
    }

    /**
     * ATen sends an input with a batch and channels but an empty spatial dimension to no kernel:
     * it refuses it ({@code _select_conv_backend}, after viewing 1d as 2d with a height of one).
     */
    private static void checkEmpty(long[] seen) {
        if (seen[0] != 0 && seen[1] != 0 && Arrays.stream(seen).anyMatch(v -> v == 0)) {
            long[] shape = seen.length == 3 ? new long[] {seen[0], seen[1], 1, seen[2]} : seen;
            throw new IllegalArgumentException("Only zero batch or zero channel inputs are supported, but got input "
                    + "shape: " + Tuples.list(shape));
        }
    }

    /**
     * Padding before (or after) each dimension: 'same' splits {@code dilation * (kernel - 1)}
     * with the odd element after. Computed in 64 bits (the total reaches 2**32 for huge
     * dilations); refused when one side does not fit an int.
     */
    static int[] modePadding(ConvSpec s, boolean before) {
        int[] pad = new int[s.dims()];
        for (int i = 0; i < s.dims(); i++) {
            if (s.paddingType() == ConvSpec.PaddingType.SAME) {
                long total = (long) s.dilation()[i] * (s.kernelSize()[i] - 1L);
                long side = before ? total / 2 : total - total / 2;
                if (side > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("padding='same' needs " + side + " elements of padding on one "
                            + "side of dimension " + i + " (dilation " + s.dilation()[i] + ", kernel_size "
                            + s.kernelSize()[i] + "), more than the supported maximum of " + Integer.MAX_VALUE);
                }
                pad[i] = (int) side;
            } else {
                pad[i] = s.padding()[i];
            }
        }
        return pad;
    }

    /**
     * torch.nn's {@code _ConvTransposeNd._output_padding}: output_padding from a requested
     * output_size, with its messages. Null when PyTorch would fail indexing an input of too low a
     * rank (the rank check then refuses it).
     */
    private static int[] transposedOutputPadding(ConvSpec s, long[] inputShape, long[] requested) {
        int d = s.dims();
        int nonSpatial = inputShape.length == d + 2 ? 2 : 1;
        long[] size = requested.length == nonSpatial + d ? Arrays.copyOfRange(requested, nonSpatial, requested.length)
                : requested;
        if (size.length != d) {
            throw new IllegalArgumentException("ConvTranspose" + d + "D: for " + inputShape.length + "D input, "
                    + "output_size must have " + d + " or " + (nonSpatial + d) + " elements (got " + requested.length + ")");
        }
        if (inputShape.length < nonSpatial + d) {
            return null;
        }
        long[] min = new long[d];
        long[] max = new long[d];
        for (int i = 0; i < d; i++) {
            min[i] = (inputShape[nonSpatial + i] - 1) * s.stride()[i] - 2L * s.padding()[i]
                    + (long) s.dilation()[i] * (s.kernelSize()[i] - 1) + 1;
            max[i] = min[i] + s.stride()[i] - 1;
        }
        int[] result = new int[d];
        for (int i = 0; i < d; i++) {
            if (size[i] < min[i] || size[i] > max[i]) {
                // PyTorch prints input.size()[2:], whatever the input's rank.
                long[] tail = Arrays.copyOfRange(inputShape, Math.min(2, inputShape.length), inputShape.length);
                throw new IllegalArgumentException("requested an output size of " + Tuples.list(size)
                        + ", but valid sizes range from " + Tuples.list(min) + " to " + Tuples.list(max)
                        + " (for an input of torch.Size(" + Tuples.list(tail) + "))");
            }
            result[i] = (int) (size[i] - min[i]);
        }
        return result;
    }

    /** Refuses shapes whose element count overflows before anything is allocated. */
    public static void checkElementCount(long[] shape) {
        long n = 1;
        for (long v : shape) {
            try {
                n = Math.multiplyExact(n, v);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("output of shape " + Tuples.list(shape) + " has too many elements");
            }
        }
    }

    /**
     * The FLOPs of one call as the benchmark counts them (benchdnn's convention): two per
     * multiply-add whose input lies inside the input, so padding taps do not count. Per
     * dimension that is the number of (output position, kernel tap) pairs reading inside the
     * input (for a transposed convolution: (input position, tap) pairs writing inside the output).
     */
    public static double flops(ConvProblem p) {
        ConvSpec s = p.spec();
        int[] k = s.kernelSize();
        double pairs = 1;
        for (int d = 0; d < k.length; d++) {
            long in = p.inputSpatial()[d];
            long out = p.outputSpatial()[d];
            long dimPairs = 0;
            for (int j = 0; j < k[d]; j++) {
                long offset = (long) j * s.dilation()[d] - p.padBefore()[d];
                dimPairs += s.transposed() ? positions(in, s.stride()[d], offset, out - 1)
                        : positions(out, s.stride()[d], offset, in - 1);
            }
            pairs *= dimPairs;
        }
        double perPair = s.transposed() ? (double) s.inChannels() * (s.outChannels() / s.groups())
                : (double) s.outChannels() * (s.inChannels() / s.groups());
        return 2 * p.batch() * perPair * pairs;
    }

    /** How many x in [0, n) have 0 <= x * stride + offset <= last. */
    private static long positions(long n, int stride, long offset, long last) {
        long lo = Math.max(0, Math.floorDiv(-offset + stride - 1, stride));
        long hi = Math.min(n - 1, Math.floorDiv(last - offset, stride));
        return Math.max(0, hi - lo + 1);
    }

    static long[] prepend(long v, long[] a) {
        long[] out = new long[a.length + 1];
        out[0] = v;
        System.arraycopy(a, 0, out, 1, a.length);
        return out;
    }
}
