package dev.conv4j.nn;

import dev.conv4j.Tensor;
import dev.conv4j.backend.Backend;
import dev.conv4j.spec.UnpoolGeometry;
import dev.conv4j.spec.UnpoolProblem;
import dev.conv4j.spec.UnpoolSpec;

/**
 * Max unpooling, the partial inverse of max pooling: the implementation of MaxUnpool1d/2d/3d.
 * Takes the pooled values and the indices a max pooling returned.
 */
public class MaxUnpooling implements AutoCloseable {
    private final UnpoolSpec spec;
    private final Backend backend;
    private final ModuleState state;

    MaxUnpooling(Builder<?> b) {
        this.spec = UnpoolSpec.of(b.dims, b.kernelSize, b.stride, b.padding);
        this.backend = b.backendOrDefault();
        this.state = new ModuleState(spec.opName());
    }

    public UnpoolSpec spec() {
        return spec;
    }

    public Backend backend() {
        return backend;
    }

    /** Unpools to the default output size {@code (in - 1) * stride + kernel - 2 * padding}. */
    public Tensor forward(Tensor input, Tensor indices) {
        return forward(input, indices, (long[]) null);
    }

    /**
     * Unpools to {@code outputSize} (spatial sizes, optionally preceded by batch and channels);
     * null for the default size.
     */
    public Tensor forward(Tensor input, Tensor indices, long... outputSize) {
        state.checkOpen();
        ModuleState.checkFloatInput(input, "input");
        if (indices == null) {
            throw new IllegalArgumentException("elements in indices should be type int64 but got: null");
        }
        UnpoolProblem p = UnpoolGeometry.forward(spec, input.shape(), indices.shape(), indices.dtype(), outputSize);
        return Outputs.compute(input, p.outputShape(), out -> backend.maxUnpool(p, input, indices, out));
    }

    /**
     * Unpools to the default output size into the caller's {@code out}, as {@link Module#forward(Tensor, Tensor)}
     * does for modules; returns {@code out}.
     */
    public Tensor forward(Tensor input, Tensor indices, Tensor out) {
        state.checkOpen();
        ModuleState.checkFloatInput(input, "input");
        if (indices == null) {
            throw new IllegalArgumentException("elements in indices should be type int64 but got: null");
        }
        UnpoolProblem p = UnpoolGeometry.forward(spec, input.shape(), indices.shape(), indices.dtype(), null);
        return Outputs.into(input, out, p.outputShape(), o -> backend.maxUnpool(p, input, indices, o));
    }

    @Override
    public void close() {
        state.close(() -> { });
    }

    @Override
    public String toString() {
        return spec.toString();
    }

    /** Builder of a max unpooling module; method names are PyTorch's argument names in camelCase. */
    public static final class Builder<M extends MaxUnpooling> extends ModuleBuilder<M, Builder<M>> {
        private final int dims;
        private final int[] kernelSize;
        private int[] stride;
        private int[] padding = {0};

        Builder(int dims, int[] kernelSize, java.util.function.Function<Builder<M>, M> factory) {
            super(factory);
            this.dims = dims;
            this.kernelSize = kernelSize;
        }

        /** The step between windows; null (the default) means kernel_size. */
        public Builder<M> stride(int... v) {
            stride = v;
            return this;
        }

        public Builder<M> padding(int... v) {
            padding = v;
            return this;
        }
    }
}
