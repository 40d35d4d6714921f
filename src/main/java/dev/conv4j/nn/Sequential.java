package dev.conv4j.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import dev.conv4j.Tensor;

/**
 * Modules chained in order, like torch.nn.Sequential: each output feeds the next module.
 * Intermediate tensors are freed as soon as the next module has consumed them. Owns its modules:
 * closing the Sequential closes them.
 *
 * <p>A {@link Convolution} immediately followed by a {@link ReLU} on the same backend runs as
 * one call of the convolution with a fused ReLU (on oneDNN a post-op of the convolution
 * primitive); the numbers are those of the two modules run one after the other.
 */
public final class Sequential implements Module {
    private final List<Module> modules;
    /** What {@link #forward} runs: the modules, with each fused Convolution+ReLU pair as one step. */
    private final List<Step> steps;
    private final ModuleState state = new ModuleState("Sequential");

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
                s.add(new Step(true, in -> {
                    relu.checkOpen();
                    return conv.forwardFusedRelu(in);
                }));
                i++;
            } else {
                s.add(new Step(false, m::forward));
            }
        }
        this.steps = List.copyOf(s);
    }

    /** One call of the chain: a module, or a fused pair. */
    private record Step(boolean fused, UnaryOperator<Tensor> call) {
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
        state.enter();
        try {
            return chain(input);
        } finally {
            state.exit();
        }
    }

    private Tensor chain(Tensor input) {
        Tensor current = input;
        for (Step step : steps) {
            Tensor next;
            try {
                next = step.call().apply(current);
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
