package dev.conv4j.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.Reference;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;

import dev.conv4j.DType;
import dev.conv4j.MemoryFormat;
import dev.conv4j.Precision;
import dev.conv4j.Tensor;
import dev.conv4j.backend.Backend;
import dev.conv4j.backend.ConvKernel;
import dev.conv4j.backend.MemoryFormats;
import dev.conv4j.spec.AdaptivePoolProblem;
import dev.conv4j.spec.ConvSpec;
import dev.conv4j.spec.PoolKind;
import dev.conv4j.spec.PoolProblem;
import dev.conv4j.spec.Tuples;
import dev.conv4j.spec.UnpoolProblem;

/**
 * The native backend: convolutions, transposed convolutions and the pooling that oneDNN
 * computes exactly as PyTorch does run on oneDNN primitives (one CPU engine); the rest runs on
 * conv4j's own native kernels. {@link Routes#TABLE} lists which.
 *
 * <p>Thread-safe: primitives are cached per problem shape; each call of a primitive borrows an
 * execution context of its own (stream, memory objects, scratchpad) from the primitive's pool
 * and returns it afterwards, so one prepared kernel serves many threads at once, and a call
 * creates no oneDNN objects once the pool holds a context. A primitive's contexts are freed with
 * it (when its kernel is closed or its plan evicted).
 *
 * <p>Threads: oneDNN here is built with OpenMP, whose thread count is a per-thread setting read
 * when a primitive is created and run. The most threads a call uses comes from
 * {@link #setThreads}, else the system property {@value #THREADS_PROPERTY}, else the number of
 * available processors; within it, {@link CallThreads} gives each oneDNN call the threads its
 * plan is worth and the calls in flight leave free. Our own kernels get the bound through
 * {@code Kernels.setThreads}. For oneDNN a call's count is applied to the calling thread before
 * it creates or runs a primitive, by
 * {@code omp_set_num_threads} of the OpenMP runtime oneDNN loaded ({@code OwnKernels.setOpenMpThreads}:
 * the dnnl 3.8.1 preset exposes no OpenMP setter, so our native library calls it). If that fails,
 * oneDNN uses OpenMP's default ({@code OMP_NUM_THREADS}, else all processors); {@link #info()}
 * says which.
 */
public final class OneDnnBackend implements Backend {
    /** System property with the thread count, e.g. {@code -Dconv4j.threads=4}. */
    public static final String THREADS_PROPERTY = "conv4j.threads";
    /** Pooling problem shapes kept. */
    static final int POOL_CACHE_CAPACITY = 64;

    private static volatile OneDnnBackend instance;

    private final dnnl_engine engine;
    private final PlanCache<PoolPlan> poolPlans = new PlanCache<>(POOL_CACHE_CAPACITY);
    private volatile int threads;
    /** The thread count last applied to each thread's OpenMP runtime (0: never). */
    private final ThreadLocal<int[]> appliedThreads = ThreadLocal.withInitial(() -> new int[1]);
    private volatile boolean threadsApplied;
    private final CallThreads callThreads = new CallThreads();
    /** The thread count chosen per pooling plan (planKey with the thread setting in place of the count). */
    private final Map<List<Long>, Integer> poolThreads = new ConcurrentHashMap<>();

    private OneDnnBackend() {
        this.engine = Dnnl.createCpuEngine();
        this.threads = defaultThreads();
    }

    /**
     * The backend, loading the native libraries on first use.
     *
     * @throws IllegalStateException if they cannot be loaded, naming the jars that are needed
     */
    public static OneDnnBackend instance() {
        OneDnnBackend b = instance;
        if (b == null) {
            synchronized (OneDnnBackend.class) {
                b = instance;
                if (b == null) {
                    try {
                        Loader.load(org.bytedeco.dnnl.global.dnnl.class);
                    } catch (LinkageError | RuntimeException e) {
                        throw new IllegalStateException(loadFailureMessage(e), e);
                    }
                    // the native path is oneDNN plus our own kernels: refuse it whole, never half
                    if (!dev.conv4j.kernels.Kernels.available()) {
                        throw new IllegalStateException(dev.conv4j.kernels.Kernels.loadError());
                    }
                    b = new OneDnnBackend();
                    instance = b;
                }
            }
        }
        return b;
    }

