package dev.conv4j.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

import dev.conv4j.Tensor;
import dev.conv4j.kernels.Kernels;
import dev.conv4j.onednn.OneDnnBackend;
import dev.conv4j.spec.AdaptivePoolGeometry;
import dev.conv4j.spec.AdaptivePoolProblem;
import dev.conv4j.spec.AdaptivePoolSpec;
import dev.conv4j.spec.ConvGeometry;
import dev.conv4j.spec.ConvProblem;
import dev.conv4j.spec.ConvSpec;
import dev.conv4j.spec.PoolGeometry;
import dev.conv4j.spec.PoolProblem;
import dev.conv4j.spec.PoolSpec;

/**
 * Side-by-side timing of the NCHW routes before and after the direct planar kernels, in one
 * process, the two alternating in short blocks (a shared machine: only ratios within one run
 * mean anything). Old routes: the bare oneDNN primitive on NCHW (depthwise, avg pooling,
 * global average as AvgPool with kernel = stride = 7; a lower bound of the old module call),
 * and the general planar kernel for max pooling. Not a test; run with
 * {@code java -cp target/test-classes:target/classes:<runtime classpath> dev.conv4j.bench.NchwKernelsBench [rounds [case prefix]]}.
 */
public final class NchwKernelsBench {
    private NchwKernelsBench() {
    }

    /** One side of a comparison: a call, made {@code reps} times. */
    private interface Call {
        void run(int reps);
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        String only = args.length > 1 ? args[1] : "";
        OneDnnBackend backend = OneDnnBackend.instance();
        System.out.println("isa " + Kernels.isa() + ", rounds " + rounds + " (median of per-round means, us per call)");
        System.out.printf(Locale.ROOT, "%-24s %5s %3s %10s %10s %7s%n", "case", "batch", "thr", "old us", "new us", "old/new");
        for (String name : new String[] {"dw 3x3 144 56", "maxpool 3x3/2 64 112", "avgpool 3x3/1 256 28", "gap 2048 7"}) {
            if (!name.startsWith(only)) {
                continue;
            }
            for (int batch : new int[] {1, 16}) {
                for (int threads : new int[] {1, 2}) {
                    backend.setThreads(threads);
                    try (Case c = new Case(name, batch, threads)) {
                        double[] oldUs = new double[rounds];
                        double[] newUs = new double[rounds];
                        int reps = calibrate(c.newCall);
                        c.oldCall.run(reps);
                        for (int r = 0; r < rounds; r++) {
                            oldUs[r] = time(c.oldCall, reps);
                            newUs[r] = time(c.newCall, reps);
                        }
                        double o = median(oldUs);
                        double n = median(newUs);
                        System.out.printf(Locale.ROOT, "%-24s %5d %3d %10.1f %10.1f %7.2f%n", name, batch, threads, o, n,
                                o / n);
                    }
                }
            }
        }
    }

    /** Reps that take about 50 ms. */
    private static int calibrate(Call c) {
        int reps = 1;
        while (true) {
            long t0 = System.nanoTime();
            c.run(reps);
            long ns = System.nanoTime() - t0;
            if (ns > 50_000_000L || reps >= 1 << 16) {
                return reps;
            }
            reps *= ns < 5_000_000L ? 8 : 2;
        }
    }

    private static double time(Call c, int reps) {
        long t0 = System.nanoTime();
        c.run(reps);
        return (System.nanoTime() - t0) / 1e3 / reps;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /** A call that runs {@code once} {@code reps} times. */
    private static Call repeated(Runnable once) {
        return reps -> {
            for (int i = 0; i < reps; i++) {
                once.run();
            }
        };
    }

    private static Tensor random(Random rnd, long... shape) {
        float[] v = new float[Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact))];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextFloat() * 2 - 1;
        }
        return Tensor.of(v, shape);
    }

    /** The tensors and both calls of one row. */
    private static final class Case implements AutoCloseable {
        final Call oldCall;
        final Call newCall;
        private final Tensor[] owned;
        private final BarePrimitive bare;

        Case(String name, int n, int threads) {
            Random rnd = new Random(1);
            if (name.startsWith("dw")) {
                ConvSpec spec = ConvSpec.builder(2, false, 144, 144, 3, 3).padding(1).groups(144).build();
                ConvProblem p = ConvGeometry.forward(spec, new long[] {n, 144, 56, 56}, null);
                Tensor in = random(rnd, p.batchedInputShape());
                Tensor w = random(rnd, spec.weightShape());
                Tensor b = random(rnd, 144);
                Tensor out = Tensor.zeros(p.batchedOutputShape());
                owned = new Tensor[] {in, w, b, out};
                bare = BarePrimitive.convolution(p, w, b);
                bare.load(in);
                oldCall = bare::run;
                newCall = repeated(() -> Kernels.depthwiseConv(p, in, w, b, out, false, threads));
            } else if (name.startsWith("maxpool")) {
                PoolProblem p = PoolGeometry.forward(PoolSpec.max(2, 3).stride(2).padding(1).build(),
                        new long[] {n, 64, 112, 112});
                Tensor in = random(rnd, n, 64, 112, 112);
                Tensor out = Tensor.zeros(p.outputShape());
                owned = new Tensor[] {in, out};
                bare = null;
                oldCall = reps -> {
                    Kernels.poolFastPath(false);
                    for (int i = 0; i < reps; i++) {
                        Kernels.pool(p, in, out, null, false, threads);
                    }
                    Kernels.poolFastPath(true);
                };
                newCall = repeated(() -> Kernels.pool(p, in, out, null, false, threads));
            } else if (name.startsWith("avgpool")) {
                PoolProblem p = PoolGeometry.forward(PoolSpec.avg(2, 3).stride(1).padding(1).build(),
                        new long[] {n, 256, 28, 28});
                Tensor in = random(rnd, n, 256, 28, 28);
                Tensor out = Tensor.zeros(p.outputShape());
                owned = new Tensor[] {in, out};
                bare = BarePrimitive.pooling(p);
                bare.load(in);
                oldCall = bare::run;
                newCall = repeated(() -> Kernels.pool(p, in, out, null, false, threads));
            } else {
                AdaptivePoolProblem p = AdaptivePoolGeometry.forward(AdaptivePoolSpec.avg(2, 1, 1),
                        new long[] {n, 2048, 7, 7});
                Tensor in = random(rnd, n, 2048, 7, 7);
                Tensor out = Tensor.zeros(p.outputShape());
                owned = new Tensor[] {in, out};
                bare = BarePrimitive.pooling(p);
                bare.load(in);
                oldCall = bare::run;
                newCall = repeated(() -> Kernels.adaptivePool(p, in, out, null, threads));
            }
        }

        @Override
        public void close() {
            if (bare != null) {
                bare.close();
            }
            for (Tensor t : owned) {
                t.close();
            }
        }
    }
}
