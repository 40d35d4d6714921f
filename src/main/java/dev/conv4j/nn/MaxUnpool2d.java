package dev.conv4j.nn;

import dev.conv4j.backend.Backend;
import dev.conv4j.spec.UnpoolSpec;

/** torch.nn.MaxUnpool2d. */
public final class MaxUnpool2d extends MaxUnpooling {
    private MaxUnpool2d(UnpoolSpec spec, Backend backend) {
        super(spec, backend);
    }

    /** {@code MaxUnpool2d(kernel_size)} with stride = kernel_size and no padding, on the default backend. */
    public static MaxUnpool2d of(int... kernelSize) {
        return of(kernelSize, null, new int[] {0}, null);
    }

    /**
     * @param stride null for kernel_size
     * @param backend null for the default backend
     */
    public static MaxUnpool2d of(int[] kernelSize, int[] stride, int[] padding, Backend backend) {
        return new MaxUnpool2d(UnpoolSpec.of(2, kernelSize, stride, padding), backend);
    }
}
