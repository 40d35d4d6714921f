package dev.conv4j.nn;

import java.util.Arrays;
import java.util.SplittableRandom;

import dev.conv4j.Precision;
import dev.conv4j.Tensor;
import dev.conv4j.backend.Backend;
import dev.conv4j.backend.ConvKernel;
import dev.conv4j.spec.ConvGeometry;
import dev.conv4j.spec.ConvProblem;
import dev.conv4j.spec.ConvSpec;
import dev.conv4j.spec.PaddingMode;
import dev.conv4j.spec.Tuples;

/**
 * A convolution or transposed convolution layer: the common implementation of {@link Conv1d},
 * {@link Conv2d}, {@link Conv3d}, {@link ConvTranspose1d}, {@link ConvTranspose2d} and
 * {@link ConvTranspose3d}. Weights use PyTorch's layouts; the backend prepares them once.
 *
 * <p>{@link Builder#precision(Precision) precision(Precision.BF16)} trades accuracy for speed
 * (see {@link Precision#BF16} for the bound); {@link #effectivePrecision()} says what the
 * backend computes at on this CPU.
 */
public class Convolution implements Module {
    private final ConvSpec spec;
    private final Tensor weight;
    private final Tensor bias;
    private final Backend backend;
    private final Precision precision;
    private final ConvKernel kernel;
    /**
     * Kernels prepared on first use, by {@link #kernelIndex}: with a fused ReLU
     * ({@link #forwardStep}) and at a precision other than the module's (a
     * {@link Sequential}'s); guarded by {@code this}. Slot of {@link #kernel} stays null.
     */
    private final ConvKernel[] lazyKernels = new ConvKernel[2 * Precision.values().length];
    private final ModuleState state;
    private final LastShape<ConvProblem> problems;

    Convolution(Builder<?> b) {
        this.spec = b.spec.build();
        this.problems = new LastShape<>(shape -> ConvGeometry.forward(spec, shape, null));
        this.backend = b.backendOrDefault();
        this.precision = b.precision;
        this.state = new ModuleState(spec.opName());
        long[] wShape = spec.weightShape();
        Tensor w = null;
        Tensor bs = null;
        try {
            w = b.weight != null ? copyChecked(b.weight, wShape, "weight") : initUniform(wShape, fanIn(spec), b.seed);
            if (spec.bias()) {
                long[] bShape = {spec.outChannels()};
                bs = b.bias != null ? copyChecked(b.bias, bShape, "bias") : initUniform(bShape, fanIn(spec), b.seed + 1);
            } else if (b.bias != null) {
                throw new IllegalArgumentException("a bias tensor was given, but bias=False");
            }
            this.kernel = backend.prepareConv(spec, w, bs, false, precision);
        } catch (RuntimeException e) {
            if (w != null) {
                w.close();
            }
            if (bs != null) {
                bs.close();
            }
            throw e;
        }
        this.weight = w;
        this.bias = bs;
    }

    /** PyTorch's fan-in for the default initialisation: weight.size(1) times the kernel volume. */
    private static long fanIn(ConvSpec s) {
        return s.weightShape()[1] * Arrays.stream(s.kernelSize()).asLongStream().reduce(1, (a, c) -> a * c);
    }

    /** PyTorch's default init: uniform in [-1/sqrt(fan_in), 1/sqrt(fan_in)] (kaiming_uniform with a=sqrt(5)). */
    private static Tensor initUniform(long[] shape, long fanIn, long seed) {
        Tensor t = Tensor.zeros(shape);
        if (fanIn > 0) {
            double bound = 1 / Math.sqrt(fanIn);
            SplittableRandom r = new SplittableRandom(seed);
            java.nio.FloatBuffer buf = t.floatBuffer();
            for (int i = 0; i < buf.capacity(); i++) {
                buf.put(i, (float) ((r.nextDouble() * 2 - 1) * bound));
            }
        }
        return t;
    }

