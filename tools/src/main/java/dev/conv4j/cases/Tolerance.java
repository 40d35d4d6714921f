package dev.conv4j.cases;

import dev.conv4j.DType;
import dev.conv4j.Tensor;
import dev.conv4j.spec.Tuples;

/**
 * How a result is compared with PyTorch's, in one table:
 * <ul>
 * <li>max pooling (plain and adaptive), max unpooling and every index: exactly equal, because
 * they select or move input values and never round;</li>
 * <li>everything else (convolutions, average and LP pooling): {@code |got - expected| <= 1e-4 *
 * (1 + |expected|)}, because summation order differs between implementations;</li>
 * <li>convolutions at {@link dev.conv4j.Precision#BF16}: that tolerance plus the precision's
 * bound, {@code 2^-7 * (sum |w| * |x| over the window + |bias|)} per element.</li>
 * </ul>
 * NaN must meet NaN and infinities the same infinity; shapes must be equal.
 *
 * <p>Quantized results (integers) are compared by {@link #compareQuantized}: max pooling exactly;
 * everything else within {@value #QUANTIZED_MAX_DIFF} of PyTorch's integer on every element (the
 * requantization rounds a real number that summation order can move across a rounding boundary)
 * and exactly equal on at least {@value #QUANTIZED_MIN_EXACT} of the elements.
 *
 * <p>These are the numbers of the tests' tolerance table ({@code dev.conv4j.Tolerances} in the
 * library's test tree, which this main code cannot see); {@code ToleranceTableTest} checks that
 * they are equal.
 */
public final class Tolerance {
    /** Relative and absolute tolerance of the rounding ops. */
    public static final double RTOL = 1e-4;
    /** Largest difference of a quantized integer from PyTorch's. */
    public static final int QUANTIZED_MAX_DIFF = 1;
    /** Smallest share of quantized integers exactly equal to PyTorch's. */
    public static final double QUANTIZED_MIN_EXACT = 0.99;

    private Tolerance() {
    }

    /** True for ops whose values must equal PyTorch's bit for bit. */
    public static boolean exact(String op) {
        op = op.startsWith("quantized.") ? op.substring("quantized.".length()) : op;
        return op.startsWith("MaxPool") || op.startsWith("AdaptiveMaxPool") || op.startsWith("MaxUnpool");
    }

    /**
     * Compares {@code got} with {@code expected}; returns null when they match, else a report
     * with the mismatch count, the worst element, its index and the case name.
     */
    public static String compare(String caseName, String what, Tensor got, Tensor expected, boolean exact) {
        return compare(caseName, what, got, expected, exact, null, 0);
    }

    /**
     * As {@link #compare(String, String, Tensor, Tensor, boolean)} for a rounding op, allowing in
     * addition {@code relativeBound * scale[i]} per element ({@code scale} contiguous, of the
     * output's shape; see {@link dev.conv4j.Precision#relativeBound()}).
     */
    public static String compare(String caseName, String what, Tensor got, Tensor expected, Tensor scale,
            double relativeBound) {
        return compare(caseName, what, got, expected, false, scale, relativeBound);
    }

    private static String compare(String caseName, String what, Tensor got, Tensor expected, boolean exact,
            Tensor scale, double relativeBound) {
        if (got.dtype() != expected.dtype()) {
            return caseName + ": " + what + " has dtype " + got.dtype() + ", expected " + expected.dtype();
        }
        if (!java.util.Arrays.equals(got.shape(), expected.shape())) {
            return caseName + ": " + what + " has shape " + Tuples.list(got.shape()) + ", expected "
                    + Tuples.list(expected.shape());
        }
        if (got.dtype() == DType.INT64) {
            long[] g = got.toLongArray();
            long[] e = expected.toLongArray();
            int bad = 0;
            int first = -1;
            for (int i = 0; i < g.length; i++) {
                if (g[i] != e[i]) {
                    bad++;
                    first = first < 0 ? i : first;
                }
            }
            return bad == 0 ? null : caseName + ": " + what + ": " + bad + " of " + g.length
                    + " indices differ; first at flat index " + first + ": got " + g[first] + ", expected " + e[first];
        }
        float[] g = got.toFloatArray();
        float[] e = expected.toFloatArray();
        float[] allowed = scale == null ? null : scale.toFloatArray();
        int bad = 0;
        int worst = -1;
        double worstExcess = -1;
        for (int i = 0; i < g.length; i++) {
            double excess = excess(g[i], e[i], exact) - (allowed == null ? 0 : relativeBound * allowed[i]);
            if (excess > 0) {
                bad++;
                if (excess > worstExcess) {
                    worstExcess = excess;
                    worst = i;
                }
            }
        }
        if (bad == 0) {
            return null;
        }
        return caseName + ": " + what + ": " + bad + " of " + g.length + " elements differ"
                + (exact ? " (exact comparison)" : " (tolerance " + RTOL + " * (1 + |expected|)"
                        + (allowed == null ? ")" : " + " + relativeBound + " * (sum |w|*|x| + |bias|))"))
                + "; worst at flat index " + worst + " " + Tuples.list(unravel(worst, got.shape())) + ": got " + g[worst]
                + ", expected " + e[worst] + ", |diff| " + Math.abs((double) g[worst] - e[worst]);
    }

