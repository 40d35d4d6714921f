package dev.conv4j.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

import dev.conv4j.DType;
import dev.conv4j.MemoryFormat;
import dev.conv4j.Precision;
import dev.conv4j.Tensor;
import dev.conv4j.backend.ConvKernel;
import dev.conv4j.backend.MemoryFormats;
import dev.conv4j.backend.TensorContract;
import dev.conv4j.kernels.Kernels;
import dev.conv4j.spec.ConvProblem;
import dev.conv4j.spec.ConvSpec;
import dev.conv4j.spec.Tuples;

/**
 * A convolution or transposed convolution prepared on oneDNN. Per resolved problem shape (and
 * thread count) it caches a primitive, created with {@code format_tag::any} weights so oneDNN
 * picks its fast layout; the PyTorch-layout weights are reordered into each distinct chosen
 * layout once and shared by every primitive that uses it. Source and destination stay the
 * caller's tensors: plain NC(D)(H)W, or NHWC / NDHWC for channels-last ones, which oneDNN's
 * convolutions read without reordering. Thread-safe; see {@link PlanCache} for the lifetime rules.
 *
 * <p>With {@link Arithmetic#BF16_MEMORY} the primitive takes bf16 source and weights and writes
 * f32: the weights are reordered to bf16 once like any layout, and each call converts the source
 * into a bf16 buffer in the primitive's layout ({@link #bf16Layouts}) with one oneDNN reorder
 * (which also cuts a source view); a destination in another layout than the caller's is written
 * to a temporary and reordered into place.
 */
final class OneDnnConvKernel implements ConvKernel {
    /** Problem shapes kept per kernel. */
    static final int CACHE_CAPACITY = 64;

    /** How the primitives multiply; what {@link Precision} asks for becomes one of these per CPU. */
    enum Arithmetic {
        /** f32 memory and strict f32 math. */
        F32,
        /**
         * bf16 source and weight descriptors, f32 bias and destination: the route on CPUs with
         * AVX512_BF16 but no AMX, where oneDNN's x64 convolutions ignore {@code fpmath_mode}.
         */
        BF16_MEMORY,
        /** f32 memory with {@code fpmath_mode::bf16}: the route on AMX (the library converts inside). */
        BF16_FPMATH;

        /** The arithmetic for {@code requested} on this CPU (oneDNN's effective ISA). */
        static Arithmetic forCpu(Precision requested) {
            if (requested == Precision.F32) {
                return F32;
            }
            if (Dnnl.effectiveIsaIncludes(dnnl_cpu_isa_avx512_core_amx)) {
                return BF16_FPMATH;
            }
            return Dnnl.effectiveIsaIncludes(dnnl_cpu_isa_avx512_core_bf16) ? BF16_MEMORY : F32;
        }

        Precision precision() {
            return this == F32 ? Precision.F32 : Precision.BF16;
        }
    }

    private final OneDnnRuntime runtime;
    private final dnnl_engine engine;
    private final ConvSpec spec;
    private final Tensor weight;
    private final Tensor bias;
    /**
     * Whether ReLU is fused: an {@code eltwise_relu} post-op on the primitive. That post-op turns
     * NaN into 0 (and -0.0 into +0.0), where torch.relu keeps NaN; so a call runs fused only when
     * its output cannot hold NaN ({@link #fusable}), else unfused followed by a ReLU loop.
     */
    private final boolean relu;
    private final Arithmetic arithmetic;
    /**
     * For a fused ReLU: the sum of all |weight| and the largest |bias|, bounding any output by
     * {@code max|x| * weightAbsSum + biasAbsMax}; NaN when a weight or bias is not finite.
     */
    private final double weightAbsSum;
    private final double biasAbsMax;
    private final PlanCache<ConvPlan> plans = new PlanCache<>(CACHE_CAPACITY);
    private final PlanCache<BandsPlan> bandPlans = new PlanCache<>(CACHE_CAPACITY);
    /** How each problem shape runs (planKey with the thread setting in place of the count). */
    private final Map<PlanKey, Choice> choices = new ConcurrentHashMap<>();
    /** Weights in each layout a primitive chose; guarded by itself. */
    private final List<PackedWeights> packed = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    OneDnnConvKernel(OneDnnRuntime runtime, ConvSpec spec, Tensor weight, Tensor bias, boolean relu) {
        this(runtime, spec, weight, bias, relu, Arithmetic.F32);
    }

    OneDnnConvKernel(OneDnnRuntime runtime, ConvSpec spec, Tensor weight, Tensor bias, boolean relu,
            Arithmetic arithmetic) {
        this.runtime = runtime;
        this.relu = relu;
        this.arithmetic = arithmetic;
        this.weightAbsSum = relu ? absSum(weight) : 0;
        this.biasAbsMax = relu && bias != null ? OwnKernels.absMax(bias) : 0;
        this.engine = runtime.engine();
        this.spec = spec;
        this.weight = weight;
        this.bias = bias;
    }

    @Override
    public void forward(ConvProblem problem, Tensor input, Tensor output) {
        checkOpen();
        if (!problem.spec().equals(spec)) {
            throw new IllegalArgumentException("the problem's spec " + problem.spec()
                    + " is not the one the kernel was prepared for: " + spec);
        }
        TensorContract.require("input", input, DType.FLOAT32, problem.batchedInputShape());
        TensorContract.require("output", output, DType.FLOAT32, problem.batchedOutputShape());
        MemoryFormat format = MemoryFormats.allContiguous(input, output) ? MemoryFormat.CONTIGUOUS
                : channelsLastRoute(problem, input, output) ? MemoryFormat.CHANNELS_LAST : null;
        if (format == null) {
            MemoryFormats.viaContiguous(new Tensor[] {input}, new Tensor[] {output},
                    t -> forward(problem, t[0], t[1]));
            return;
        }
        if (problem != lastNonTrivial) {
            if (OneDnnAdapter.isTrivial(problem)) {
                // Empty output, or no input reaches it: every output element is the bias (or zero).
                output.fillZero();
                fillBias(output, OneDnnAdapter.product(problem.batchedOutputShape()) == 0 ? 0 : problem.batch(), null,
                        relu);
                return;
            }
            lastNonTrivial = problem;
        }
        boolean fused = relu && fusable(input);
        int max = runtime.threads();
        Choice choice = choice(problem, fused, format, max, input, output);
        int threads = runtime.callThreads().acquire(choice.threads(), max);
        try {
            runOn(choice.route(), threads, problem, fused, format, input, output);
        } finally {
            runtime.callThreads().release(threads);
        }
    }

    /** The ways a call can run; for contiguous (NCHW) tensors each plan picks one ({@link #choice}). */
    enum Route {
        /** The oneDNN primitive on the tensors as they are. */
        PRIMITIVE,
        /** The channels-last primitive on native transposed copies of contiguous tensors. */
        VIA_CHANNELS_LAST,
        /** conv4j's own direct depthwise kernel on contiguous tensors ({@link #ownDepthwise}). */
        OWN_DEPTHWISE,
        /**
         * The primitive on the contiguous source writing oneDNN's 16-channel blocks, reordered
         * into the contiguous output by oneDNN ({@link #blockedFits}).
         */
        BLOCKED_OUTPUT,
        /**
         * oneDNN reorders the contiguous source into 16-channel blocks, the primitive runs on blocks,
         * and a reorder writes the contiguous output ({@link #blockedFits}).
         */
        BLOCKED,
        /**
         * A single image cut into one band of output rows (the outermost spatial dimension) per
         * thread, in one OpenMP region on the calling thread's team where each thread takes whole
         * bands: the own kernel transposes the input rows the band reads into channels-last, the
         * band's one-thread channels-last primitive computes it, and the own kernel transposes its
         * output rows into the contiguous output ({@link #bandsFit}). One fork and join instead of
         * a parallel region per step (the NCHW primitive reorders, convolves and reorders back),
         * and each thread's rows stay in its cache.
         */
        BANDS,
        /**
         * oneDNN's sgemm per image on contiguous tensors, bias and ReLU added by the own kernels
         * after: pointwise convolutions, and transposed ones whose kernel equals their stride
         * ({@link #gemmFits}).
         */
        GEMM
    }