    private static String loadFailureMessage(Throwable e) {
        String platform = Loader.getPlatform();
        String version = conv4jVersion();
        return "the oneDNN backend cannot load its native libraries for platform " + platform + " (" + e
                + "); put conv4j-" + version + "-" + platform + ".jar and dnnl-" + "3.8.1-1.5.12-" + platform
                + ".jar (with javacpp-1.5.12-" + platform + ".jar and opencl-3.0-1.5.12-" + platform
                + ".jar) on the class path, or use the pure-Java backend with -Dconv4j.backend=reference";
    }

    private static String conv4jVersion() {
        String v = OneDnnBackend.class.getPackage().getImplementationVersion();
        if (v != null) {
            return v;
        }
        try (InputStream in = OneDnnBackend.class.getResourceAsStream("/META-INF/maven/dev.conv4j/conv4j/pom.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "<version>");
            }
        } catch (IOException e) {
            // fall through
        }
        return "<version>";
    }

    private static int defaultThreads() {
        String v = System.getProperty(THREADS_PROPERTY);
        if (v != null && !v.isBlank()) {
            try {
                int n = Integer.parseInt(v.trim());
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // fall through to the error
            }
            throw new IllegalArgumentException("-D" + THREADS_PROPERTY + " should be a positive integer, but got '" + v + "'");
        }
        return Runtime.getRuntime().availableProcessors();
    }

    @Override
    public String name() {
        return "onednn";
    }

    @Override public boolean prefersChannelsLast() { return true; } // oneDNN's convolutions are fastest on NHWC/NDHWC

    /** Threads each call uses. */
    public int threads() {
        return threads;
    }

