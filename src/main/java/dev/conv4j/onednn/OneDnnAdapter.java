package dev.conv4j.onednn;

import java.util.Arrays;

import dev.conv4j.MemoryFormat;
import dev.conv4j.spec.AdaptivePoolProblem;
import dev.conv4j.spec.AdaptivePoolSpec;
import dev.conv4j.spec.ConvProblem;
import dev.conv4j.spec.ConvSpec;
import dev.conv4j.spec.PaddingMode;
import dev.conv4j.spec.PoolKind;
import dev.conv4j.spec.PoolProblem;
import dev.conv4j.spec.PoolSpec;

/**
 * The one place that translates PyTorch's conventions (as resolved by {@code dev.conv4j.spec})
 * into oneDNN's: dimensions, weight layouts, dilation, left/right padding, algorithms, and the
 * decision which problems oneDNN computes exactly as PyTorch does and which go to our own
 * kernels ({@link Route}). Pure arithmetic: nothing here touches native memory.
 */
final class OneDnnAdapter {
    private OneDnnAdapter() {
    }

    /** Which implementation computes a call. The README's operator table is {@link Routes#TABLE}. */
    enum Route {
        /** oneDNN {@code convolution_forward}. */
        ONEDNN_CONVOLUTION,
        /** Own kernel pads in reflect/replicate/circular mode, then oneDNN {@code convolution_forward}. */
        OWN_PAD_THEN_ONEDNN_CONVOLUTION,
        /** oneDNN {@code deconvolution_forward}. */
        ONEDNN_DECONVOLUTION,
        /** oneDNN {@code deconvolution_forward} into a temporary, copied by a oneDNN reorder; tail = bias. */
        ONEDNN_DECONVOLUTION_NEGATIVE_PADDING,
        /** oneDNN {@code pooling_forward} (avg include/exclude padding). */
        ONEDNN_POOLING,
        /** Own kernel {@code Kernels.pool}. */
        OWN_POOL,
        /** Own kernel {@code Kernels.adaptivePool}. */
        OWN_ADAPTIVE_POOL,
        /** Own kernel {@code Kernels.maxUnpool}. */
        OWN_MAX_UNPOOL,
        /** oneDNN int8 {@code convolution_forward} / {@code deconvolution_forward} (quantized modules). */
        ONEDNN_INT8_CONVOLUTION,
        /** Java {@code QuantizedReference}: quantized pooling, and quantized convolutions oneDNN cannot take as they are. */
        OWN_QUANTIZED_REFERENCE,
        /** Nothing to compute: empty output, or an empty input whose output is the bias. */
        NONE
    }

    // ---------------------------------------------------------------- convolution

    /** A convolution or transposed convolution in oneDNN's terms. */
    static final class ConvDesc {
        final Route route;
        final boolean transposed;
        /** Source dims {@code [N, C, spatial...]}: the padded input's when padding is done by our kernel. */
        final long[] src;
        /**
         * The part of {@link #src} the primitive reads: all of it, except along a dimension with
         * a single output position, where only the one window's extent (see {@link #conv}).
         */
        final long[] srcView;
        /** oneDNN's logical weight dims: {@code [O, I, k...]} or {@code [G, O/G, I/G, k...]}. */
        final long[] weights;
        /** Strides (elements) of PyTorch's weight tensor over {@link #weights}. */
        final long[] userWeightStrides;
        /** {@code [O]}, or null without bias. */
        final long[] bias;
        /** Destination dims the primitive computes. */
        final long[] dst;
        /** Destination dims of the caller's tensor (larger than {@link #dst} only for negative right padding). */
        final long[] userDst;
        final long[] strides;
        /** oneDNN's dilation: PyTorch's minus one. */
        final long[] dilates;
        final long[] padLeft;
        final long[] padRight;
        /** Padding our kernel applies first (non-zero padding modes), else null. */
        final int[] prePadBefore;
        final int[] prePadAfter;

        ConvDesc(Route route, boolean transposed, long[] src, long[] srcView, long[] weights, long[] userWeightStrides, long[] bias,
                long[] dst, long[] userDst, long[] strides, long[] dilates, long[] padLeft, long[] padRight,
                int[] prePadBefore, int[] prePadAfter) {
            this.route = route;
            this.transposed = transposed;
            this.src = src;
            this.srcView = srcView;
            this.weights = weights;
            this.userWeightStrides = userWeightStrides;
            this.bias = bias;
            this.dst = dst;
            this.userDst = userDst;
            this.strides = strides;
            this.dilates = dilates;
            this.padLeft = padLeft;
            this.padRight = padRight;
            this.prePadBefore = prePadBefore;
            this.prePadAfter = prePadAfter;
        }