    /** Runs the call on {@code route} with {@code threads}, ReLU included. */
    private void runOn(Route route, int threads, ConvProblem problem, boolean fused, MemoryFormat format,
            Tensor input, Tensor output) {
        switch (route) {
            case OWN_DEPTHWISE:
                // the own kernel applies torch.relu itself (NaN stays)
                OwnKernels.depthwiseConv(problem, input, weight, bias, output, relu, threads);
                return;
            case GEMM:
                runGemm(threads, problem, input, output); // ReLU included, as torch.relu
                return;
            case VIA_CHANNELS_LAST:
                runViaChannelsLast(threads, problem, fused, input, output);
                break;
            case BLOCKED_OUTPUT:
                run(threads, problem, fused, format, Blocks.OUTPUT, input, output);
                break;
            case BLOCKED:
                run(threads, problem, fused, format, Blocks.BOTH, input, output);
                break;
            case BANDS:
                runBands(threads, problem, fused, input, output);
                break;
            default:
                run(threads, problem, fused, format, input, output);
        }
        if (relu && !fused) {
            OneDnnBackend.relu(output.floatBuffer(), output.floatBuffer(), output.numel());
        }
    }

    /** Runs the call on the primitive made for {@code threads} threads. */
    private void run(int threads, ConvProblem problem, boolean fused, MemoryFormat format, Tensor input,
            Tensor output) {
        run(threads, problem, fused, format, Blocks.NONE, input, output);
    }

    /** As {@link #run(int, ConvProblem, boolean, MemoryFormat, Tensor, Tensor)}, on the plan with {@code blocks}. */
    private void run(int threads, ConvProblem problem, boolean fused, MemoryFormat format, Blocks blocks,
            Tensor input, Tensor output) {
        runtime.applyThreads(threads);
        ConvPlan plan = plans.acquire(runKeys.key(problem, fused, format, blocks, threads),
                k -> createPlan(problem, fused, format, blocks));
        try {
            plan.run(problem, input, output);
        } finally {
            plans.release(plan);
        }
    }

    /**
     * How a problem shape runs: its threads ({@link CallThreads}), and for contiguous (NCHW)
     * tensors its route. Decided on the shape's first call (which may measure the ways, computing
     * the output on the way) and kept; a measured decision is made once more on a later call
     * ({@link CallThreads#settleNow}) and kept if both agree, else the cost model's choice is.
     * {@code decidedAt} is System.nanoTime of the decision.
     */
    private record Choice(int threads, Route route, long decidedAt, AtomicBoolean settled) {
    }

    private Choice choice(ConvProblem problem, boolean fused, MemoryFormat format, int max, Tensor input,
            Tensor output) {
        PlanKey key = choiceKeys.key(problem, fused, format, Blocks.NONE, max);
        Choice c = CallThreads.kept(choices, key, 4 * CACHE_CAPACITY, () -> {
            Choice first = decide(problem, fused, format, max, input, output);
            logChoice(first.settled().get() ? "chosen" : "measured", problem, format, first);
            return first;
        });
        if (CallThreads.settleNow(c.decidedAt(), c.settled(), System::nanoTime)) {
            Choice again = decide(problem, fused, format, max, input, output);
            // two measurements that disagree say the machine was busy: the cost model decides
            boolean agree = again.threads() == c.threads() && again.route() == c.route();
            c = agree ? again : modelChoice(problem, format, max, input, output);
            c.settled().set(true);
            choices.put(key, c);
            logChoice(agree ? "measured again, kept" : "measured again, differed: the model's", problem, format, c);
        }
        return c;
    }

    /**
     * Reports a plan's threads and route to the logger {@value #ROUTE_LOGGER} at DEBUG (FINE in
     * java.util.logging), e.g. to see which route a benchmark's layer took.
     */
    private static void logChoice(String how, ConvProblem problem, MemoryFormat format, Choice c) {
        if (ROUTE_LOG.isLoggable(System.Logger.Level.DEBUG)) {
            ROUTE_LOG.log(System.Logger.Level.DEBUG, how + ": " + problem.key() + " " + format + " -> " + c.threads()
                    + " thread(s), " + c.route());
        }
    }

    static final String ROUTE_LOGGER = "dev.conv4j.routes";
    private static final System.Logger ROUTE_LOG = System.getLogger(ROUTE_LOGGER);

    /** The cost model's threads and route for a call, without measuring. */
    private Choice modelChoice(ConvProblem problem, MemoryFormat format, int max, Tensor input, Tensor output) {
        int threads = CallThreads.byCost(estimateMicros(problem), max);
        return new Choice(threads, modelRoute(problem, routes(problem, format, threads, input, output)), System.nanoTime(),
                new AtomicBoolean(true));
    }

    /** Measures (or, without autotuning, models) the threads and route of a call; see {@link #choice}. */
    private Choice decide(ConvProblem problem, boolean fused, MemoryFormat format, int max, Tensor input,
            Tensor output) {
        CallThreads tuner = runtime.callThreads();
        int threads = tuner.tune(estimateMicros(problem), max, n -> run(n, problem, fused, format, input, output));
        List<Route> routes = routes(problem, format, threads, input, output);
        Route route = routes.get(tuner.pick(routes.indexOf(modelRoute(problem, routes)), routes.stream()
                .<Runnable>map(r -> () -> runOn(r, threads, problem, fused, format, input, output)).toList()));
        return new Choice(threads, route, System.nanoTime(), new AtomicBoolean(!tuner.autotunes()));
    }

    /**
     * The routes worth trying for a plan of {@code threads} threads: {@link #routes} without blocks
     * where they never paid ({@link #blocksMayPay}) and without bands on one thread (then one band:
     * the channels-last primitive between two copies, which measured no faster than the primitive).
     */
    private List<Route> routes(ConvProblem problem, MemoryFormat format, int threads, Tensor input, Tensor output) {
        List<Route> r = routes(problem, format, input, output);
        if (!blocksMayPay(problem)) {
            r.remove(Route.BLOCKED);
        }
        if (threads < 2) {
            r.remove(Route.BANDS);
        }
        return r;
    }

    /** The routes that can take the call: the primitive, and for contiguous tensors the others that apply. */
    private List<Route> routes(ConvProblem problem, MemoryFormat format, Tensor input, Tensor output) {
        List<Route> r = new ArrayList<>(List.of(Route.PRIMITIVE));
        if (format == MemoryFormat.CONTIGUOUS && canRunViaChannelsLast(problem, input, output)) {
            r.add(Route.VIA_CHANNELS_LAST);
        }
        if (format == MemoryFormat.CONTIGUOUS && arithmetic == Arithmetic.F32 && ownDepthwise(problem, format)) {
            r.add(Route.OWN_DEPTHWISE);
        }
        if (blockedFits(problem, format, input, output)) {
            r.add(blocksSource() ? Route.BLOCKED : Route.BLOCKED_OUTPUT);
        }
        if (gemmFits(problem, format, input, output)) {
            r.add(Route.GEMM);
        }
        if (bandsFit(problem, format, input, output)) {
            r.add(Route.BANDS);
        }
        return r;
    }

    /**
     * Whether a call can take {@link Route#BANDS}: one image, contiguous tensors, an f32
     * convolution (not transposed) on the plain route with at least {@value #BAND_MIN_ROWS} output
     * rows per band for the most threads a call gets, and a JIT kernel for the channels-last band.
     */
    private boolean bandsFit(ConvProblem problem, MemoryFormat format, Tensor input, Tensor output) {
        if (format != MemoryFormat.CONTIGUOUS || arithmetic != Arithmetic.F32 || spec.transposed()
                || problem.batch() != 1 || !OwnKernels.bandsAvailable() || !canRunViaChannelsLast(problem, input, output)
                || problem.outputSpatial()[0] < (long) BAND_MIN_ROWS * Math.max(2, runtime.threads())) {
            return false;
        }
        OneDnnAdapter.ConvDesc d = OneDnnAdapter.conv(problem);
        OneDnnAdapter.RowBand band = OneDnnAdapter.rowBand(d, 0, BAND_MIN_ROWS);
        if (band == null) {
            return false;
        }
        return jitKernel(PrimitiveFactory.f32Convolution(engine, band.desc(), MemoryFormat.CHANNELS_LAST, null,
                spec.opName() + " for " + problem.key() + " in row bands"));
    }

