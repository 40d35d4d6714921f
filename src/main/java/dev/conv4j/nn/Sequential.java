package dev.conv4j.nn;

import java.util.List;

import dev.conv4j.Tensor;

/**
 * Modules chained in order, like torch.nn.Sequential: each output feeds the next module.
 * Intermediate tensors are freed as soon as the next module has consumed them. Owns its modules:
 * closing the Sequential closes them.
 */
public final class Sequential implements Module {
    private final List<Module> modules;
    private final ModuleState state = new ModuleState("Sequential");

    public Sequential(Module... modules) {
        if (modules.length == 0) {
            throw new IllegalArgumentException("Sequential needs at least one module");
        }
        this.modules = List.of(modules);
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
        for (Module m : modules) {
            Tensor next;
            try {
                next = m.forward(current);
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
