package dev.conv4j.nn;

/** torch.nn.MaxUnpool3d. */
public final class MaxUnpool3d extends MaxUnpooling {
    private MaxUnpool3d(Builder<MaxUnpool3d> b) {
        super(b);
    }

    /** A builder with the required kernel size; the rest default as in PyTorch (stride = kernel_size, no padding). */
    public static Builder<MaxUnpool3d> builder(int... kernelSize) {
        return new Builder<>(3, kernelSize, MaxUnpool3d::new);
    }
}