        boolean hasSrcView() {
            return !Arrays.equals(src, srcView);
        }

        boolean hasTail() {
            return !Arrays.equals(dst, userDst);
        }

        @Override
        public String toString() {
            return route + " src=" + Arrays.toString(src) + (Arrays.equals(src, srcView) ? "" : " viewed as "
                    + Arrays.toString(srcView)) + " weights=" + Arrays.toString(weights) + " dst="
                    + Arrays.toString(dst) + " userDst=" + Arrays.toString(userDst) + " strides="
                    + Arrays.toString(strides) + " dilates=" + Arrays.toString(dilates) + " padL="
                    + Arrays.toString(padLeft) + " padR=" + Arrays.toString(padRight);
        }
    }

    /**
     * True when the call has nothing for oneDNN to do: an empty output, an input without
     * elements, or a convolution whose only window along some dimension lies in the left zero
     * padding (then every output element is the bias).
     */
    static boolean isTrivial(ConvProblem p) {
        if (product(p.batchedOutputShape()) == 0 || product(p.batchedInputShape()) == 0) {
            return true;
        }
        ConvSpec s = p.spec();
        if (!s.transposed() && s.paddingMode() == PaddingMode.ZEROS) {
            long[] out = p.outputSpatial();
            for (int i = 0; i < out.length; i++) {
                long extent = (long) s.dilation()[i] * (s.kernelSize()[i] - 1) + 1;
                if (out[i] == 1 && extent <= p.padBefore()[i]) {
                    return true;
                }
            }
        }
        return false;
    }

    /** True when some output window of a zero-padded convolution lies wholly in the padding. */
    static boolean windowInPadding(ConvProblem p) {
        ConvSpec s = p.spec();
        for (int i = 0; i < s.dims(); i++) {
            long extent = (long) s.dilation()[i] * (s.kernelSize()[i] - 1) + 1;
            if (p.padBefore()[i] >= extent || p.padAfter()[i] >= extent) {
                return true;
            }
        }
        return false;
    }

    /**
     * Largest dilation given to oneDNN: oneDNN 3.8.1's brgemm convolution divides by zero
     * (SIGFPE) for dilations near 2^31, from its 32-bit arithmetic; 2^30 works.
     */
    static final int MAX_DILATION = 1 << 30;

