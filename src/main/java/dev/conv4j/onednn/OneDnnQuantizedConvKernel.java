package dev.conv4j.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;

import dev.conv4j.DType;
import dev.conv4j.MemoryFormat;
import dev.conv4j.Tensor;
import dev.conv4j.backend.QuantizedConvKernel;
import dev.conv4j.reference.QuantizedReference;
import dev.conv4j.spec.ConvProblem;
import dev.conv4j.spec.ConvSpec;
import dev.conv4j.spec.PaddingMode;
import dev.conv4j.spec.QuantizedConvSpec;

/**
 * A quantized convolution or transposed convolution on oneDNN's int8 primitives: u8 source with
 * its zero point, s8 weights with per-tensor or per-output-channel scales, f32 bias, u8
 * destination with the module's scale and zero point, and a ReLU post-op for ConvReLU (see
 * {@link Dnnl#createInt8Attr}). Source, weights and destination are created with
 * {@code format_tag::any}, so oneDNN chooses its fast blocked or channels-last layouts (VNNI/AMX
 * kernels); the caller's tensors are reordered into them and back by oneDNN reorders, and the
 * weights once per chosen layout. One plan per resolved problem shape and thread count.
 *
 * <p>The source zero point is folded out of convolutions: oneDNN 3.8.1's int8 brgemm
 * convolution runs 2-3 times slower with a source zero point attribute. The source is instead
 * padded explicitly with its zero point (the real value 0) into a channels-last buffer, so that
 * every window covers {@code K} real taps and {@code acc = sum(src * wei) - src_zp * sum(wei)};
 * the second term, constant per output channel, goes into the bias of the call:
 * {@code bias'[oc] = bias[oc] - src_zp * src_scale * wei_scale[oc] * sum(wei[oc])}. Transposed
 * convolutions keep the attribute (their windows differ per output position).
 *
 * <p>Calls oneDNN's convolution cannot take as they are (reflect padding, a window wholly in the
 * zero padding, a strided dimension with a single output: see {@link OneDnnAdapter#conv}) run on
 * {@link QuantizedReference}, route {@link OneDnnAdapter.Route#OWN_QUANTIZED_REFERENCE}.
 */
final class OneDnnQuantizedConvKernel implements QuantizedConvKernel {
    private final OneDnnRuntime runtime;
    private final dnnl_engine engine;
    private final QuantizedConvSpec spec;
    private final Tensor weight;
    private final Tensor bias;
    private final double[] weightScales;
    /** Weight scales (f32, one or per output channel), destination scale and zero point: fixed per kernel. */
    private final FloatPointer weightScaleData;
    private final FloatPointer dstScaleData;
    private final IntPointer dstZeroPointData;
    private final QuantizedConvKernel fallback;
    /** Per output channel, the sum of its integer weights (for the zero-point fold); null when transposed. */
    private final long[] weightSums;
    private final PlanCache<Int8Plan> plans = new PlanCache<>(OneDnnConvKernel.CACHE_CAPACITY);
    private final AtomicBoolean closed = new AtomicBoolean();

    OneDnnQuantizedConvKernel(OneDnnRuntime runtime, QuantizedConvSpec spec, Tensor weight, double[] weightScales,
            Tensor bias) {
        this.runtime = runtime;
        this.engine = runtime.engine();
        this.spec = spec;
        this.weight = weight;
        this.bias = bias;
        this.weightScales = weightScales.clone();
        this.fallback = QuantizedReference.INSTANCE.prepareConv(spec, weight, weightScales, bias);
        this.weightSums = foldsZeroPoint() ? weightSums(weight, spec.conv().outChannels()) : null;
        float[] ws = new float[weightScales.length];
        for (int i = 0; i < ws.length; i++) {
            ws[i] = (float) weightScales[i];
        }
        this.weightScaleData = Dnnl.detached(new FloatPointer(ws));
        this.dstScaleData = Dnnl.detached(new FloatPointer(new float[] {(float) spec.scale()}));
        this.dstZeroPointData = Dnnl.detached(new IntPointer(new int[] {(int) spec.zeroPoint()}));
    }

    private static long[] weightSums(Tensor weight, int outChannels) {
        byte[] w = weight.toByteArray();
        long[] sums = new long[outChannels];
        int per = outChannels == 0 ? 0 : w.length / outChannels;
        for (int i = 0; i < w.length; i++) {
            sums[i / per] += w[i];
        }
        return sums;
    }

