package dev.conv4j.nn.quantized;

/** torch.nn.intrinsic.quantized.ConvReLU1d (convolution, then ReLU: the output clamped at its zero point): quantized input {@code [N, C_in, ...]}, qint8 weights {@code [out, in/groups, k...]}. */
public final class ConvReLU1d extends QuantizedConvolution {
    private ConvReLU1d(Builder<ConvReLU1d> b) {
        super(b);
    }

    /** A builder with the required arguments; the rest default as in PyTorch. */
    public static Builder<ConvReLU1d> builder(int inChannels, int outChannels, int... kernelSize) {
        return new Builder<>(1, false, true, inChannels, outChannels, kernelSize, ConvReLU1d::new);
    }
}
