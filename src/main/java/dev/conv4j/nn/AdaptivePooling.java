package dev.conv4j.nn;

import dev.conv4j.Tensor;
import dev.conv4j.backend.Backend;
import dev.conv4j.spec.AdaptivePoolGeometry;
import dev.conv4j.spec.AdaptivePoolProblem;
import dev.conv4j.spec.AdaptivePoolSpec;
import dev.conv4j.spec.PoolKind;

/** Adaptive average or max pooling: the implementation of AdaptiveAvgPool1d/2d/3d and AdaptiveMaxPool1d/2d/3d. */
public class AdaptivePooling implements Module {
    private final AdaptivePoolSpec spec;
    private final Backend backend;
    private final ModuleState state;

    AdaptivePooling(Builder<?> b) {
        this.spec = AdaptivePoolSpec.of(b.kind, b.dims, b.returnIndices, b.outputSize);
        this.backend = b.backendOrDefault();
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

    /** Builder of an adaptive pooling module; method names are PyTorch's argument names in camelCase. */
    public static final class Builder<M extends AdaptivePooling> extends ModuleBuilder<M, Builder<M>> {
        private final PoolKind kind;
        private final int dims;
        private final Long[] outputSize;
        private boolean returnIndices;

        Builder(PoolKind kind, int dims, Long[] outputSize, java.util.function.Function<Builder<M>, M> factory) {
            super(factory);
            if (outputSize == null) {
                throw new IllegalArgumentException("output_size must not be null");
            }
            this.kind = kind;
            this.dims = dims;
            this.outputSize = outputSize.clone();
        }

        /** Adaptive max pooling only: lets {@link AdaptivePooling#forwardWithIndices} return the indices too. */
        public Builder<M> returnIndices(boolean v) {
            returnIndices = v;
            return this;
        }
    }
}
