package dev.conv4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.conv4j.Tensor;
import dev.conv4j.backend.Backend;
import dev.conv4j.backend.Backends;
import dev.conv4j.backend.ConvKernel;
import dev.conv4j.spec.AdaptivePoolProblem;
import dev.conv4j.spec.ConvSpec;
import dev.conv4j.spec.PoolProblem;
import dev.conv4j.spec.UnpoolProblem;

/** Planning, progress lines and one cheap real run (global average pooling on the reference). */
class BenchRunnerTest {
    private static final Timing.Plan ONE = new Timing.Plan(0, 0, 1, 0, 1, 1);
    private static final BenchRunner.Target FAST = new BenchRunner.Target("onednn", Backends.reference(), ONE, false);
    private static final BenchRunner.Target SLOW = new BenchRunner.Target("reference", Backends.reference(), ONE, true);

    @Test
    void referenceRunsAtBatchOneOnly() {
        List<BenchRunner.Task> tasks = BenchRunner.plan(BenchLayers.ALL, List.of(1, 16), List.of(FAST, SLOW));
        // 13 layers: 2 batches on oneDNN + batch 1 on the reference.
        assertEquals(13 * 3, tasks.size());
        assertEquals(13, tasks.stream().filter(t -> t.target() == SLOW).count());
        assertTrue(tasks.stream().filter(t -> t.target() == SLOW).allMatch(t -> t.batch() == 1));
        // Report order: layer, then batch, then backend.
        assertEquals("conv1 7x7/2 3-64 224 b1 onednn", tasks.get(0).label());
        assertEquals("conv1 7x7/2 3-64 224 b1 reference", tasks.get(1).label());
        assertEquals("conv1 7x7/2 3-64 224 b16 onednn", tasks.get(2).label());
        assertEquals("res2 3x3 64-64 56 b1 onednn", tasks.get(3).label());
        assertTrue(BenchRunner.plan(BenchLayers.ALL, List.of(16), List.of(SLOW)).isEmpty());
    }

    @Test
    void progressLine() {
        BenchRunner.Task t = new BenchRunner.Task(BenchLayers.select("res3").get(0), 16, FAST);
        assertEquals("[5/26] res3 3x3 128-128 28 b16 onednn", BenchRunner.progressLine(5, 26, t));
    }

    @Test
    void runsAndReportsProgress() {
        List<String> progress = new ArrayList<>();
        List<BenchRunner.Task> tasks = BenchRunner.plan(BenchLayers.select("gap"), List.of(1), List.of(SLOW));
        BenchRunner.Result result = new BenchRunner().run(tasks,
                (i, n, t) -> progress.add(BenchRunner.progressLine(i, n, t)));
        List<BenchRow> rows = result.rows();
        // A run of a few milliseconds is too short to say how busy the machine was.
        assertTrue(Double.isNaN(result.othersCpu()));
        assertTrue(Double.isNaN(rows.get(0).othersCpu()));
        assertEquals(List.of("[1/1] gap 2048 7 b1 reference"), progress);
        BenchRow r = rows.get(0);
        assertTrue(r.ok());
        assertEquals("gap 2048 7", r.layer());
        assertEquals(1, r.batch());
        assertEquals("reference", r.backend());
        assertEquals(1, r.reps());
        assertTrue(r.ms() > 0);
        assertTrue(Double.isNaN(r.gflops()));
    }

    @Test
    void aRefusedLayerGivesAFailedRow() {
        BenchRunner.Target broken = new BenchRunner.Target("onednn", new RefusingBackend(), ONE, false);
        BenchRow r = new BenchRunner().run(new BenchRunner.Task(BenchLayers.select("gap").get(0), 1, broken));
        assertFalse(r.ok());
        assertEquals("AdaptiveAvgPool2d is not here", r.error());
        assertTrue(Double.isNaN(r.ms()));
    }

    @Test
    void randomInputIsSeededAndInRange() {
        try (Tensor a = BenchRunner.randomInput(new long[] {2, 3}, 7); Tensor b = BenchRunner.randomInput(new long[] {2, 3}, 7)) {
            float[] v = a.toFloatArray();
            assertEquals(List.of(box(v)), List.of(box(b.toFloatArray())));
            for (float x : v) {
                assertTrue(x >= -1 && x < 1);
            }
            assertFalse(v[0] == v[1] && v[1] == v[2]);
        }
    }

    /** A baseline that counts its calls; {@code fail} makes opening it throw. */
    private static final class CountingBaseline implements Baseline {
        final boolean fail;
        int calls;
        boolean closed;