    /** Whether oneDNN's primitive computes the call (else the reference does). */
    static boolean onOneDnn(ConvProblem p) {
        if (p.spec().paddingMode() != PaddingMode.ZEROS || OneDnnAdapter.isTrivial(p)) {
            return false;
        }
        OneDnnAdapter.ConvDesc d = OneDnnAdapter.conv(p);
        // a window wholly in the zero padding is fine: convolutions pad explicitly (see the class comment)
        return !d.hasSrcView() && !d.hasTail();
    }

    /** Whether the convolution pads its source explicitly with the zero point (any padding, not transposed). */
    private static boolean padsExplicitly(ConvProblem p) {
        return !p.spec().transposed() && (Arrays.stream(p.padBefore()).anyMatch(v -> v > 0)
                || Arrays.stream(p.padAfter()).anyMatch(v -> v > 0));
    }

    /** The source dims the primitive reads: the input's, plus the explicit padding. */
    private static long[] primitiveSrc(ConvProblem p) {
        long[] src = p.batchedInputShape();
        if (padsExplicitly(p)) {
            for (int i = 2; i < src.length; i++) {
                src[i] += (long) p.padBefore()[i - 2] + p.padAfter()[i - 2];
            }
        }
        return src;
    }

    @Override
    public void forward(ConvProblem problem, Tensor input, double inputScale, long inputZeroPoint, Tensor output) {
        if (closed.get()) {
            throw new IllegalStateException("the prepared quantized " + spec.opName() + " kernel is closed");
        }
        if (!problem.spec().equals(spec.conv())) {
            throw new IllegalArgumentException("the problem's spec " + problem.spec()
                    + " is not the one the kernel was prepared for: " + spec);
        }
        if (!onOneDnn(problem)) {
            fallback.forward(problem, input, inputScale, inputZeroPoint, output);
            return;
        }
        runtime.applyThreads();
        MemoryFormat in = input.memoryFormat();
        MemoryFormat out = output.memoryFormat();
        Int8Plan plan = plans.acquire(Arrays.asList(problem.key(), runtime.threads(), in, out),
                k -> createPlan(problem, in, out));
        try {
            plan.run(input, inputScale, inputZeroPoint, output);
        } finally {
            plans.release(plan);
        }
    }

    /** The implementation oneDNN chose for {@code problem}, e.g. {@code brg_conv_fwd:avx512_core_vnni}, for tests and the bench. */
    String implementation(ConvProblem problem, MemoryFormat format) {
        runtime.applyThreads();
        Int8Plan plan = plans.acquire(Arrays.asList(problem.key(), runtime.threads(), format, format),
                k -> createPlan(problem, format, format));
        try {
            return plan.primitive.implInfo();
        } finally {
            plans.release(plan);
        }
    }

    /**
     * Whether the source zero point is folded into the bias (convolutions, see the class
     * comment), else passed to oneDNN as an attribute (transposed convolutions).
     */
    private boolean foldsZeroPoint() {
        return !spec.conv().transposed();
    }

    /** oneDNN's mask of per-output-channel weight scales: dimension O, or G and O/G for grouped weights. */
    private int weightScaleMask() {
        if (weightScales.length == 1) {
            return 0;
        }
        return spec.conv().groups() == 1 ? 1 : (1 | 2);
    }

