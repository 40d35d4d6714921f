package dev.conv4j.nn.quantized;

import java.util.Arrays;
import java.util.function.Function;

import dev.conv4j.DType;
import dev.conv4j.MemoryFormat;
import dev.conv4j.Tensor;
import dev.conv4j.backend.Backend;
import dev.conv4j.backend.Backends;
import dev.conv4j.backend.QuantizedConvKernel;
import dev.conv4j.quantized.QDType;
import dev.conv4j.quantized.QTensor;
import dev.conv4j.spec.ConvProblem;
import dev.conv4j.spec.QuantizedConvGeometry;
import dev.conv4j.spec.QuantizedConvSpec;
import dev.conv4j.spec.Tuples;

/**
 * A quantized convolution, transposed convolution or convolution with ReLU: the common
 * implementation of {@link Conv1d}, {@link Conv2d}, {@link Conv3d}, {@link ConvTranspose1d},
 * {@link ConvTranspose2d}, {@link ConvTranspose3d}, {@link ConvReLU1d}, {@link ConvReLU2d} and
 * {@link ConvReLU3d}, as PyTorch 1.13 computes them with the {@code onednn} engine: a
 * {@code quint8} input (per tensor), {@code qint8} weights with zero point 0 (per tensor, or per
 * output channel for non-transposed convolutions), a float32 bias, and an output quantized with
 * the module's {@code scale} and {@code zeroPoint} (see
 * {@link dev.conv4j.backend.QuantizedBackend#prepareConv} for the arithmetic).
 */
public class QuantizedConvolution implements QModule {
    private final QuantizedConvSpec spec;
    private final QTensor weight;
    private final Tensor bias;
    private final Backend backend;
    private final QuantizedConvKernel kernel;
    private final CallGuard guard;

    QuantizedConvolution(Builder<?> b) {
        this.spec = b.spec.build();
        this.backend = b.backend != null ? b.backend : Backends.getDefault();
        this.guard = new CallGuard("Quantized" + spec.opName());
        QTensor w = null;
        Tensor bs = null;
        try {
            w = b.weight != null ? copyWeight(b.weight) : defaultWeight();
            if (spec.conv().bias()) {
                long[] bShape = {spec.conv().outChannels()};
                if (b.bias != null) {
                    if (b.bias.dtype() != DType.FLOAT32 || !Arrays.equals(b.bias.shape(), bShape)) {
                        throw new IllegalArgumentException("bias must be a float32 tensor of shape " + Tuples.list(bShape)
                                + ", but got " + b.bias);
                    }
                    bs = b.bias.contiguous();
                } else {
                    bs = Tensor.zeros(bShape); // PyTorch's quantized modules start with a zero bias
                }
            } else if (b.bias != null) {
                throw new IllegalArgumentException("a bias tensor was given, but bias=False");
            }
            this.kernel = backend.quantized().prepareConv(spec, w.ints(), w.scales(), bs);
        } catch (RuntimeException e) {
            if (w != null) {
                w.close();
            }
            if (bs != null) {
                bs.close();
            }
            throw e;
        }
        this.weight = w;
        this.bias = bs;
    }

    private QTensor copyWeight(QTensor w) {
        QuantizedConvGeometry.checkWeight(spec, w.shape(), w.dtype() == QDType.QINT8, w.zeroPoints(), w.axis());
        try (Tensor ints = w.ints().contiguous()) {
            return w.perChannel() ? QTensor.fromIntRepr(ints, w.scales(), w.zeroPoints(), w.axis())
                    : QTensor.fromIntRepr(ints, w.scale(), w.zeroPoint());
        }
    }

    /** As {@code torch._empty_affine_quantized(..., scale=1, zero_point=0)} in PyTorch's constructor, but zeros. */
    private QTensor defaultWeight() {
        try (Tensor zeros = Tensor.zeros(DType.INT8, spec.conv().weightShape())) {
            return QTensor.fromIntRepr(zeros, 1.0, 0);
        }
    }

    public QuantizedConvSpec spec() {
        return spec;
    }

    /** The module's weight ({@code module.weight()}); owned by the module. */
    public QTensor weight() {
        return guard.call(() -> weight);
    }

