package dev.conv4j.nn;

import dev.conv4j.Tensor;
import dev.conv4j.backend.Backend;
import dev.conv4j.backend.Backends;
import dev.conv4j.spec.AdaptivePoolGeometry;
import dev.conv4j.spec.AdaptivePoolProblem;
import dev.conv4j.spec.AdaptivePoolSpec;

/** Adaptive average or max pooling: the implementation of AdaptiveAvgPool1d/2d/3d and AdaptiveMaxPool1d/2d/3d. */
public class AdaptivePooling implements Module {
    private final AdaptivePoolSpec spec;
    private final Backend backend;
    private final ModuleState state;

    AdaptivePooling(AdaptivePoolSpec spec, Backend backend) {
        this.spec = spec;
        this.backend = backend != null ? backend : Backends.getDefault();
        this.state = new ModuleState(spec.opName());
    }

    public AdaptivePoolSpec spec() {
        return spec;
    }

    public Backend backend() {
        return backend;
    }

    @Override
    public Tensor forward(Tensor input) {
        state.checkOpen();
        ModuleState.checkFloatInput(input, "input");
        AdaptivePoolProblem p = AdaptivePoolGeometry.forward(spec, input.shape());
        return Outputs.compute(input, p.outputShape(), out -> backend.adaptivePool(p, input, out, null));
    }

    @Override
    public Tensor forward(Tensor input, Tensor out) {
        state.checkOpen();
        ModuleState.checkFloatInput(input, "input");
        AdaptivePoolProblem p = AdaptivePoolGeometry.forward(spec, input.shape());
        return Outputs.into(input, out, p.outputShape(), o -> backend.adaptivePool(p, input, o, null));
    }

    /** Output and indices; only for adaptive max pooling with return_indices. */
    public PoolResult forwardWithIndices(Tensor input) {
        state.checkOpen();
        if (!spec.returnIndices()) {
            throw new IllegalStateException(spec.opName() + " was built with return_indices=False");
        }
        ModuleState.checkFloatInput(input, "input");
        AdaptivePoolProblem p = AdaptivePoolGeometry.forward(spec, input.shape());
        return Outputs.computeWithIndices(input, p.outputShape(), (out, idx) -> backend.adaptivePool(p, input, out, idx));
    }

    @Override
    public void close() {
        state.close(() -> { });
    }

    @Override
    public String toString() {
        return spec.toString();
    }
}
