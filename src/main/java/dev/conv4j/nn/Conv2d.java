package dev.conv4j.nn;

/**
 * torch.nn.Conv2d: weights {@code [out, in/groups, k...]}, input {@code [N, C_in, ...]} or unbatched {@code [C_in, ...]}.
 */
public final class Conv2d extends Convolution {
    private Conv2d(Builder<Conv2d> b) {
        super(b);
    }

    /** A builder with the required arguments; the rest default as in PyTorch. */
    public static Builder<Conv2d> builder(int inChannels, int outChannels, int... kernelSize) {
        return new Builder<>(2, false, inChannels, outChannels, kernelSize, Conv2d::new);
    }
}
