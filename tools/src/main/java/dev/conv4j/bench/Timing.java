package dev.conv4j.bench;

import java.util.Arrays;
import java.util.function.LongSupplier;

/** The arithmetic of the benchmark: medians, rates, ratios and repetition counts; plus the timing loop. */
public final class Timing {
    private Timing() {
    }

    /**
     * How many times to call an operator.
     *
     * @param minWarmups warm-up calls at least (the first call creates primitives)
     * @param warmupSeconds keep warming up until this much time has passed
     * @param reps timed calls; 0 to derive them from the warm-up: {@code targetSeconds} divided by
     *     the last warm-up call's time, clamped to {@code [minReps, maxReps]}
     */
    public record Plan(int minWarmups, double warmupSeconds, int reps, double targetSeconds, int minReps, int maxReps) {
        public Plan {
            if (minWarmups < 0 || reps < 0 || minReps < 1 || maxReps < minReps) {
                throw new IllegalArgumentException("invalid repetition plan: minWarmups=" + minWarmups + ", reps=" + reps
                        + ", minReps=" + minReps + ", maxReps=" + maxReps);
            }
        }

        /** The same plan with exactly {@code n} timed calls. */
        public Plan withReps(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("reps should be a positive integer, but got " + n);
            }
            return new Plan(minWarmups, warmupSeconds, n, targetSeconds, minReps, maxReps);
        }

        /** A short description for the report, e.g. {@code 1 warm-up + 3 timed runs}. */
        public String describe() {
            String warm = warmupSeconds > 0 ? "warm-up >= " + fmtSeconds(warmupSeconds) + " (>= " + minWarmups + " runs)"
                    : minWarmups + " warm-up" + (minWarmups == 1 ? "" : "s");
            String timed = reps > 0 ? reps + " timed run" + (reps == 1 ? "" : "s")
                    : "timed runs for ~" + fmtSeconds(targetSeconds) + " (" + minReps + ".." + maxReps + " runs)";
            return warm + " + " + timed;
        }

        private static String fmtSeconds(double s) {
            return (s == Math.rint(s) ? String.valueOf((long) s) : String.valueOf(s)) + " s";
        }
    }

    /** The median; for an even count the mean of the two middle values. */
    public static double median(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("median of no values");
        }
        double[] s = values.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }

    /** GFLOP/s of {@code flops} done in {@code ms} milliseconds. */
    public static double gflops(double flops, double ms) {
        return flops / (ms * 1e6);
    }

    /** {@code gflops} as a percentage of {@code peakGflops}; NaN when either is unknown or the peak is not positive. */
    public static double percentOfPeak(double gflops, double peakGflops) {
        return peakGflops > 0 ? 100 * gflops / peakGflops : Double.NaN;
    }

    /** How many times faster the fast run is: {@code slowMs / fastMs}. */
    public static double speedup(double slowMs, double fastMs) {
        return slowMs / fastMs;
    }

    /** Timed calls for a plan without fixed reps, given one call's estimated time in nanoseconds. */
    public static int repsFor(Plan plan, long estimateNanos) {
        if (plan.reps() > 0) {
            return plan.reps();
        }
        double n = Math.ceil(plan.targetSeconds() * 1e9 / Math.max(1, estimateNanos));
        return (int) Math.max(plan.minReps(), Math.min(plan.maxReps(), n));
    }

    /**
     * Calls {@code op} as {@code plan} says and returns the time of each timed call in milliseconds.
     *
     * @param clock nanoseconds, e.g. {@code System::nanoTime}
     */
    public static double[] measure(Runnable op, Plan plan, LongSupplier clock) {
        long start = clock.getAsLong();
        long warmupNanos = (long) (plan.warmupSeconds() * 1e9);
        long last = -1;
        int warmups = 0;
        while (warmups < plan.minWarmups() || clock.getAsLong() - start < warmupNanos) {
            long t0 = clock.getAsLong();
            op.run();
            last = clock.getAsLong() - t0;
            warmups++;
        }
        if (last < 0 && plan.reps() == 0) {
            // No warm-up but reps to derive: one untimed-for-the-result call sizes the run.
            long t0 = clock.getAsLong();
            op.run();
            last = clock.getAsLong() - t0;
        }
        int reps = repsFor(plan, last);
        double[] ms = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = clock.getAsLong();
            op.run();
            ms[i] = (clock.getAsLong() - t0) / 1e6;
        }
        return ms;
    }

    /**
     * Times {@code a} and {@code b} alike, interleaved so that a disturbance (another process, a
     * frequency change) hits both: they warm up alternately (the plan's warm-up for the pair),
     * then run in alternating blocks of about {@code blockSeconds} of {@code a}'s calls, each
     * side the same number of timed calls, as many as the plan gives {@code a}.
     *
     * @return the times of {@code a}'s and of {@code b}'s timed calls in milliseconds
     */
    public static double[][] measureInterleaved(Runnable a, Runnable b, Plan plan, double blockSeconds,
            LongSupplier clock) {
        long start = clock.getAsLong();
        long warmupNanos = (long) (plan.warmupSeconds() * 1e9);
        long lastA = -1;
        int warmups = 0;
        while (warmups < plan.minWarmups() || clock.getAsLong() - start < warmupNanos) {
            lastA = time(a, clock);
            time(b, clock);
            warmups++;
        }
        if (lastA < 0 && plan.reps() == 0) {
            lastA = time(a, clock);
            time(b, clock);
        }
        int reps = repsFor(plan, lastA);
        int block = (int) Math.max(1, Math.min(reps, Math.ceil(blockSeconds * 1e9 / Math.max(1, lastA))));
        double[] msA = new double[reps];
        double[] msB = new double[reps];
        for (int done = 0; done < reps; done += block) {
            int n = Math.min(block, reps - done);
            for (int i = done; i < done + n; i++) {
                msA[i] = time(a, clock) / 1e6;
            }
            for (int i = done; i < done + n; i++) {
                msB[i] = time(b, clock) / 1e6;
            }
        }
        return new double[][] {msA, msB};
    }

    private static long time(Runnable op, LongSupplier clock) {
        long t0 = clock.getAsLong();
        op.run();
        return clock.getAsLong() - t0;
    }
}
