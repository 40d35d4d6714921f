package dev.conv4j.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

class CallThreadsTest {
    @Test
    void aMeasuredDecisionIsMadeOnceMoreExactlyOnceAfterTheDelay() {
        long at = 1_000_000_000L;
        long later = at + CallThreads.SETTLE_AFTER_NANOS;
        AtomicBoolean settled = new AtomicBoolean(false);
        assertFalse(CallThreads.settleNow(at, settled, () -> at + 1), "too early");
        assertFalse(CallThreads.settleNow(at, settled, () -> later - 1), "too early");
        assertFalse(settled.get());
        assertTrue(CallThreads.settleNow(at, settled, () -> later), "the first call after the delay");
        assertTrue(settled.get());
        assertFalse(CallThreads.settleNow(at, settled, () -> later + 1), "only once");
        // decisions of the model alone start settled, and a settled decision does not read the clock
        assertFalse(CallThreads.settleNow(at, new AtomicBoolean(true), () -> {
            throw new AssertionError("clock read");
        }));
    }

    @Test
    void costModelGivesSmallWorkOneThreadAndLargeWorkAll() {
        // tiny 3x3 16-16 28 at batch 1: 3.6 MFLOP and ~0.1 MB
        double tiny = CallThreads.estimateMicros(2.0 * 16 * 28 * 28 * 16 * 9, 4.0 * (2 * 16 * 28 * 28 + 16 * 16 * 9));
        assertEquals(1, CallThreads.byCost(tiny, 2));
        // res2 3x3 64-64 56 at batch 1: 231 MFLOP
        double res2 = CallThreads.estimateMicros(2.0 * 64 * 56 * 56 * 64 * 9, 4.0 * (2 * 64 * 56 * 56 + 64 * 64 * 9));
        assertEquals(2, CallThreads.byCost(res2, 2));
        assertEquals(8, CallThreads.byCost(res2, 8));
        assertEquals(1, CallThreads.byCost(res2, 1));
        assertEquals(1, CallThreads.byCost(0, 4));
        assertEquals(2, CallThreads.byCost(CallThreads.MICROS_PER_EXTRA_THREAD, 4));
    }

    @Test
    void callsInFlightShareTheBudgetDownToOneThreadEach() {
        CallThreads threads = new CallThreads(true);
        int cores = Runtime.getRuntime().availableProcessors();
        int first = threads.acquire(cores, cores);
        assertEquals(cores, first);
        List<Integer> later = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            later.add(threads.acquire(cores, cores)); // the budget is spent: one thread each
        }
        assertEquals(List.of(1, 1, 1), later);
        assertEquals(cores + 3, threads.busy());
        threads.release(first);
        for (int t : later) {
            threads.release(t);
        }
        assertEquals(0, threads.busy());
        assertEquals(1, threads.acquire(1, cores)); // a one-thread plan never takes more
        threads.release(1);
    }

    @Test
    void anExplicitThreadSettingAboveTheCoresIsHonouredForALoneCall() {
        CallThreads threads = new CallThreads(true);
        int cores = Runtime.getRuntime().availableProcessors();
        int t = threads.acquire(cores + 2, cores + 2);
        assertEquals(cores + 2, t);
        threads.release(t);
    }

    @Test
    void tuningKeepsTheModelsChoiceOutsideTheUncertainBand() {
        CallThreads threads = new CallThreads(true);
        List<Integer> runs = new ArrayList<>();
        assertEquals(2, threads.tune(CallThreads.TUNE_BELOW_MICROS * 2, 2, runs::add));
        assertEquals(1, threads.tune(1, 2, runs::add));
        assertTrue(runs.isEmpty(), "clear cases are not measured, but ran " + runs);
    }

    @Test
    void tuningPicksTheFasterCountAndEndsWithARunOnIt() {
        CallThreads threads = new CallThreads(true);
        List<Integer> runs = new ArrayList<>();
        // the model says 2 threads here (300 us); make one thread clearly faster
        int chosen = threads.tune(300, 2, n -> {
            runs.add(n);
            sleepMicros(n == 1 ? 200 : 3000);
        });
        assertEquals(1, chosen);
        assertEquals(1, runs.get(runs.size() - 1), "the last run, whose result the caller keeps, used the chosen count");
        assertTrue(runs.contains(2));
    }

    private static void sleepMicros(long us) {
        long end = System.nanoTime() + us * 1000;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    @Test
    void withoutAutotuningTheModelDecidesAndNothingRuns() {
        CallThreads threads = new CallThreads(false);
        List<Integer> runs = new ArrayList<>();
        assertEquals(2, threads.tune(300, 2, runs::add));
        assertEquals(1, threads.pick(1, List.of(() -> runs.add(-1), () -> runs.add(-2))));
        assertTrue(runs.isEmpty(), runs.toString());
    }

    @Test
    void pickLeavesTheModelsWayUnlessTheOtherIsClearlyFaster() {
        CallThreads threads = new CallThreads(true);
        List<String> runs = new ArrayList<>();
        // the second is faster, but the model prefers the first: switch only past the margin
        int second = threads.pick(0, List.of(() -> {
            runs.add("first");
            sleepMicros(3000);
        }, () -> {
            runs.add("second");
            sleepMicros(300);
        }, () -> {
            runs.add("third");
            sleepMicros(1500);
        }));
        assertEquals(1, second);
        assertEquals("second", runs.get(runs.size() - 1));
        runs.clear();
        // equally fast: the model's choice stays
        assertEquals(1, threads.pick(1, List.of(() -> sleepMicros(500), () -> {
            runs.add("second");
            sleepMicros(500);
        })));
        assertEquals("second", runs.get(runs.size() - 1));
    }
}
