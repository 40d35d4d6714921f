package dev.conv4j.nn;

/**
 * torch.nn.Conv1d: weights {@code [out, in/groups, k...]}, input {@code [N, C_in, ...]} or unbatched {@code [C_in, ...]}.
 */
public final class Conv1d extends Convolution {
    private Conv1d(Builder<Conv1d> b) {
        super(b);
    }

    /** A builder with the required arguments; the rest default as in PyTorch. */
    public static Builder<Conv1d> builder(int inChannels, int outChannels, int... kernelSize) {
        return new Builder<>(1, false, inChannels, outChannels, kernelSize, Conv1d::new);
    }
}
