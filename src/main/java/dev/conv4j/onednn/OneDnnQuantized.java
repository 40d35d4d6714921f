package dev.conv4j.onednn;

import dev.conv4j.DType;
import dev.conv4j.Tensor;
import dev.conv4j.backend.QuantizedBackend;
import dev.conv4j.backend.QuantizedConvKernel;
import dev.conv4j.backend.TensorContract;
import dev.conv4j.reference.QuantizedReference;
import dev.conv4j.spec.AdaptivePoolProblem;
import dev.conv4j.spec.PoolProblem;
import dev.conv4j.spec.QuantizedConvSpec;

/**
 * The oneDNN backend's quantized operators: convolutions on oneDNN's int8 primitives
 * ({@link OneDnnQuantizedConvKernel}); pooling of quint8 tensors on {@link QuantizedReference}
 * (route {@link OneDnnAdapter.Route#OWN_QUANTIZED_REFERENCE}), whose rounding of averages is
 * PyTorch's, which oneDNN's u8 pooling does not promise.
 */
final class OneDnnQuantized implements QuantizedBackend {
    private final OneDnnRuntime runtime;

    OneDnnQuantized(OneDnnRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public QuantizedConvKernel prepareConv(QuantizedConvSpec spec, Tensor weight, double[] weightScales, Tensor bias) {
        TensorContract.require("weight", weight, DType.INT8, spec.conv().weightShape());
        if (!java.util.Arrays.equals(weight.shape(), spec.conv().weightShape())) {
            throw new IllegalArgumentException("weight must be INT8 of shape "
                    + java.util.Arrays.toString(spec.conv().weightShape()) + ", but got " + weight);
        }
        if (weightScales.length != 1 && weightScales.length != spec.conv().outChannels()) {
            throw new IllegalArgumentException("expected 1 or " + spec.conv().outChannels() + " weight scales, but got "
                    + weightScales.length);
        }
        if (bias != null) {
            TensorContract.require("bias", bias, DType.FLOAT32, new long[] {spec.conv().outChannels()});
        }
        return new OneDnnQuantizedConvKernel(runtime, spec, weight, weightScales, bias);
    }

    @Override
    public void pool(PoolProblem problem, long zeroPoint, Tensor input, Tensor output) {
        QuantizedReference.INSTANCE.pool(problem, zeroPoint, input, output);
    }

    @Override
    public void adaptiveAvgPool(AdaptivePoolProblem problem, long zeroPoint, Tensor input, Tensor output) {
        QuantizedReference.INSTANCE.adaptiveAvgPool(problem, zeroPoint, input, output);
    }
}
