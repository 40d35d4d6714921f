package dev.conv4j.onednn;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_dst_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_src_md;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

import dev.conv4j.Tensor;

/**
 * Execution contexts (stream, memory objects, arguments) are reused across calls: each call
 * still reads and writes its own data, also with many threads on one primitive.
 */
class NativePrimitiveTest {
    private static final OneDnnBackend ONEDNN = OneDnnBackend.instance();
    private static final long[] DIMS = {3, 4};

    /** A reorder that transposes a 3x4 row-major matrix into column-major order. */
    private static NativePrimitive transpose() {
        dnnl_memory_desc from = Dnnl.stridedDesc(DIMS, new long[] {4, 1});
        dnnl_memory_desc to = Dnnl.stridedDesc(DIMS, new long[] {1, 3});
        try {
            return PrimitiveFactory.reorder(ONEDNN.runtime().engine(), from, to, "test transpose");
        } finally {
            Dnnl.destroy(from);
            Dnnl.destroy(to);
        }
    }

    private static float[] values(float base) {
        float[] v = new float[12];
        for (int i = 0; i < v.length; i++) {
            v[i] = base + i;
        }
        return v;
    }

    /** Column-major order of the row-major 3x4 {@code v}. */
    private static float[] transposed(float[] v) {
        float[] t = new float[12];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                t[c * 3 + r] = v[r * 4 + c];
            }
        }
        return t;
    }

    private static void run(NativePrimitive p, Tensor from, Tensor to) {
        p.execute(new int[] {DNNL_ARG_FROM, DNNL_ARG_TO},
                new dnnl_memory_desc[] {p.query(dnnl_query_src_md, 0), p.query(dnnl_query_dst_md, 0)},
                new Pointer[] {from.pointer(), to.pointer()});
    }

    @Test
    void aReusedContextReadsAndWritesEachCallsOwnData() {
        NativePrimitive p = transpose();
        try (Tensor a = Tensor.of(values(0), DIMS); Tensor b = Tensor.of(values(100), DIMS);
                Tensor x = Tensor.zeros(DIMS); Tensor y = Tensor.zeros(DIMS)) {
            run(p, a, x);
            assertArrayEquals(transposed(values(0)), x.toFloatArray());
            assertEquals(1, p.pooledContexts());
            run(p, b, y); // other source and destination: the memory objects follow
            assertArrayEquals(transposed(values(100)), y.toFloatArray());
            assertArrayEquals(transposed(values(0)), x.toFloatArray()); // x untouched
            run(p, a, y); // back to the first source
            assertArrayEquals(transposed(values(0)), y.toFloatArray());
            // the arguments in the other order: the slots' ids change, memory objects are re-made
            try (Tensor z = Tensor.zeros(DIMS)) {
                p.execute(new int[] {DNNL_ARG_TO, DNNL_ARG_FROM},
                        new dnnl_memory_desc[] {p.query(dnnl_query_dst_md, 0), p.query(dnnl_query_src_md, 0)},
                        new Pointer[] {z.pointer(), b.pointer()});
                assertArrayEquals(transposed(values(100)), z.toFloatArray());
            }
            // descriptors given as new objects (equal ones) work as well
            dnnl_memory_desc from = Dnnl.stridedDesc(DIMS, new long[] {4, 1});
            dnnl_memory_desc to = Dnnl.stridedDesc(DIMS, new long[] {1, 3});
            try (Tensor z = Tensor.zeros(DIMS)) {
                p.execute(new int[] {DNNL_ARG_FROM, DNNL_ARG_TO}, new dnnl_memory_desc[] {from, to},
                        new Pointer[] {a.pointer(), z.pointer()});
                assertArrayEquals(transposed(values(0)), z.toFloatArray());
            } finally {
                Dnnl.destroy(from);
                Dnnl.destroy(to);
            }
            assertEquals(1, p.pooledContexts());
            assertSame(p.query(dnnl_query_src_md, 0), p.query(dnnl_query_src_md, 0));
        } finally {
            p.free();
        }
        assertEquals(0, p.pooledContexts());
    }

    @Test
    void manyThreadsOnOnePrimitiveEachGetTheirOwnResult() throws Exception {
        NativePrimitive p = transpose();
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                results.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 2000; i++) {
                        float base = id * 10_000 + i;
                        try (Tensor a = Tensor.of(values(base), DIMS); Tensor x = Tensor.zeros(DIMS)) {
                            run(p, a, x);
                            if (java.util.Arrays.equals(transposed(values(base)), x.toFloatArray())) {
                                ok++;
                            }
                        }
                    }
                    return ok;
                }));
            }
            for (Future<Integer> f : results) {
                assertEquals(2000, f.get());
            }
            assertTrue(p.pooledContexts() >= 1 && p.pooledContexts() <= threads, String.valueOf(p.pooledContexts()));
        } finally {
            pool.shutdown();
            p.free();
        }
    }
}
