package dev.conv4j.backend;

import dev.conv4j.Tensor;
import dev.conv4j.spec.AdaptivePoolProblem;
import dev.conv4j.spec.PoolProblem;
import dev.conv4j.spec.QuantizedConvSpec;

/**
 * Computes PyTorch's quantized (int8) operators. As for {@link Backend}, every shape comes
 * resolved by {@code dev.conv4j.spec} and the backend checks none of PyTorch's rules. Quantized
 * tensors arrive as their integers ({@link dev.conv4j.DType#UINT8} activations,
 * {@link dev.conv4j.DType#INT8} weights, contiguous or channels-last) with their scales and zero
 * points beside them. Thread-safe.
 */
public interface QuantizedBackend {
    /**
     * Prepares a quantized convolution with fixed weights. Its output is PyTorch's requantized
     * result: {@code acc = sum((x - x_zp) * w)} over the window in integers, then
     * {@code y = acc * x_scale * w_scale[oc] + bias[oc]} (ReLU: {@code max(y, 0)}), then
     * {@code q = clamp(round_half_even(y / scale) + zero_point, 0, 255)} with the spec's output
     * scale and zero point.
     *
     * @param weight INT8 integers in PyTorch's layout ({@code [out, in/groups, k...]},
     *     {@code [in, out/groups, k...]} transposed), contiguous; the caller keeps it open
     * @param weightScales one scale (per tensor) or one per output channel; zero points are 0
     * @param bias float32 {@code [out]}, or null; the caller keeps it open
     */
    QuantizedConvKernel prepareConv(QuantizedConvSpec spec, Tensor weight, double[] weightScales, Tensor bias);

    /**
     * Max or average pooling of quint8 integers ({@code output} keeps the input's scale and zero
     * point): max exactly; average as {@code clamp(round_half_even((sum(x) - n * zp) / divisor)
     * + zp, 0, 255)} over the {@code n} input elements of the window.
     */
    void pool(PoolProblem problem, long zeroPoint, Tensor input, Tensor output);

    /** Adaptive average pooling of quint8 integers, rounded as {@link #pool}'s average. */
    void adaptiveAvgPool(AdaptivePoolProblem problem, long zeroPoint, Tensor input, Tensor output);
}
