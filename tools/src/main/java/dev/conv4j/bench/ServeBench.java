package dev.conv4j.bench;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.conv4j.DType;
import dev.conv4j.Tensor;
import dev.conv4j.backend.Backend;
import dev.conv4j.nn.Module;

/**
 * {@code bin/conv4j bench --serve}: a service's load. C request threads share one module per
 * layer and send batch-1 requests back to back for a fixed time, each into its own output
 * tensor ({@code forward(input, out)}); the result per (layer, C) is requests per second and
 * the latency's median and 99th percentile.
 */
public final class ServeBench {
    /**
     * How long the request threads send requests, all at once, before the clock starts: the
     * steady state of a service, not the JVM's warm-up, is measured (the JIT compiles the call
     * path, each thread makes its OpenMP team, the plans settle their measured choices).
     */
    static final double WARMUP_SECONDS = 0.6;
    /** Latencies kept per thread (the count of requests is exact beyond it). */
    private static final int MAX_SAMPLES = 1 << 17;

    /** One cell of the table. */
    public record Row(String layer, int concurrency, double rps, double p50Ms, double p99Ms) {
        /** The row as a JSON object: layer, concurrency, requests_per_s, p50_ms, p99_ms. */
        public Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("layer", layer);
            m.put("concurrency", concurrency);
            m.put("requests_per_s", round(rps, 1));
            m.put("p50_ms", round(p50Ms, 4));
            m.put("p99_ms", round(p99Ms, 4));
            return m;
        }
    }

    private final Backend backend;
    private final double seconds;

    public ServeBench(Backend backend, double seconds) {
        this.backend = backend;
        this.seconds = seconds;
    }

    /** Runs every concurrency level on one layer's shared module. */
    public List<Row> run(BenchLayer layer, List<Integer> concurrency) throws InterruptedException {
        List<Row> rows = new ArrayList<>();
        try (Module m = layer.build(backend, BenchRunner.SEED)) {
            for (int c : concurrency) {
                rows.add(runLevel(layer, m, c));
            }
        }
        return rows;
    }

    private Row runLevel(BenchLayer layer, Module m, int c) throws InterruptedException {
        List<Tensor> inputs = new ArrayList<>();
        List<Tensor> outputs = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(c);
        try {
            for (int i = 0; i < c; i++) {
                Tensor x = random(new Random(BenchRunner.SEED + i), layer.inputShape(1));
                inputs.add(x);
                try (Tensor y = m.forward(x)) {
                    outputs.add(Tensor.empty(DType.FLOAT32, y.memoryFormat(), y.shape()));
                }
            }
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch warm = new CountDownLatch(c);
            CountDownLatch go = new CountDownLatch(1);
            long warmUntil = System.nanoTime() + Math.round(WARMUP_SECONDS * 1e9);
            List<Future<long[]>> results = new ArrayList<>();
            for (int i = 0; i < c; i++) {
                Tensor x = inputs.get(i);
                Tensor out = outputs.get(i);
                results.add(pool.submit(() -> {
                    long[] lat = new long[MAX_SAMPLES];
                    long n = 0;
                    try {
                        while (System.nanoTime() < warmUntil) {
                            m.forward(x, out);
                        }
                    } finally {
                        warm.countDown(); // a failed warm-up must not leave the clock waiting: get() rethrows it
                    }
                    go.await();
                    while (!stop.get()) {
                        long t0 = System.nanoTime();
                        m.forward(x, out);
                        long t = System.nanoTime() - t0;
                        if (n < lat.length) {
                            lat[(int) n] = t;
                        }
                        n++;
                    }
                    long[] r = Arrays.copyOf(lat, (int) Math.min(n, lat.length) + 1);
                    r[r.length - 1] = n; // the count last
                    return r;
                }));
            }
            warm.await();
            long t0 = System.nanoTime();
            go.countDown();
            Thread.sleep(Math.round(seconds * 1000));
            stop.set(true);
            long total = 0;
            List<long[]> samples = new ArrayList<>();
            for (Future<long[]> f : results) {
                long[] r = get(f);
                total += r[r.length - 1];
                samples.add(Arrays.copyOf(r, r.length - 1));
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            long[] all = samples.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            return new Row(layer.name(), c, total / wall, percentile(all, 0.50) / 1e6, percentile(all, 0.99) / 1e6);
        } finally {
            pool.shutdownNow();
            inputs.forEach(Tensor::close);
            outputs.forEach(Tensor::close);
        }
    }

    private static long[] get(Future<long[]> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("a request failed: " + e.getCause(), e.getCause());
        }
    }

    /** The value at quantile q of sorted samples (nearest rank); NaN without samples. */
    static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static Tensor random(Random r, long[] shape) {
        int n = 1;
        for (long s : shape) {
            n = Math.multiplyExact(n, Math.toIntExact(s));
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Tensor.of(v, shape);
    }

    /** The table printed for the rows. */
    public static String table(List<Row> rows) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-24s  %4s  %10s  %9s  %9s%n", "layer", "C", "req/s", "p50 ms", "p99 ms"));
        b.append(String.format(Locale.ROOT, "%-24s  %4s  %10s  %9s  %9s%n", "-".repeat(24), "----", "-".repeat(10),
                "-".repeat(9), "-".repeat(9)));
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "%-24s  %4d  %10.1f  %9.4f  %9.4f%n", r.layer(), r.concurrency(), r.rps(),
                    r.p50Ms(), r.p99Ms()));
        }
        return b.toString();
    }

    /** The {@code --json} file for the rows. */
    public static String json(List<Row> rows) {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(rows.stream().map(Row::json).toList());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static BigDecimal round(double v, int digits) {
        return Double.isFinite(v) ? BigDecimal.valueOf(v).setScale(digits, RoundingMode.HALF_EVEN) : null;
    }
}
