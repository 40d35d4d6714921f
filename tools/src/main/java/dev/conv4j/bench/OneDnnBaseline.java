package dev.conv4j.bench;

import dev.conv4j.MemoryFormat;
import dev.conv4j.Tensor;
import dev.conv4j.nn.AdaptivePooling;
import dev.conv4j.nn.Convolution;
import dev.conv4j.nn.Module;
import dev.conv4j.nn.Pooling;
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
    /** What a baseline row's backend name ends with: its module rows' name plus this. */
    public static final String SUFFIX = "-direct";

    private final String name;

    /** The baseline of the {@code onednn} rows (plain NCHW tensors). */
    public OneDnnBaseline() {
        this("onednn");
    }

    /**
     * The baseline of the module rows named {@code moduleRows}; the bare primitive takes the
     * memory format of the input it is opened with.
     */
    public OneDnnBaseline(String moduleRows) {
        this.name = moduleRows + SUFFIX;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Call open(BenchLayer layer, Module module, Tensor input) {
        BarePrimitive bare = create(module, input.shape(), input.memoryFormat());
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

    private static BarePrimitive create(Module module, long[] shape, MemoryFormat format) {
        if (module instanceof Convolution c) {
            ConvProblem p = ConvGeometry.forward(c.spec(), shape, null);
            return BarePrimitive.supports(p) ? BarePrimitive.convolution(p, c.weight(), c.bias(), format) : null;
        }
        if (module instanceof Pooling m) {
            PoolProblem p = PoolGeometry.forward(m.spec(), shape);
            return BarePrimitive.supports(p) ? BarePrimitive.pooling(p, format) : null;
        }
        if (module instanceof AdaptivePooling m) {
            AdaptivePoolProblem p = AdaptivePoolGeometry.forward(m.spec(), shape);
            return BarePrimitive.supports(p) ? BarePrimitive.pooling(p, format) : null;
        }
        return null;
    }
}
