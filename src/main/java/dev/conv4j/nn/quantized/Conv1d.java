package dev.conv4j.nn.quantized;

/** torch.ao.nn.quantized.Conv1d: quantized input {@code [N, C_in, ...]}, qint8 weights {@code [out, in/groups, k...]}. */
public final class Conv1d extends QuantizedConvolution {
    private Conv1d(Builder<Conv1d> b) {
        super(b);
    }

    /** A builder with the required arguments; the rest default as in PyTorch. */
    public static Builder<Conv1d> builder(int inChannels, int outChannels, int... kernelSize) {
        return new Builder<>(1, false, false, inChannels, outChannels, kernelSize, Conv1d::new);
    }
}