    static ConvDesc conv(ConvProblem p) {
        ConvSpec s = p.spec();
        int d = s.dims();
        for (int dil : s.dilation()) {
            if (dil > MAX_DILATION) {
                throw new IllegalArgumentException("the oneDNN backend supports dilation up to " + MAX_DILATION
                        + ", but got dilation=" + java.util.Arrays.toString(s.dilation())
                        + "; use the reference backend for this layer");
            }
        }
        int g = s.groups();
        long n = p.batch();
        long in = s.inChannels();
        long out = s.outChannels();
        long[] k = toLong(s.kernelSize());
        long kVolume = product(k);

        long[] strides = toLong(s.stride());
        // oneDNN counts dilation from 0 (0 = dense kernel); PyTorch from 1.
        long[] dilates = new long[d];
        for (int i = 0; i < d; i++) {
            dilates[i] = s.dilation()[i] - 1L;
        }
        int[] before = p.padBefore();
        int[] after = p.padAfter();

        // Weights: oneDNN's logical order is always (G,) O, I, k...; PyTorch's memory differs for
        // transposed convolutions ([in, out/groups, k...]), described here by strides so a reorder
        // at prepare time brings them into the layout the primitive chose.
        long og = out / g;
        long ig = in / g;
        long[] weights;
        long[] wStrides;
        long[] kStrides = Dnnl.denseStrides(k);
        if (!s.transposed()) {
            // PyTorch [O, I/G, k...] = (G, O/G, I/G, k...) contiguous.
            weights = g == 1 ? concat(new long[] {out, in}, k) : concat(new long[] {g, og, ig}, k);
            wStrides = Dnnl.denseStrides(weights);
        } else {
            // PyTorch [I, O/G, k...] = memory order (G, I/G, O/G, k...).
            if (g == 1) {
                weights = concat(new long[] {out, in}, k);
                wStrides = concat(new long[] {kVolume, out * kVolume}, kStrides);
            } else {
                weights = concat(new long[] {g, og, ig}, k);
                wStrides = concat(new long[] {ig * og * kVolume, kVolume, og * kVolume}, kStrides);
            }
        }
        long[] bias = s.bias() ? new long[] {out} : null;
        long[] userDst = p.batchedOutputShape();

        if (!s.transposed()) {
            long[] srcSpatial = p.inputSpatial();
            long[] padL = new long[d];
            long[] padR = new long[d];
            int[] preBefore = null;
            int[] preAfter = null;
            Route route = Route.ONEDNN_CONVOLUTION;
            if (s.paddingMode() != PaddingMode.ZEROS || windowInPadding(p)) {
                // Our kernel pads in the mode; the convolution then runs without padding. Also for
                // zero padding at least as wide as the dilated kernel: oneDNN 3.8.1's brg_conv_fwd
                // crashes (SIGSEGV in perform_outwork) on output windows lying wholly in the padding.
                route = Route.OWN_PAD_THEN_ONEDNN_CONVOLUTION;
                preBefore = before;
                preAfter = after;
                for (int i = 0; i < d; i++) {
                    srcSpatial[i] += before[i] + after[i];
                }
            } else {
                // Asymmetric padding ('same' with an even kernel) maps directly to left/right padding.
                for (int i = 0; i < d; i++) {
                    padL[i] = before[i];
                    padR[i] = after[i];
                }
            }
            long[] src = concat(new long[] {n, in}, srcSpatial);
            // A dimension with a single output position reads one window whatever the stride:
            // oneDNN gets stride 1 there. Reason: brg_conv_fwd of oneDNN 3.8.1 computes wrong
            // values with one input channel, output width 1 and stride > 1. Where the window
            // ends before the input does, the primitive reads a dense copy of the part the
            // window covers (a oneDNN reorder), as the negative right padding that would cut
            // the rest off is refused, and a strided view of the input makes oneDNN fall back
            // to its reference implementation.
            long[] srcView = src.clone();
            long[] outSpatial = p.outputSpatial();
            for (int i = 0; i < d; i++) {
                if (outSpatial[i] == 1 && strides[i] > 1) {
                    long extent = (dilates[i] + 1) * (k[i] - 1) + 1;
                    strides[i] = 1;
                    long reach = extent - padL[i];
                    if (reach <= srcSpatial[i]) {
                        srcView[2 + i] = reach;
                        padR[i] = 0;
                    } else {
                        padR[i] = reach - srcSpatial[i];
                    }
                }
            }
            return new ConvDesc(route, false, src, srcView, weights, wStrides, bias, userDst, userDst, strides, dilates,
                    padL, padR, preBefore, preAfter);
        }

        // Transposed: PyTorch's padding is oneDNN's left padding; the right padding is
        // padding - output_padding (ConvProblem.padAfter), which oneDNN refuses when negative. Then
        // the primitive computes the output with right padding 0, whose size is smaller by
        // -padAfter; the positions beyond it are reached by no input element (o = i*stride -
        // padBefore + k*dilation is at most the last position of the smaller output), so they
        // hold just the bias.
        long[] padL = new long[d];
        long[] padR = new long[d];
        long[] dst = userDst.clone();
        boolean negative = false;
        for (int i = 0; i < d; i++) {
            padL[i] = before[i];
            padR[i] = Math.max(after[i], 0);
            if (after[i] < 0) {
                negative = true;
                dst[2 + i] = userDst[2 + i] + after[i];
            }
        }
        long[] src = p.batchedInputShape();
        Route route = negative ? Route.ONEDNN_DECONVOLUTION_NEGATIVE_PADDING : Route.ONEDNN_DECONVOLUTION;
        return new ConvDesc(route, true, src, src, weights, wStrides, bias, dst, userDst, strides, dilates, padL, padR,
                null, null);
    }

    /**
     * Output rows {@code [outFirst, outEnd)} of the outermost spatial dimension of a plain-route
     * convolution {@code d} (no padding of our own, no source view, no tail) as a convolution of
     * its own: the input rows those outputs read, {@code [inFirst, inFirst + desc.src[2])}, with
     * the padding that falls in the band (the full padding at the edges, none inside).
     */
    record RowBand(long inFirst, long outFirst, ConvDesc desc) {
    }

