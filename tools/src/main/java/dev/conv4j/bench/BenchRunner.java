package dev.conv4j.bench;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

import dev.conv4j.MemoryFormat;
import dev.conv4j.Precision;
import dev.conv4j.Tensor;
import dev.conv4j.backend.Backend;
import dev.conv4j.nn.Convolution;
import dev.conv4j.nn.Module;

/**
 * Runs the benchmark: every chosen layer at every chosen batch size on every chosen backend,
 * timing {@link Module#forward} (output allocation included, as a caller sees it) on a random
 * input, with random weights, both from a fixed seed.
 */
public final class BenchRunner {
    /** Seed of the weights and inputs. */
    public static final long SEED = 20240613L;
    /** oneDNN: warm up for 0.2 s (at least 2 calls), then time calls for about 0.5 s (5 to 10000 calls). */
    public static final Timing.Plan ONEDNN_PLAN = new Timing.Plan(2, 0.2, 0, 0.5, 5, 10_000);
    /** The reference (naive loops, seconds per call for the big layers): 1 warm-up call and 3 timed calls. */
    public static final Timing.Plan REFERENCE_PLAN = new Timing.Plan(1, 0, 3, 0, 1, 3);

    /**
     * Seconds of module calls per block when a module and its baseline alternate. Each switch
     * brings the other's tensors back into the caches: with 10 ms blocks a memory-bound layer
     * (dw 3x3 144 56 at batch 16, 58 MB moved per call) measured twice its steady time (2.9 vs
     * 1.3 ms channels-last) on both rows; 100 ms blocks keep most calls warm.
     */
    public static final double BLOCK_SECONDS = 0.1;

    /**
     * A backend to time.
     *
     * @param name the name reported, e.g. {@code onednn}
     * @param backend the backend
     * @param plan how often to call each layer
     * @param batchOneOnly whether to skip batches other than 1 (the slow reference)
     * @param baseline what each module is also compared with (timed alongside it, rows of its
     *     own name), or null
     * @param format the memory format of the inputs (the outputs follow it)
     * @param precision the precision the convolutions are built with
     */
    public record Target(String name, Backend backend, Timing.Plan plan, boolean batchOneOnly, Baseline baseline,
            MemoryFormat format, Precision precision) {
        /** A target at f32. */
        public Target(String name, Backend backend, Timing.Plan plan, boolean batchOneOnly, Baseline baseline,
                MemoryFormat format) {
            this(name, backend, plan, batchOneOnly, baseline, format, Precision.F32);
        }

        /** A target on contiguous (NCHW) inputs. */
        public Target(String name, Backend backend, Timing.Plan plan, boolean batchOneOnly, Baseline baseline) {
            this(name, backend, plan, batchOneOnly, baseline, MemoryFormat.CONTIGUOUS);
        }

        /** A target on contiguous inputs without baseline. */
        public Target(String name, Backend backend, Timing.Plan plan, boolean batchOneOnly) {
            this(name, backend, plan, batchOneOnly, null);
        }
    }

    /** One layer at one batch size on one backend. */
    public record Task(BenchLayer layer, int batch, Target target) {
        /** What the progress line shows, e.g. {@code res3 3x3 128-128 28 b16 onednn}. */
        public String label() {
            return layer.name() + " b" + batch + " " + target.name();
        }
    }

    /** Told before each task starts. */
    @FunctionalInterface
    public interface Progress {
        /** @param index 1-based */
        void starting(int index, int total, Task task);
    }

    private final LongSupplier clock;
    private final double jvmWarmupSeconds;

    /** A runner on {@code clock} without the JVM warm-up (for tests). */
    public BenchRunner(LongSupplier clock) {
        this(clock, 0);
    }

    /** The runner of {@code bin/conv4j bench}: the system clock, and the JVM warm-up first. */
    public BenchRunner() {
        this(System::nanoTime, JVM_WARMUP_SECONDS);
    }

    private BenchRunner(LongSupplier clock, double jvmWarmupSeconds) {
        this.clock = clock;
        this.jvmWarmupSeconds = jvmWarmupSeconds;
    }

    /** The tasks in report order: by layer (table order), then batch, then target. */
    public static List<Task> plan(List<BenchLayer> layers, List<Integer> batches, List<Target> targets) {
        List<Task> tasks = new ArrayList<>();
        for (BenchLayer l : layers) {
            for (int b : batches) {
                for (Target t : targets) {
                    if (b == 1 || !t.batchOneOnly()) {
                        tasks.add(new Task(l, b, t));
                    }
                }
            }
        }
        return tasks;
    }

    /** The progress line of task {@code index} (1-based) of {@code total}, e.g. {@code [5/26] res2 3x3 64-64 56 b1 onednn}. */
    public static String progressLine(int index, int total, Task task) {
        return "[" + index + "/" + total + "] " + task.label();
    }

    /**
     * The rows of a run and the share (0..1) of the machine's CPU time that other processes
     * used during it (NaN if unknown).
     */
    public record Result(List<BenchRow> rows, double othersCpu) {
        public Result {
            rows = List.copyOf(rows);
        }
    }

    /** Seconds of small calls on each fast target before the first row, while the JIT compiles the call path. */
    static final double JVM_WARMUP_SECONDS = 1.0;

