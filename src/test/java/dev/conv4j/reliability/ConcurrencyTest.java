package dev.conv4j.reliability;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import dev.conv4j.Tensor;
import dev.conv4j.Tolerances;
import dev.conv4j.backend.Backend;
import dev.conv4j.nn.Convolution;

/**
 * Modules shared by many threads. For every operator family one module serves {@value #THREADS}
 * threads, {@value #CALLS} calls in all over a few input shapes, and every result must be bit for
 * bit the single-threaded one; on both backends. Then, on the oneDNN backend, thread-count
 * changes while calls run, and primitive-cache eviction while calls run (more input shapes than
 * the cache holds). A deadlock fails the test through its timeout instead of hanging the build.
 */
class ConcurrencyTest {
    static final int THREADS = 8;
    static final int CALLS = 10_000;
    static final Duration TIMEOUT = Duration.ofSeconds(180);

    /** One module of each family: op, arguments, and the input shapes the threads take turns on. */
    static final List<Object[]> FAMILIES = List.of(
            new Object[] {"Conv2d", "in_channels=4, out_channels=6, kernel_size=3, padding=1, groups=2",
                new long[][] {{2, 4, 7, 7}, {1, 4, 5, 9}, {4, 6, 6}, {3, 4, 8, 5}}},
            // pointwise with 64 input channels and at least 128 positions: the sgemm route on NCHW
            new Object[] {"Conv2d", "in_channels=64, out_channels=5, kernel_size=1",
                new long[][] {{2, 64, 12, 12}, {1, 64, 16, 9}, {64, 12, 13}, {3, 64, 8, 16}}},
            new Object[] {"Conv1d", "in_channels=3, out_channels=4, kernel_size=3, padding=2, padding_mode='circular'",
                new long[][] {{2, 3, 9}, {1, 3, 4}, {1, 3, 7}, {3, 3, 6}}},
            new Object[] {"ConvTranspose3d", "in_channels=2, out_channels=4, kernel_size=3, stride=2, padding=1, "
                    + "output_padding=1, groups=2", new long[][] {{1, 2, 3, 3, 3}, {2, 2, 2, 3, 4}, {2, 4, 2, 2}}},
            new Object[] {"MaxPool2d", "kernel_size=3, stride=2, padding=1, return_indices=True",
                new long[][] {{2, 3, 8, 8}, {1, 3, 5, 9}, {3, 7, 7}, {4, 3, 6, 6}}},
            new Object[] {"AvgPool3d", "kernel_size=2, stride=1, padding=1, ceil_mode=True, count_include_pad=False",
                new long[][] {{1, 2, 4, 4, 4}, {2, 2, 3, 5, 4}, {2, 5, 5, 5}}},
            new Object[] {"LPPool1d", "norm_type=2, kernel_size=3, stride=2, ceil_mode=True",
                new long[][] {{2, 3, 9}, {1, 3, 8}, {3, 7}, {4, 3, 5}}},
            new Object[] {"AdaptiveAvgPool2d", "output_size=[3, 4]",
                new long[][] {{2, 3, 7, 9}, {1, 3, 6, 8}, {3, 5, 5}, {2, 3, 3, 4}}},
            new Object[] {"AdaptiveMaxPool3d", "output_size=[2, 3, 2], return_indices=True",
                new long[][] {{1, 2, 4, 5, 6}, {2, 2, 3, 3, 3}, {2, 5, 4, 3}}},
            new Object[] {"MaxUnpool2d", "kernel_size=2", new long[][] {{2, 3, 4, 4}, {1, 3, 3, 5}, {3, 2, 2}, {2, 3, 1, 6}}},
            // kernel = stride: the sgemm route, patches put in place
            new Object[] {"ConvTranspose2d", "in_channels=3, out_channels=4, kernel_size=2, stride=2",
                new long[][] {{2, 3, 4, 4}, {1, 3, 3, 5}, {3, 6, 2}, {3, 3, 7, 3}}},
            // batches of at least 2048 output positions per image: NCHW on 16-channel blocks
            new Object[] {"Conv2d", "in_channels=16, out_channels=4, kernel_size=3, padding=1",
                new long[][] {{2, 16, 46, 46}, {1, 16, 9, 9}, {16, 10, 10}, {3, 16, 48, 44}}},
            // single images of at least 7 output rows per thread: NCHW in row bands, one per thread
            new Object[] {"Conv2d", "in_channels=8, out_channels=6, kernel_size=3, stride=[1, 2], padding=1",
                new long[][] {{1, 8, 30, 20}, {1, 8, 16, 33}, {2, 8, 14, 14}, {8, 29, 9}}});

