package dev.conv4j.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.conv4j.Precision;
import dev.conv4j.Tensor;

/** The bf16 comparison: float32 tolerance plus 2^-7 of the per-element scale, and no more. */
class ToleranceBoundTest {
    private static Tensor of(float... v) {
        Tensor t = Tensor.zeros(v.length);
        t.copyFrom(v);
        return t;
    }

    @Test
    void allowsTheBoundAndReportsBeyondIt() {
        double b = Precision.BF16.relativeBound();
        assertEquals(0x1p-7, b);
        assertEquals(0, Precision.F32.relativeBound());
        // scale 64: allowed 1e-4 * (1 + |1|) + 0.5
        try (Tensor expected = of(1f, -2f);
                Tensor scale = of(64f, 0f);
                Tensor within = of(1.4999f, -2f);
                Tensor beyond = of(1.5003f, -2.001f)) {
            assertNull(Tolerance.compare("c", "output", within, expected, scale, b));
            String report = Tolerance.compare("c", "output", beyond, expected, scale, b);
            assertTrue(report != null && report.startsWith("c: output: 2 of 2 elements differ (tolerance 1.0E-4 * "
                    + "(1 + |expected|) + 0.0078125 * (sum |w|*|x| + |bias|))"), report);
        }
    }

    @Test
    void roundsToNearestEven() {
        assertEquals(1f, Precision.roundToBf16(1f + 0x1p-8f)); // tie: to the even 1.0
        assertEquals(1f + 0x1p-6f, Precision.roundToBf16(1f + 0x1p-7f + 0x1p-8f)); // tie: to the even 1 + 2^-6
        assertEquals(1f + 0x1p-7f, Precision.roundToBf16(1f + 0x1p-8f + 0x1p-20f)); // above the tie: up
        assertEquals(-3f, Precision.roundToBf16(-3f));
        assertEquals(Float.POSITIVE_INFINITY, Precision.roundToBf16(Float.MAX_VALUE));
        assertTrue(Float.isNaN(Precision.roundToBf16(Float.NaN)));
    }
}