    /**
     * Compares quantized integers (UINT8 or INT8 of equal type); returns null when they match,
     * else a report with the counts, the worst element and its index.
     */
    public static String compareQuantized(String caseName, Tensor got, Tensor expected, boolean exact) {
        if (got.dtype() != expected.dtype()) {
            return caseName + ": output has dtype " + got.dtype() + ", expected " + expected.dtype();
        }
        if (!java.util.Arrays.equals(got.shape(), expected.shape())) {
            return caseName + ": output has shape " + Tuples.list(got.shape()) + ", expected "
                    + Tuples.list(expected.shape());
        }
        boolean unsigned = got.dtype() == DType.UINT8;
        byte[] g = got.toByteArray();
        byte[] e = expected.toByteArray();
        int differ = 0;
        int worst = -1;
        int worstDiff = 0;
        for (int i = 0; i < g.length; i++) {
            int gv = unsigned ? g[i] & 0xff : g[i];
            int ev = unsigned ? e[i] & 0xff : e[i];
            int diff = Math.abs(gv - ev);
            if (diff != 0) {
                differ++;
                if (diff > worstDiff) {
                    worstDiff = diff;
                    worst = i;
                }
            }
        }
        boolean ok = exact ? differ == 0
                : worstDiff <= QUANTIZED_MAX_DIFF && differ <= (1 - QUANTIZED_MIN_EXACT) * g.length;
        if (ok) {
            return null;
        }
        return caseName + ": output: " + differ + " of " + g.length + " integers differ"
                + (exact ? " (exact comparison)" : " (allowed: by at most " + QUANTIZED_MAX_DIFF + ", at most "
                        + Math.round((1 - QUANTIZED_MIN_EXACT) * 100) + "% of them)")
                + "; worst at flat index " + worst + " " + Tuples.list(unravel(worst, got.shape())) + ": got "
                + (unsigned ? g[worst] & 0xff : g[worst]) + ", expected " + (unsigned ? e[worst] & 0xff : e[worst]);
    }

    /** How far outside the tolerance one element is (0 or less: within; infinite for NaN/inf mismatches). */
    static double excess(float got, float expected, boolean exact) {
        if (Float.isNaN(expected) || Float.isNaN(got)) {
            return Float.isNaN(expected) && Float.isNaN(got) ? 0 : Double.POSITIVE_INFINITY;
        }
        if (Float.isInfinite(expected) || Float.isInfinite(got)) {
            return got == expected ? 0 : Double.POSITIVE_INFINITY;
        }
        double diff = Math.abs((double) got - expected);
        if (exact) {
            return Float.floatToIntBits(got) == Float.floatToIntBits(expected) || got == expected ? 0 : diff + 1e-30;
        }
        return diff - RTOL * (1 + Math.abs(expected));
    }

    private static long[] unravel(long flat, long[] shape) {
        long[] idx = new long[shape.length];
        for (int i = shape.length - 1; i >= 0; i--) {
            idx[i] = shape[i] == 0 ? 0 : flat % shape[i];
            flat = shape[i] == 0 ? 0 : flat / shape[i];
        }
        return idx;
    }
}
