package dev.conv4j.nn.quantized;

/** torch.ao.nn.quantized.Conv3d: quantized input {@code [N, C_in, ...]}, qint8 weights {@code [out, in/groups, k...]}. */
public final class Conv3d extends QuantizedConvolution {
    private Conv3d(Builder<Conv3d> b) {
        super(b);
    }

    /** A builder with the required arguments; the rest default as in PyTorch. */
    public static Builder<Conv3d> builder(int inChannels, int outChannels, int... kernelSize) {
        return new Builder<>(3, false, false, inChannels, outChannels, kernelSize, Conv3d::new);
    }
}
