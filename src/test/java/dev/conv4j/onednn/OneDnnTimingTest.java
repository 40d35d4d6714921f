package dev.conv4j.onednn;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import dev.conv4j.Tensor;
import dev.conv4j.backend.Backend;
import dev.conv4j.backend.ConvKernel;
import dev.conv4j.reference.ReferenceBackend;
import dev.conv4j.spec.ConvGeometry;
import dev.conv4j.spec.ConvProblem;
import dev.conv4j.spec.ConvSpec;
import dev.conv4j.spec.PoolGeometry;
import dev.conv4j.spec.PoolProblem;
import dev.conv4j.spec.PoolSpec;

/**
 * A first timing of the res2 layer (Conv2d 64->64 3x3 padding 1 on 1x64x56x56) on both
 * backends, in one process. Not a benchmark; run with {@code -Dconv4j.timing=true}.
 */
@EnabledIfSystemProperty(named = "conv4j.timing", matches = "true")
class OneDnnTimingTest {
    @Test
    void res2() {
        ConvSpec spec = ConvSpec.builder(2, false, 64, 64, 3).padding(1).build();
        long[] shape = {1, 64, 56, 56};
        ConvProblem p = ConvGeometry.forward(spec, shape, null);
        Random r = new Random(1);
        try (Tensor w = OneDnnEquivalenceTest.random(r, spec.weightShape(), false);
                Tensor b = OneDnnEquivalenceTest.random(r, new long[] {64}, false);
                Tensor x = OneDnnEquivalenceTest.random(r, shape, false);
                Tensor y = Tensor.zeros(p.outputShape())) {
            double flops = ConvGeometry.flops(p);
            for (Backend backend : new Backend[] {OneDnnBackend.instance(), ReferenceBackend.INSTANCE}) {
                int runs = backend == ReferenceBackend.INSTANCE ? 3 : 50;
                try (ConvKernel k = backend.prepareConv(spec, w, b)) {
                    long t0 = System.nanoTime();
                    k.forward(p, x, y);
                    double first = (System.nanoTime() - t0) / 1e6;
                    double[] ms = new double[runs];
                    for (int i = 0; i < runs; i++) {
                        long t = System.nanoTime();
                        k.forward(p, x, y);
                        ms[i] = (System.nanoTime() - t) / 1e6;
                    }
                    Arrays.sort(ms);
                    double median = ms[runs / 2];
                    System.out.printf("[timing] res2 on %s: first call %.2f ms, median %.3f ms of %d (min %.3f), %.1f GFLOP/s%n",
                            backend.name(), first, median, runs, ms[0], flops / median / 1e6);
                }
            }
            System.out.println("[timing] " + OneDnnBackend.instance().info());
        }
    }

    /** maxpool 3x3/2 64 112: our kernel (the route) against oneDNN's max pooling. */
    @Test
    void maxPool() {
        PoolSpec spec = PoolSpec.max(2, 3).stride(2).padding(1).build();
        long[] shape = {1, 64, 112, 112};
        PoolProblem p = PoolGeometry.forward(spec, shape);
        OneDnnBackend b = OneDnnBackend.instance();
        try (Tensor x = OneDnnEquivalenceTest.random(new Random(2), shape, false);
                Tensor y = Tensor.zeros(p.outputShape())) {
            System.out.printf("[timing] maxpool 3x3/2 64 112: own kernel median %.3f ms, oneDNN pooling_max median %.3f ms%n",
                    median(() -> b.pool(p, x, y, null)), median(() -> b.poolOnOneDnn(p, x, y)));
        }
    }

    private static double median(Runnable r) {
        for (int i = 0; i < 20; i++) {
            r.run();
        }
        double[] ms = new double[101];
        for (int i = 0; i < ms.length; i++) {
            long t = System.nanoTime();
            r.run();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        return ms[ms.length / 2];
    }
}