    /** The band of output rows {@code [outFirst, outEnd)} of {@code d}, or null if it reads no input row. */
    static RowBand rowBand(ConvDesc d, long outFirst, long outEnd) {
        int dims = d.src.length - 2;
        long kernel = d.weights[d.weights.length - dims];
        long start = outFirst * d.strides[0] - d.padLeft[0];
        long end = (outEnd - 1) * d.strides[0] - d.padLeft[0] + (kernel - 1) * (d.dilates[0] + 1) + 1;
        long inFirst = Math.max(0, start);
        long inEnd = Math.min(d.src[2], end);
        if (inEnd <= inFirst) {
            return null;
        }
        long[] src = d.src.clone();
        src[2] = inEnd - inFirst;
        long[] dst = d.dst.clone();
        dst[2] = outEnd - outFirst;
        long[] padLeft = d.padLeft.clone();
        padLeft[0] = inFirst - start;
        long[] padRight = d.padRight.clone();
        padRight[0] = end - inEnd;
        return new RowBand(inFirst, outFirst, new ConvDesc(d.route, false, src, src, d.weights, d.userWeightStrides,
                d.bias, dst, dst, d.strides, d.dilates, padLeft, padRight, null, null));
    }

    // ---------------------------------------------------------------- pooling

    /** A pooling in oneDNN's terms. */
    static final class PoolDesc {
        /** {@code dnnl_pooling_*} algorithm. */
        final int algorithm;
        final long[] src;
        final long[] dst;
        final long[] strides;
        final long[] kernel;
        /** oneDNN's dilation: PyTorch's minus one. */
        final long[] dilates;
        final long[] padLeft;
        final long[] padRight;

        PoolDesc(int algorithm, long[] src, long[] dst, long[] strides, long[] kernel, long[] dilates, long[] padLeft,
                long[] padRight) {
            this.algorithm = algorithm;
            this.src = src;
            this.dst = dst;
            this.strides = strides;
            this.kernel = kernel;
            this.dilates = dilates;
            this.padLeft = padLeft;
            this.padRight = padRight;
        }

        /**
         * What the primitive of this descriptor depends on, with the thread count and memory
         * format it is made for: a cache key that is cheap to build on every call.
         */
        PlanKey planKey(int threads, MemoryFormat format) {
            long[][] parts = {src, dst, strides, kernel, dilates, padLeft, padRight};
            int length = 3;
            for (long[] v : parts) {
                length += v.length;
            }
            long[] key = new long[length]; // the rank fixes every part's length: no two splits collide
            key[0] = algorithm;
            key[1] = threads;
            key[2] = format.ordinal();
            int at = 3;
            for (long[] v : parts) {
                System.arraycopy(v, 0, key, at, v.length);
                at += v.length;
            }
            return new PlanKey(key);
        }

        @Override
        public String toString() {
            return "alg=" + algorithm + " src=" + Arrays.toString(src) + " dst=" + Arrays.toString(dst) + " k="
                    + Arrays.toString(kernel) + " strides=" + Arrays.toString(strides) + " dilates="
                    + Arrays.toString(dilates) + " padL=" + Arrays.toString(padLeft) + " padR="
                    + Arrays.toString(padRight);
        }
    }

    /**
     * Where a pooling call runs. oneDNN computes average pooling exactly as PyTorch (up to
     * summation order) unless a divisor override is given, or count_include_pad meets a ceil-mode
     * window that overhangs the padded input (oneDNN counts the overhang in the divisor,
     * PyTorch does not). Max pooling always runs on our kernel: oneDNN's max does not propagate
     * NaN and returns no indices, and detecting NaN first would cost another full read of the
     * input, as much memory traffic as the pooling itself. LP pooling has no oneDNN primitive.
     */
    static Route route(PoolProblem p) {
        if (p.batch() == 0) {
            return Route.NONE;
        }
        PoolSpec s = p.spec();
        if (s.kind() != PoolKind.AVG || s.divisorOverride() != null) {
            return Route.OWN_POOL;
        }
        if (s.countIncludePad()) {
            long[] padR = poolRightPadding(p);
            int[] pad = s.padding();
            for (int i = 0; i < padR.length; i++) {
                if (padR[i] > pad[i]) {
                    return Route.OWN_POOL;
                }
            }
        }
        return Route.ONEDNN_POOLING;
    }

