package dev.conv4j.nn.quantized;

import dev.conv4j.DType;
import dev.conv4j.MemoryFormat;
import dev.conv4j.Tensor;
import dev.conv4j.backend.Backend;
import dev.conv4j.backend.Backends;
import dev.conv4j.quantized.QDType;
import dev.conv4j.quantized.QTensor;
import dev.conv4j.spec.AdaptivePoolProblem;
import dev.conv4j.spec.AdaptivePoolSpec;
import dev.conv4j.spec.PoolKind;
import dev.conv4j.spec.PoolProblem;
import dev.conv4j.spec.QuantizedPoolGeometry;

/**
 * Pooling of a {@code quint8} tensor as PyTorch pools it: the result keeps the input's scale and
 * zero point. The common implementation of {@link MaxPool2d}, {@link AvgPool2d} and
 * {@link AdaptiveAvgPool2d}; stateless apart from its arguments.
 */
public abstract class QuantizedPooling implements QModule {
    private final Backend backend;

    QuantizedPooling(Backend backend) {
        this.backend = backend != null ? backend : Backends.getDefault();
    }

    public Backend backend() {
        return backend;
    }

    static void checkInput(QTensor input) {
        if (input.dtype() != QDType.QUINT8 || input.perChannel()) {
            throw new IllegalArgumentException("quantized pooling takes a per-tensor quint8 tensor, but got " + input);
        }
    }

    /** Computes into a new UINT8 tensor of {@code shape} in the input's memory format. */
    QTensor compute(QTensor input, long[] shape, java.util.function.Consumer<Tensor> body) {
        MemoryFormat format = MemoryFormat.CHANNELS_LAST.supports(shape.length)
                && input.ints().memoryFormat() == MemoryFormat.CHANNELS_LAST ? MemoryFormat.CHANNELS_LAST
                : MemoryFormat.CONTIGUOUS;
        Tensor out = Tensor.empty(DType.UINT8, format, shape);
        try {
            if (out.numel() > 0) {
                body.accept(out);
            }
            return QTensor.wrap(out, input.scale(), input.zeroPoint());
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /** Max or average pooling (the arguments of {@code torch.nn.MaxPool2d} / {@code AvgPool2d}). */
    static class Windowed extends QuantizedPooling {
        private final QuantizedPoolGeometry.Args args;

        Windowed(QuantizedPoolGeometry.Args args, Backend backend) {
            super(backend);
            this.args = args;
        }

        @Override
        public QTensor forward(QTensor input) {
            checkInput(input);
            PoolProblem p = QuantizedPoolGeometry.forward(args, input.shape());
            return compute(input, p.outputShape(),
                    out -> backend().quantized().pool(p, input.zeroPoint(), input.ints(), out));
        }

        @Override
        public String toString() {
            return args.toString();
        }
    }

    /** Adaptive average pooling. */
    static class Adaptive extends QuantizedPooling {
        private final AdaptivePoolSpec spec;

        Adaptive(AdaptivePoolSpec spec, Backend backend) {
            super(backend);
            this.spec = spec;
        }

        @Override
        public QTensor forward(QTensor input) {
            checkInput(input);
            AdaptivePoolProblem p = QuantizedPoolGeometry.adaptiveAvg(spec, input.shape());
            return compute(input, p.outputShape(),
                    out -> backend().quantized().adaptiveAvgPool(p, input.zeroPoint(), input.ints(), out));
        }

        @Override
        public String toString() {
            return spec.toString();
        }
    }

    /** Nothing to free. */
    @Override
    public void close() {
    }
}