    /** Whether oneDNN chose a JIT kernel (neither reference nor gemm) for {@code pd}, which this destroys. */
    private static boolean jitKernel(dnnl_primitive_desc pd) {
        try {
            String impl = Dnnl.implInfo(pd);
            return !(impl.contains("ref") || impl.contains("gemm"));
        } finally {
            Dnnl.destroy(pd);
        }
    }

    /**
     * Fewest output rows in a band: with one, a stride along the rows would meet the case the
     * adapter avoids for single output positions ({@link OneDnnAdapter#conv}).
     */
    static final int BAND_MIN_ROWS = 2;

    /**
     * Whether the blocked route of this kernel reorders the source into blocks too
     * ({@link Route#BLOCKED}): from one block of input channels on; with fewer, oneDNN's direct
     * kernel reads NCHW itself ({@link Route#BLOCKED_OUTPUT}).
     */
    private boolean blocksSource() {
        return spec.inChannels() >= 16;
    }

    /**
     * Whether a call can take a blocked route: an f32 convolution (not transposed, groups 1) on
     * contiguous tensors, on the plain route, for which oneDNN has a JIT kernel on 16-channel
     * blocks. For fewer than 16 input channels that is {@link Route#BLOCKED_OUTPUT}: oneDNN's
     * direct kernel reads the NCHW source itself and writes 16-channel blocks, where on an NCHW
     * destination it reorders both tensors around a channels-last kernel (Conv2d(3, 64, 7, 2, 3)
     * on 224x224: 0.65 ms + 0.07 ms for the reorder, against 0.77-0.84 ms, batch 1; 12.2 + 2.2
     * against 16.5 ms, batch 16). Else it is {@link Route#BLOCKED}, which reorders the source too.
     */
    private boolean blockedFits(ConvProblem problem, MemoryFormat format, Tensor input, Tensor output) {
        if (format != MemoryFormat.CONTIGUOUS || arithmetic != Arithmetic.F32 || spec.transposed() || spec.groups() != 1
                || !canRunViaChannelsLast(problem, input, output)) {
            return false;
        }
        OneDnnAdapter.ConvDesc d = OneDnnAdapter.conv(problem);
        return jitKernel(PrimitiveFactory.f32Convolution(engine, d, format, blocksSource(), true, null,
                spec.opName() + " for " + problem.key() + " on blocks"));
    }

    /**
     * Whether a call can take {@link Route#GEMM}: an f32 convolution of groups 1 on contiguous
     * tensors, with the own kernels there for the bias, that is one matrix product per image. Each
     * NC(D)(H)W input image is an in_channels x positions matrix. A pointwise convolution (kernel
     * 1, stride 1, no padding) is the weights (out_channels x in_channels) times it: its output
     * image, with no layout change, where oneDNN's NCHW convolution reorders both tensors around a
     * channels-last kernel. A transposed convolution whose kernel equals its stride (no padding,
     * dilation 1, output exactly input x kernel) is the transposed weights ((out_channels x kernel)
     * x in_channels) times it: patches that tile the output without overlapping, which
     * {@link OwnKernels#placePatches} puts in place. (Buffers index by int: each tensor below 2^31
     * elements.)
     */
    private boolean gemmFits(ConvProblem problem, MemoryFormat format, Tensor input, Tensor output) {
        if (format != MemoryFormat.CONTIGUOUS || arithmetic != Arithmetic.F32 || spec.groups() != 1
                || !OwnKernels.available() || problem.batch() == 0 || input.numel() > Integer.MAX_VALUE
                || output.numel() > Integer.MAX_VALUE) {
            return false;
        }
        int[] kernel = spec.kernelSize();
        int[] stride = spec.stride();
        if (spec.transposed()) {
            int[] dilation = spec.dilation();
            long[] in = problem.inputSpatial();
            long[] out = problem.outputSpatial();
            for (int i = 0; i < kernel.length; i++) {
                if (kernel[i] != stride[i] || (kernel[i] > 1 && dilation[i] != 1) || out[i] != in[i] * kernel[i]) {
                    return false;
                }
            }
            return Arrays.stream(spec.padding()).allMatch(pad -> pad == 0);
        }
        return Arrays.stream(kernel).allMatch(k -> k == 1) && Arrays.stream(stride).allMatch(st -> st == 1)
                && Arrays.stream(problem.padBefore()).allMatch(pad -> pad == 0)
                && Arrays.stream(problem.padAfter()).allMatch(pad -> pad == 0);
    }

    /**
     * The cost model's choice of {@link Route#GEMM} where it fits: always for a transposed
     * convolution; for a pointwise one, from {@value #GEMM_MIN_CHANNELS} input channels and
     * {@value #GEMM_MIN_POSITIONS} positions per image. Measured, 2 threads, batch 1 unless said:
     * ConvTranspose2d(256, 128, 2, stride=2) on 28x28, 0.65 against 0.72 ms on channels-last
     * copies, batch 16 11.0 against 13.5 ms; ConvTranspose2d(64, 32, 2, stride=2) on 56x56, 0.20-0.24
     * against 0.38 ms; ConvTranspose2d(512, 256, 2, stride=2) on 14x14, 0.70 against 0.72 ms.
     * Conv2d(1024, 256, 1) on 14x14, 0.27 against 0.34-0.37 ms on the NCHW primitive, batch 16 4.9
     * against 5.5-6.5 ms; Conv2d(256, 64, 1) on 56x56, 0.25 against 0.32 ms. The primitive stays
     * ahead on 7x7 images (Conv2d(2048, 512, 1): 0.38 against 0.35 ms) and on tiny ones
     * (Conv2d(16, 16, 1) on 28x28).
     */
    private static boolean prefersGemm(ConvProblem problem) {
        return problem.spec().transposed() || problem.spec().inChannels() >= GEMM_MIN_CHANNELS
                && OneDnnAdapter.product(problem.outputSpatial()) >= GEMM_MIN_POSITIONS;
    }

    /**
     * The cost model's choice of {@link Route#BLOCKED} where it fits: batches of images with at
     * least {@value #BLOCKS_MIN_POSITIONS} output positions each, kernels wider than one. Measured
     * against the NCHW primitive, 2 threads, AMD Zen 5: Conv2d(64, 64, 3, padding=1) on 56x56,
     * batch 16, 10.8-12.0 against 11.5-12.7 ms, batch 2 1.38-1.41 against 1.65-1.66 ms; on 48x48
     * 8.1-8.5 against 8.5-9.5 ms; Conv3d(32, 32, 3, padding=1) on 16x28x28, batch 16, 29.9-32.8
     * against 30.7-34.0 ms. Not taken: at batch 1 (res2 0.79-0.89 against 0.71-0.87 ms); on 28x28
     * outputs and smaller (Conv2d(128, 128, 3, padding=1) on 28x28, batch 16, 10.7-11.6 against
     * 10.3-11.3 ms; Conv2d(128, 256, 3, stride=2, padding=1) on 28x28 9.0-9.6 against 6.0-6.5 ms);
     * pointwise (Conv2d(256, 64, 1) on 56x56 8.0-9.6 against 5.5-5.8 ms).
     */
    private static boolean prefersBlocks(ConvProblem problem) {
        return blocksMayPay(problem) && OneDnnAdapter.product(problem.outputSpatial()) >= BLOCKS_MIN_POSITIONS;
    }

    /**
     * Whether {@link Route#BLOCKED} is among the routes a plan's trial runs measure: batches of
     * images, kernels wider than one. Elsewhere it measured slower every time ({@link #prefersBlocks}),
     * and each way tried costs a plan's first call a few runs.
     */
    private static boolean blocksMayPay(ConvProblem problem) {
        return problem.batch() >= 2 && widerThanOne(problem.spec());
    }

