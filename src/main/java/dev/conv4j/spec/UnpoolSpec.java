package dev.conv4j.spec;

/** The arguments of MaxUnpool1d/2d/3d: kernel_size, stride (default kernel_size), padding. */
public final class UnpoolSpec {
    private final int dims;
    private final int[] kernelSize;
    private final int[] stride;
    private final int[] padding;

    private UnpoolSpec(int dims, int[] kernelSize, int[] stride, int[] padding) {
        if (dims < 1 || dims > 3) {
            throw new IllegalArgumentException("max unpooling has 1, 2 or 3 spatial dimensions, but got " + dims);
        }
        this.dims = dims;
        this.kernelSize = Tuples.expand("kernel_size", dims, kernelSize);
        this.stride = stride == null ? this.kernelSize.clone() : Tuples.expand("stride", dims, stride);
        this.padding = Tuples.expand("padding", dims, padding);
    }

    /**
     * @param stride null for PyTorch's default (kernel_size)
     */
    public static UnpoolSpec of(int dims, int[] kernelSize, int[] stride, int[] padding) {
        return new UnpoolSpec(dims, kernelSize, stride, padding);
    }

    public int dims() {
        return dims;
    }

    public int[] kernelSize() {
        return kernelSize.clone();
    }

    public int[] stride() {
        return stride.clone();
    }

    public int[] padding() {
        return padding.clone();
    }

    public String opName() {
        return "MaxUnpool" + dims + "d";
    }

    @Override
    public String toString() {
        return opName() + "(kernel_size=" + Tuples.tuple(kernelSize) + ", stride=" + Tuples.tuple(stride)
                + ", padding=" + Tuples.tuple(padding) + ")";
    }
}