    @TestFactory
    Stream<DynamicContainer> oneModuleSharedByEightThreads() {
        return Backs.NAMES.stream().map(name -> DynamicContainer.dynamicContainer(name, FAMILIES.stream()
                .map(f -> DynamicTest.dynamicTest((String) f[0] + "(" + f[1] + ")",
                        () -> sharedModule(Backs.get(name), (String) f[0], (String) f[1], (long[][]) f[2])))));
    }

    static void sharedModule(Backend backend, String op, String args, long[][] shapes) {
        List<OpCall> calls = calls(op, args, shapes, 1);
        try (Layer layer = Layer.build(op, calls.get(0).args, backend); Inputs inputs = new Inputs(calls)) {
            Outcome[] expected = new Outcome[calls.size()];
            for (int k = 0; k < expected.length; k++) {
                expected[k] = inputs.run(layer, k);
                assertTrue(expected[k].ok(), () -> "single-threaded " + op + " failed: " + expected[0]);
            }
            long start = System.nanoTime();
            List<String> failures = concurrently(THREADS, CALLS, (thread, i) -> {
                int k = (thread + i) % expected.length;
                String d = Outcome.identical(expected[k], inputs.run(layer, k));
                return d == null ? null : "thread " + thread + " call " + i + " on " + calls.get(k).inputsText() + ": " + d;
            }, null);
            System.out.printf("[concurrency] %s %s: %d threads, %d calls in %.2f s%n", backend.name(), op, THREADS, CALLS,
                    (System.nanoTime() - start) / 1e9);
            assertTrue(failures.isEmpty(), () -> backend.name() + " " + op + ": " + failures.size()
                    + " results differ from the single-threaded ones; first: " + failures.get(0));
        }
    }

    /**
     * The oneDNN backend's thread count changes (1, 2, 3, 4, ...) every millisecond while
     * {@value #THREADS} threads call modules of several families; every result must still be right
     * (exact for max pooling and unpooling; within {@link Tolerances#RTOL} for the rest, as
     * another thread count may pick another implementation). Compared with the reference backend.
     */
    @Test
    void threadCountChangesDuringConcurrentUse() {
        Backend onednn = Backs.onednn();
        Integer original = Introspect.threads(onednn);
        boolean canSet = original != null && Introspect.setThreads(onednn, original);
        System.out.println("[concurrency] thread count " + (canSet ? "changes under load, from " + original
                : "is not settable on " + onednn.name() + ": running without changes"));
        List<Object[]> families = List.of(FAMILIES.get(0), FAMILIES.get(1), FAMILIES.get(2), FAMILIES.get(4),
                FAMILIES.get(5), FAMILIES.get(7), FAMILIES.get(9), FAMILIES.get(10), FAMILIES.get(11));
        List<Layer> layers = new ArrayList<>();
        List<Inputs> inputs = new ArrayList<>();
        List<Outcome[]> expected = new ArrayList<>();
        AtomicInteger changes = new AtomicInteger();
        try {
            for (Object[] f : families) {
                List<OpCall> calls = calls((String) f[0], (String) f[1], (long[][]) f[2], 2);
                Inputs in = new Inputs(calls);
                inputs.add(in);
                layers.add(Layer.build((String) f[0], calls.get(0).args, onednn));
                try (Layer ref = Layer.build((String) f[0], calls.get(0).args, Backs.reference())) {
                    Outcome[] e = new Outcome[calls.size()];
                    for (int k = 0; k < e.length; k++) {
                        e[k] = in.run(ref, k);
                    }
                    expected.add(e);
                }
            }
            int calls = 4_000;
            List<String> failures = concurrently(THREADS, calls, (thread, i) -> {
                int m = (thread * 7 + i) % layers.size();
                Outcome[] e = expected.get(m);
                int k = i % e.length;
                String d = Outcome.compare(e[k], inputs.get(m).run(layers.get(m), k), Outcome.exact(layers.get(m).op));
                return d == null ? null : layers.get(m).op + " thread " + thread + " call " + i + ": " + d;
            }, canSet ? () -> {
                Introspect.setThreads(onednn, 1 + changes.getAndIncrement() % 4);
                sleepMillis(1);
            } : null);
            System.out.println("[concurrency] " + THREADS + " threads, " + calls + " calls, " + changes.get()
                    + " thread-count changes");
            assertTrue(failures.isEmpty(), () -> failures.size() + " wrong results while the thread count changed; first: "
                    + failures.get(0));
        } finally {
            if (canSet) {
                Introspect.setThreads(onednn, original);
            }
            layers.forEach(Layer::close);
            inputs.forEach(Inputs::close);
        }
    }