    /** The oneDNN description of a call that {@link #route(PoolProblem)} sends to oneDNN. */
    static PoolDesc pool(PoolProblem p) {
        PoolSpec s = p.spec();
        int d = s.dims();
        long[] dilates = new long[d];
        for (int i = 0; i < d; i++) {
            // oneDNN counts dilation from 0 (0 = dense window); PyTorch from 1.
            dilates[i] = s.dilation()[i] - 1L;
        }
        int algorithm = s.kind() == PoolKind.MAX ? dnnlMax()
                : s.countIncludePad() ? dnnlAvgInclude() : dnnlAvgExclude();
        long[] src = concat(new long[] {p.batch(), p.channels()}, p.inputSpatial());
        long[] dst = concat(new long[] {p.batch(), p.channels()}, p.outputSpatial());
        return new PoolDesc(algorithm, src, dst, toLong(s.stride()), toLong(s.kernelSize()), dilates,
                toLong(s.padding()), poolRightPadding(p));
    }

    /**
     * Right padding that makes oneDNN's floor formula produce PyTorch's output size: the padding
     * itself in floor mode, more where ceil mode adds a last window. It stays below the window
     * extent because PyTorch's last window starts inside the input or the left padding.
     */
    static long[] poolRightPadding(PoolProblem p) {
        PoolSpec s = p.spec();
        int d = s.dims();
        long[] in = p.inputSpatial();
        long[] out = p.outputSpatial();
        long[] padR = new long[d];
        for (int i = 0; i < d; i++) {
            long extent = (long) s.dilation()[i] * (s.kernelSize()[i] - 1) + 1;
            long needed = (out[i] - 1) * s.stride()[i] + extent - in[i] - s.padding()[i];
            padR[i] = Math.max(s.padding()[i], needed);
        }
        return padR;
    }

    /**
     * Adaptive average pooling runs on oneDNN when every output size divides its input size:
     * then PyTorch's windows {@code [floor(i*in/out), ceil((i+1)*in/out))} are exactly a pooling
     * with kernel = stride = in/out and no padding (e.g. global average pooling). Everything
     * else, and adaptive max pooling (NaN, indices), runs on our kernel.
     */
    static Route route(AdaptivePoolProblem p) {
        if (p.batch() == 0 || product(p.outputSpatial()) == 0) {
            return Route.NONE;
        }
        AdaptivePoolSpec s = p.spec();
        if (s.kind() != PoolKind.AVG) {
            return Route.OWN_ADAPTIVE_POOL;
        }
        long[] in = p.inputSpatial();
        long[] out = p.outputSpatial();
        for (int i = 0; i < in.length; i++) {
            if (in[i] % out[i] != 0) {
                return Route.OWN_ADAPTIVE_POOL;
            }
        }
        return Route.ONEDNN_POOLING;
    }

    static PoolDesc adaptivePool(AdaptivePoolProblem p) {
        long[] in = p.inputSpatial();
        long[] out = p.outputSpatial();
        int d = in.length;
        long[] kernel = new long[d];
        for (int i = 0; i < d; i++) {
            kernel[i] = in[i] / out[i];
        }
        long[] src = concat(new long[] {p.batch(), p.channels()}, in);
        long[] dst = concat(new long[] {p.batch(), p.channels()}, out);
        return new PoolDesc(dnnlAvgExclude(), src, dst, kernel, kernel, new long[d], new long[d], new long[d]);
    }

    private static int dnnlMax() {
        return org.bytedeco.dnnl.global.dnnl.dnnl_pooling_max;
    }

    private static int dnnlAvgInclude() {
        return org.bytedeco.dnnl.global.dnnl.dnnl_pooling_avg_include_padding;
    }

    private static int dnnlAvgExclude() {
        return org.bytedeco.dnnl.global.dnnl.dnnl_pooling_avg_exclude_padding;
    }

    // ---------------------------------------------------------------- helpers

    static long product(long[] v) {
        long n = 1;
        for (long x : v) {
            n = Math.multiplyExact(n, x);
        }
        return n;
    }

    static long[] toLong(int[] v) {
        return Arrays.stream(v).asLongStream().toArray();
    }

    static long[] concat(long[] a, long[] b) {
        long[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