    /**
     * Runs the tasks in order, noting for each row how busy other processes kept the CPUs. First
     * the call path is warmed up on small layers, so that the JIT compiler's threads are done
     * before the first row is timed (on 2 cores they took CPU from the first layer's OpenMP
     * threads: conv1 at batch 1 measured 8-37% slower than its bare primitive).
     */
    public Result run(List<Task> tasks, Progress progress) {
        if (jvmWarmupSeconds > 0) {
            tasks.stream().map(Task::target).filter(t -> !t.batchOneOnly()).distinct()
                    .forEach(t -> warmUpJvm(t, jvmWarmupSeconds));
        }
        int processors = Runtime.getRuntime().availableProcessors();
        List<BenchRow> rows = new ArrayList<>();
        CpuMonitor.Sample start = CpuMonitor.sample();
        for (int i = 0; i < tasks.size(); i++) {
            progress.starting(i + 1, tasks.size(), tasks.get(i));
            CpuMonitor.Sample before = CpuMonitor.sample();
            List<BenchRow> taskRows = rows(tasks.get(i));
            double others = CpuMonitor.othersShare(before, CpuMonitor.sample(), processors);
            for (BenchRow row : taskRows) {
                rows.add(row.withOthersCpu(others));
            }
        }
        return new Result(rows, CpuMonitor.othersShare(start, CpuMonitor.sample(), processors));
    }

    /**
     * Runs one task without its baseline: builds the layer, makes the input, times calls,
     * returns the median. A layer the backend refuses (an exception) gives a failed row instead.
     */
    public BenchRow run(Task task) {
        Target t = task.target();
        return rows(new Task(task.layer(), task.batch(),
                new Target(t.name(), t.backend(), t.plan(), t.batchOneOnly(), null, t.format(), t.precision()))).get(0);
    }

    /**
     * Runs one task: the module's row, then, when the target has a baseline for the layer, the
     * baseline's row, the two timed in alternating blocks. What fails gives a failed row: the
     * module (then there is no baseline row) or the baseline alone.
     */
    public List<BenchRow> rows(Task task) {
        BenchLayer layer = task.layer();
        Target target = task.target();
        try (Module m = layer.build(target.backend(), SEED, target.precision());
                Tensor in = randomInput(layer.inputShape(task.batch()), SEED + task.batch(), target.format())) {
            Runnable module = () -> m.forward(in).close();
            Baseline.Call base;
            String precision = (m instanceof Convolution c ? c.effectivePrecision() : Precision.F32).label();
            try {
                base = target.baseline() == null ? null : target.baseline().open(layer, m, in);
            } catch (RuntimeException e) {
                double[] ms = Timing.measure(module, target.plan(), clock);
                return List.of(row(task, target.name(), ms).withPrecision(precision),
                        failed(task, target.baseline().name(), e));
            }
            if (base == null) {
                return List.of(row(task, target.name(), Timing.measure(module, target.plan(), clock))
                        .withPrecision(precision));
            }
            try (Baseline.Call b = base) {
                double[][] ms = Timing.measureInterleaved(module, b::run, target.plan(), BLOCK_SECONDS, clock);
                return List.of(row(task, target.name(), ms[0]), row(task, target.baseline().name(), ms[1]));
            }
        } catch (RuntimeException e) {
            return List.of(failed(task, target.name(), e));
        }
    }

    private static BenchRow row(Task task, String backend, double[] ms) {
        return new BenchRow(task.layer().name(), task.batch(), backend, Timing.median(ms),
                task.layer().flops(task.batch()), ms.length);
    }

    private static BenchRow failed(Task task, String backend, RuntimeException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return BenchRow.failed(task.layer().name(), task.batch(), backend, task.layer().flops(task.batch()),
                m.replace('\n', ' '));
    }

    /** {@link #randomInput(long[], long)} in {@code format}: the same values, laid out in that format. */
    public static Tensor randomInput(long[] shape, long seed, MemoryFormat format) {
        Tensor t = randomInput(shape, seed);
        if (format == MemoryFormat.CONTIGUOUS) {
            return t;
        }
        try (Tensor contiguous = t) {
            return contiguous.toMemoryFormat(format);
        }
    }

    /** Calls a small convolution and pooling of the target for about {@code seconds}. */
    static void warmUpJvm(Target target, double seconds) {
        BenchLayer conv = BenchLayer.of("warm-up conv", "Conv2d", "8, 12, 12", "Conv2d(8, 8, 3, padding=1)");
        BenchLayer pool = BenchLayer.of("warm-up pool", "AvgPool2d", "8, 12, 12", "AvgPool2d(3, stride=1, padding=1)");
        long end = System.nanoTime() + (long) (seconds * 1e9);
        try (Module c = conv.build(target.backend(), SEED); Module p = pool.build(target.backend(), SEED);
                Tensor in = randomInput(conv.inputShape(1), SEED, target.format())) {
            while (System.nanoTime() < end) {
                try (Tensor y = c.forward(in); Tensor z = p.forward(y)) {
                    z.numel();
                }
            }
        } catch (RuntimeException e) {
            // a backend that refuses these layers will say so in its rows
        }
    }

    /** A float32 tensor of {@code shape} with values uniform in [-1, 1) from {@code seed}. */
    public static Tensor randomInput(long[] shape, long seed) {
        Tensor t = Tensor.zeros(shape);
        FloatBuffer buf = t.floatBuffer();
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < buf.capacity(); i++) {
            buf.put(i, (float) (r.nextDouble() * 2 - 1));
        }
        return t;
    }
}
