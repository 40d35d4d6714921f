package dev.conv4j.nn;

/**
 * torch.nn.Conv3d: weights {@code [out, in/groups, k...]}, input {@code [N, C_in, ...]} or unbatched {@code [C_in, ...]}.
 */
public final class Conv3d extends Convolution {
    private Conv3d(Builder<Conv3d> b) {
        super(b);
    }

    /** A builder with the required arguments; the rest default as in PyTorch. */
    public static Builder<Conv3d> builder(int inChannels, int outChannels, int... kernelSize) {
        return new Builder<>(3, false, inChannels, outChannels, kernelSize, Conv3d::new);
    }
}
