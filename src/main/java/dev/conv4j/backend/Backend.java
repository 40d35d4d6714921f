package dev.conv4j.backend;

import dev.conv4j.Precision;
import dev.conv4j.Tensor;
import dev.conv4j.spec.AdaptivePoolProblem;
import dev.conv4j.spec.ConvSpec;
import dev.conv4j.spec.PoolProblem;
import dev.conv4j.spec.UnpoolProblem;

/**
 * Computes the operators. Every shape, padding and output size comes resolved in a problem
 * object from the geometry classes of {@code dev.conv4j.spec}; a backend checks nothing of
 * PyTorch's rules itself, only computes. Outputs are allocated by the caller with the
 * problem's output shape; their contents are unspecified and a backend writes every element. Tensors have PyTorch's logical shapes in any
 * {@link dev.conv4j.MemoryFormat} (see {@link MemoryFormats}); a contiguous unbatched tensor
 * is laid out exactly as a batch of one. Prepared weights and biases are contiguous.
 *
 * <p>Implementations are thread-safe: one backend serves many modules and threads.
 */
public interface Backend {
    /** {@code "reference"} or {@code "onednn"}. */
    String name();

    /**
     * Whether this backend's convolutions run fastest on channels-last (NHWC, NDHWC) tensors, so
     * that a {@link dev.conv4j.nn.Sequential} keeps its intermediates in that layout. False by default.
     */
    default boolean prefersChannelsLast() {
        return false;
    }

    /**
     * Prepares a convolution (or transposed convolution) with fixed weights, e.g. by reordering
     * them once into the layout the backend prefers. The caller keeps {@code weight} and
     * {@code bias} open for the kernel's lifetime.
     *
     * @param weight PyTorch layout {@code [out, in/groups, k...]} ({@code [in, out/groups, k...]} transposed)
     * @param bias {@code [out]}, or null when the spec has no bias
     */
    default ConvKernel prepareConv(ConvSpec spec, Tensor weight, Tensor bias) {
        return prepareConv(spec, weight, bias, false);
    }

    /**
     * As {@link #prepareConv(ConvSpec, Tensor, Tensor)}, with a fused ReLU when {@code relu} is
     * true: the kernel's output is then {@code relu(conv(x) + bias)}, equal to the convolution
     * followed by {@link #relu}.
     */
    ConvKernel prepareConv(ConvSpec spec, Tensor weight, Tensor bias, boolean relu);

    /**
     * As {@link #prepareConv(ConvSpec, Tensor, Tensor, boolean)}, computing at {@code precision}
     * where this backend and CPU can ({@link #effectivePrecision}); the kernel's
     * {@link ConvKernel#precision()} says which it does. Float32 tensors in and out either way.
     */
    default ConvKernel prepareConv(ConvSpec spec, Tensor weight, Tensor bias, boolean relu, Precision precision) {
        return prepareConv(spec, weight, bias, relu);
    }

    /**
     * The precision a convolution prepared for {@code requested} computes at on this backend and
     * CPU: {@code requested}, or {@link Precision#F32} where bf16 products are not available.
     */
    default Precision effectivePrecision(Precision requested) {
        return Precision.F32;
    }

    /**
     * torch.relu: {@code output[i] = input[i] < 0 ? 0 : input[i]} over float tensors of equal
     * element count, so NaN and {@code -0.0} pass through unchanged as in PyTorch. {@code output}
     * may be {@code input}.
     */
    void relu(Tensor input, Tensor output);

    /**
     * Max, average or LP pooling as the problem's spec says.
     *
     * @param indices int64 tensor of the output's shape to receive flat per-plane input offsets
     *     of each maximum, or null; only for max pooling
     */
    void pool(PoolProblem problem, Tensor input, Tensor output, Tensor indices);

    /** Adaptive max or average pooling; {@code indices} as in {@link #pool}, or null. */
    void adaptivePool(AdaptivePoolProblem problem, Tensor input, Tensor output, Tensor indices);

    /**
     * Max unpooling: {@code output} receives each input value at its index and zero everywhere
     * else (the backend writes the zeros too: as for every output, its contents on entry are
     * unspecified).
     *
     * @throws IllegalArgumentException with {@link UnpoolProblem#invalidIndexMessage} for an index
     *     outside {@code [0, outputPlaneSize)}
     */
    void maxUnpool(UnpoolProblem problem, Tensor input, Tensor indices, Tensor output);

    /** This backend's quantized (int8) operators. */
    default QuantizedBackend quantized() {
        throw new UnsupportedOperationException("the " + name() + " backend has no quantized operators");
    }
}
