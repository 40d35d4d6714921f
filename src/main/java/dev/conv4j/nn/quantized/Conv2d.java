package dev.conv4j.nn.quantized;

/** torch.ao.nn.quantized.Conv2d: quantized input {@code [N, C_in, ...]}, qint8 weights {@code [out, in/groups, k...]}. */
public final class Conv2d extends QuantizedConvolution {
    private Conv2d(Builder<Conv2d> b) {
        super(b);
    }

    /** A builder with the required arguments; the rest default as in PyTorch. */
    public static Builder<Conv2d> builder(int inChannels, int outChannels, int... kernelSize) {
        return new Builder<>(2, false, false, inChannels, outChannels, kernelSize, Conv2d::new);
    }
}
