package dev.conv4j.nn;

import dev.conv4j.Tensor;
import dev.conv4j.backend.Backend;
import dev.conv4j.backend.Backends;

/**
 * torch.nn.ReLU: {@code max(x, 0)} elementwise on a float tensor of any shape, as
 * {@code torch.relu} computes it (values below zero become 0; NaN and {@code -0.0} pass through).
 * Holds no native memory of its own. In a {@link Sequential}, a ReLU right after a
 * {@link Convolution} on the same backend is fused into the convolution.
 */
public final class ReLU implements Module {
    private final Backend backend;
    private final ModuleState state = new ModuleState("ReLU");

    /** {@code ReLU()} on the default backend ({@link Backends#getDefault()}); {@link #builder()} for another. */
    public ReLU() {
        this(Backends.getDefault());
    }

    private ReLU(Backend backend) {
        this.backend = backend;
    }

    /** A builder; the only argument is the backend (torch's {@code inplace} is not supported). */
    public static Builder builder() {
        return new Builder();
    }

    public Backend backend() {
        return backend;
    }

    @Override
    public Tensor forward(Tensor input) {
        state.enter();
        try {
            ModuleState.checkFloatInput(input, "input");
            return Outputs.compute(input, input.shape(), out -> backend.relu(input, out));
        } finally {
            state.exit();
        }
    }

    /** {@inheritDoc} ReLU may not run in place here: {@code out} must not overlap {@code input}. */
    @Override
    public Tensor forward(Tensor input, Tensor out) {
        state.enter();
        try {
            ModuleState.checkFloatInput(input, "input");
            return Outputs.into(input, out, input.shape(), o -> backend.relu(input, o));
        } finally {
            state.exit();
        }
    }

    /** Throws {@link IllegalStateException} if closed (a fused Sequential step checks this). */
    void checkOpen() {
        state.checkOpen();
    }

    @Override
    public void close() {
        state.close(() -> { });
    }

    @Override
    public String toString() {
        return "ReLU()";
    }

    /** Builder of a {@link ReLU}. */
    public static final class Builder extends ModuleBuilder<ReLU, Builder> {
        private Builder() {
            super(b -> new ReLU(b.backendOrDefault()));
        }
    }
}
