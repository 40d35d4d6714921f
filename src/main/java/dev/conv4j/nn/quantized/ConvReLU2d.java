package dev.conv4j.nn.quantized;

/** torch.nn.intrinsic.quantized.ConvReLU2d (convolution, then ReLU: the output clamped at its zero point): quantized input {@code [N, C_in, ...]}, qint8 weights {@code [out, in/groups, k...]}. */
public final class ConvReLU2d extends QuantizedConvolution {
    private ConvReLU2d(Builder<ConvReLU2d> b) {
        super(b);
    }

    /** A builder with the required arguments; the rest default as in PyTorch. */
    public static Builder<ConvReLU2d> builder(int inChannels, int outChannels, int... kernelSize) {
        return new Builder<>(2, false, true, inChannels, outChannels, kernelSize, ConvReLU2d::new);
    }
}
