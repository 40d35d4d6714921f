package dev.conv4j.reference;

import java.util.Arrays;

import dev.conv4j.DType;
import dev.conv4j.Precision;
import dev.conv4j.Tensor;
import dev.conv4j.backend.Backend;
import dev.conv4j.backend.ConvKernel;
import dev.conv4j.backend.TensorContract;
import dev.conv4j.spec.AdaptivePoolProblem;
import dev.conv4j.spec.ConvSpec;
import dev.conv4j.spec.PoolKind;
import dev.conv4j.spec.PoolProblem;
import dev.conv4j.spec.Tuples;
import dev.conv4j.spec.UnpoolProblem;

/**
 * The pure-Java oracle: naive loops, double accumulation, clarity over speed.
 *
 * <p>Each call copies its inputs to Java arrays, computes, and writes the whole output (and
 * indices) back; nothing is shared between calls, so the backend is thread-safe. Numbers follow
 * PyTorch 1.13's CPU kernels: see {@link ReferenceConvKernel} and {@link ReferencePool}.
 */
public final class ReferenceBackend implements Backend {
    public static final ReferenceBackend INSTANCE = new ReferenceBackend();

    private ReferenceBackend() {
    }

    @Override
    public String name() {
        return "reference";
    }

    /** Copies {@code weight} and {@code bias} into the kernel; the caller may close them afterwards. */
    @Override
    public ConvKernel prepareConv(ConvSpec spec, Tensor weight, Tensor bias, boolean relu) {
        return new ReferenceConvKernel(spec, weight, bias, relu, Precision.F32);
    }

    /**
     * bf16 is emulated on any CPU: input and weight values rounded to bf16 (to nearest even),
     * products and sums in double, the bias added unrounded.
     */
    @Override
    public ConvKernel prepareConv(ConvSpec spec, Tensor weight, Tensor bias, boolean relu, Precision precision) {
        return new ReferenceConvKernel(spec, weight, bias, relu, precision);
    }

    @Override
    public Precision effectivePrecision(Precision requested) {
        return requested;
    }

    @Override
    public void relu(Tensor input, Tensor output) {
        if (input == null || output == null) {
            throw new IllegalArgumentException("input and output must not be null");
        }
        TensorContract.require("output", output, DType.FLOAT32, input.shape());
        TensorContract.require("input", input, DType.FLOAT32, output.shape());
        float[] x = input.toFloatArray();
        TorchMath.relu(x);
        output.copyFrom(x);
    }

    @Override
    public void pool(PoolProblem problem, Tensor input, Tensor output, Tensor indices) {
        PoolKind kind = problem.spec().kind();
        if (indices != null && kind != PoolKind.MAX) {
            throw new IllegalArgumentException(problem.spec().opName() + " returns no indices");
        }
        long[] inShape = inputShape(problem.batch(), problem.channels(), problem.inputSpatial());
        TensorContract.require("input", input, DType.FLOAT32, inShape);
        TensorContract.require("output", output, DType.FLOAT32, problem.outputShape());
        if (indices != null) {
            TensorContract.require("indices", indices, DType.INT64, problem.outputShape());
        }
        if (output.numel() == 0) {
            return;
        }
        switch (kind) {
            case MAX:
                ReferencePool.max(problem, input, output, indices);
                break;
            case AVG:
                ReferencePool.avg(problem, input, output);
                break;
            case LP:
                ReferencePool.lp(problem, input, output);
                break;
            default:
                throw new IllegalArgumentException("unknown pooling kind " + kind);
        }
    }

    @Override
    public void adaptivePool(AdaptivePoolProblem problem, Tensor input, Tensor output, Tensor indices) {
        PoolKind kind = problem.spec().kind();
        if (indices != null && kind != PoolKind.MAX) {
            throw new IllegalArgumentException(problem.spec().opName() + " returns no indices");
        }
        long[] inShape = inputShape(problem.batch(), problem.channels(), problem.inputSpatial());
        TensorContract.require("input", input, DType.FLOAT32, inShape);
        TensorContract.require("output", output, DType.FLOAT32, problem.outputShape());
        if (indices != null) {
            TensorContract.require("indices", indices, DType.INT64, problem.outputShape());
        }
        if (output.numel() == 0) {
            return; // N = 0, or an output size of 0 along some dimension
        }
        if (kind == PoolKind.MAX) {
            ReferencePool.adaptiveMax(problem, input, output, indices);
        } else {
            ReferencePool.adaptiveAvg(problem, input, output);
        }
    }

    @Override
    public void maxUnpool(UnpoolProblem problem, Tensor input, Tensor indices, Tensor output) {
        long[] inShape = inputShape(problem.batch(), problem.channels(), problem.inputSpatial());
        TensorContract.require("input", input, DType.FLOAT32, inShape);
        TensorContract.require("indices", indices, DType.INT64, inShape);
        TensorContract.require("output", output, DType.FLOAT32, problem.outputShape());
        if (input.numel() == 0) {
            return;
        }
        ReferencePool.maxUnpool(problem, input, indices, output);
    }

    /** The input shape with the batch dimension. */
    private static long[] inputShape(long batch, long channels, long[] spatial) {
        long[] shape = new long[2 + spatial.length];
        shape[0] = batch;
        shape[1] = channels;
        System.arraycopy(spatial, 0, shape, 2, spatial.length);
        return shape;
    }

    @Override
    public dev.conv4j.backend.QuantizedBackend quantized() {
        return QuantizedReference.INSTANCE;
    }
}