    /** The float bias ({@code module.bias()}), or null; owned by the module. */
    public Tensor bias() {
        return guard.call(() -> bias);
    }

    public Backend backend() {
        return backend;
    }

    @Override
    public QTensor forward(QTensor input) {
        return guard.call(() -> {
            ConvProblem p = QuantizedConvGeometry.forward(spec, input.shape(), input.dtype() == QDType.QUINT8,
                    !input.perChannel());
            MemoryFormat format = MemoryFormat.CHANNELS_LAST.supports(input.rank())
                    && input.ints().memoryFormat() == MemoryFormat.CHANNELS_LAST ? MemoryFormat.CHANNELS_LAST
                    : MemoryFormat.CONTIGUOUS;
            Tensor out = Tensor.empty(DType.UINT8, format, p.outputShape());
            try {
                if (!QuantizedConvGeometry.isEmpty(p)) {
                    kernel.forward(p, input.ints(), input.scale(), input.zeroPoint(), out);
                }
                return QTensor.wrap(out, spec.scale(), spec.zeroPoint());
            } catch (RuntimeException e) {
                out.close();
                throw e;
            }
        });
    }

    @Override
    public void close() {
        guard.close(() -> {
            kernel.close();
            weight.close();
            if (bias != null) {
                bias.close();
            }
        });
    }

    @Override
    public String toString() {
        return spec.toString();
    }

    /** Builder of a quantized convolution; method names are PyTorch's argument names in camelCase. */
    public static final class Builder<M extends QuantizedConvolution> {
        private final QuantizedConvSpec.Builder spec;
        private final Function<Builder<M>, M> factory;
        private QTensor weight;
        private Tensor bias;
        private Backend backend;

        Builder(int dims, boolean transposed, boolean relu, int in, int out, int[] kernelSize,
                Function<Builder<M>, M> factory) {
            this.spec = QuantizedConvSpec.builder(dims, transposed, relu, in, out, kernelSize);
            this.factory = factory;
        }

        public Builder<M> stride(int... v) {
            spec.stride(v);
            return this;
        }

        public Builder<M> padding(int... v) {
            spec.padding(v);
            return this;
        }

        /** PyTorch's quantized modules refuse {@code "same"} and {@code "valid"}; so does this. */
        public Builder<M> padding(String v) {
            spec.padding(v);
            return this;
        }

        /** Transposed only; the onednn engine accepts only 0. */
        public Builder<M> outputPadding(int... v) {
            spec.outputPadding(v);
            return this;
        }

        public Builder<M> dilation(int... v) {
            spec.dilation(v);
            return this;
        }

        public Builder<M> groups(int v) {
            spec.groups(v);
            return this;
        }

        public Builder<M> bias(boolean v) {
            spec.bias(v);
            return this;
        }

        /** {@code "zeros"} (default) or {@code "reflect"} (1d and 2d convolutions). */
        public Builder<M> paddingMode(String v) {
            spec.paddingMode(v);
            return this;
        }

        /** The output's scale (PyTorch's {@code module.scale}, default 1.0). */
        public Builder<M> scale(double v) {
            spec.scale(v);
            return this;
        }

        /** The output's zero point (PyTorch's {@code module.zero_point}, default 0). */
        public Builder<M> zeroPoint(long v) {
            spec.zeroPoint(v);
            return this;
        }

        /** The qint8 weight in PyTorch's layout, as {@code set_weight_bias} takes it; copied. */
        public Builder<M> weight(QTensor v) {
            weight = v;
            return this;
        }

        /** The float32 bias {@code [out_channels]}; copied. */
        public Builder<M> bias(Tensor v) {
            bias = v;
            return this;
        }

        /** The backend to run on (default: {@link Backends#getDefault()}). */
        public Builder<M> backend(Backend v) {
            backend = v;
            return this;
        }

        /**
         * Validates the arguments as PyTorch's constructor does, without weights: PyTorch checks
         * them before {@code set_weight_bias} checks the weights.
         */
        public QuantizedConvSpec validate() {
            return spec.build();
        }

        /** Validates all arguments as PyTorch does and builds the module. */
        public M build() {
            return factory.apply(this);
        }
    }
}
