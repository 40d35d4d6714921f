package dev.conv4j.reference;

import dev.conv4j.Tensor;
import dev.conv4j.backend.Backend;
import dev.conv4j.backend.ConvKernel;
import dev.conv4j.spec.AdaptivePoolProblem;
import dev.conv4j.spec.ConvSpec;
import dev.conv4j.spec.PoolProblem;
import dev.conv4j.spec.UnpoolProblem;

/** The pure-Java oracle: naive loops, double accumulation, clarity over speed. */
public final class ReferenceBackend implements Backend {
    public static final ReferenceBackend INSTANCE = new ReferenceBackend();

    private ReferenceBackend() {
    }

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public ConvKernel prepareConv(ConvSpec spec, Tensor weight, Tensor bias) {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public void pool(PoolProblem problem, Tensor input, Tensor output, Tensor indices) {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public void adaptivePool(AdaptivePoolProblem problem, Tensor input, Tensor output, Tensor indices) {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public void maxUnpool(UnpoolProblem problem, Tensor input, Tensor indices, Tensor output) {
        throw new UnsupportedOperationException("TODO");
    }
}
