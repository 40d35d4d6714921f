package dev.conv4j;

/** Element types a {@link Tensor} can hold. */
public enum DType {
    /** 32-bit IEEE float: activations, weights, biases. NumPy {@code <f4}. */
    FLOAT32(4, "<f4"),
    /** 64-bit signed integer: pooling indices, as PyTorch returns them. NumPy {@code <i8}. */
    INT64(8, "<i8");

    private final int byteSize;
    private final String npyDescr;

    DType(int byteSize, String npyDescr) {
        this.byteSize = byteSize;
        this.npyDescr = npyDescr;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** The NumPy {@code descr} string of this type (little-endian). */
    public String npyDescr() {
        return npyDescr;
    }
}
