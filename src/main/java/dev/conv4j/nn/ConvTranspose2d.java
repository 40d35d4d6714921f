package dev.conv4j.nn;

/**
 * torch.nn.ConvTranspose2d: weights {@code [in, out/groups, k...]}, input {@code [N, C_in, ...]} or unbatched {@code [C_in, ...]}. Forward accepts {@code output_size}.
 */
public final class ConvTranspose2d extends Convolution {
    private ConvTranspose2d(Builder<ConvTranspose2d> b) {
        super(b);
    }

    /** A builder with the required arguments; the rest default as in PyTorch. */
    public static Builder<ConvTranspose2d> builder(int inChannels, int outChannels, int... kernelSize) {
        return new Builder<>(2, true, inChannels, outChannels, kernelSize, ConvTranspose2d::new);
    }
}
