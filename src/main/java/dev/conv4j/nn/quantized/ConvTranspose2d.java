package dev.conv4j.nn.quantized;

/** torch.ao.nn.quantized.ConvTranspose2d: quantized input {@code [N, C_in, ...]}, qint8 weights {@code [in, out/groups, k...]}. */
public final class ConvTranspose2d extends QuantizedConvolution {
    private ConvTranspose2d(Builder<ConvTranspose2d> b) {
        super(b);
    }

    /** A builder with the required arguments; the rest default as in PyTorch. */
    public static Builder<ConvTranspose2d> builder(int inChannels, int outChannels, int... kernelSize) {
        return new Builder<>(2, true, false, inChannels, outChannels, kernelSize, ConvTranspose2d::new);
    }
}
