package dev.conv4j;

/**
 * The tolerances of every test that compares floating-point results, in one table; each says
 * why it is what it is. Public only so that conv4j-tools' tests (through the conv4j test-jar)
 * read the same numbers; not part of the library. {@code dev.conv4j.cases.Tolerance} (the
 * command line's comparison with PyTorch) holds {@link #RTOL} and the quantized bounds for the
 * tools' main code, and a tools test checks that they equal these.
 *
 * <p>The relative tolerances are applied as {@code |got - expected| <= rtol * (1 + |expected|)}
 * ({@link #within}) unless a test says it uses a tighter form. Max pooling, indices and
 * unpooling are always compared exactly: they select or move values and never round.
 */
public final class Tolerances {
    /**
     * Rounding ops (convolutions, average and LP pooling) against PyTorch, a float64 oracle or
     * another backend: the implementations sum in different orders (and oneDNN picks its
     * algorithm per shape and thread count).
     */
    public static final double RTOL = 1e-4;
    /**
     * Two float32 computations of one kernel family that differ only in summation order within
     * a window (a layout change, a vector path, the float64 reference of the same windows).
     */
    public static final double KERNEL_RTOL = 1e-5;
    /** Small examples worked out by hand: a few float roundings of exact decimal answers. */
    public static final double HAND_RTOL = 1e-6;
    /**
     * oneDNN's bf16 convolution against the reference's bf16 emulation, relative to the
     * precision's scale {@code sum |w| * |x| + |bias|}: the products are equal, only the float32
     * summation order differs.
     */
    public static final double BF16_EMULATION = 0x1p-16;
    /**
     * Largest difference of a quantized integer from PyTorch's: the requantization rounds a real
     * number that summation order can move across a rounding boundary.
     */
    public static final int QUANTIZED_MAX_DIFF = 1;
    /** Smallest share of quantized integers exactly equal to PyTorch's. */
    public static final double QUANTIZED_MIN_EXACT = 0.99;

    private Tolerances() {
    }

    /**
     * Whether {@code got} matches {@code expected} within {@code rtol * (1 + |expected|)}; NaN
     * only meets NaN and an infinity only the same infinity.
     */
    public static boolean within(float got, float expected, double rtol) {
        if (Float.isNaN(expected) || Float.isNaN(got)) {
            return Float.isNaN(expected) && Float.isNaN(got);
        }
        if (Float.isInfinite(expected) || Float.isInfinite(got)) {
            return got == expected;
        }
        return Math.abs((double) got - expected) <= rtol * (1 + Math.abs(expected));
    }
}
