package dev.conv4j.nn;

/** torch.nn.MaxUnpool1d. */
public final class MaxUnpool1d extends MaxUnpooling {
    private MaxUnpool1d(Builder<MaxUnpool1d> b) {
        super(b);
    }

    /** A builder with the required kernel size; the rest default as in PyTorch (stride = kernel_size, no padding). */
    public static Builder<MaxUnpool1d> builder(int... kernelSize) {
        return new Builder<>(1, kernelSize, MaxUnpool1d::new);
    }
}
