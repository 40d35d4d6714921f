package dev.conv4j.nn;

import dev.conv4j.Tensor;
import dev.conv4j.backend.Backends;
import dev.conv4j.backend.ConvKernel;
import dev.conv4j.spec.AdaptivePoolGeometry;
import dev.conv4j.spec.AdaptivePoolProblem;
import dev.conv4j.spec.AdaptivePoolSpec;
import dev.conv4j.spec.ConvGeometry;
import dev.conv4j.spec.ConvProblem;
import dev.conv4j.spec.ConvSpec;
import dev.conv4j.spec.PoolGeometry;
import dev.conv4j.spec.PoolProblem;
import dev.conv4j.spec.PoolSpec;
import dev.conv4j.spec.Tuples;

/**
 * One-off calls mirroring torch.nn.functional, on the default backend. Weights are used in place
 * (not copied). For repeated calls build a module instead: it prepares its weights once.
 */
public final class F {
    private F() {
    }

    /** {@code F.conv1d(input, weight, bias, stride, padding, dilation, groups)}; bias may be null. */
    public static Tensor conv1d(Tensor input, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation,
            int groups) {
        return conv(1, false, input, weight, bias, stride, padding, new int[] {0}, dilation, groups, null);
    }

    /** {@code F.conv2d(input, weight, bias, stride, padding, dilation, groups)}; bias may be null. */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation,
            int groups) {
        return conv(2, false, input, weight, bias, stride, padding, new int[] {0}, dilation, groups, null);
    }

    /** {@code F.conv2d(input, weight)} with PyTorch's defaults (stride 1, no padding). */
    public static Tensor conv2d(Tensor input, Tensor weight) {
        return conv2d(input, weight, null, new int[] {1}, new int[] {0}, new int[] {1}, 1);
    }

    /** {@code F.conv3d(input, weight, bias, stride, padding, dilation, groups)}; bias may be null. */
    public static Tensor conv3d(Tensor input, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation,
            int groups) {
        return conv(3, false, input, weight, bias, stride, padding, new int[] {0}, dilation, groups, null);
    }

    /** {@code F.conv_transpose1d(input, weight, bias, stride, padding, output_padding, groups, dilation)}. */
    public static Tensor convTranspose1d(Tensor input, Tensor weight, Tensor bias, int[] stride, int[] padding,
            int[] outputPadding, int groups, int[] dilation) {
        return conv(1, true, input, weight, bias, stride, padding, outputPadding, dilation, groups, null);
    }

    /** {@code F.conv_transpose2d(input, weight, bias, stride, padding, output_padding, groups, dilation)}. */
    public static Tensor convTranspose2d(Tensor input, Tensor weight, Tensor bias, int[] stride, int[] padding,
            int[] outputPadding, int groups, int[] dilation) {
        return conv(2, true, input, weight, bias, stride, padding, outputPadding, dilation, groups, null);
    }

    /** {@code F.conv_transpose3d(input, weight, bias, stride, padding, output_padding, groups, dilation)}. */
    public static Tensor convTranspose3d(Tensor input, Tensor weight, Tensor bias, int[] stride, int[] padding,
            int[] outputPadding, int groups, int[] dilation) {
        return conv(3, true, input, weight, bias, stride, padding, outputPadding, dilation, groups, null);
    }

    private static Tensor conv(int dims, boolean transposed, Tensor input, Tensor weight, Tensor bias, int[] stride,
            int[] padding, int[] outputPadding, int[] dilation, int groups, long[] outputSize) {
        ModuleState.checkFloatInput(input, "input");
        ModuleState.checkFloatInput(weight, "weight");
        long[] w = weight.shape();
        if (w.length != dims + 2) {
            throw new IllegalArgumentException("weight of a " + dims + "d convolution must have " + (dims + 2)
                    + " dimensions, but got weight of size " + Tuples.list(w));
        }
        int[] kernel = new int[dims];
        for (int i = 0; i < dims; i++) {
            kernel[i] = Math.toIntExact(w[2 + i]);
        }
        int in = Math.toIntExact(transposed ? w[0] : w[1] * groups);
        int out = Math.toIntExact(transposed ? w[1] * groups : w[0]);
        ConvSpec spec = ConvSpec.builder(dims, transposed, in, out, kernel).stride(stride).padding(padding)
                .outputPadding(outputPadding).dilation(dilation).groups(groups).bias(bias != null).build();
        if (bias != null && (bias.rank() != 1 || bias.size(0) != out)) {
            throw new IllegalArgumentException("Given weight of size " + Tuples.list(w)
                    + ", expected bias to be 1-dimensional with " + out + " elements, but got bias of size "
                    + Tuples.list(bias.shape()) + " instead");
        }
        ConvProblem p = ConvGeometry.forward(spec, input.shape(), outputSize);
        try (ConvKernel kernelImpl = Backends.getDefault().prepareConv(spec, weight, bias)) {
            return Outputs.compute(input, p.outputShape(), o -> kernelImpl.forward(p, input, o));
        }
    }

    /** {@code F.max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode)}; stride null = kernel_size. */
    public static Tensor maxPool2d(Tensor input, int[] kernelSize, int[] stride, int[] padding, int[] dilation,
            boolean ceilMode) {
        return pool(PoolSpec.max(2, kernelSize).stride(stride).padding(padding).dilation(dilation).ceilMode(ceilMode)
                .build(), input);
    }

    /** {@code F.max_pool1d(...)}; stride null = kernel_size. */
    public static Tensor maxPool1d(Tensor input, int[] kernelSize, int[] stride, int[] padding, int[] dilation,
            boolean ceilMode) {
        return pool(PoolSpec.max(1, kernelSize).stride(stride).padding(padding).dilation(dilation).ceilMode(ceilMode)
                .build(), input);
    }

    /** {@code F.max_pool3d(...)}; stride null = kernel_size. */
    public static Tensor maxPool3d(Tensor input, int[] kernelSize, int[] stride, int[] padding, int[] dilation,
            boolean ceilMode) {
        return pool(PoolSpec.max(3, kernelSize).stride(stride).padding(padding).dilation(dilation).ceilMode(ceilMode)
                .build(), input);
    }

    /** {@code F.avg_pool2d(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)}. */
    public static Tensor avgPool2d(Tensor input, int[] kernelSize, int[] stride, int[] padding, boolean ceilMode,
            boolean countIncludePad, Integer divisorOverride) {
        return pool(PoolSpec.avg(2, kernelSize).stride(stride).padding(padding).ceilMode(ceilMode)
                .countIncludePad(countIncludePad).divisorOverride(divisorOverride).build(), input);
    }

    /** {@code F.avg_pool1d(input, kernel_size, stride, padding, ceil_mode, count_include_pad)}. */
    public static Tensor avgPool1d(Tensor input, int[] kernelSize, int[] stride, int[] padding, boolean ceilMode,
            boolean countIncludePad) {
        return pool(PoolSpec.avg(1, kernelSize).stride(stride).padding(padding).ceilMode(ceilMode)
                .countIncludePad(countIncludePad).build(), input);
    }

    /** {@code F.avg_pool3d(...)}. */
    public static Tensor avgPool3d(Tensor input, int[] kernelSize, int[] stride, int[] padding, boolean ceilMode,
            boolean countIncludePad, Integer divisorOverride) {
        return pool(PoolSpec.avg(3, kernelSize).stride(stride).padding(padding).ceilMode(ceilMode)
                .countIncludePad(countIncludePad).divisorOverride(divisorOverride).build(), input);
    }

    /** {@code F.lp_pool1d(input, norm_type, kernel_size, stride, ceil_mode)}. */
    public static Tensor lpPool1d(Tensor input, double normType, int[] kernelSize, int[] stride, boolean ceilMode) {
        return pool(PoolSpec.lp(1, normType, kernelSize).stride(stride).ceilMode(ceilMode).build(), input);
    }

    /** {@code F.lp_pool2d(input, norm_type, kernel_size, stride, ceil_mode)}. */
    public static Tensor lpPool2d(Tensor input, double normType, int[] kernelSize, int[] stride, boolean ceilMode) {
        return pool(PoolSpec.lp(2, normType, kernelSize).stride(stride).ceilMode(ceilMode).build(), input);
    }

    private static Tensor pool(PoolSpec spec, Tensor input) {
        ModuleState.checkFloatInput(input, "input");
        PoolProblem p = PoolGeometry.forward(spec, input.shape());
        return Outputs.compute(input, p.outputShape(), o -> Backends.getDefault().pool(p, input, o, null));
    }

    /** {@code F.adaptive_avg_pool1d(input, output_size)}. */
    public static Tensor adaptiveAvgPool1d(Tensor input, long... outputSize) {
        return adaptive(AdaptivePoolSpec.avg(1, outputSize), input);
    }

    /** {@code F.adaptive_avg_pool2d(input, output_size)}. */
    public static Tensor adaptiveAvgPool2d(Tensor input, long... outputSize) {
        return adaptive(AdaptivePoolSpec.avg(2, outputSize), input);
    }

    /** {@code F.adaptive_avg_pool3d(input, output_size)}. */
    public static Tensor adaptiveAvgPool3d(Tensor input, long... outputSize) {
        return adaptive(AdaptivePoolSpec.avg(3, outputSize), input);
    }

    /** {@code F.adaptive_max_pool1d(input, output_size)} (values only). */
    public static Tensor adaptiveMaxPool1d(Tensor input, long... outputSize) {
        return adaptive(AdaptivePoolSpec.max(1, false, outputSize), input);
    }

    /** {@code F.adaptive_max_pool2d(input, output_size)} (values only). */
    public static Tensor adaptiveMaxPool2d(Tensor input, long... outputSize) {
        return adaptive(AdaptivePoolSpec.max(2, false, outputSize), input);
    }

    /** {@code F.adaptive_max_pool3d(input, output_size)} (values only). */
    public static Tensor adaptiveMaxPool3d(Tensor input, long... outputSize) {
        return adaptive(AdaptivePoolSpec.max(3, false, outputSize), input);
    }

    private static Tensor adaptive(AdaptivePoolSpec spec, Tensor input) {
        ModuleState.checkFloatInput(input, "input");
        AdaptivePoolProblem p = AdaptivePoolGeometry.forward(spec, input.shape());
        return Outputs.compute(input, p.outputShape(), o -> Backends.getDefault().adaptivePool(p, input, o, null));
    }
}
