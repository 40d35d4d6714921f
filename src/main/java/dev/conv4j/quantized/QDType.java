package dev.conv4j.quantized;

import dev.conv4j.DType;

/** PyTorch's 8-bit quantized element types, with the integer type that holds their representation. */
public enum QDType {
    /** {@code torch.quint8}: unsigned, 0..255; activations. Stored as {@link DType#UINT8}. */
    QUINT8(DType.UINT8, 0, 255),
    /** {@code torch.qint8}: signed, -128..127; weights. Stored as {@link DType#INT8}. */
    QINT8(DType.INT8, -128, 127);

    private final DType storage;
    private final int min;
    private final int max;

    QDType(DType storage, int min, int max) {
        this.storage = storage;
        this.min = min;
        this.max = max;
    }

    /** The integer type of {@link QTensor#intRepr()}. */
    public DType storage() {
        return storage;
    }

    /** Smallest representable integer. */
    public int min() {
        return min;
    }

    /** Largest representable integer. */
    public int max() {
        return max;
    }

    /** PyTorch's name: {@code quint8} or {@code qint8}. */
    public String torchName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The type named {@code quint8} or {@code qint8}. */
    public static QDType fromTorch(String name) {
        for (QDType t : values()) {
            if (t.torchName().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown quantized dtype '" + name + "' (expected quint8 or qint8)");
    }
}
