package dev.conv4j.nn;

import dev.conv4j.backend.Backend;
import dev.conv4j.spec.UnpoolSpec;

/** torch.nn.MaxUnpool3d. */
public final class MaxUnpool3d extends MaxUnpooling {
    private MaxUnpool3d(UnpoolSpec spec, Backend backend) {
        super(spec, backend);
    }

    /** {@code MaxUnpool3d(kernel_size)} with stride = kernel_size and no padding, on the default backend. */
    public static MaxUnpool3d of(int... kernelSize) {
        return of(kernelSize, null, new int[] {0}, null);
    }

    /**
     * @param stride null for kernel_size
     * @param backend null for the default backend
     */
    public static MaxUnpool3d of(int[] kernelSize, int[] stride, int[] padding, Backend backend) {
        return new MaxUnpool3d(UnpoolSpec.of(3, kernelSize, stride, padding), backend);
    }
}