    /** Whether the kernel spans more than one position along some dimension. */
    private static boolean widerThanOne(ConvSpec spec) {
        return Arrays.stream(spec.kernelSize()).anyMatch(k -> k > 1);
    }

    static final long BLOCKS_MIN_POSITIONS = 2048;

    /**
     * The cost model's choice of {@link Route#BANDS} where it fits: groups 1, kernels wider than
     * one, at least {@value #BANDS_PREFERRED_ROWS} output rows per band for the most threads a call
     * gets. Measured against the NCHW primitive, batch 1, 2 threads, AMD Zen 5: Conv2d(64, 64, 3,
     * padding=1) on 56x56 0.59-0.61 against 0.64-0.65 ms; Conv2d(128, 128, 3, padding=1) on 28x28
     * 0.57 against 0.64 ms; Conv2d(256, 256, 3, padding=1) on 14x14 0.54 against 0.58 ms;
     * Conv2d(16, 16, 3, padding=1) on 28x28 0.024 against 0.037 ms. Not taken: on 7x7
     * (Conv2d(512, 512, 3, padding=1): 0.66 against 0.55 ms) and pointwise (Conv2d(64, 64, 1) on
     * 56x56: 0.100 against 0.084 ms). On one thread a plan does not try bands ({@link #routes(ConvProblem,
     * MemoryFormat, int, Tensor, Tensor)}).
     */
    private boolean prefersBands(ConvProblem problem) {
        return spec.groups() == 1 && widerThanOne(spec) && problem.outputSpatial()[0] >= (long) BANDS_PREFERRED_ROWS * runtime.threads();
    }

    static final int BANDS_PREFERRED_ROWS = 7;

    static final int GEMM_MIN_CHANNELS = 64;
    static final int GEMM_MIN_POSITIONS = 128;

    /**
     * A call as one sgemm per image ({@link #gemmFits}); each image's bias and ReLU are added
     * right after its product, while it is still in cache, on the calling thread (for a
     * transposed convolution while its patches are put in place).
     */
    private void runGemm(int threads, ConvProblem problem, Tensor input, Tensor output) {
        runtime.applyThreads(threads);
        long in = spec.inChannels();
        long positions = OneDnnAdapter.product(problem.inputSpatial());
        long rows = spec.outChannels() * (long) Arrays.stream(spec.kernelSize()).reduce(1, (a, b) -> a * b);
        int inImage = Math.toIntExact(in * positions);
        int outImage = Math.toIntExact(rows * positions);
        FloatBuffer w = gemmWeights();
        FloatBuffer x = input.floatBuffer();
        FloatBuffer y = output.floatBuffer();
        try (Tensor patches = spec.transposed() ? Tensor.empty(DType.FLOAT32, MemoryFormat.CONTIGUOUS, rows, positions)
                : null) {
            for (int n = 0; n < problem.batch(); n++) {
                FloatBuffer image = x.slice(n * inImage, inImage);
                if (patches == null) {
                    Dnnl.sgemm(rows, positions, in, w, image, y.slice(n * outImage, outImage), spec.opName());
                    if (bias != null || relu) {
                        OwnKernels.addBias(output, rows, positions, n, bias, relu);
                    }
                } else {
                    Dnnl.sgemm(rows, positions, in, w, image, patches.floatBuffer(), spec.opName());
                    OwnKernels.placePatches(problem, patches, output, n, bias, relu);
                }
            }
        } finally {
            Reference.reachabilityFence(weight);
            Reference.reachabilityFence(input);
            Reference.reachabilityFence(output);
        }
    }

    /**
     * The weights as the left matrix of {@link #runGemm}: a convolution's [out][in] as they are;
     * a transposed convolution's [in][out x kernel] transposed once, on first use, into a direct
     * buffer the garbage collector frees with the kernel (oneDNN's sgemm measured about 10%
     * slower on the transposed operand: 0.66 against 0.59 ms for the benchmark's deconvolution).
     */
    private FloatBuffer gemmWeights() {
        if (!spec.transposed()) {
            return weight.floatBuffer();
        }
        FloatBuffer t = transposedWeights;
        if (t == null) {
            synchronized (this) {
                t = transposedWeights;
                if (t == null) {
                    int rows = spec.inChannels();
                    int cols = Math.toIntExact(weight.numel() / rows);
                    float[] w = weight.toFloatArray();
                    float[] wt = new float[w.length];
                    for (int r = 0; r < rows; r++) {
                        for (int c = 0; c < cols; c++) {
                            wt[c * rows + r] = w[r * cols + c];
                        }
                    }
                    t = ByteBuffer.allocateDirect(wt.length * Float.BYTES).order(ByteOrder.nativeOrder())
                            .asFloatBuffer().put(wt).flip();
                    transposedWeights = t;
                }
            }
        }
        return t.duplicate();
    }

    /** A transposed convolution's weights for {@link #runGemm}, made by {@link #gemmWeights}. */
    private volatile FloatBuffer transposedWeights;

    /**
     * The cost model's route among {@code routes}: the own depthwise kernel where it applies;
     * else the blocked output where it fits; else blocks where they fit and {@link #prefersBlocks};
     * else row bands where they fit and {@link #prefersBands}; else sgemm where it fits and
     * {@link #prefersGemm}; else channels-last copies where {@link #prefersChannelsLast}; else the
     * primitive.
     */
    private Route modelRoute(ConvProblem problem, List<Route> routes) {
        if (routes.contains(Route.OWN_DEPTHWISE)) {
            return Route.OWN_DEPTHWISE;
        }
        if (routes.contains(Route.BLOCKED_OUTPUT)) {
            return Route.BLOCKED_OUTPUT;
        }
        if (routes.contains(Route.BLOCKED) && prefersBlocks(problem)) {
            return Route.BLOCKED;
        }
        if (routes.contains(Route.BANDS) && prefersBands(problem)) {
            return Route.BANDS;
        }
        if (routes.contains(Route.GEMM) && prefersGemm(problem)) {
            return Route.GEMM;
        }
        return routes.contains(Route.VIA_CHANNELS_LAST) && prefersChannelsLast() ? Route.VIA_CHANNELS_LAST
                : Route.PRIMITIVE;
    }

    /**
     * The cost model's route for NCHW tensors: grouped (e.g. depthwise) and transposed
     * convolutions through channels-last copies, where oneDNN's NCHW implementations are several
     * times slower than its NHWC ones and the two transpositions cost less than the difference.
     * (Transposed convolutions on the NCHW primitive were tried: faster through the kernel's test
     * hook without bias, but slower as the benchmark's module with bias, e.g. deconv 2x2/2
     * 256-128 28 at batch 16: 15.1-15.8 ms against 13.7 ms through the copies.)
     */
    private boolean prefersChannelsLast() {
        return spec.groups() > 1 || spec.transposed();
    }

    /**
     * Whether a contiguous call can run on the channels-last primitive through copies: batched
     * 2d or 3d tensors (rank 4 or 5) on the plain route.
     */
    private static boolean canRunViaChannelsLast(ConvProblem problem, Tensor input, Tensor output) {
        int rank = problem.batchedInputShape().length;
        if (rank < 4 || input.rank() != rank || output.rank() != rank || problem.batch() == 0) {
            return false;
        }
        OneDnnAdapter.ConvDesc d = OneDnnAdapter.conv(problem);
        return d.prePadBefore == null && !d.hasSrcView() && !d.hasTail();
    }

    /** The cost model's route for a contiguous call, for tests. */
    Route modelRoute(ConvProblem problem, Tensor input, Tensor output) {
        return modelRoute(problem, routes(problem, MemoryFormat.CONTIGUOUS, input, output));
    }

    /**
     * Runs a contiguous call on the given route and thread count, whatever the kernel would
     * choose, for tests; false if the route cannot take the call.
     */
    boolean forwardOn(Route route, int threads, ConvProblem problem, Tensor input, Tensor output) {
        checkOpen();
        if (!MemoryFormats.allContiguous(input, output) || OneDnnAdapter.isTrivial(problem)
                || !routes(problem, MemoryFormat.CONTIGUOUS, input, output).contains(route)) {
            return false;
        }
        runOn(route, threads, problem, relu && fusable(input), MemoryFormat.CONTIGUOUS, input, output);
        return true;
    }