        CountingBaseline(boolean fail) {
            this.fail = fail;
        }

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public Call open(BenchLayer layer, dev.conv4j.nn.Module module, Tensor input) {
            if (fail) {
                throw new IllegalStateException("no baseline for " + layer.name());
            }
            return new Call() {
                @Override
                public void run() {
                    calls++;
                }

                @Override
                public void close() {
                    closed = true;
                }
            };
        }
    }

    @Test
    void aBaselineGetsARowAfterTheModulesTimedAsOften() {
        CountingBaseline base = new CountingBaseline(false);
        BenchRunner.Target t = new BenchRunner.Target("onednn", Backends.reference(), new Timing.Plan(1, 0, 3, 0, 1, 3),
                false, base);
        BenchRunner.Task task = new BenchRunner.Task(BenchLayers.select("gap").get(0), 1, t);
        List<BenchRow> rows = new BenchRunner().run(List.of(task), (i, n, x) -> { }).rows();
        assertEquals(List.of("onednn", "counting"), rows.stream().map(BenchRow::backend).toList());
        assertTrue(rows.get(0).ok() && rows.get(1).ok());
        assertEquals(3, rows.get(0).reps());
        assertEquals(3, rows.get(1).reps());
        assertEquals("gap 2048 7", rows.get(1).layer());
        assertEquals(1 + 3, base.calls); // one warm-up, three timed
        assertTrue(base.closed);
        // run(Task) is the module alone
        base.calls = 0;
        assertEquals("onednn", new BenchRunner().run(task).backend());
        assertEquals(0, base.calls);
    }

    @Test
    void aBaselineThatFailsGivesAFailedRowAndTheModuleStillRuns() {
        BenchRunner.Target t = new BenchRunner.Target("onednn", Backends.reference(), ONE, false, new CountingBaseline(true));
        List<BenchRow> rows = new BenchRunner().rows(new BenchRunner.Task(BenchLayers.select("gap").get(0), 1, t));
        assertEquals(2, rows.size());
        assertTrue(rows.get(0).ok());
        assertFalse(rows.get(1).ok());
        assertEquals("counting", rows.get(1).backend());
        assertEquals("no baseline for gap 2048 7", rows.get(1).error());
    }

    @Test
    void theOneDnnBaselineCoversLayersOnOneOneDnnPrimitive() {
        BenchRunner.Target t = new BenchRunner.Target("onednn", Backends.onednn(), ONE, false, new OneDnnBaseline());
        for (String layer : List.of("res5", "deconv", "avgpool", "gap")) {
            List<BenchRow> rows = new BenchRunner().rows(new BenchRunner.Task(BenchLayers.select(layer).get(0), 1, t));
            assertEquals(List.of("onednn", "onednn-direct"), rows.stream().map(BenchRow::backend).toList(), layer);
            assertTrue(rows.get(1).ok() && rows.get(1).ms() > 0, layer);
        }
        // max pooling runs on conv4j's own kernel: no primitive to compare with
        List<BenchRow> rows = new BenchRunner().rows(new BenchRunner.Task(BenchLayers.select("maxpool").get(0), 1, t));
        assertEquals(List.of("onednn"), rows.stream().map(BenchRow::backend).toList());
    }

    private static Float[] box(float[] v) {
        Float[] out = new Float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    /** A backend that refuses everything, with a one-line reason. */
    private static final class RefusingBackend implements Backend {
        @Override
        public String name() {
            return "refusing";
        }

        @Override
        public ConvKernel prepareConv(ConvSpec spec, Tensor weight, Tensor bias, boolean relu) {
            throw new UnsupportedOperationException(spec.opName() + " is not here");
        }

        @Override
        public void relu(Tensor input, Tensor output) {
            throw new UnsupportedOperationException("ReLU is not here");
        }

        @Override
        public void pool(PoolProblem problem, Tensor input, Tensor output, Tensor indices) {
            throw new UnsupportedOperationException(problem.spec().opName() + " is not here");
        }

        @Override
        public void adaptivePool(AdaptivePoolProblem problem, Tensor input, Tensor output, Tensor indices) {
            throw new UnsupportedOperationException(problem.spec().opName() + " is not here");
        }

        @Override
        public void maxUnpool(UnpoolProblem problem, Tensor input, Tensor indices, Tensor output) {
            throw new UnsupportedOperationException(problem.spec().opName() + " is not here");
        }
    }
}
