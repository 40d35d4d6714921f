package dev.conv4j.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;

import dev.conv4j.MemoryFormat;
import dev.conv4j.Precision;
import dev.conv4j.Tensor;
import dev.conv4j.spec.PaddingMode;

/**
 * Modules chained in order, like torch.nn.Sequential: each output feeds the next module.
 * Intermediate tensors are freed as soon as the next module has consumed them. Owns its modules:
 * closing the Sequential closes them.
 *
 * <p>A {@link Convolution} immediately followed by a {@link ReLU} on the same backend runs as
 * one call of the convolution with a fused ReLU (on oneDNN a post-op of the convolution
 * primitive); the numbers are those of the two modules run one after the other.
 *
 * <p>Intermediate tensors stay in the layout oneDNN's convolutions prefer: when the chain holds a
 * convolution on a backend that {@linkplain dev.conv4j.backend.Backend#prefersChannelsLast() prefers
 * channels-last}, as oneDNN does (and none with a padding mode other than zeros, which
 * runs on contiguous copies), and gets a contiguous batched 2d (NCHW) or 3d (NCDHW)
 * input, the input is converted to channels-last once, every module runs on channels-last
 * tensors, and the result is converted back to contiguous at the end. A channels-last input
 * runs as it is and gives a channels-last result, as in PyTorch.
 *
 * <p>{@link #precision(Precision)} sets the precision of every convolution of the chain (each
 * module's own otherwise). Between layers the activations stay float32 tensors: at bf16 each
 * convolution converts its input to bf16 itself (one oneDNN reorder); pooling and ReLU compute
 * in float32.
 */
public final class Sequential implements Module {
    private final List<Module> modules;
    /** What {@link #forward} runs: the modules, with each fused Convolution+ReLU pair as one step. */
    private final List<Step> steps;
    private final ModuleState state = new ModuleState("Sequential");
    /**
     * The input rank (4 or 5) at which the chain runs channels-last: that of the first
     * convolution on a backend preferring channels-last (its spatial dims + 2), or 0 when there is none.
     */
    private final int channelsLastRank;
    /** The precision of the chain's convolutions, or null for each module's own. */
    private volatile Precision precision;

    public Sequential(Module... modules) {
        if (modules.length == 0) {
            throw new IllegalArgumentException("Sequential needs at least one module");
        }
        this.modules = List.of(modules);
        List<Step> s = new ArrayList<>();
        for (int i = 0; i < modules.length; i++) {
            Module m = modules[i];
            if (i + 1 < modules.length && m instanceof Convolution && modules[i + 1] instanceof ReLU
                    && ((Convolution) m).backend() == ((ReLU) modules[i + 1]).backend()) {
                Convolution conv = (Convolution) m;
                ReLU relu = (ReLU) modules[i + 1];
                s.add(new Step(true, (in, out) -> {
                    relu.checkOpen();
                    return conv.forwardStep(in, true, precisionOf(conv), out);
                }));
                i++;
            } else if (m instanceof Convolution) {
                Convolution conv = (Convolution) m;
                s.add(new Step(false, (in, out) -> conv.forwardStep(in, false, precisionOf(conv), out)));
            } else {
                s.add(new Step(false, (in, out) -> out == null ? m.forward(in) : m.forward(in, out)));
            }
        }
        this.steps = List.copyOf(s);
        // Padding modes other than zeros run on contiguous copies (our padding kernel indexes
        // planes): a chain holding one would convert twice per such layer, so it stays contiguous.
        boolean allZeroPadded = this.modules.stream().noneMatch(m -> m instanceof Convolution
                && ((Convolution) m).spec().paddingMode() != PaddingMode.ZEROS);
        this.channelsLastRank = !allZeroPadded ? 0 : this.modules.stream()
                .filter(m -> m instanceof Convolution && ((Convolution) m).backend().prefersChannelsLast())
                .mapToInt(m -> ((Convolution) m).spec().dims() + 2)
                .filter(r -> r >= 4)
                .findFirst().orElse(0);
    }

