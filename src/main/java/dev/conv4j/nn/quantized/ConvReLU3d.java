package dev.conv4j.nn.quantized;

/** torch.nn.intrinsic.quantized.ConvReLU3d (convolution, then ReLU: the output clamped at its zero point): quantized input {@code [N, C_in, ...]}, qint8 weights {@code [out, in/groups, k...]}. */
public final class ConvReLU3d extends QuantizedConvolution {
    private ConvReLU3d(Builder<ConvReLU3d> b) {
        super(b);
    }

    /** A builder with the required arguments; the rest default as in PyTorch. */
    public static Builder<ConvReLU3d> builder(int inChannels, int outChannels, int... kernelSize) {
        return new Builder<>(3, false, true, inChannels, outChannels, kernelSize, ConvReLU3d::new);
    }
}