    /**
     * Sets the threads each later call uses, on oneDNN (primitives are cached per thread count)
     * and on our own kernels.
     */
    public void setThreads(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("threads should be a positive integer, but got " + n);
        }
        threads = n;
        OwnKernels.setThreads(n);
    }

    /** The CPU engine every primitive of this backend is created on. */
    dnnl_engine engine() {
        return engine;
    }

    /** Chooses and reserves the threads of each oneDNN call. */
    CallThreads callThreads() {
        return callThreads;
    }

    /** Applies the thread setting to the calling thread's OpenMP runtime if it changed. */
    void applyThreads() {
        applyThreads(threads);
    }

    /** Applies {@code n} threads to the calling thread's OpenMP runtime if its count differs. */
    void applyThreads(int n) {
        int[] applied = appliedThreads.get();
        if (applied[0] != n) {
            if (OwnKernels.setOpenMpThreads(n)) {
                threadsApplied = true;
            }
            applied[0] = n;
        }
    }

    /** What {@code conv4j info} prints: versions, ISA and threads. */
    public Info info() {
        applyThreads();
        return new Info(Dnnl.version(), Dnnl.effectiveIsa(), Dnnl.cpuRuntime(), threads, threadsApplied,
                OwnKernels.isa());
    }

    /**
     * The native side as the backend sees it.
     *
     * @param onednnVersion e.g. {@code 3.8.1 (hash)}
     * @param cpuIsa the ISA oneDNN dispatches to ({@code get_effective_cpu_isa}), e.g. {@code avx512_core_amx}
     * @param threadingRuntime oneDNN's CPU runtime, {@code OpenMP} here
     * @param threads threads per call
     * @param threadsApplied whether the thread count can be applied (needs conv4j's native library)
     * @param ownKernelsIsa the ISA of conv4j's own kernels, or {@code unavailable}
     */
    public record Info(String onednnVersion, String cpuIsa, String threadingRuntime, int threads,
            boolean threadsApplied, String ownKernelsIsa) {
        @Override
        public String toString() {
            return "oneDNN " + onednnVersion + ", CPU ISA " + cpuIsa + ", " + threadingRuntime + " threads " + threads
                    + (threadsApplied ? "" : " (not applied: OpenMP default)") + ", own kernels " + ownKernelsIsa;
        }
    }

    // ---------------------------------------------------------------- convolution

    @Override
    public ConvKernel prepareConv(ConvSpec spec, Tensor weight, Tensor bias, boolean relu) {
        OneDnnConvKernel.checkWeights(spec, weight, bias);
        return new OneDnnConvKernel(this, engine, spec, weight, bias, relu);
    }

    /**
     * bf16 runs as {@link #bf16Route()} says; where the CPU has neither AMX nor AVX512_BF16 the
     * kernel computes in f32 and reports {@link Precision#F32}.
     */
    @Override
    public ConvKernel prepareConv(ConvSpec spec, Tensor weight, Tensor bias, boolean relu, Precision precision) {
        OneDnnConvKernel.checkWeights(spec, weight, bias);
        return new OneDnnConvKernel(this, engine, spec, weight, bias, relu,
                OneDnnConvKernel.Arithmetic.forCpu(precision));
    }

    @Override
    public Precision effectivePrecision(Precision requested) {
        return OneDnnConvKernel.Arithmetic.forCpu(requested).precision();
    }

    /**
     * How a bf16 convolution computes on this CPU, in one line for {@code conv4j info} and the
     * bench: which route, or that it falls back to f32.
     */
    public String bf16Route() {
        switch (OneDnnConvKernel.Arithmetic.forCpu(Precision.BF16)) {
            case BF16_FPMATH:
                return "bf16 (AMX: f32 tensors, oneDNN fpmath_mode bf16)";
            case BF16_MEMORY:
                return "bf16 (AVX512_BF16: weights prepacked to bf16, activations converted per call)";
            default:
                return "f32 (CPU ISA " + Dnnl.effectiveIsa() + " has no bf16 products: Precision.BF16 computes in f32)";
        }
    }

    // ---------------------------------------------------------------- quantized

    private final dev.conv4j.backend.QuantizedBackend quantized = new OneDnnQuantized(this);

    /** Quantized convolutions on oneDNN's int8 primitives; quantized pooling in Java ({@link OneDnnQuantized}). */
    @Override
    public dev.conv4j.backend.QuantizedBackend quantized() {
        return quantized;
    }

    // ---------------------------------------------------------------- relu

    /**
     * ReLU as a plain loop: oneDNN's {@code eltwise_relu} (and {@code clip}/{@code clip_v2}) with
     * alpha 0 compute {@code max(x, 0)} with the CPU's max instruction, which turns NaN into 0 and
     * {@code -0.0} into {@code +0.0}, where {@code torch.relu} keeps both (seen in ReLUTest).
     */
    @Override
    public void relu(Tensor input, Tensor output) {
        if (input == null || output == null) {
            throw new IllegalArgumentException("input and output must not be null");
        }
        checkFloat("input", input, input.shape());
        checkFloat("output", output, input.shape());
        if (input.memoryFormat() != output.memoryFormat()) {
            output.copyFrom(input); // elementwise: any one order will do
            relu(output.floatBuffer(), output.floatBuffer(), output.numel());
            return;
        }
        relu(input.floatBuffer(), output.floatBuffer(), input.numel());
    }

    /** {@code out[i] = in[i] < 0 ? +0 : in[i]} (torch.relu: NaN and -0.0 stay); {@code in} may be {@code out}. */
    static void relu(FloatBuffer in, FloatBuffer out, long n) {
        int count = Math.toIntExact(n);
        float[] chunk = new float[Math.min(count, CHUNK)];
        for (int start = 0; start < count; start += chunk.length) {
            int len = Math.min(chunk.length, count - start);
            in.get(start, chunk, 0, len);
            for (int i = 0; i < len; i++) {
                // branch-free (the sign of random data is unpredictable): clear the bits of values
                // with the sign set that are neither -0.0 (magnitude 0) nor NaN (above infinity's)
                int bits = Float.floatToRawIntBits(chunk[i]);
                int magnitude = bits & 0x7fffffff;
                int negative = (bits >> 31) & ~((0x7f800000 - magnitude) >> 31) & (-magnitude >> 31);
                chunk[i] = Float.intBitsToFloat(bits & ~negative);
            }
            out.put(start, chunk, 0, len);
        }
    }

    /** Elements per pass of the Java loops over native tensors (fits in L1/L2). */
    static final int CHUNK = 4096;

    // ---------------------------------------------------------------- pooling

    /** The tensor checks shared by plain and adaptive pooling; indices only for max pooling. */
    private static void checkPoolTensors(String opName, PoolKind kind, long batch, long channels, long[] inSpatial,
            long[] outSpatial, Tensor input, Tensor output, Tensor indices) {
        long[] out = batched(batch, channels, outSpatial);
        checkFloat("input", input, batched(batch, channels, inSpatial));
        checkFloat("output", output, out);
        if (indices != null) {
            if (kind != PoolKind.MAX) {
                throw new IllegalArgumentException(opName + " returns no indices");
            }
            checkIndices(indices, out);
        }
    }

    @Override
    public void pool(PoolProblem problem, Tensor input, Tensor output, Tensor indices) {
        checkPoolTensors(problem.spec().opName(), problem.spec().kind(), problem.batch(), problem.channels(),
                problem.inputSpatial(), problem.outputSpatial(), input, output, indices);
        OneDnnAdapter.Route route = OneDnnAdapter.route(problem);
        if (route == OneDnnAdapter.Route.NONE) {
            return;
        }
        int rank = problem.inputSpatial().length + 2;
        if (route == OneDnnAdapter.Route.ONEDNN_POOLING && indices == null && onOneDnn(rank, input, output)) {
            runPool(problem.spec().opName(), OneDnnAdapter.pool(problem), input, output);
        } else if (MemoryFormats.allContiguous(input, output, indices)) {
            OwnKernels.pool(problem, input, output, indices, false);
        } else if (MemoryFormats.allChannelsLast(rank, input, output, indices)) {
            OwnKernels.pool(problem, input, output, indices, true);
        } else {
            MemoryFormats.viaContiguous(new Tensor[] {input}, new Tensor[] {output, indices},
                    t -> OwnKernels.pool(problem, t[0], t[1], t[2], false));
        }
    }

    /**
     * ROUTE DECISION (one place; a cost-based per-plan choice may replace it): whether an
     * adaptive average pooling call that oneDNN could run runs on our own kernel instead. Yes for
     * global pooling (every output size 1) on contiguous NC(D)(H)W tensors: one vectorised sum
     * per plane, where oneDNN's NCHW pooling measured several times slower. Other shapes, and
     * channels-last tensors, stay on oneDNN (our planar average pooling measured slower than
     * oneDNN's on AvgPool2d(3, 1, 1) 256x28x28).
     */
    static boolean ownGlobalAverage(AdaptivePoolProblem p, Tensor input, Tensor output) {
        return OneDnnAdapter.route(p) == OneDnnAdapter.Route.ONEDNN_POOLING
                && Arrays.stream(p.outputSpatial()).allMatch(o -> o == 1) && MemoryFormats.allContiguous(input, output);
    }

    /**
     * Whether a oneDNN primitive can take the tensors as they are: all contiguous, or all
     * channels-last of the problem's batched rank. Otherwise the call runs on contiguous copies.
     */
    private static boolean onOneDnn(int batchedRank, Tensor... tensors) {
        return MemoryFormats.allContiguous(tensors) || MemoryFormats.allChannelsLast(batchedRank, tensors);
    }

    @Override
    public void adaptivePool(AdaptivePoolProblem problem, Tensor input, Tensor output, Tensor indices) {
        checkPoolTensors(problem.spec().opName(), problem.spec().kind(), problem.batch(), problem.channels(),
                problem.inputSpatial(), problem.outputSpatial(), input, output, indices);
        OneDnnAdapter.Route route = OneDnnAdapter.route(problem);
        if (route == OneDnnAdapter.Route.NONE) {
            return;
        }
        int rank = problem.inputSpatial().length + 2;
        if (indices == null && ownGlobalAverage(problem, input, output)) {
            OwnKernels.adaptivePool(problem, input, output, indices, threads);
        } else if (route == OneDnnAdapter.Route.ONEDNN_POOLING && indices == null && onOneDnn(rank, input, output)) {
            runPool(problem.spec().opName(), OneDnnAdapter.adaptivePool(problem), input, output);
        } else if (MemoryFormats.allContiguous(input, output, indices)) {
            OwnKernels.adaptivePool(problem, input, output, indices);
        } else {
            MemoryFormats.viaContiguous(new Tensor[] {input}, new Tensor[] {output, indices},
                    t -> OwnKernels.adaptivePool(problem, t[0], t[1], t[2]));
        }
    }

    @Override
    public void maxUnpool(UnpoolProblem problem, Tensor input, Tensor indices, Tensor output) {
        long[] in = batched(problem.batch(), problem.channels(), problem.inputSpatial());
        checkFloat("input", input, in);
        checkIndices(indices, in);
        checkFloat("output", output, batched(problem.batch(), problem.channels(), problem.outputSpatial()));
        if (problem.batch() == 0) {
            return;
        }
        MemoryFormats.viaContiguous(new Tensor[] {input, indices}, new Tensor[] {output}, t -> {
            t[2].fillZero(); // the kernel writes only the positions the indices name
            OwnKernels.maxUnpool(problem, t[0], t[1], t[2]);
        });
    }

    /** The implementation oneDNN chose for a pooling problem it runs (creating it if needed), for tests. */
    String poolImplementation(PoolProblem problem) {
        if (OneDnnAdapter.route(problem) != OneDnnAdapter.Route.ONEDNN_POOLING) {
            return "own:" + OneDnnAdapter.route(problem);
        }
        applyThreads();
        OneDnnAdapter.PoolDesc desc = OneDnnAdapter.pool(problem);
        PoolPlan plan = poolPlans.acquire(desc.planKey(threads, MemoryFormat.CONTIGUOUS),
                k -> createPoolPlan(problem.spec().opName(), desc, MemoryFormat.CONTIGUOUS));
        try {
            return plan.primitive.implInfo();
        } finally {
            poolPlans.release(plan);
        }
    }

    /**
     * Runs a pooling problem on oneDNN's primitive whatever the route says, for measurements
     * (for max pooling the result is PyTorch's only without NaN in the input).
     */
    void poolOnOneDnn(PoolProblem problem, Tensor input, Tensor output) {
        if (!onOneDnn((problem.inputSpatial().length + 2), input, output)) {
            throw new IllegalArgumentException("input and output must both be contiguous or both channels-last");
        }
        runPool(problem.spec().opName(), OneDnnAdapter.pool(problem), input, output);
    }

    /**
     * Runs a pooling primitive on {@code input} and {@code output}, both contiguous or both
     * channels-last, on the threads its plan is worth ({@link CallThreads}).
     */
    private void runPool(String opName, OneDnnAdapter.PoolDesc desc, Tensor input, Tensor output) {
        int max = threads;
        List<Long> key = desc.planKey(max, input.memoryFormat());
        int wanted = CallThreads.kept(poolThreads, key, 4 * POOL_CACHE_CAPACITY, () -> {
            double bytes = Float.BYTES * (double) (input.numel() + output.numel());
            double flops = (double) output.numel() * OneDnnAdapter.product(desc.kernel);
            return callThreads.tune(CallThreads.estimateMicros(flops, bytes), max,
                    n -> runPool(n, opName, desc, input, output));
        });
        int n = callThreads.acquire(wanted, max);
        try {
            runPool(n, opName, desc, input, output);
        } finally {
            callThreads.release(n);
        }
    }

    private void runPool(int threads, String opName, OneDnnAdapter.PoolDesc desc, Tensor input, Tensor output) {
        applyThreads(threads);
        MemoryFormat format = input.memoryFormat();
        PoolPlan plan = poolPlans.acquire(desc.planKey(threads, format),
                k -> createPoolPlan(opName, desc, format));
        try {
            NativePrimitive p = plan.primitive;
            p.execute(new int[] {DNNL_ARG_SRC, DNNL_ARG_DST},
                    new dnnl_memory_desc[] {p.query(dnnl_query_src_md, 0), p.query(dnnl_query_dst_md, 0)},
                    new Pointer[] {input.pointer(), output.pointer()});
            Reference.reachabilityFence(input);
            Reference.reachabilityFence(output);
        } finally {
            poolPlans.release(plan);
        }
    }

    @SuppressWarnings("try") // the scope frees the temporaries JavaCPP allocates inside it
    private PoolPlan createPoolPlan(String opName, OneDnnAdapter.PoolDesc d, MemoryFormat format) {
        String what = opName + " (" + d + ", " + format + ")";
        dnnl_primitive_attr attr = Dnnl.createAttr();
        dnnl_memory_desc src = null;
        dnnl_memory_desc dst = null;
        try (PointerScope scope = new PointerScope()) {
            src = Dnnl.desc(d.src, format);
            dst = Dnnl.desc(d.dst, format);
            dnnl_primitive_desc pd = new dnnl_primitive_desc();
            Dnnl.check(dnnl_pooling_forward_primitive_desc_create(pd, engine, dnnl_forward_inference, d.algorithm, src,
                    dst, new LongPointer(d.strides), new LongPointer(d.kernel), new LongPointer(d.dilates),
                    new LongPointer(d.padLeft), new LongPointer(d.padRight), attr), "pooling_forward for " + what);
            return new PoolPlan(new NativePrimitive(engine, pd, what));
        } finally {
            Dnnl.destroy(attr);
            Dnnl.destroy(src);
            Dnnl.destroy(dst);
        }
    }

    private static final class PoolPlan extends PlanCache.Plan {
        final NativePrimitive primitive;

        PoolPlan(NativePrimitive primitive) {
            this.primitive = primitive;
        }

        @Override
        protected void free() {
            primitive.free();
        }
    }

    // ---------------------------------------------------------------- checks

    private static long[] batched(long n, long c, long[] spatial) {
        return OneDnnAdapter.concat(new long[] {n, c}, spatial);
    }

    /** Refuses a tensor that is closed, not float32, or of another element count than {@code shape}. */
    static void checkFloat(String name, Tensor t, long[] shape) {
        check(name, t, DType.FLOAT32, shape);
    }

    private static void checkIndices(Tensor t, long[] shape) {
        check("indices", t, DType.INT64, shape);
    }

    private static void check(String name, Tensor t, DType dtype, long[] shape) {
        if (t == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (t.isClosed()) {
            throw new IllegalStateException(name + " tensor is closed");
        }
        if (t.dtype() != dtype) {
            throw new IllegalArgumentException(name + " should be " + dtype + ", but got " + t.dtype());
        }
        long expected = OneDnnAdapter.product(shape);
        if (t.numel() != expected) {
            throw new IllegalArgumentException(name + " should have shape " + Tuples.list(shape) + " (" + expected
                    + " elements), but got " + Arrays.toString(t.shape()));
        }
    }
}