    /**
     * The input rank at which {@link #forward} converts a contiguous input to channels-last (and
     * the result back), or 0 if it never does. For tests and diagnostics.
     */
    public int channelsLastRank() {
        return channelsLastRank;
    }

    /**
     * Sets the precision of all the chain's convolutions (null: each module's own, the default)
     * for the calls that start afterwards; returns this Sequential. A convolution prepares its
     * kernel for a precision other than its own on first use.
     */
    public Sequential precision(Precision p) {
        state.checkOpen();
        this.precision = p;
        return this;
    }

    /** The precision set with {@link #precision(Precision)}, or null when each module keeps its own. */
    public Precision precision() {
        return precision;
    }

    /**
     * {@link Precision#BF16} when some convolution of the chain computes with bf16 products on
     * this backend and CPU, else {@link Precision#F32} (then the chain's numbers are float32 ones).
     */
    public Precision effectivePrecision() {
        state.checkOpen();
        boolean bf16 = modules.stream().anyMatch(m -> m instanceof Convolution c
                && c.backend().effectivePrecision(precisionOf(c)) == Precision.BF16);
        return bf16 ? Precision.BF16 : Precision.F32;
    }

    private Precision precisionOf(Convolution conv) {
        Precision p = precision;
        return p == null ? conv.precision() : p;
    }

    /** One call of the chain: a module, or a fused pair; into the second argument unless it is null. */
    private record Step(boolean fused, BinaryOperator<Tensor> call) {
    }

    /** How many Convolution+ReLU pairs run fused (for tests and diagnostics). */
    public int fusedPairs() {
        return (int) steps.stream().filter(Step::fused).count();
    }

    public List<Module> modules() {
        return modules;
    }

    @Override
    public Tensor forward(Tensor input) {
        return forward(input, null);
    }

    /**
     * {@inheritDoc} The last module writes into {@code out} (through one channels-last
     * temporary when the chain runs channels-last on a contiguous input); intermediates come
     * from the tensor pool, so a warm call allocates no native memory.
     */
    @Override
    public Tensor forward(Tensor input, Tensor out) {
        state.enter();
        try {
            if (input == null || input.rank() != channelsLastRank
                    || input.memoryFormat() != MemoryFormat.CONTIGUOUS) {
                return chain(input, out);
            }
            Tensor result;
            try (Tensor cl = input.toMemoryFormat(MemoryFormat.CHANNELS_LAST)) {
                result = chain(cl, null);
            }
            if (out != null) {
                return copyInto(input, result, out);
            }
            if (result.memoryFormat() == MemoryFormat.CONTIGUOUS) {
                return result;
            }
            try (Tensor r = result) {
                return r.contiguous();
            }
        } finally {
            state.exit();
        }
    }

    /**
     * Copies the chain's {@code result} (either format) into the caller's contiguous {@code out}
     * after the checks of {@code out=}, and frees it.
     */
    private static Tensor copyInto(Tensor input, Tensor result, Tensor out) {
        try (Tensor r = result) {
            Outputs.checkOut(input, out, r.shape(), MemoryFormat.CONTIGUOUS);
            out.copyFrom(r);
            return out;
        }
    }

    /** Runs the steps on {@code input}; the last one into {@code out} unless it is null. */
    private Tensor chain(Tensor input, Tensor out) {
        Tensor current = input;
        for (int i = 0; i < steps.size(); i++) {
            Tensor next;
            try {
                next = steps.get(i).call().apply(current, i == steps.size() - 1 ? out : null);
            } finally {
                if (current != input) {
                    current.close();
                }
            }
            current = next;
        }
        return current;
    }

    @Override
    public void close() {
        state.close(() -> modules.forEach(Module::close));
    }

    @Override
    public String toString() {
        return "Sequential" + modules;
    }
}
