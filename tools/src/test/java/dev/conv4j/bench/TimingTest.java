package dev.conv4j.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The timing arithmetic, with values worked out by hand, and the timing loop on a fake clock. */
class TimingTest {

    @Test
    void medianOfOddCountIsTheMiddleValue() {
        assertEquals(2, Timing.median(3, 1, 2));
        assertEquals(7, Timing.median(7));
        assertEquals(5, Timing.median(9, 5, 1, 5, 100));
    }

    @Test
    void medianOfEvenCountIsTheMeanOfTheMiddleTwo() {
        assertEquals(2.5, Timing.median(4, 1, 3, 2));
        assertEquals(1.5, Timing.median(2, 1));
    }

    @Test
    void medianLeavesItsInputAlone() {
        double[] v = {3, 1, 2};
        Timing.median(v);
        assertArrayEquals(new double[] {3, 1, 2}, v);
    }

    @Test
    void medianOfNothingIsRefused() {
        assertThrows(IllegalArgumentException.class, Timing::median);
    }

    @Test
    void gflopsIsFlopsPerNanosecond() {
        // res2 at batch 1: 231,211,008 FLOPs in 2 ms = 115,605,504,000 FLOP/s = 115.605504 GFLOPS.
        assertEquals(115.605504, Timing.gflops(231_211_008, 2.0), 1e-9);
        // 1e9 FLOPs in 1000 ms is 1 GFLOPS.
        assertEquals(1.0, Timing.gflops(1e9, 1000), 1e-12);
    }

    @Test
    void percentOfPeak() {
        assertEquals(25.0, Timing.percentOfPeak(50, 200), 1e-12);
        assertEquals(150.0, Timing.percentOfPeak(300, 200), 1e-12);
        assertTrue(Double.isNaN(Timing.percentOfPeak(50, Double.NaN)));
        assertTrue(Double.isNaN(Timing.percentOfPeak(50, 0)));
        assertTrue(Double.isNaN(Timing.percentOfPeak(Double.NaN, 200)));
    }

    @Test
    void speedupIsSlowOverFast() {
        assertEquals(200.0, Timing.speedup(300, 1.5), 1e-12);
        assertEquals(0.5, Timing.speedup(1, 2), 1e-12);
    }

    @Test
    void repsFillTheTargetTimeWithinBounds() {
        Timing.Plan p = new Timing.Plan(2, 0.2, 0, 0.5, 5, 10_000);
        assertEquals(500, Timing.repsFor(p, 1_000_000)); // 0.5 s / 1 ms
        assertEquals(334, Timing.repsFor(p, 1_500_000)); // ceil(333.3)
        assertEquals(5, Timing.repsFor(p, 2_000_000_000L)); // a 2 s call: the minimum
        assertEquals(10_000, Timing.repsFor(p, 1_000)); // a 1 us call: the maximum
        assertEquals(7, Timing.repsFor(p.withReps(7), 1_000_000)); // fixed
    }

    @Test
    void planRefusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new Timing.Plan(-1, 0, 0, 0.5, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Timing.Plan(1, 0, 0, 0.5, 5, 4));
        assertThrows(IllegalArgumentException.class, () -> BenchRunner.ONEDNN_PLAN.withReps(0));
    }

    @Test
    void planDescriptions() {
        assertEquals("1 warm-up + 3 timed runs", BenchRunner.REFERENCE_PLAN.describe());
        assertEquals("warm-up >= 0.2 s (>= 2 runs) + timed runs for ~0.5 s (5..10000 runs)",
                BenchRunner.ONEDNN_PLAN.describe());
        assertEquals("warm-up >= 0.2 s (>= 2 runs) + 1 timed run", BenchRunner.ONEDNN_PLAN.withReps(1).describe());
    }

    /** A clock that only moves when the fake operator runs: each call takes exactly {@code step} ns. */
    private static final class FakeOp {
        long now;
        int calls;
        final long step;

        FakeOp(long step) {
            this.step = step;
        }

        void run() {
            now += step;
            calls++;
        }
    }

    @Test
    void measureWarmsUpThenSizesTheRunFromTheLastWarmUp() {
        FakeOp op = new FakeOp(1_000_000); // 1 ms per call
        // 2 warm-ups, then ceil(10 ms / 1 ms) = 10 timed calls of 1 ms each.
        double[] ms = Timing.measure(op::run, new Timing.Plan(2, 0, 0, 0.010, 1, 100), () -> op.now);
        assertEquals(10, ms.length);
        for (double m : ms) {
            assertEquals(1.0, m, 1e-12);
        }
        assertEquals(12, op.calls);
    }

    @Test
    void measureWarmsUpForTheWarmUpTime() {
        FakeOp op = new FakeOp(1_000_000);
        // Warm up until 5 ms have passed: 5 calls; then 3 fixed timed calls.
        double[] ms = Timing.measure(op::run, new Timing.Plan(1, 0.005, 3, 0, 1, 3), () -> op.now);
        assertEquals(3, ms.length);
        assertEquals(8, op.calls);
    }

    @Test
    void measureWithoutWarmUpAndFixedRepsCallsExactlyReps() {
        FakeOp op = new FakeOp(2_000_000);
        double[] ms = Timing.measure(op::run, new Timing.Plan(0, 0, 3, 0, 1, 3), () -> op.now);
        assertArrayEquals(new double[] {2, 2, 2}, ms, 1e-12);
        assertEquals(3, op.calls);
    }

    @Test
    void interleavedRunsAlternateBlocksOfEqualCounts() {
        long[] now = {0};
        StringBuilder log = new StringBuilder();
        Runnable a = () -> {
            now[0] += 1_000_000; // 1 ms
            log.append('a');
        };
        Runnable b = () -> {
            now[0] += 250_000; // 0.25 ms
            log.append('b');
        };
        // 2 warm-up pairs; ceil(10 ms / 1 ms) = 10 timed calls each, in blocks of ceil(3 ms / 1 ms) = 3.
        double[][] ms = Timing.measureInterleaved(a, b, new Timing.Plan(2, 0, 0, 0.010, 1, 100), 0.003, () -> now[0]);
        assertEquals("abab" + "aaabbb" + "aaabbb" + "aaabbb" + "ab", log.toString());
        assertEquals(10, ms[0].length);
        assertEquals(10, ms[1].length);
        for (int i = 0; i < 10; i++) {
            assertEquals(1.0, ms[0][i], 1e-12);
            assertEquals(0.25, ms[1][i], 1e-12);
        }
    }

    @Test
    void interleavedWithFixedRepsAndNoWarmUp() {
        long[] now = {0};
        StringBuilder log = new StringBuilder();
        Runnable a = () -> {
            now[0] += 2_000_000;
            log.append('a');
        };
        Runnable b = () -> {
            now[0] += 1_000_000;
            log.append('b');
        };
        // a block of 20 ms would be 10 calls, but there are only 3 reps: one block each.
        double[][] ms = Timing.measureInterleaved(a, b, new Timing.Plan(0, 0, 3, 0, 1, 3), 0.020, () -> now[0]);
        assertEquals("aaabbb", log.toString());
        assertArrayEquals(new double[] {2, 2, 2}, ms[0], 1e-12);
        assertArrayEquals(new double[] {1, 1, 1}, ms[1], 1e-12);
    }
}
