package dev.conv4j.onednn;

import java.util.Arrays;

import dev.conv4j.Tensor;
import dev.conv4j.Tolerances;

/**
 * Comparison of a result with the oracle's, with the tolerances of {@link Tolerances} and a
 * report that names the problem, the mismatch count and the worst element.
 */
final class Compare {
    private Compare() {
    }

    /** Tolerances, with the reason for each. */
    enum Tolerance {
        /** Convolution, average and LP pooling: float sums in another order than the double oracle. */
        ROUNDING(Tolerances.RTOL),
        /** Max pooling, indices, unpooling: selections, no arithmetic. */
        EXACT(0);

        final double rel;

        Tolerance(double rel) {
            this.rel = rel;
        }
    }

    /** Null if equal within tolerance, else a report. NaN equals NaN. */
    static String floats(String what, Tensor got, Tensor expected, Tolerance tol) {
        float[] g = got.toFloatArray();
        float[] e = expected.toFloatArray();
        if (g.length != e.length) {
            return what + ": got " + g.length + " elements, expected " + e.length;
        }
        int bad = 0;
        int worst = -1;
        double worstErr = -1;
        for (int i = 0; i < g.length; i++) {
            boolean ok;
            double err;
            if (Float.isNaN(e[i]) || Float.isNaN(g[i])) {
                ok = Float.isNaN(e[i]) && Float.isNaN(g[i]);
                err = ok ? 0 : Double.POSITIVE_INFINITY;
            } else if (Float.isInfinite(e[i]) || Float.isInfinite(g[i])) {
                ok = e[i] == g[i];
                err = ok ? 0 : Double.POSITIVE_INFINITY;
            } else {
                err = Math.abs((double) g[i] - e[i]);
                ok = tol == Tolerance.EXACT ? g[i] == e[i] : Tolerances.within(g[i], e[i], tol.rel);
                err = err / (1 + Math.abs(e[i]));
            }
            if (!ok) {
                bad++;
                if (err > worstErr) {
                    worstErr = err;
                    worst = i;
                }
            }
        }
        if (bad == 0) {
            return null;
        }
        return what + ": " + bad + " of " + g.length + " elements differ (tolerance " + tol + "); worst at flat index "
                + worst + " of shape " + Arrays.toString(expected.shape()) + ": got " + g[worst] + ", expected "
                + e[worst] + " (relative error " + worstErr + ")";
    }

    static String longs(String what, Tensor got, Tensor expected) {
        long[] g = got.toLongArray();
        long[] e = expected.toLongArray();
        int bad = 0;
        int first = -1;
        for (int i = 0; i < g.length; i++) {
            if (g[i] != e[i]) {
                if (bad++ == 0) {
                    first = i;
                }
            }
        }
        return bad == 0 ? null : what + ": " + bad + " of " + g.length + " indices differ; first at flat index " + first
                + ": got " + g[first] + ", expected " + e[first];
    }

    /** True when at most a few percent of the values are non-zero (zero-trust check). */
    static boolean mostlyZero(Tensor t) {
        float[] v = t.toFloatArray();
        if (v.length < 16) {
            return false;
        }
        int nonZero = 0;
        for (float x : v) {
            if (x != 0) {
                nonZero++;
            }
        }
        return nonZero < v.length / 50;
    }
}
