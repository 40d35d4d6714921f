package dev.conv4j.bench;

import dev.conv4j.Tensor;
import dev.conv4j.nn.AdaptivePooling;
import dev.conv4j.nn.Convolution;
import dev.conv4j.nn.Module;
import dev.conv4j.nn.Pooling;
import dev.conv4j.onednn.BarePrimitive;
import dev.conv4j.spec.AdaptivePoolGeometry;
import dev.conv4j.spec.AdaptivePoolProblem;
import dev.conv4j.spec.ConvGeometry;
import dev.conv4j.spec.ConvProblem;
import dev.conv4j.spec.PoolGeometry;
import dev.conv4j.spec.PoolProblem;

/**
 * The bare oneDNN primitive of a layer ({@link BarePrimitive}): the convolution (or average
 * pooling) primitive the {@code onednn} module runs, with the module's weights and a copy of
 * the input, executed with {@code dnnl_primitive_execute} + {@code dnnl_stream_wait} only.
 * Layers that do not run on a single oneDNN primitive (max pooling, own kernels) have none.
 */
public final class OneDnnBaseline implements Baseline {
    /** The backend name of the rows. */
    public static final String NAME = "onednn-direct";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Call open(BenchLayer layer, Module module, Tensor input) {
        BarePrimitive bare = create(module, input.shape());
        if (bare == null) {
            return null;
        }
        try {
            bare.load(input);
        } catch (RuntimeException e) {
            bare.close();
            throw e;
        }
        return new Call() {
            @Override
            public void run() {
                bare.run(1);
            }

            @Override
            public void close() {
                bare.close();
            }
        };
    }

    private static BarePrimitive create(Module module, long[] shape) {
        if (module instanceof Convolution c) {
            ConvProblem p = ConvGeometry.forward(c.spec(), shape, null);
            return BarePrimitive.supports(p) ? BarePrimitive.convolution(p, c.weight(), c.bias()) : null;
        }
        if (module instanceof Pooling m) {
            PoolProblem p = PoolGeometry.forward(m.spec(), shape);
            return BarePrimitive.supports(p) ? BarePrimitive.pooling(p) : null;
        }
        if (module instanceof AdaptivePooling m) {
            AdaptivePoolProblem p = AdaptivePoolGeometry.forward(m.spec(), shape);
            return BarePrimitive.supports(p) ? BarePrimitive.pooling(p) : null;
        }
        return null;
    }
}