    /**
     * More input shapes than the primitive caches hold (a convolution's per-kernel cache and the
     * backend's pooling cache), called by {@value #THREADS} threads at once, so that plans are
     * evicted while other threads use them; every result must be the single-threaded one bit for
     * bit, and the caches must stay within their bounds.
     */
    @TestFactory
    Stream<DynamicTest> cacheEvictionDuringConcurrentUse() {
        return Backs.NAMES.stream().map(name -> DynamicTest.dynamicTest(name, () -> eviction(Backs.get(name))));
    }

    static void eviction(Backend backend) {
        List<long[]> convShapes = new ArrayList<>();
        List<long[]> poolShapes = new ArrayList<>();
        for (int h = 3; h <= 12; h++) {
            for (int w = 3; w <= 10; w++) {
                convShapes.add(new long[] {1 + (h + w) % 2, 2, h, w});
                poolShapes.add(new long[] {1, 2, h, w});
            }
        }
        String[][] modules = {{"Conv2d", "in_channels=2, out_channels=3, kernel_size=3, padding=1"},
            {"AvgPool2d", "kernel_size=2, stride=1"}};
        for (String[] m : modules) {
            List<OpCall> calls = calls(m[0], m[1], (m[0].startsWith("Conv") ? convShapes : poolShapes)
                    .toArray(new long[0][]), 3);
            try (Layer layer = Layer.build(m[0], calls.get(0).args, backend); Inputs inputs = new Inputs(calls)) {
                Outcome[] expected = new Outcome[calls.size()];
                for (int k = 0; k < expected.length; k++) {
                    expected[k] = inputs.run(layer, k);
                }
                int n = 4_000;
                List<String> failures = concurrently(THREADS, n, (thread, i) -> {
                    int k = (thread * 13 + i * 7) % expected.length;
                    String d = Outcome.identical(expected[k], inputs.run(layer, k));
                    return d == null ? null : "thread " + thread + " call " + i + " on " + calls.get(k).inputsText() + ": "
                            + d;
                }, null);
                long[] cache = m[0].startsWith("Conv") ? Introspect.convCache(((Convolution) layer.module()).kernel())
                        : Introspect.poolCache(backend);
                System.out.println("[concurrency] " + backend.name() + " " + m[0] + ": " + calls.size() + " shapes, "
                        + THREADS + " threads, " + n + " calls; primitive cache " + (cache == null ? "not exposed"
                                : cache[0] + " plans, bound " + cache[1]));
                assertTrue(failures.isEmpty(), () -> failures.size() + " results differ under eviction; first: "
                        + failures.get(0));
                if (cache != null) {
                    assertTrue(cache[0] <= cache[1], "the cache holds " + cache[0] + " plans, over its bound " + cache[1]);
                }
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Calls of one module on inputs of the given shapes (seeded values; valid indices for MaxUnpool). */
    static List<OpCall> calls(String op, String args, long[][] shapes, long seed) {
        List<OpCall> calls = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(seed * 7919 + op.hashCode());
        boolean max = op.contains("Max");
        for (int s = 0; s < shapes.length; s++) {
            long[] shape = shapes[s];
            String input;
            if (op.startsWith("MaxUnpool")) {
                input = "input=" + TensorSpec.floats(shape, TensorSpec.Fill.UNIFORM, r.nextLong()) + ", indices="
                        + TensorSpec.longs(shape, unpoolIndices(shape, r));
            } else {
                TensorSpec.Fill fill = max && s % 2 == 1 ? TensorSpec.Fill.QUANTIZED : max && s == 2
                        ? TensorSpec.Fill.NAN : TensorSpec.Fill.UNIFORM;
                input = "input=" + TensorSpec.floats(shape, fill, r.nextLong());
            }
            calls.add(OpCall.parse(op, args, input));
        }
        return calls;
    }

    /** The indices MaxPool2d(2) would give on [.., 2h, 2w]: one random cell of each 2x2 window. */
    private static long[] unpoolIndices(long[] shape, SplittableRandom r) {
        int d = shape.length;
        long h = shape[d - 2];
        long w = shape[d - 1];
        long planes = 1;
        for (int i = 0; i < d - 2; i++) {
            planes *= shape[i];
        }
        long[] idx = new long[Math.toIntExact(planes * h * w)];
        int at = 0;
        for (long p = 0; p < planes; p++) {
            for (long i = 0; i < h; i++) {
                for (long j = 0; j < w; j++) {
                    idx[at++] = (2 * i + r.nextInt(2)) * (2 * w) + 2 * j + r.nextInt(2);
                }
            }
        }
        return idx;
    }

    /** Input tensors created once and shared, read-only, by every thread. */
    static final class Inputs implements AutoCloseable {
        final List<OpCall> calls;
        final List<Tensor> input = new ArrayList<>();
        final List<Tensor> indices = new ArrayList<>();

        Inputs(List<OpCall> calls) {
            this.calls = calls;
            for (OpCall c : calls) {
                input.add(c.input().create());
                indices.add(c.indices() == null ? null : c.indices().create());
            }
        }

        Outcome run(Layer layer, int k) {
            return Outcome.of(layer.forward(input.get(k), indices.get(k), calls.get(k).outputSize()));
        }

        @Override
        public void close() {
            input.forEach(Tensor::close);
            indices.stream().filter(t -> t != null).forEach(Tensor::close);
        }
    }

    interface Body {
        /** One call; null when right, else what is wrong. */
        String call(int thread, int i);
    }

    /**
     * Runs {@code calls} calls spread over {@code threads} threads started together, with
     * {@code background} (if any) repeated on another thread until they finish; under
     * {@link #TIMEOUT}, so that a deadlock fails. Returns the failures; an exception in a call
     * fails the test.
     */
    static List<String> concurrently(int threads, int calls, Body body, Runnable background) {
        return assertTimeoutPreemptively(TIMEOUT, () -> {
            ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
            Queue<String> failures = new ConcurrentLinkedQueue<>();
            AtomicBoolean done = new AtomicBoolean();
            CountDownLatch start = new CountDownLatch(1);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    int share = calls / threads + (t < calls % threads ? 1 : 0);
                    futures.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < share; i++) {
                            String f = body.call(thread, i);
                            if (f != null) {
                                failures.add(f);
                            }
                        }
                        return null;
                    }));
                }
                Future<?> bg = background == null ? null : pool.submit(() -> {
                    start.await();
                    while (!done.get()) {
                        background.run();
                    }
                    return null;
                });
                start.countDown();
                for (Future<?> f : futures) {
                    f.get();
                }
                done.set(true);
                if (bg != null) {
                    bg.get();
                }
                return new ArrayList<>(failures);
            } finally {
                done.set(true);
                pool.shutdownNow();
                pool.awaitTermination(10, TimeUnit.SECONDS);
            }
        }, () -> "timed out after " + TIMEOUT + ": a deadlock or a hang");
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void theFamiliesCoverEveryOperatorFamily() {
        List<String> families = new ArrayList<>();
        for (Object[] f : FAMILIES) {
            families.add(Layer.family((String) f[0]));
        }
        for (String op : Layer.OPS) {
            assertTrue(families.contains(Layer.family(op)), "no shared-module test for " + Layer.family(op));
        }
    }
}
