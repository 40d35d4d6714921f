package dev.conv4j.nn;

/**
 * torch.nn.ConvTranspose1d: weights {@code [in, out/groups, k...]}, input {@code [N, C_in, ...]} or unbatched {@code [C_in, ...]}. Forward accepts {@code output_size}.
 */
public final class ConvTranspose1d extends Convolution {
    private ConvTranspose1d(Builder<ConvTranspose1d> b) {
        super(b);
    }

    /** A builder with the required arguments; the rest default as in PyTorch. */
    public static Builder<ConvTranspose1d> builder(int inChannels, int outChannels, int... kernelSize) {
        return new Builder<>(1, true, inChannels, outChannels, kernelSize, ConvTranspose1d::new);
    }
}
