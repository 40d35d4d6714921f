package dev.conv4j.nn;

import dev.conv4j.Tensor;
import dev.conv4j.backend.Backend;
import dev.conv4j.spec.PoolGeometry;
import dev.conv4j.spec.PoolProblem;
import dev.conv4j.spec.PoolSpec;

/**
 * Max, average or LP pooling: the common implementation of MaxPool1d/2d/3d, AvgPool1d/2d/3d and
 * LPPool1d/2d. Holds no native memory of its own.
 */
public class Pooling implements Module {
    private final PoolSpec spec;
    private final Backend backend;
    private final ModuleState state;
    private final LastShape<PoolProblem> problems;

    Pooling(Builder<?> b) {
        this.spec = b.spec.build();
        this.problems = new LastShape<>(shape -> PoolGeometry.forward(spec, shape));
        this.backend = b.backendOrDefault();
        this.state = new ModuleState(spec.opName());
    }

    public PoolSpec spec() {
        return spec;
    }

    public Backend backend() {
        return backend;
    }

    /** The pooled output (for a module built with return_indices, the indices are not computed). */
    @Override
    public Tensor forward(Tensor input) {
        state.checkOpen();
        ModuleState.checkFloatInput(input, "input");
        PoolProblem p = problems.problem(input.shape());
        return Outputs.compute(input, p.outputShape(), out -> backend.pool(p, input, out, null));
    }

    @Override
    public Tensor forward(Tensor input, Tensor out) {
        state.checkOpen();
        ModuleState.checkFloatInput(input, "input");
        PoolProblem p = problems.problem(input.shape());
        return Outputs.into(input, out, p.outputShape(), o -> backend.pool(p, input, o, null));
    }

    /** Output and indices; only for max pooling built with {@code returnIndices(true)}. */
    public PoolResult forwardWithIndices(Tensor input) {
        state.checkOpen();
        if (!spec.returnIndices()) {
            throw new IllegalStateException(spec.opName() + " was built with return_indices=False");
        }
        ModuleState.checkFloatInput(input, "input");
        PoolProblem p = problems.problem(input.shape());
        return Outputs.computeWithIndices(input, p.outputShape(), (out, idx) -> backend.pool(p, input, out, idx));
    }

    @Override
    public void close() {
        state.close(() -> { });
    }

    @Override
    public String toString() {
        return spec.toString();
    }

    /** Builder of a pooling module; method names are PyTorch's argument names in camelCase. */
    public static final class Builder<M extends Pooling> extends ModuleBuilder<M, Builder<M>> {
        private final PoolSpec.Builder spec;

        Builder(PoolSpec.Builder spec, java.util.function.Function<Builder<M>, M> factory) {
            super(factory);
            this.spec = spec;
        }

        /** The window step; null (the default) means kernel_size. */
        public Builder<M> stride(int... v) {
            spec.stride(v);
            return this;
        }

        public Builder<M> padding(int... v) {
            spec.padding(v);
            return this;
        }

        public Builder<M> dilation(int... v) {
            spec.dilation(v);
            return this;
        }

        public Builder<M> ceilMode(boolean v) {
            spec.ceilMode(v);
            return this;
        }

        public Builder<M> countIncludePad(boolean v) {
            spec.countIncludePad(v);
            return this;
        }

        public Builder<M> divisorOverride(Integer v) {
            spec.divisorOverride(v);
            return this;
        }

        public Builder<M> returnIndices(boolean v) {
            spec.returnIndices(v);
            return this;
        }
    }
}
