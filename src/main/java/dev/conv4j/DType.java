package dev.conv4j;

/** Element types a {@link Tensor} can hold. */
public enum DType {
    /** 32-bit IEEE float: activations, weights, biases. NumPy {@code <f4}. */
    FLOAT32(4, "<f4"),
    /** 64-bit signed integer: pooling indices, as PyTorch returns them. NumPy {@code <i8}. */
    INT64(8, "<i8"),
    /** 64-bit IEEE float: per-channel quantization scales, as PyTorch keeps them. NumPy {@code <f8}. */
    FLOAT64(8, "<f8"),
    /** 8-bit unsigned integer: the integer representation of {@code quint8} tensors. NumPy {@code |u1}. */
    UINT8(1, "|u1"),
    /** 8-bit signed integer: the integer representation of {@code qint8} tensors. NumPy {@code |i1}. */
    INT8(1, "|i1");

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
