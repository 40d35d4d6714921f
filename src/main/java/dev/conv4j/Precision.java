package dev.conv4j;

/**
 * The arithmetic of a convolution or transposed convolution. Tensors stay float32 either way;
 * only how the products are formed differs.
 */
public enum Precision {
    /** float32 products and sums: PyTorch's results (the default). */
    F32,
    /**
     * bfloat16 products with float32 sums: input and weight values are rounded to bfloat16
     * (8 significant bits, round to nearest even) before they are multiplied; the bias is added
     * in float32. Each output element then stays within {@link #relativeBound()} times
     * {@code sum |w| * |x|} over its window plus {@code |bias|} of the float32 result. About
     * twice as fast where the CPU multiplies bfloat16 natively (AVX512_BF16, AMX); elsewhere
     * the backend computes in float32 and says so ({@code effectivePrecision()}).
     */
    BF16;

    /**
     * The bound on {@code |y - y_f32|} relative to {@code sum |w| * |x| + |bias|} of an output
     * element: 0 for F32, {@code 2^-7} for BF16. Rounding to bfloat16 changes a value by less
     * than {@code 2^-8} of itself, so a product of two rounded values by less than
     * {@code 2^-7 + 2^-16} of {@code |w| * |x|}; with the ties of round-to-nearest-even the
     * worst case stays below {@code 2^-7}, leaving room for the float32 summation's own rounding.
     */
    public double relativeBound() {
        return this == BF16 ? 0x1p-7 : 0;
    }

    /** {@code f32} or {@code bf16}: the name the command line and reports use. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The precision named {@code f32} or {@code bf16} (any case). */
    public static Precision parse(String name) {
        for (Precision p : values()) {
            if (p.label().equalsIgnoreCase(name.strip())) {
                return p;
            }
        }
        throw new IllegalArgumentException("precision should be f32 or bf16, but got '" + name + "'");
    }

    /** A float32 value rounded to the nearest bfloat16 (ties to even), as a float; NaN stays NaN. */
    public static float roundToBf16(float v) {
        if (Float.isNaN(v)) {
            return v;
        }
        int bits = Float.floatToRawIntBits(v);
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return Float.intBitsToFloat(rounded & 0xFFFF0000);
    }
}
