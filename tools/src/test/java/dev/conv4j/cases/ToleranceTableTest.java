package dev.conv4j.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.conv4j.Tolerances;

/**
 * The command line's comparison with PyTorch ({@link Tolerance}, main code, which cannot see the
 * library's test tree) uses the numbers of the tests' table {@link Tolerances}: the two cannot drift.
 */
class ToleranceTableTest {
    @Test
    void commandLineToleranceIsTheTestsTable() {
        assertEquals(Tolerances.RTOL, Tolerance.RTOL);
        assertEquals(Tolerances.QUANTIZED_MAX_DIFF, Tolerance.QUANTIZED_MAX_DIFF);
        assertEquals(Tolerances.QUANTIZED_MIN_EXACT, Tolerance.QUANTIZED_MIN_EXACT);
    }

    @Test
    void tableComparisonAllowsRtolTimesOnePlusExpected() {
        // -3: allowed 1e-4 * 4 = 4e-4
        assertTrue(Tolerances.within(-3.00039f, -3f, Tolerances.RTOL));
        assertFalse(Tolerances.within(-3.00041f, -3f, Tolerances.RTOL));
        assertTrue(Tolerances.within(Float.NaN, Float.NaN, Tolerances.RTOL));
        assertFalse(Tolerances.within(Float.MAX_VALUE, Float.POSITIVE_INFINITY, Tolerances.RTOL));
    }

    @Test
    void elementComparisonIsTheTestsOne() {
        float inf = Float.POSITIVE_INFINITY;
        float[][] pairs = {{1f, 1f}, {1.0002f, 1f}, {1.00019f, 1f}, {-3.0007f, -3f}, {-3.0008f, -3f}, {0f, 0f},
            {Float.NaN, Float.NaN}, {Float.NaN, 1f}, {1f, Float.NaN}, {inf, inf}, {-inf, inf}, {Float.MAX_VALUE, inf}};
        for (float[] p : pairs) {
            assertEquals(Tolerances.within(p[0], p[1], Tolerances.RTOL), Tolerance.excess(p[0], p[1], false) <= 0,
                    () -> p[0] + " vs " + p[1]);
        }
    }
}