    /**
     * The call on channels-last copies of the contiguous tensors (native transpositions each way).
     * The copies run on the calling thread alone: oneDNN's OpenMP workers keep spinning for a
     * while around each primitive, and a second copying thread competing with them measured
     * slower than one (deconv 2x2/2 256-128 28 batch 1: about 230 against 350 us for both copies).
     */
    private void runViaChannelsLast(int threads, ConvProblem problem, boolean fused, Tensor input, Tensor output) {
        try (Tensor x = Tensor.empty(DType.FLOAT32, MemoryFormat.CHANNELS_LAST, input.shape());
                Tensor y = Tensor.empty(DType.FLOAT32, MemoryFormat.CHANNELS_LAST, output.shape())) {
            OwnKernels.changeLayoutSerially(input, x);
            run(threads, problem, fused, MemoryFormat.CHANNELS_LAST, x, y);
            OwnKernels.changeLayoutSerially(y, output);
        }
    }

    /**
     * The call in {@code threads} bands of output rows ({@link Route#BANDS}), in one OpenMP region
     * on the calling thread's team, where each thread takes whole bands ({@link BandsPlan#run}).
     */
    private void runBands(int threads, ConvProblem problem, boolean fused, Tensor input, Tensor output) {
        runtime.applyThreads(threads);
        BandsPlan plan = bandPlans.acquire(runKeys.key(problem, fused, MemoryFormat.CONTIGUOUS, Blocks.NONE, threads),
                k -> createBandsPlan(problem, fused, threads));
        try {
            plan.run(threads, input, output);
        } finally {
            bandPlans.release(plan);
        }
    }

    /**
     * The call's single-thread time by {@link CallThreads#estimateMicros}: two FLOPs per
     * multiply-add (every output element of a convolution, or input element of a transposed
     * one, meets {@code in/groups * kernel} or {@code out/groups * kernel} weights: the weight
     * shape's trailing dims either way), and the bytes of input, output and weights.
     */
    private double estimateMicros(ConvProblem problem) {
        long[] w = spec.weightShape();
        double perElement = OneDnnAdapter.product(Arrays.copyOfRange(w, 1, w.length));
        double in = OneDnnAdapter.product(problem.batchedInputShape());
        double out = OneDnnAdapter.product(problem.batchedOutputShape());
        double flops = 2 * perElement * (spec.transposed() ? in : out);
        return CallThreads.estimateMicros(flops, Float.BYTES * (in + out + OneDnnAdapter.product(w)));
    }

    /**
     * Whether our own depthwise kernel can take this call ({@link Route#OWN_DEPTHWISE}, one of
     * the routes {@link #choice} picks from): depthwise convolutions (groups == in_channels, any
     * channel multiplier, zero padding) on contiguous NC(D)(H)W tensors, where oneDNN's NCHW
     * depthwise kernel measured about 2x slower than ours (NchwKernelsBench); channels-last
     * tensors stay on oneDNN, whose NHWC kernel is fast. The own kernel fuses ReLU exactly (NaN
     * stays), so it needs no finiteness check. Huge dilations stay on oneDNN.
     */
    static boolean ownDepthwise(ConvProblem p, MemoryFormat format) {
        return format == MemoryFormat.CONTIGUOUS && OwnKernels.available()
                && dev.conv4j.kernels.Kernels.depthwise(p.spec())
                && Arrays.stream(p.spec().dilation()).allMatch(d -> d <= MAX_OWN_DILATION);
    }

    /**
     * Dilations above this stay on oneDNN's route (with its own limits and messages); the own
     * kernel would compute them on its slow exact path.
     */
    static final int MAX_OWN_DILATION = 1 << 16;

    /**
     * Whether the primitive can take channels-last tensors as they are: both batched NHWC/NDHWC,
     * and the plain route (no padding, window copy or tail of our own, which work on contiguous
     * tensors). Other calls with channels-last tensors run on contiguous copies.
     */
    private static boolean channelsLastRoute(ConvProblem problem, Tensor input, Tensor output) {
        if (!MemoryFormats.allChannelsLast(problem.batchedInputShape().length, input, output)
                || OneDnnAdapter.isTrivial(problem)) {
            return false;
        }
        OneDnnAdapter.ConvDesc d = OneDnnAdapter.conv(problem);
        return d.prePadBefore == null && !d.hasSrcView() && !d.hasTail();
    }

    /**
     * Whether no output of this call can be NaN, so the post-op's ReLU equals torch.relu: weights,
     * bias and input finite, and no sum can overflow ({@code max|x| * sum|w| + max|b|}, with a
     * factor 2 for rounding, stays below the float range). True for any ordinary data.
     */
    private boolean fusable(Tensor input) {
        if (Double.isNaN(weightAbsSum) || Double.isNaN(biasAbsMax)) {
            return false;
        }
        double x = OwnKernels.absMax(input);
        return !Double.isNaN(x) && 2 * (x * weightAbsSum + biasAbsMax) < Float.MAX_VALUE;
    }