    private Int8Plan createPlan(ConvProblem problem, MemoryFormat inFormat, MemoryFormat outFormat) {
        OneDnnAdapter.ConvDesc d = OneDnnAdapter.conv(problem);
        ConvSpec s = spec.conv();
        String what = "quantized " + spec.opName() + " for " + problem.key();
        boolean folded = foldsZeroPoint();
        boolean explicit = padsExplicitly(problem);
        long[] srcDims = primitiveSrc(problem);
        long[] inDims = problem.batchedInputShape(); // d.src is already padded on the adapter's own-pad route
        try (Owned temps = new Owned(); Owned parts = new Owned()) {
            dnnl_primitive_attr attr = temps.add(Dnnl.createInt8Attr(weightScaleMask(), spec.relu(), !folded));
            dnnl_memory_desc userSrc = temps.add(Dnnl.stridedDesc(inDims, inFormat.strides(inDims), dnnl_u8));
            dnnl_memory_desc userDst = temps.add(Dnnl.stridedDesc(d.dst, outFormat.strides(d.dst), dnnl_u8));
            // the explicitly padded buffer is ours: channels-last, the layout int8 kernels read;
            // folded: always a bias, the call's zero-point term
            PrimitiveFactory.ConvDescs descs = new PrimitiveFactory.ConvDescs(
                    temps.add(explicit ? PrimitiveFactory.desc(srcDims, PrimitiveFactory.Layout.NXC, dnnl_u8)
                            : Dnnl.anyDesc(srcDims, dnnl_u8)),
                    temps.add(Dnnl.anyDesc(d.weights, dnnl_s8)),
                    temps.add(d.bias == null && !folded ? null : Dnnl.denseDesc(new long[] {s.outChannels()})),
                    temps.add(Dnnl.anyDesc(d.dst, dnnl_u8)));
            long[] noPadding = new long[s.dims()];
            NativePrimitive primitive = parts.add(new NativePrimitive(engine, PrimitiveFactory.convolution(engine, d,
                    descs, explicit ? noPadding : d.padLeft, explicit ? noPadding : d.padRight, attr, what), what),
                    NativePrimitive::free);
            dnnl_memory_desc chosenSrc = primitive.query(dnnl_query_src_md, 0);
            dnnl_memory_desc chosenDst = primitive.query(dnnl_query_dst_md, 0);
            NativePrimitive srcReorder = null;
            if (explicit) {
                // rows are copied into the padded buffer from a dense channels-innermost copy of the
                // input (a oneDNN reorder, unless the input is laid out so already)
                if (!Arrays.equals(inFormat.strides(inDims), Dnnl.nxcStrides(inDims))) {
                    srcReorder = PrimitiveFactory.reorder(engine, userSrc,
                            temps.add(PrimitiveFactory.desc(inDims, PrimitiveFactory.Layout.NXC, dnnl_u8)),
                            "channels-innermost copy of " + what);
                }
            } else if (!Dnnl.equal(chosenSrc, userSrc)) {
                srcReorder = PrimitiveFactory.reorder(engine, userSrc, chosenSrc, "input reorder of " + what);
            }
            parts.add(srcReorder, NativePrimitive::free);
            NativePrimitive dstReorder = parts.add(Dnnl.equal(chosenDst, userDst) ? null
                    : PrimitiveFactory.reorder(engine, chosenDst, userDst, "output reorder of " + what),
                    NativePrimitive::free);
            BytePointer packed = parts.add(PrimitiveFactory.packWeights(engine,
                    temps.add(PrimitiveFactory.userWeights(d, dnnl_s8)), primitive.query(dnnl_query_weights_md, 0),
                    weight, "weights reorder of quantized " + spec.opName()), BytePointer::close);
            Int8Plan plan = new Int8Plan(primitive, srcReorder, dstReorder, packed,
                    explicit ? new ZeroPointPadding(inDims, srcDims, problem.padBefore()) : null);
            parts.handOver();
            return plan;
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        plans.close();
        fallback.close();
        weightScaleData.close();
        dstScaleData.close();
        dstZeroPointData.close();
    }

    /** One problem shape: the primitive, the reorders of source and destination, the packed weights. */
    private final class Int8Plan extends PlanCache.Plan {
        final NativePrimitive primitive;
        final NativePrimitive srcReorder;
        final NativePrimitive dstReorder;
        final BytePointer weights;
        /** How the source is padded into a buffer first, or null. */
        final ZeroPointPadding padding;

        Int8Plan(NativePrimitive primitive, NativePrimitive srcReorder, NativePrimitive dstReorder, BytePointer weights,
                ZeroPointPadding padding) {
            this.primitive = primitive;
            this.srcReorder = srcReorder;
            this.dstReorder = dstReorder;
            this.weights = weights;
            this.padding = padding;
        }

        /** {@code bias[oc] - zp * x_scale * w_scale[oc] * sum(w[oc])}, in double, as f32. */
        private float[] foldedBias(double inputScale, long inputZeroPoint) {
            int oc = spec.conv().outChannels();
            float[] b = bias == null ? new float[oc] : bias.toFloatArray();
            for (int o = 0; o < oc; o++) {
                double ws = weightScales.length == 1 ? weightScales[0] : weightScales[o];
                b[o] = (float) (b[o] - (double) inputZeroPoint * ((float) inputScale * (double) (float) ws) * weightSums[o]);
            }
            return b;
        }

        /**
         * One call. Temporaries (the padded or reordered source, the destination before its
         * reorder, and the call's parameters: source scale and zero point, folded bias) are
         * tensors from the block pool, so a call allocates no native memory of its own.
         */
        void run(Tensor input, double inputScale, long inputZeroPoint, Tensor output) {
            int oc = spec.conv().outChannels();
            Tensor srcBuffer = null;
            Tensor padded = null;
            Tensor dstBuffer = null;
            try (Tensor params = Tensor.empty(DType.UINT8, MemoryFormat.CONTIGUOUS, PARAMS_BIAS + 4L * oc)) {
                ByteBuffer p = params.byteBuffer();
                p.putFloat(PARAMS_SRC_SCALE, (float) inputScale);
                p.putInt(PARAMS_SRC_ZERO_POINT, (int) inputZeroPoint);
                boolean folded = foldsZeroPoint();
                if (folded) {
                    float[] b = foldedBias(inputScale, inputZeroPoint);
                    for (int o = 0; o < oc; o++) {
                        p.putFloat(PARAMS_BIAS + 4 * o, b[o]);
                    }
                }
                Pointer srcData = input.pointer();
                dnnl_memory_desc srcMd = primitive.query(dnnl_query_src_md, 0);
                dnnl_memory_desc dstMd = primitive.query(dnnl_query_dst_md, 0);
                if (srcReorder != null) {
                    dnnl_memory_desc to = srcReorder.query(dnnl_query_dst_md, 0);
                    srcBuffer = Tensor.empty(DType.UINT8, MemoryFormat.CONTIGUOUS, Dnnl.size(to));
                    srcReorder.execute(new int[] {DNNL_ARG_FROM, DNNL_ARG_TO},
                            new dnnl_memory_desc[] {srcReorder.query(dnnl_query_src_md, 0), to},
                            new Pointer[] {srcData, srcBuffer.pointer()});
                    srcData = srcBuffer.pointer();
                }
                if (padding != null) {
                    padded = Tensor.empty(DType.UINT8, MemoryFormat.CONTIGUOUS, Dnnl.size(srcMd));
                    padding.copy(srcData, padded.pointer(), inputZeroPoint);
                    srcData = padded.pointer();
                }
                Pointer dstData = output.pointer();
                if (dstReorder != null) {
                    dstBuffer = Tensor.empty(DType.UINT8, MemoryFormat.CONTIGUOUS, Dnnl.size(dstMd));
                    dstData = dstBuffer.pointer();
                }
                primitive.execute(new int[] {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_BIAS, DNNL_ARG_DST,
                    DNNL_ARG_ATTR_SCALES | DNNL_ARG_SRC, DNNL_ARG_ATTR_SCALES | DNNL_ARG_WEIGHTS,
                    DNNL_ARG_ATTR_SCALES | DNNL_ARG_DST, DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_SRC,
                    DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_DST},
                        new dnnl_memory_desc[] {srcMd, primitive.query(dnnl_query_weights_md, 0),
                            primitive.query(dnnl_query_weights_md, 1), dstMd, ScaleDescs.F32_1,
                            weightScales.length == 1 ? ScaleDescs.F32_1 : ScaleDescs.f32(weightScales.length),
                            ScaleDescs.F32_1, ScaleDescs.S32_1, ScaleDescs.S32_1},
                        new Pointer[] {srcData, weights,
                            folded ? at(params, PARAMS_BIAS) : bias == null ? null : bias.pointer(), dstData,
                            at(params, PARAMS_SRC_SCALE), weightScaleData, dstScaleData,
                            folded ? null : at(params, PARAMS_SRC_ZERO_POINT), dstZeroPointData});
                if (dstReorder != null) {
                    dstReorder.execute(new int[] {DNNL_ARG_FROM, DNNL_ARG_TO},
                            new dnnl_memory_desc[] {dstMd, dstReorder.query(dnnl_query_dst_md, 0)},
                            new Pointer[] {dstData, output.pointer()});
                }
                Reference.reachabilityFence(input);
                Reference.reachabilityFence(output);
                Reference.reachabilityFence(bias);
            } finally {
                closeAll(srcBuffer, dstBuffer, padded);
            }
        }

        @Override
        protected void free() {
            NativePrimitive.freeAll(primitive, srcReorder, dstReorder);
            weights.close();
        }
    }

    /**
     * Copies a dense channels-innermost u8 source ({@code [N, C, spatial...]} with strides
     * {@link Dnnl#nxcStrides}) into a larger buffer of the same layout filled with the zero
     * point: one {@code memcpy} per innermost row ({@code W * C} bytes), no oneDNN reorder (its
     * u8 reorder into a strided view was slower than the convolution itself).
     */
    private static final class ZeroPointPadding {
        private final long batch;
        private final long[] in = new long[3];
        private final long[] before = new long[3];
        private final long[] srcStride = new long[4];
        private final long[] dstStride = new long[4];
        private final long rowBytes;

        ZeroPointPadding(long[] inDims, long[] paddedDims, int[] padBefore) {
            int d = inDims.length - 2;
            long[] s = Dnnl.nxcStrides(inDims);
            long[] t = Dnnl.nxcStrides(paddedDims);
            batch = inDims[0];
            srcStride[0] = s[0];
            dstStride[0] = t[0];
            for (int i = 0; i < 3; i++) {
                int k = i - (3 - d); // dimension i of (D, H, W), missing ones of size 1
                in[i] = k < 0 ? 1 : inDims[2 + k];
                before[i] = k < 0 ? 0 : padBefore[k];
                srcStride[1 + i] = k < 0 ? 0 : s[2 + k];
                dstStride[1 + i] = k < 0 ? 0 : t[2 + k];
            }
            rowBytes = in[2] * inDims[1];
        }

        void copy(Pointer source, Pointer target, long zeroPoint) {
            BytePointer from = new BytePointer(source);
            BytePointer to = new BytePointer(target);
            long fromBase = source.position();
            long toBase = target.position();
            to.fill((int) zeroPoint); // the padding: the real value 0
            for (long n = 0; n < batch; n++) {
                for (long z = 0; z < in[0]; z++) {
                    for (long y = 0; y < in[1]; y++) {
                        long src = n * srcStride[0] + z * srcStride[1] + y * srcStride[2];
                        long dst = n * dstStride[0] + (z + before[0]) * dstStride[1] + (y + before[1]) * dstStride[2]
                                + before[2] * dstStride[3];
                        from.position(fromBase + src);
                        to.position(toBase + dst);
                        Pointer.memcpy(to, from, rowBytes);
                    }
                }
            }
        }
    }

    /** Closes the tensors that are not null (the block pool takes their memory back). */
    private static void closeAll(Tensor... tensors) {
        for (Tensor t : tensors) {
            if (t != null) {
                t.close();
            }
        }
    }

    /** Byte offsets in a call's parameter block: source scale (f32), source zero point (s32), folded bias (f32 x OC). */
    private static final int PARAMS_SRC_SCALE = 0;
    private static final int PARAMS_SRC_ZERO_POINT = 4;
    private static final int PARAMS_BIAS = 64;

    /** A pointer {@code offset} bytes into a tensor's data (a view: it owns nothing). */
    private static Pointer at(Tensor t, long offset) {
        Pointer base = t.pointer();
        return new BytePointer(base).position(base.position() + offset);
    }

    /** Descriptors of the one-dimensional scale and zero-point arguments, created once and shared. */
    static final class ScaleDescs {
        static final dnnl_memory_desc F32_1 = Dnnl.stridedDesc(new long[] {1}, new long[] {1}, dnnl_f32);
        static final dnnl_memory_desc S32_1 = Dnnl.stridedDesc(new long[] {1}, new long[] {1}, dnnl_s32);
        private static final java.util.concurrent.ConcurrentHashMap<Integer, dnnl_memory_desc> F32 =
                new java.util.concurrent.ConcurrentHashMap<>();

        private ScaleDescs() {
        }

        /** An f32 vector of {@code n} values (kept for the process: one per distinct channel count). */
        static dnnl_memory_desc f32(int n) {
            return F32.computeIfAbsent(n, k -> Dnnl.stridedDesc(new long[] {k}, new long[] {1}, dnnl_f32));
        }
    }
}
