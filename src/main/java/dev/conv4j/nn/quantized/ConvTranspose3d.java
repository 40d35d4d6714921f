package dev.conv4j.nn.quantized;

/** torch.ao.nn.quantized.ConvTranspose3d: quantized input {@code [N, C_in, ...]}, qint8 weights {@code [in, out/groups, k...]}. */
public final class ConvTranspose3d extends QuantizedConvolution {
    private ConvTranspose3d(Builder<ConvTranspose3d> b) {
        super(b);
    }

    /** A builder with the required arguments; the rest default as in PyTorch. */
    public static Builder<ConvTranspose3d> builder(int inChannels, int outChannels, int... kernelSize) {
        return new Builder<>(3, true, false, inChannels, outChannels, kernelSize, ConvTranspose3d::new);
    }
}