    /** The sum of all |value| in double; NaN if any value is NaN or infinite. */
    private static double absSum(Tensor t) {
        FloatBuffer buf = t.floatBuffer();
        int n = Math.toIntExact(t.numel());
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float v = buf.get(i);
            if (!Float.isFinite(v)) {
                return Double.NaN;
            }
            sum += Math.abs(v);
        }
        return sum;
    }

    /** The implementation oneDNN chose for {@code problem} (creating its primitive if needed), for tests. */
    String implementation(ConvProblem problem) {
        return implementation(problem, MemoryFormat.CONTIGUOUS);
    }

    /** As {@link #implementation(ConvProblem)} for tensors in {@code format}. */
    String implementation(ConvProblem problem, MemoryFormat format) {
        checkOpen();
        int threads = runtime.threads();
        runtime.applyThreads(threads);
        ConvPlan plan = plans.acquire(planKey(problem, relu, format, threads), k -> createPlan(problem, relu, format));
        try {
            return plan.primitive.implInfo();
        } finally {
            plans.release(plan);
        }
    }

    /** Whether the kernel fuses ReLU. */
    boolean fusesRelu() {
        return relu;
    }

    @Override
    public Precision precision() {
        return arithmetic.precision();
    }

    /** How the kernel's primitives multiply, for tests and diagnostics. */
    Arithmetic arithmetic() {
        return arithmetic;
    }

    /**
     * The eltwise algorithms of the post-ops on the primitive for {@code problem} (creating it if
     * needed) that a call on finite data uses, for tests: {@code [dnnl_eltwise_relu]} when ReLU
     * is fused, empty otherwise.
     */
    int[] postOpEltwiseAlgorithms(ConvProblem problem) {
        checkOpen();
        int threads = runtime.threads();
        runtime.applyThreads(threads);
        ConvPlan plan = plans.acquire(planKey(problem, relu, MemoryFormat.CONTIGUOUS, threads),
                k -> createPlan(problem, relu, MemoryFormat.CONTIGUOUS));
        try {
            return plan.primitive.postOpEltwiseAlgorithms();
        } finally {
            plans.release(plan);
        }
    }

    /** Number of cached problem shapes, for tests. */
    int cachedPlans() {
        return plans.size();
    }

    /** Number of distinct prepacked weight layouts, for tests. */
    int packedLayouts() {
        synchronized (packed) {
            return packed.size();
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        plans.close();
        bandPlans.close();
        synchronized (packed) {
            for (PackedWeights w : new ArrayList<>(packed)) {
                w.unref(); // the kernel's reference
            }
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("the prepared " + spec.opName() + " kernel is closed");
        }
    }

    // ---------------------------------------------------------------- plans

    /**
     * A plan key and what it was made of. Modules pass the same problem object for the same input
     * shape, so a service's warm calls find their key in a {@link KeySlot} instead of building it.
     */
    private record KeyMemo(ConvProblem problem, boolean fused, MemoryFormat format, Blocks blocks, int threads,
            PlanKey key) {
        boolean matches(ConvProblem p, boolean f, MemoryFormat m, Blocks b, int t) {
            return problem == p && fused == f && format == m && blocks == b && threads == t;
        }
    }

    /** The last plan key one kind of lookup built ({@link #choiceKeys}, {@link #runKeys}). */
    private final class KeySlot {
        /** Replaced, never changed. */
        private volatile KeyMemo last;

        PlanKey key(ConvProblem p, boolean fused, MemoryFormat format, Blocks blocks, int threads) {
            KeyMemo m = last;
            if (m == null || !m.matches(p, fused, format, blocks, threads)) {
                m = new KeyMemo(p, fused, format, blocks, threads, planKey(p, fused, format, blocks, threads));
                last = m;
            }
            return m.key();
        }
    }

    /** The keys of the choices ({@link #choice}) and of the plans run ({@link #run}). */
    private final KeySlot choiceKeys = new KeySlot();
    private final KeySlot runKeys = new KeySlot();

    /** The last problem {@link #forward} found not trivial (modules pass one object per shape). */
    private volatile ConvProblem lastNonTrivial;

    /**
     * What a plan depends on besides the kernel's spec: {@link ConvProblem#key()} less the spec
     * (cheaper than that string on every call), and the thread count the primitive is made for.
     */
    private PlanKey planKey(ConvProblem p, boolean fused, MemoryFormat format, int threads) {
        return planKey(p, fused, format, Blocks.NONE, threads);
    }

    /** As {@link #planKey(ConvProblem, boolean, MemoryFormat, int)}, for the plan with {@code blocks}. */
    private PlanKey planKey(ConvProblem p, boolean fused, MemoryFormat format, Blocks blocks, int threads) {
        int d = spec.dims();
        long[] key = new long[5 + 4 * d];
        key[4 + 4 * d] = blocks.ordinal();
        key[0] = p.batch();
        key[1] = threads;
        key[2 + 4 * d] = fused ? 1 : 0; // with the ReLU post-op or without
        key[3 + 4 * d] = format.ordinal();
        long[] in = p.inputSpatial();
        long[] out = p.outputSpatial();
        int[] before = p.padBefore();
        int[] after = p.padAfter();
        for (int i = 0; i < d; i++) {
            key[2 + i] = in[i];
            key[2 + d + i] = out[i];
            key[2 + 2 * d + i] = before[i];
            key[2 + 3 * d + i] = after[i];
        }
        return new PlanKey(key);
    }

    private ConvPlan createPlan(ConvProblem problem, boolean fused, MemoryFormat format) {
        return createPlan(problem, fused, format, Blocks.NONE);
    }

    /**
     * Which tensors of a plan's primitive are in oneDNN's 16-channel blocks (f32 on the plain route
     * only): none; the output, written into a temporary that a reorder copies into the output; or
     * both, the source reordered into a temporary as well.
     */
    private enum Blocks {
        NONE, OUTPUT, BOTH
    }

    /** The plan of one problem shape, with its primitive's tensors in {@code blocks}. */
    private ConvPlan createPlan(ConvProblem problem, boolean fused, MemoryFormat format, Blocks blocks) {
        OneDnnAdapter.ConvDesc d = OneDnnAdapter.conv(problem);
        String what = spec.opName() + " for " + problem.key() + (format == MemoryFormat.CONTIGUOUS ? "" : " " + format)
                + (blocks == Blocks.NONE ? "" : blocks == Blocks.OUTPUT ? " with blocked output" : " on blocks");
        boolean bf16Memory = arithmetic == Arithmetic.BF16_MEMORY;
        try (Owned temps = new Owned(); Owned parts = new Owned()) {
            dnnl_primitive_attr attr = temps.add(Dnnl.createAttr(fused, arithmetic == Arithmetic.BF16_FPMATH));
            NativePrimitive primitive = parts.add(new NativePrimitive(engine, bf16Memory
                    ? bf16Convolution(d, format, attr, what)
                    : PrimitiveFactory.f32Convolution(engine, d, format, blocks == Blocks.BOTH, blocks != Blocks.NONE,
                            attr, what), what),
                    NativePrimitive::free);
            PackedWeights w = parts.add(packedWeights(primitive.query(dnnl_query_weights_md, 0), d), PackedWeights::unref);
            NativePrimitive tailCopy = null;
            NativePrimitive srcCopy = null;
            if (bf16Memory) {
                // a tail only comes with contiguous tensors: format's strides of userDst
                dnnl_memory_desc userDst = temps.add(Dnnl.stridedDesc(d.dst, format.strides(d.userDst)));
                dnnl_memory_desc chosenDst = primitive.query(dnnl_query_dst_md, 0);
                tailCopy = Dnnl.equal(chosenDst, userDst) ? null
                        : PrimitiveFactory.reorder(engine, chosenDst, userDst, "output copy of " + what);
                parts.add(tailCopy, NativePrimitive::free);
                srcCopy = parts.add(PrimitiveFactory.reorder(engine, temps.add(Dnnl.stridedDesc(d.srcView,
                        format.strides(d.src))), primitive.query(dnnl_query_src_md, 0), "input conversion of " + what),
                        NativePrimitive::free);
            } else if (blocks != Blocks.NONE) {
                tailCopy = parts.add(PrimitiveFactory.reorder(engine, primitive.query(dnnl_query_dst_md, 0),
                        temps.add(Dnnl.desc(d.dst, format)), "output reorder of " + what), NativePrimitive::free);
                if (blocks == Blocks.BOTH) {
                    srcCopy = parts.add(PrimitiveFactory.reorder(engine, temps.add(Dnnl.desc(d.srcView, format)),
                            primitive.query(dnnl_query_src_md, 0), "input reorder of " + what), NativePrimitive::free);
                }
            } else {
                if (d.hasTail()) {
                    tailCopy = parts.add(copy(temps, d.dst, Dnnl.denseStrides(d.dst), Dnnl.denseStrides(d.userDst),
                            "output copy of " + what), NativePrimitive::free);
                }
                if (d.hasSrcView()) {
                    srcCopy = parts.add(copy(temps, d.srcView, Dnnl.denseStrides(d.src), Dnnl.denseStrides(d.srcView),
                            "input copy of " + what), NativePrimitive::free);
                }
            }
            ConvPlan plan = new ConvPlan(d, primitive, w, tailCopy, srcCopy, fused);
            parts.handOver();
            return plan;
        }
    }

    /**
     * The plan of {@code problem} in {@code count} bands of output rows ({@link Route#BANDS}). The
     * primitives are made for one thread (the calling thread's setting meanwhile), as each runs on
     * one thread of the region.
     */
    private BandsPlan createBandsPlan(ConvProblem problem, boolean fused, int count) {
        OneDnnAdapter.ConvDesc d = OneDnnAdapter.conv(problem);
        long rows = d.dst[2];
        Band[] bands = new Band[count];
        runtime.applyThreads(1);
        try (Owned parts = new Owned()) {
            for (int i = 0; i < count; i++) {
                OneDnnAdapter.RowBand b = OneDnnAdapter.rowBand(d, rows * i / count, rows * (i + 1) / count);
                String what = spec.opName() + " for " + problem.key() + ", output rows " + b.outFirst() + " to "
                        + (b.outFirst() + b.desc().dst[2]);
                try (Owned temps = new Owned(); Owned band = new Owned()) {
                    dnnl_primitive_attr attr = temps.add(Dnnl.createAttr(fused, false));
                    NativePrimitive primitive = band.add(new NativePrimitive(engine, PrimitiveFactory.f32Convolution(
                            engine, b.desc(), MemoryFormat.CHANNELS_LAST, attr, what), what), NativePrimitive::free);
                    PackedWeights w = band.add(packedWeights(primitive.query(dnnl_query_weights_md, 0), d),
                            PackedWeights::unref);
                    bands[i] = new Band(d, b, primitive, w, what);
                    band.handOver();
                }
                parts.add(bands[i], Band::free);
            }
            parts.handOver();
        } finally {
            runtime.applyThreads(count);
        }
        return new BandsPlan(bands);
    }

    /**
     * One band of {@link Route#BANDS}: its one-thread channels-last primitive, its sizes for
     * {@code run_bands} (the transposes of its input rows into the primitive's source and of the
     * primitive's destination into its output rows), and its channels-last buffers.
     */
    private final class Band {
        final NativePrimitive primitive;
        final PackedWeights weights;
        final String what;
        /** The {@link Kernels#BAND_GEOMETRY_SIZE} sizes of {@code run_bands}. */
        final long[] geometry;
        /** Bytes from the start of the input and of the output to the band's first row. */
        final long inOffset;
        final long outOffset;
        final long srcBytes;
        final long dstBytes;
        /** The channels-last source and destination, kept for the band's next call. */
        private final FreeList<BytePointer> sources = new FreeList<>();
        private final FreeList<BytePointer> destinations = new FreeList<>();

        Band(OneDnnAdapter.ConvDesc whole, OneDnnAdapter.RowBand rows, NativePrimitive primitive,
                PackedWeights weights, String what) {
            this.primitive = primitive;
            this.weights = weights;
            this.what = what;
            OneDnnAdapter.ConvDesc d = rows.desc();
            long inPlane = OneDnnAdapter.product(Arrays.copyOfRange(whole.src, 2, whole.src.length));
            long outPlane = OneDnnAdapter.product(Arrays.copyOfRange(whole.dst, 2, whole.dst.length));
            long inPositions = OneDnnAdapter.product(Arrays.copyOfRange(d.src, 2, d.src.length));
            long outPositions = OneDnnAdapter.product(Arrays.copyOfRange(d.dst, 2, d.dst.length));
            this.geometry = new long[] {d.src[1], inPositions, inPlane, outPositions, d.dst[1], outPlane};
            this.inOffset = Float.BYTES * rows.inFirst() * (inPlane / whole.src[2]);
            this.outOffset = Float.BYTES * rows.outFirst() * (outPlane / whole.dst[2]);
            this.srcBytes = Float.BYTES * inPositions * d.src[1];
            this.dstBytes = Float.BYTES * outPositions * d.dst[1];
        }

        void free() {
            closeBuffers(sources, destinations);
            primitive.free();
            weights.unref();
        }
    }

    /** The bands of one problem shape ({@link #createBandsPlan}). */
    private final class BandsPlan extends PlanCache.Plan {
        final Band[] bands;

        BandsPlan(Band[] bands) {
            this.bands = bands;
        }

        /**
         * Runs every band on {@code threads} threads: per band a source and destination buffer
         * and an execution context prepared here, then one {@code run_bands} call.
         */
        void run(int threads, Tensor input, Tensor output) {
            int n = bands.length;
            long[] geometry = new long[n * Kernels.BAND_GEOMETRY_SIZE];
            long[] pointers = new long[n * Kernels.BAND_POINTERS_SIZE];
            int[] nargs = new int[n];
            ExecContext[] contexts = new ExecContext[n];
            BytePointer[] sources = new BytePointer[n];
            BytePointer[] destinations = new BytePointer[n];
            boolean ok = false;
            try {
                for (int i = 0; i < n; i++) {
                    Band b = bands[i];
                    sources[i] = takeBuffer(b.sources, b.srcBytes);
                    destinations[i] = takeBuffer(b.destinations, b.dstBytes);
                    contexts[i] = b.primitive.take();
                    nargs[i] = contexts[i].prepare(new int[] {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_BIAS, DNNL_ARG_DST},
                            new dnnl_memory_desc[] {b.primitive.query(dnnl_query_src_md, 0), b.weights.desc,
                                b.primitive.query(dnnl_query_weights_md, 1), b.primitive.query(dnnl_query_dst_md, 0)},
                            new Pointer[] {sources[i], b.weights.data, bias == null ? null : bias.pointer(),
                                destinations[i]}, b.what);
                    System.arraycopy(b.geometry, 0, geometry, i * Kernels.BAND_GEOMETRY_SIZE, b.geometry.length);
                    long[] p = {input.address() + b.inOffset, Dnnl.address(sources[i]), b.primitive.address(),
                        contexts[i].streamAddress(), contexts[i].argsAddress(), Dnnl.address(destinations[i]),
                        output.address() + b.outOffset};
                    System.arraycopy(p, 0, pointers, i * Kernels.BAND_POINTERS_SIZE, p.length);
                }
                OwnKernels.runBands(n, geometry, pointers, nargs, threads);
                ok = true;
            } finally {
                for (int i = 0; i < n; i++) {
                    Band b = bands[i];
                    if (contexts[i] != null) {
                        b.primitive.giveBack(contexts[i], ok);
                    }
                    if (sources[i] != null) {
                        b.sources.push(sources[i]);
                    }
                    if (destinations[i] != null) {
                        b.destinations.push(destinations[i]);
                    }
                }
                Reference.reachabilityFence(input);
                Reference.reachabilityFence(output);
                Reference.reachabilityFence(bias);
            }
        }

        @Override
        protected void free() {
            for (Band b : bands) {
                b.free();
            }
        }
    }

    /**
     * A kept buffer of {@code bytes} (every buffer kept in {@code buffers} has that size), or a new
     * 64-byte aligned one.
     */
    private static BytePointer takeBuffer(FreeList<BytePointer> buffers, long bytes) {
        BytePointer b = buffers.poll();
        return b != null ? b : Dnnl.allocateAligned(bytes);
    }

    /** Frees every buffer kept in {@code lists}. */
    @SafeVarargs
    private static void closeBuffers(FreeList<BytePointer>... lists) {
        for (FreeList<BytePointer> buffers : lists) {
            for (BytePointer b = buffers.poll(); b != null; b = buffers.poll()) {
                b.close();
            }
        }
    }

    /** A oneDNN reorder copying {@code dims} f32 elements between two plain layouts given by strides. */
    private NativePrimitive copy(Owned owned, long[] dims, long[] fromStrides, long[] toStrides, String what) {
        return PrimitiveFactory.reorder(engine, owned.add(Dnnl.stridedDesc(dims, fromStrides)),
                owned.add(Dnnl.stridedDesc(dims, toStrides)), what);
    }

    // ---------------------------------------------------------------- bf16 memory

    /**
     * The layouts the bf16 route tries, best first; the last is taken even without a JIT kernel.
     * Contiguous tensors: 16-channel blocks (reordering NCHW into them costs a fraction of a full
     * transposition, and oneDNN has bf16 JIT kernels on them), then nxc. Channels-last tensors: nxc,
     * their own layout, so the conversion is a plain elementwise pass. Plain NC(D)(H)W itself gets
     * only gemm or reference kernels for bf16 in oneDNN 3.8.
     */
    private static PrimitiveFactory.Layout[] bf16Layouts(MemoryFormat format) {
        return format == MemoryFormat.CHANNELS_LAST ? new PrimitiveFactory.Layout[] {PrimitiveFactory.Layout.NXC}
                : new PrimitiveFactory.Layout[] {PrimitiveFactory.Layout.BLOCKED_16C, PrimitiveFactory.Layout.NXC};
    }

    /**
     * The bf16 memory route's primitive descriptor: bf16 source and weights, f32 bias and
     * destination, in the first of {@link #bf16Layouts} that has a JIT kernel (else the last).
     */
    private dnnl_primitive_desc bf16Convolution(OneDnnAdapter.ConvDesc d, MemoryFormat format,
            dnnl_primitive_attr attr, String what) {
        PrimitiveFactory.Layout[] layouts = bf16Layouts(format);
        try (Owned owned = new Owned()) {
            dnnl_memory_desc weights = owned.add(Dnnl.anyDesc(d.weights, dnnl_bf16));
            dnnl_memory_desc bias = owned.add(PrimitiveFactory.biasDesc(d));
            for (int i = 0;; i++) {
                PrimitiveFactory.ConvDescs descs = new PrimitiveFactory.ConvDescs(
                        owned.add(PrimitiveFactory.desc(d.srcView, layouts[i], dnnl_bf16)), weights, bias,
                        owned.add(PrimitiveFactory.desc(d.dst, layouts[i], dnnl_f32)));
                if (i == layouts.length - 1) {
                    return PrimitiveFactory.convolution(engine, d, descs, d.padLeft, d.padRight, attr, what);
                }
                dnnl_primitive_desc pd = new dnnl_primitive_desc();
                if (PrimitiveFactory.tryConvolution(pd, engine, d, descs, d.padLeft, d.padRight, attr) == dnnl_success) {
                    String impl = Dnnl.implInfo(pd);
                    if (!(impl.contains("ref") || impl.contains("gemm"))) {
                        return pd;
                    }
                    Dnnl.destroy(pd); // no JIT kernel for this layout: try the next
                }
            }
        }
    }

    /**
     * The weights in the layout {@code chosen}, reordered from PyTorch's layout the first time
     * this layout is asked for. The result carries one reference for the caller.
     */
    private PackedWeights packedWeights(dnnl_memory_desc chosen, OneDnnAdapter.ConvDesc d) {
        synchronized (packed) {
            checkOpen();
            return PackedWeights.acquire(packed, chosen, () -> {
                try (Owned owned = new Owned()) {
                    return PrimitiveFactory.packWeights(engine, owned.add(PrimitiveFactory.userWeights(d, dnnl_f32)),
                            chosen, weight, "weights reorder of " + spec.opName() + " " + Tuples.list(spec.weightShape()));
                }
            });
        }
    }

    /**
     * One problem shape: the primitive, its weights, and the reorders around it: of the source
     * (a view's copy, bf16 conversion, or into 16-channel blocks) and of the destination (for a
     * negative right padding, from the bf16 route's channels-last f32 result, or from 16-channel
     * blocks).
     */
    private final class ConvPlan extends PlanCache.Plan {
        final OneDnnAdapter.ConvDesc desc;
        final NativePrimitive primitive;
        final PackedWeights weights;
        final NativePrimitive tailCopy;
        final NativePrimitive srcCopy;
        /** Whether the primitive carries the ReLU post-op. */
        final boolean fused;
        /**
         * Free buffers of the source copy and of the destination temporary, kept for the next
         * call (at most one per concurrent call): the bf16 and blocked routes need them on every
         * call.
         */
        private final FreeList<BytePointer> srcBuffers = new FreeList<>();
        private final FreeList<BytePointer> dstBuffers = new FreeList<>();

        ConvPlan(OneDnnAdapter.ConvDesc desc, NativePrimitive primitive, PackedWeights weights, NativePrimitive tailCopy,
                NativePrimitive srcCopy, boolean fused) {
            this.fused = fused;
            this.desc = desc;
            this.primitive = primitive;
            this.weights = weights;
            this.tailCopy = tailCopy;
            this.srcCopy = srcCopy;
        }

        void run(ConvProblem problem, Tensor input, Tensor output) {
            Tensor padded = null;
            BytePointer smallDst = null;
            BytePointer view = null;
            try {
                Tensor src = input;
                if (desc.prePadBefore != null) {
                    padded = Tensor.zeros(desc.src);
                    OwnKernels.pad(spec.paddingMode(), input, problem.batchedInputShape(), desc.prePadBefore,
                            desc.prePadAfter, padded);
                    src = padded;
                }
                Pointer srcData = src.pointer();
                if (srcCopy != null) {
                    view = takeBuffer(srcBuffers, Dnnl.size(srcCopy.query(dnnl_query_dst_md, 0)));
                    srcCopy.execute(new int[] {DNNL_ARG_FROM, DNNL_ARG_TO},
                            new dnnl_memory_desc[] {srcCopy.query(dnnl_query_src_md, 0), srcCopy.query(dnnl_query_dst_md, 0)},
                            new Pointer[] {srcData, view});
                    srcData = view;
                }
                Pointer dstData = output.pointer();
                if (tailCopy != null) {
                    smallDst = takeBuffer(dstBuffers, Dnnl.size(tailCopy.query(dnnl_query_src_md, 0)));
                    dstData = smallDst;
                    if (desc.hasTail()) {
                        output.fillZero(); // the positions past the computed box get only the bias
                    }
                }
                primitive.execute(new int[] {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_BIAS, DNNL_ARG_DST},
                        new dnnl_memory_desc[] {primitive.query(dnnl_query_src_md, 0), weights.desc,
                            primitive.query(dnnl_query_weights_md, 1), primitive.query(dnnl_query_dst_md, 0)},
                        new Pointer[] {srcData, weights.data, bias == null ? null : bias.pointer(), dstData});
                if (tailCopy != null) {
                    tailCopy.execute(new int[] {DNNL_ARG_FROM, DNNL_ARG_TO},
                            new dnnl_memory_desc[] {tailCopy.query(dnnl_query_src_md, 0),
                                tailCopy.query(dnnl_query_dst_md, 0)},
                            new Pointer[] {smallDst, output.pointer()});
                    if (desc.hasTail()) {
                        fillBias(output, problem.batch(), Arrays.copyOfRange(desc.dst, 2, desc.dst.length), fused);
                    }
                }
                Reference.reachabilityFence(input);
                Reference.reachabilityFence(output);
                Reference.reachabilityFence(bias);
                Reference.reachabilityFence(padded);
            } finally {
                if (padded != null) {
                    padded.close();
                }
                if (smallDst != null) {
                    dstBuffers.push(smallDst);
                }
                if (view != null) {
                    srcBuffers.push(view);
                }
            }
        }

        @Override
        protected void free() {
            closeBuffers(srcBuffers, dstBuffers);
            NativePrimitive.freeAll(primitive, tailCopy, srcCopy);
            weights.unref();
        }
    }

    // ---------------------------------------------------------------- bias

    /**
     * Writes the bias into the output positions outside the box {@code [0, computed)} of every
     * plane (all positions when {@code computed} is null); the rest stays as it is. Without
     * bias those positions keep the zeros written before ({@code fillZero}: the output's
     * contents on entry are unspecified). With {@code relu} the bias written is
     * {@code relu(bias)} (zeros stay zeros), as the primitive's post-op made the rest.
     */
    private void fillBias(Tensor output, long batch, long[] computed, boolean relu) {
        if (bias == null || batch == 0) {
            return;
        }
        float[] b = bias.toFloatArray();
        if (relu) {
            for (int c = 0; c < b.length; c++) {
                if (b[c] < 0) { // torch.relu: NaN and -0.0 stay
                    b[c] = 0f;
                }
            }
        }
        int d = spec.dims();
        long[] out = Tuples.to3(Arrays.copyOfRange(outputDims(output), 0, d), 1);
        long[] box = computed == null ? new long[] {0, 0, 0} : Tuples.to3(computed, 1);
        long plane = out[0] * out[1] * out[2];
        FloatBuffer buf = output.floatBuffer();
        for (long n = 0; n < batch; n++) {
            for (int c = 0; c < b.length; c++) {
                long base = (n * b.length + c) * plane;
                for (long z = 0; z < out[0]; z++) {
                    for (long y = 0; y < out[1]; y++) {
                        boolean inside = z < box[0] && y < box[1];
                        long row = base + (z * out[1] + y) * out[2];
                        for (long x = inside ? box[2] : 0; x < out[2]; x++) {
                            buf.put(Math.toIntExact(row + x), b[c]);
                        }
                    }
                }
            }
        }
    }

    private long[] outputDims(Tensor output) {
        long[] shape = output.shape();
        return Arrays.copyOfRange(shape, shape.length - spec.dims(), shape.length);
    }

    static void checkWeights(ConvSpec spec, Tensor weight, Tensor bias) {
        TensorContract.require("weight", weight, DType.FLOAT32, spec.weightShape());
        if (spec.bias()) {
            if (bias == null) {
                throw new IllegalArgumentException(spec.opName() + " was built with bias=True but got no bias tensor");
            }
            TensorContract.require("bias", bias, DType.FLOAT32, new long[] {spec.outChannels()});
        } else if (bias != null) {
            throw new IllegalArgumentException(spec.opName() + " was built with bias=False but got a bias tensor");
        }
        if (weight.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException("weight must be float32");
        }
        if (!MemoryFormats.allContiguous(weight, bias)) {
            throw new IllegalArgumentException("weight and bias must be contiguous, but got " + weight + " and " + bias);
        }
    }
}
