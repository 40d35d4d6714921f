package dev.conv4j.onednn;

import java.nio.FloatBuffer;

import dev.conv4j.DType;
import dev.conv4j.Precision;
import dev.conv4j.Tensor;
import dev.conv4j.backend.Backend;
import dev.conv4j.backend.ConvKernel;
import dev.conv4j.backend.QuantizedBackend;
import dev.conv4j.backend.TensorContract;
import dev.conv4j.kernels.Kernels;
import dev.conv4j.spec.AdaptivePoolProblem;
import dev.conv4j.spec.ConvSpec;
import dev.conv4j.spec.PoolProblem;
import dev.conv4j.spec.UnpoolProblem;

/**
 * The native backend: convolutions, transposed convolutions and the pooling that oneDNN
 * computes exactly as PyTorch does run on oneDNN primitives (one CPU engine); the rest runs on
 * conv4j's own native kernels. {@link Routes#TABLE} lists which. This class is the
 * {@link Backend} facade: the runtime ({@link OneDnnRuntime}: loading, engine, threads, info),
 * the convolution kernels ({@link OneDnnConvKernel}), the pooling ({@link OneDnnPooling}) and
 * the quantized operators ({@link OneDnnQuantized}) live in their own classes.
 *
 * <p>Thread-safe: primitives are cached per problem shape; each call of a primitive borrows an
 * execution context of its own (stream, memory objects, scratchpad) from the primitive's pool
 * and returns it afterwards, so one prepared kernel serves many threads at once, and a call
 * creates no oneDNN objects once the pool holds a context. A primitive's contexts are freed with
 * it (when its kernel is closed or its plan evicted).
 *
 * <p>Threads: the most threads one call uses comes from {@link #setThreads}, else the system
 * property {@value #THREADS_PROPERTY}, else the number of available processors; within it each
 * oneDNN call gets the threads its plan is worth and the calls in flight leave free
 * ({@link OneDnnRuntime} says how the count reaches OpenMP, and {@link #info()} whether it does).
 */
public final class OneDnnBackend implements Backend {
    /** System property with the thread count, e.g. {@code -Dconv4j.threads=4} (read by {@link Kernels#defaultThreads()}). */
    public static final String THREADS_PROPERTY = Kernels.THREADS_PROPERTY;

    private static volatile OneDnnBackend instance;

    private final OneDnnRuntime runtime;
    private final OneDnnPooling pooling;
    private final QuantizedBackend quantized;

    private OneDnnBackend(OneDnnRuntime runtime) {
        this.runtime = runtime;
        this.pooling = new OneDnnPooling(runtime);
        this.quantized = new OneDnnQuantized(runtime);
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
                    b = new OneDnnBackend(OneDnnRuntime.load());
                    instance = b;
                }
            }
        }
        return b;
    }

    @Override
    public String name() {
        return "onednn";
    }

    /** oneDNN's convolutions are fastest on NHWC / NDHWC. */
    @Override
    public boolean prefersChannelsLast() {
        return true;
    }

    /** Threads each call uses at most. */
    public int threads() {
        return runtime.threads();
    }

    /**
     * Sets the threads each later call uses at most, on oneDNN (primitives are cached per thread
     * count) and on our own kernels.
     */
    public void setThreads(int n) {
        runtime.setThreads(n);
    }

    /** The engine, threads and native libraries the backend runs on. */
    OneDnnRuntime runtime() {
        return runtime;
    }

    /** The backend's pooling, for tests. */
    OneDnnPooling pooling() {
        return pooling;
    }

    /** What {@code conv4j info} prints: versions, ISA and threads. */
    public Info info() {
        return runtime.info();
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
        return new OneDnnConvKernel(runtime, spec, weight, bias, relu);
    }

    /**
     * bf16 runs as {@link #bf16Route()} says; where the CPU has neither AMX nor AVX512_BF16 the
     * kernel computes in f32 and reports {@link Precision#F32}.
     */
    @Override
    public ConvKernel prepareConv(ConvSpec spec, Tensor weight, Tensor bias, boolean relu, Precision precision) {
        OneDnnConvKernel.checkWeights(spec, weight, bias);
        return new OneDnnConvKernel(runtime, spec, weight, bias, relu, OneDnnConvKernel.Arithmetic.forCpu(precision));
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

    /** Quantized convolutions on oneDNN's int8 primitives; quantized pooling in Java ({@link OneDnnQuantized}). */
    @Override
    public QuantizedBackend quantized() {
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
        TensorContract.require("input", input, DType.FLOAT32, input.shape());
        TensorContract.require("output", output, DType.FLOAT32, input.shape());
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

    @Override
    public void pool(PoolProblem problem, Tensor input, Tensor output, Tensor indices) {
        pooling.pool(problem, input, output, indices);
    }

    @Override
    public void adaptivePool(AdaptivePoolProblem problem, Tensor input, Tensor output, Tensor indices) {
        pooling.adaptivePool(problem, input, output, indices);
    }

    @Override
    public void maxUnpool(UnpoolProblem problem, Tensor input, Tensor indices, Tensor output) {
        pooling.maxUnpool(problem, input, indices, output);
    }
}
