package dev.conv4j.nn.quantized;

/** torch.ao.nn.quantized.ConvTranspose1d: quantized input {@code [N, C_in, ...]}, qint8 weights {@code [in, out/groups, k...]}. */
public final class ConvTranspose1d extends QuantizedConvolution {
    private ConvTranspose1d(Builder<ConvTranspose1d> b) {
        super(b);
    }

    /** A builder with the required arguments; the rest default as in PyTorch. */
    public static Builder<ConvTranspose1d> builder(int inChannels, int outChannels, int... kernelSize) {
        return new Builder<>(1, true, false, inChannels, outChannels, kernelSize, ConvTranspose1d::new);
    }
}
