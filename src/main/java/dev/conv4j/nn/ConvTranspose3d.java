package dev.conv4j.nn;

/**
 * torch.nn.ConvTranspose3d: weights {@code [in, out/groups, k...]}, input {@code [N, C_in, ...]} or unbatched {@code [C_in, ...]}. Forward accepts {@code output_size}.
 */
public final class ConvTranspose3d extends Convolution {
    private ConvTranspose3d(Builder<ConvTranspose3d> b) {
        super(b);
    }

    /** A builder with the required arguments; the rest default as in PyTorch. */
    public static Builder<ConvTranspose3d> builder(int inChannels, int outChannels, int... kernelSize) {
        return new Builder<>(3, true, inChannels, outChannels, kernelSize, ConvTranspose3d::new);
    }
}