    private static Tensor copyChecked(Tensor t, long[] shape, String what) {
        ModuleState.checkFloatInput(t, what);
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(what + " must have shape " + Tuples.list(shape) + ", but got "
                    + Tuples.list(t.shape()));
        }
        return t.contiguous(); // the backends read weights in PyTorch's contiguous layout
    }

    public ConvSpec spec() {
        return spec;
    }

    /** The module's weight ({@code [out, in/groups, k...]}, or {@code [in, out/groups, k...]} transposed). Owned by the module. */
    public Tensor weight() {
        state.checkOpen();
        return weight;
    }

    /** The module's bias, or null when built with {@code bias(false)}. Owned by the module. */
    public Tensor bias() {
        state.checkOpen();
        return bias;
    }

    public Backend backend() {
        return backend;
    }

    /** The precision asked for with {@link Builder#precision(Precision)} ({@link Precision#F32} by default). */
    public Precision precision() {
        return precision;
    }

    /**
     * The precision {@link #forward} computes at on this backend and CPU: {@link #precision()},
     * or {@link Precision#F32} where bf16 products are not available.
     */
    public Precision effectivePrecision() {
        state.checkOpen();
        return kernel.precision();
    }

    /** The prepared kernel (for tests and diagnostics). */
    public ConvKernel kernel() {
        state.checkOpen();
        return kernel;
    }

    @Override
    public Tensor forward(Tensor input) {
        return forward(input, (long[]) null);
    }

    @Override
    public Tensor forward(Tensor input, Tensor out) {
        state.enter();
        try {
            ModuleState.checkFloatInput(input, "input");
            ConvProblem p = problems.problem(input.shape());
            return Outputs.into(input, out, p.outputShape(), o -> kernel.forward(p, input, o));
        } finally {
            state.exit();
        }
    }

    /**
     * Forward with a transposed convolution's {@code output_size}: the spatial sizes, optionally
     * preceded by batch and channel sizes, as PyTorch accepts it. Null means the default size.
     */
    public Tensor forward(Tensor input, long... outputSize) {
        state.enter();
        try {
            ModuleState.checkFloatInput(input, "input");
            ConvProblem p = outputSize == null ? problems.problem(input.shape())
                    : ConvGeometry.forward(spec, input.shape(), outputSize);
            return Outputs.compute(input, p.outputShape(), out -> kernel.forward(p, input, out));
        } finally {
            state.exit();
        }
    }

    /**
     * One step of a {@link Sequential}: the convolution at {@code at} (instead of the module's
     * precision), with a fused ReLU when {@code relu} ({@code relu(forward(input))} in one backend
     * call: on oneDNN a post-op of the primitive), into {@code out} unless it is null. Kernels
     * other than the module's own are prepared on first use and kept until the module closes.
     */
    Tensor forwardStep(Tensor input, boolean relu, Precision at, Tensor out) {
        state.enter();
        try {
            ModuleState.checkFloatInput(input, "input");
            ConvProblem p = problems.problem(input.shape());
            ConvKernel k = !relu && at == precision ? kernel : lazyKernel(relu, at);
            return out == null ? Outputs.compute(input, p.outputShape(), o -> k.forward(p, input, o))
                    : Outputs.into(input, out, p.outputShape(), o -> k.forward(p, input, o));
        } finally {
            state.exit();
        }
    }

    private static int kernelIndex(boolean relu, Precision at) {
        return 2 * at.ordinal() + (relu ? 1 : 0);
    }

    /** A kernel other than {@link #kernel}, prepared once; only called inside {@code state.enter()/exit()}. */
    private synchronized ConvKernel lazyKernel(boolean relu, Precision at) {
        int i = kernelIndex(relu, at);
        if (lazyKernels[i] == null) {
            lazyKernels[i] = backend.prepareConv(spec, weight, bias, relu, at);
        }
        return lazyKernels[i];
    }

    /** The fused kernel at the module's precision if one was prepared (for tests and diagnostics), else null. */
    synchronized ConvKernel preparedFusedReluKernel() {
        state.checkOpen();
        return lazyKernels[kernelIndex(true, precision)];
    }

    @Override
    public void close() {
        state.close(() -> {
            synchronized (this) {
                for (ConvKernel k : lazyKernels) {
                    if (k != null) {
                        k.close();
                    }
                }
            }
            kernel.close();
            weight.close();
            if (bias != null) {
                bias.close();
            }
        });
    }

    @Override
    public String toString() {
        return spec.toString();
    }

    /**
     * Builder of a convolution module; method names are PyTorch's argument names in camelCase.
     * Weights default to PyTorch's initialisation distribution, from a seeded generator.
     */
    public static final class Builder<M extends Convolution> extends ModuleBuilder<M, Builder<M>> {
        private final ConvSpec.Builder spec;
        private Tensor weight;
        private Tensor bias;
        private Precision precision = Precision.F32;
        private long seed = 0;

        Builder(int dims, boolean transposed, int in, int out, int[] kernelSize,
                java.util.function.Function<Builder<M>, M> factory) {
            super(factory);
            this.spec = ConvSpec.builder(dims, transposed, in, out, kernelSize);
        }

        public Builder<M> stride(int... v) {
            spec.stride(v);
            return this;
        }

        public Builder<M> padding(int... v) {
            spec.padding(v);
            return this;
        }

        /** {@code "same"} or {@code "valid"}. */
        public Builder<M> padding(String v) {
            spec.padding(v);
            return this;
        }

        public Builder<M> outputPadding(int... v) {
            spec.outputPadding(v);
            return this;
        }

        public Builder<M> dilation(int... v) {
            spec.dilation(v);
            return this;
        }

        public Builder<M> groups(int v) {
            spec.groups(v);
            return this;
        }

        public Builder<M> bias(boolean v) {
            spec.bias(v);
            return this;
        }

        public Builder<M> paddingMode(PaddingMode v) {
            spec.paddingMode(v);
            return this;
        }

        /** {@code "zeros"}, {@code "reflect"}, {@code "replicate"} or {@code "circular"}. */
        public Builder<M> paddingMode(String v) {
            spec.paddingMode(v);
            return this;
        }

        /** The weight in PyTorch's layout; copied into the module. */
        public Builder<M> weight(Tensor v) {
            weight = v;
            return this;
        }

        /** The bias ({@code [out_channels]}); copied into the module. */
        public Builder<M> bias(Tensor v) {
            bias = v;
            return this;
        }

        /**
         * The arithmetic: {@link Precision#F32} (default, PyTorch's numbers) or
         * {@link Precision#BF16} (bf16 products, float32 sums; see the bound there).
         */
        public Builder<M> precision(Precision v) {
            if (v == null) {
                throw new IllegalArgumentException("precision must not be null");
            }
            precision = v;
            return this;
        }

        /** Seed of the default weight initialisation. */
        public Builder<M> seed(long v) {
            seed = v;
            return this;
        }

        /**
         * Validates the arguments as PyTorch's constructor does, without weights (PyTorch checks
         * them before it sets the weights), and returns them.
         */
        public ConvSpec validate() {
            return spec.build();
        }
    }
}
