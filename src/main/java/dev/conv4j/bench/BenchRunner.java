package dev.conv4j.bench;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

import dev.conv4j.Tensor;
import dev.conv4j.backend.Backend;
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
     * A backend to time.
     *
     * @param name the name reported, e.g. {@code onednn}
     * @param backend the backend
     * @param plan how often to call each layer
     * @param batchOneOnly whether to skip batches other than 1 (the slow reference)
     */
    public record Target(String name, Backend backend, Timing.Plan plan, boolean batchOneOnly) {
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

    public BenchRunner(LongSupplier clock) {
        this.clock = clock;
    }

    public BenchRunner() {
        this(System::nanoTime);
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

    /** Runs the tasks in order, noting for each row how busy other processes kept the CPUs. */
    public Result run(List<Task> tasks, Progress progress) {
        int processors = Runtime.getRuntime().availableProcessors();
        List<BenchRow> rows = new ArrayList<>();
        CpuMonitor.Sample start = CpuMonitor.sample();
        for (int i = 0; i < tasks.size(); i++) {
            progress.starting(i + 1, tasks.size(), tasks.get(i));
            CpuMonitor.Sample before = CpuMonitor.sample();
            BenchRow row = run(tasks.get(i));
            rows.add(row.withOthersCpu(CpuMonitor.othersShare(before, CpuMonitor.sample(), processors)));
        }
        return new Result(rows, CpuMonitor.othersShare(start, CpuMonitor.sample(), processors));
    }

    /**
     * Runs one task: builds the layer, makes the input, times calls, returns the median. A layer
     * the backend refuses (an exception) gives a failed row instead.
     */
    public BenchRow run(Task task) {
        BenchLayer layer = task.layer();
        try {
            return measure(task);
        } catch (RuntimeException e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return BenchRow.failed(layer.name(), task.batch(), task.target().name(), layer.flops(task.batch()),
                    m.replace('\n', ' '));
        }
    }

    private BenchRow measure(Task task) {
        BenchLayer layer = task.layer();
        try (Module m = layer.build(task.target().backend(), SEED);
                Tensor in = randomInput(layer.inputShape(task.batch()), SEED + task.batch())) {
            double[] ms = Timing.measure(() -> m.forward(in).close(), task.target().plan(), clock);
            return new BenchRow(layer.name(), task.batch(), task.target().name(), Timing.median(ms),
                    layer.flops(task.batch()), ms.length);
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
