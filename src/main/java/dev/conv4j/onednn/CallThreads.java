package dev.conv4j.onednn;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * How many threads one oneDNN call runs on: the count its plan is worth, cut down to what the
 * other calls in flight leave free.
 *
 * <p><b>Per plan, by cost.</b> A call's single-thread time is estimated from its work
 * ({@link #estimateMicros}: multiply-adds at {@value #FLOPS_PER_MICROSECOND} FLOP/us plus the bytes
 * it touches at {@value #BYTES_PER_MICROSECOND} B/us, conservative rates for one AVX2/AVX-512
 * core), and each further thread has to be paid by {@value #MICROS_PER_EXTRA_THREAD} us of that
 * estimate: waking an OpenMP team and joining it costs tens of microseconds on a busy machine,
 * so a 3.6 MFLOP convolution is faster on one thread than on two. Plans whose estimate falls
 * between {@value #TUNE_BELOW_MICROS} / 8 and {@value #TUNE_BELOW_MICROS} us, where the model
 * cannot tell, are measured when the plan is created ({@link #tune}) unless the system property
 * {@value #AUTOTUNE_PROPERTY} is {@code false}, and measured once more on a call at least
 * {@link #SETTLE_AFTER_NANOS} ns later ({@link #settleNow}); the result is kept with the plan (the
 * model's count where the two measurements disagree). The
 * count never exceeds the backend's thread setting ({@code conv4j.threads}).
 *
 * <p><b>Concurrency-aware.</b> Calls reserve their threads from a budget of
 * {@code max(processors, conv4j.threads)}: a call that starts while others hold the budget runs on
 * what is left, down to one thread, instead of forking a team of N per caller on N cores.
 */
final class CallThreads {
    /** System property: {@code false} chooses threads by the cost model alone (deterministic). */
    static final String AUTOTUNE_PROPERTY = "conv4j.autotune";
    static final double FLOPS_PER_MICROSECOND = 100_000;
    static final double BYTES_PER_MICROSECOND = 10_000;
    static final double MICROS_PER_EXTRA_THREAD = 100;
    /** Estimates at or above this are clearly worth every thread: never measured. */
    static final double TUNE_BELOW_MICROS = 800;
    /** A measured count replaces the model's only when it is faster by this factor. */
    static final double TUNE_MARGIN = 0.9;
    private static final int TUNE_RUNS = 5;
    /**
     * Short calls run more trials, until each way has run this long (at most
     * {@link #TUNE_MAX_RUNS} times): the fastest of more runs is less likely to be one that
     * another thread interrupted throughout.
     */
    private static final long TUNE_NANOS = 3_000_000L;
    private static final int TUNE_MAX_RUNS = 40;
    /**
     * A decision measured on a plan's first call is measured once more on the first call this
     * many nanoseconds later: first calls tend to fall in the JVM's warm-up, when the JIT
     * compiler's threads take a core and the trial runs on more threads come out slower than they
     * are (seen as a batch-1 depthwise convolution settling on one thread in some runs).
     */
    static final long SETTLE_AFTER_NANOS = 500_000_000L;

    private final int processors = Runtime.getRuntime().availableProcessors();
    private final AtomicInteger busy = new AtomicInteger();
    private final boolean autotune;

    /** With autotuning as the system property {@value #AUTOTUNE_PROPERTY} says (default on). */
    CallThreads() {
        this(!"false".equalsIgnoreCase(System.getProperty(AUTOTUNE_PROPERTY, "true").trim()));
    }

    CallThreads(boolean autotune) {
        this.autotune = autotune;
    }

    /** Whether trial runs decide (the system property {@value #AUTOTUNE_PROPERTY}); else the model alone. */
    boolean autotunes() {
        return autotune;
    }

    /**
     * Whether a kept decision made at {@code decidedAt} (System.nanoTime) is to be made once more
     * now ({@code clock}, read only while the decision is unsettled, so settled calls skip it): true for exactly one caller, the first at least {@link #SETTLE_AFTER_NANOS} later, which
     * also sets {@code settled}; always false once {@code settled} is set (decisions of the model
     * alone start settled).
     */
    static boolean settleNow(long decidedAt, AtomicBoolean settled, LongSupplier clock) {
        return !settled.get() && clock.getAsLong() - decidedAt >= SETTLE_AFTER_NANOS
                && settled.compareAndSet(false, true);
    }

    /** The single-thread time, in microseconds, of a call doing {@code flops} and touching {@code bytes}. */
    static double estimateMicros(double flops, double bytes) {
        return flops / FLOPS_PER_MICROSECOND + bytes / BYTES_PER_MICROSECOND;
    }

    /** The cost model's thread count for an estimate, between 1 and {@code max}. */
    static int byCost(double micros, int max) {
        double t = 1 + Math.floor(micros / MICROS_PER_EXTRA_THREAD);
        return (int) Math.max(1, Math.min(max, t));
    }

    /** Runs a call on a given thread count; used to measure candidates. */
    interface Trial {
        void run(int threads);
    }

    /**
     * The thread count for a new plan: the cost model's, or, with autotuning on and an estimate
     * the model cannot settle, the faster of one thread and {@code max} threads over a few runs
     * of the real call ({@code trial}; its last run leaves a complete result, see {@link #pick}).
     */
    int tune(double micros, int max, Trial trial) {
        int model = byCost(micros, max);
        if (!autotune || max == 1 || micros >= TUNE_BELOW_MICROS || micros < TUNE_BELOW_MICROS / 8) {
            return model;
        }
        int other = model == 1 ? max : 1;
        return pick(0, List.of(() -> trial.run(model), () -> trial.run(other))) == 0 ? model : other;
    }

    /**
     * Chooses among ways to compute the same call: the model's ({@code ways.get(model)}) unless
     * autotuning is on and another is faster by {@link #TUNE_MARGIN} over a few runs each (the
     * fastest such). The chosen way runs last, so the call's result comes from it. Returns its
     * index.
     */
    int pick(int model, List<Runnable> ways) {
        if (!autotune || ways.size() == 1) {
            return model;
        }
        long[] times = fastest(ways);
        int chosen = model;
        for (int i = 0; i < times.length; i++) {
            if (times[i] < TUNE_MARGIN * times[model] && times[i] < times[chosen]) {
                chosen = i;
            }
        }
        ways.get(chosen).run();
        return chosen;
    }

    /**
     * The fastest of {@link #TUNE_RUNS} runs of each way, after one run that creates its
     * primitive and warms its memory. Each way runs back to back, as a plan's calls do: taking
     * turns made a way pay for the other's threads (the own kernels' workers asleep after a
     * oneDNN run, oneDNN's spinning after one), which picked a batch-1 depthwise convolution's
     * slower ways. A warm-up spell of the machine is met by measuring again later
     * ({@link #settleNow}).
     */
    private static long[] fastest(List<Runnable> ways) {
        long[] best = new long[ways.size()];
        Arrays.fill(best, Long.MAX_VALUE);
        for (int i = 0; i < best.length; i++) {
            Runnable way = ways.get(i);
            way.run();
            long spent = 0;
            for (int r = 0; r < TUNE_RUNS || (spent < TUNE_NANOS && r < TUNE_MAX_RUNS); r++) {
                long t0 = System.nanoTime();
                way.run();
                long t = System.nanoTime() - t0;
                best[i] = Math.min(best[i], t);
                spent += t;
            }
        }
        return best;
    }

    /**
     * The decision kept in {@code decisions} for {@code key}, made by {@code decide} on the key's
     * first use. Past {@code bound} entries the map is cleared: forgotten keys are decided again.
     */
    static <K, V> V kept(Map<K, V> decisions, K key, int bound, Supplier<V> decide) {
        V known = decisions.get(key);
        if (known != null) {
            return known;
        }
        V made = decide.get();
        if (decisions.size() >= bound) {
            decisions.clear();
        }
        decisions.put(key, made);
        return made;
    }

    /**
     * Reserves threads for one call: {@code wanted}, or what the calls in flight leave of the
     * budget, at least one. Pair with {@link #release} of the returned count.
     */
    int acquire(int wanted, int max) {
        int budget = Math.max(processors, max);
        for (;;) {
            int b = busy.get();
            int t = Math.max(1, Math.min(wanted, budget - b));
            if (busy.compareAndSet(b, b + t)) {
                return t;
            }
        }
    }

    void release(int threads) {
        busy.addAndGet(-threads);
    }

    /** Threads currently reserved by calls in flight, for tests. */
    int busy() {
        return busy.get();
    }
}
