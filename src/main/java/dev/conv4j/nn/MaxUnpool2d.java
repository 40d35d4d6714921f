package dev.conv4j.nn;

/** torch.nn.MaxUnpool2d. */
public final class MaxUnpool2d extends MaxUnpooling {
    private MaxUnpool2d(Builder<MaxUnpool2d> b) {
        super(b);
    }

    /** A builder with the required kernel size; the rest default as in PyTorch (stride = kernel_size, no padding). */
    public static Builder<MaxUnpool2d> builder(int... kernelSize) {
        return new Builder<>(2, kernelSize, MaxUnpool2d::new);
    }
}
