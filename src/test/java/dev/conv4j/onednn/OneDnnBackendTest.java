package dev.conv4j.onednn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import dev.conv4j.MemoryFormat;
import dev.conv4j.Tensor;
import dev.conv4j.backend.Backends;
import dev.conv4j.backend.ConvKernel;
import dev.conv4j.reference.ReferenceBackend;
import dev.conv4j.spec.AdaptivePoolGeometry;
import dev.conv4j.spec.AdaptivePoolProblem;
import dev.conv4j.spec.AdaptivePoolSpec;
import dev.conv4j.spec.ConvGeometry;
import dev.conv4j.spec.ConvProblem;
import dev.conv4j.spec.ConvSpec;
import dev.conv4j.spec.PoolGeometry;
import dev.conv4j.spec.PoolProblem;
import dev.conv4j.spec.PoolSpec;

class OneDnnBackendTest {
    private static final OneDnnBackend ONEDNN = OneDnnBackend.instance();

    @Test
    void backendsReturnsThisBackend() {
        assertSame(ONEDNN, Backends.onednn());
        assertEquals("onednn", ONEDNN.name());
    }

    @Test
    void infoNamesVersionIsaAndThreads() {
        OneDnnBackend.Info info = ONEDNN.info();
        System.out.println("[onednn] " + info);
        assertTrue(info.onednnVersion().startsWith("3.8.1"), info.toString());
        assertFalse(info.cpuIsa().isEmpty());
        assertEquals("OpenMP", info.threadingRuntime());
        assertTrue(info.threads() > 0);
    }

    /** Evidence that oneDNN's optimized implementations run, not its reference ones. */
    @Test
    void primitivesAreOptimizedImplementations() {
        ConvSpec res2 = ConvSpec.builder(2, false, 64, 64, 3).padding(1).build();
        ConvProblem p = ConvGeometry.forward(res2, new long[] {1, 64, 56, 56}, null);
        String conv = implementation(res2, p);
        System.out.println("[onednn] Conv2d(64, 64, 3, padding=1) on 1x64x56x56: " + conv);
        assertOptimized(conv);

        ConvSpec deconv = ConvSpec.builder(2, true, 256, 128, 2).stride(2).build();
        String de = implementation(deconv, ConvGeometry.forward(deconv, new long[] {1, 256, 28, 28}, null));
        System.out.println("[onednn] ConvTranspose2d(256, 128, 2, stride=2) on 1x256x28x28: " + de);
        assertOptimized(de);

        ConvSpec dw = ConvSpec.builder(2, false, 144, 144, 3).padding(1).groups(144).build();
        String dwImpl = implementation(dw, ConvGeometry.forward(dw, new long[] {1, 144, 56, 56}, null));
        System.out.println("[onednn] depthwise Conv2d(144, 144, 3, padding=1, groups=144): " + dwImpl);
        assertOptimized(dwImpl);

        ConvSpec c3 = ConvSpec.builder(3, false, 32, 32, 3).padding(1).build();
        String c3Impl = implementation(c3, ConvGeometry.forward(c3, new long[] {1, 32, 16, 28, 28}, null));
        System.out.println("[onednn] Conv3d(32, 32, 3, padding=1) on 1x32x16x28x28: " + c3Impl);
        assertOptimized(c3Impl);

        PoolSpec avg = PoolSpec.avg(2, 3).stride(1).padding(1).build();
        String pool = ONEDNN.pooling().implementation(PoolGeometry.forward(avg, new long[] {1, 256, 28, 28}));
        System.out.println("[onednn] AvgPool2d(3, stride=1, padding=1) on 1x256x28x28: " + pool);
        assertFalse(pool.startsWith("ref") || pool.startsWith("own"), pool);
    }

    /**
     * On channels-last tensors the convolutions run oneDNN's kernels directly, without the
     * {@code jit_uni_ncsp_convolution} wrapper that reorders plain NCHW around them on every call.
     */
    @Test
    void channelsLastConvolutionsRunWithoutReorderWrapper() {
        ConvSpec res2 = ConvSpec.builder(2, false, 64, 64, 3).padding(1).build();
        ConvSpec dw = ConvSpec.builder(2, false, 144, 144, 3).padding(1).groups(144).build();
        ConvSpec c3 = ConvSpec.builder(3, false, 32, 32, 3).padding(1).build();
        ConvSpec deconv = ConvSpec.builder(2, true, 256, 128, 2).stride(2).build();
        String[] impls = {
            implementation(res2, ConvGeometry.forward(res2, new long[] {16, 64, 56, 56}, null), MemoryFormat.CHANNELS_LAST),
            implementation(dw, ConvGeometry.forward(dw, new long[] {16, 144, 56, 56}, null), MemoryFormat.CHANNELS_LAST),
            implementation(c3, ConvGeometry.forward(c3, new long[] {1, 32, 16, 28, 28}, null), MemoryFormat.CHANNELS_LAST),
            implementation(deconv, ConvGeometry.forward(deconv, new long[] {1, 256, 28, 28}, null),
                    MemoryFormat.CHANNELS_LAST)};
        String nchw = implementation(res2, ConvGeometry.forward(res2, new long[] {16, 64, 56, 56}, null),
                MemoryFormat.CONTIGUOUS);
        System.out.println("[onednn] channels-last res2, dw, conv3d, deconv: " + String.join(", ", impls)
                + "; contiguous res2: " + nchw);
        for (String impl : impls) {
            assertOptimized(impl);
            assertFalse(impl.contains("ncsp"), impl);
        }
    }

    private static void assertOptimized(String impl) {
        assertFalse(impl.contains("ref"), impl);
        assertTrue(impl.contains("jit") || impl.contains("brg") || impl.contains("brdgmm") || impl.contains("gemm"), impl);
    }

    private static String implementation(ConvSpec spec, ConvProblem p) {
        return implementation(spec, p, MemoryFormat.CONTIGUOUS);
    }

    private static String implementation(ConvSpec spec, ConvProblem p, MemoryFormat format) {
        try (Tensor w = Tensor.zeros(spec.weightShape());
                Tensor b = Tensor.zeros(spec.outChannels());
                OneDnnConvKernel k = (OneDnnConvKernel) ONEDNN.prepareConv(spec, w, b)) {
            return k.implementation(p, format);
        }
    }

    /** One prepared kernel used by 8 threads at once gives bit-identical results to one thread. */
    @Test
    void preparedKernelIsThreadSafe() throws Exception {
        ConvSpec spec = ConvSpec.builder(2, false, 16, 24, 3).padding(1).stride(1).build();
        long[] shape = {2, 16, 23, 19};
        ConvProblem p = ConvGeometry.forward(spec, shape, null);
        Random r = new Random(7);
        int inputs = 8;
        int rounds = 25;
        try (Tensor w = OneDnnEquivalenceTest.random(r, spec.weightShape(), false);
                Tensor b = OneDnnEquivalenceTest.random(r, new long[] {24}, false);
                ConvKernel kernel = ONEDNN.prepareConv(spec, w, b)) {
            List<Tensor> in = new ArrayList<>();
            List<float[]> single = new ArrayList<>();
            for (int i = 0; i < inputs; i++) {
                Tensor x = OneDnnEquivalenceTest.random(r, shape, false);
                in.add(x);
                try (Tensor y = Tensor.zeros(p.outputShape())) {
                    kernel.forward(p, x, y);
                    single.add(y.toFloatArray());
                }
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Integer>> results = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int first = t;
                    results.add(pool.submit(() -> {
                        start.await();
                        int mismatches = 0;
                        for (int round = 0; round < rounds; round++) {
                            int i = (first + round) % inputs;
                            try (Tensor y = Tensor.zeros(p.outputShape())) {
                                kernel.forward(p, in.get(i), y);
                                if (!java.util.Arrays.equals(single.get(i), y.toFloatArray())) {
                                    mismatches++;
                                }
                            }
                        }
                        return mismatches;
                    }));
                }
                start.countDown();
                for (Future<Integer> f : results) {
                    assertEquals(0, f.get(), "results differing from the single-threaded ones");
                }
            } finally {
                pool.shutdown();
                for (Tensor x : in) {
                    x.close();
                }
            }
        }
    }

    @Test
    void emptyBatchGivesEmptyOutput() {
        ConvSpec spec = ConvSpec.builder(2, false, 3, 4, 3).build();
        ConvProblem p = ConvGeometry.forward(spec, new long[] {0, 3, 5, 5}, null);
        try (Tensor w = Tensor.zeros(spec.weightShape());
                Tensor b = Tensor.zeros(4);
                Tensor x = Tensor.zeros(0, 3, 5, 5);
                Tensor y = Tensor.zeros(p.outputShape());
                ConvKernel k = ONEDNN.prepareConv(spec, w, b)) {
            k.forward(p, x, y);
            assertArrayEquals(new long[] {0, 4, 3, 3}, y.shape());
        }
        PoolSpec avg = PoolSpec.avg(2, 2).build();
        PoolProblem pp = PoolGeometry.forward(avg, new long[] {0, 3, 4, 4});
        try (Tensor x = Tensor.zeros(0, 3, 4, 4); Tensor y = Tensor.zeros(pp.outputShape())) {
            ONEDNN.pool(pp, x, y, null);
        }
    }

    /**
     * A dimension with one output position runs with stride 1 (oneDNN 3.8.1's brg_conv_fwd is
     * wrong for one input channel, output width 1 and stride > 1), on a copy of the part of
     * the input its window covers; a window inside the left padding gives the bias.
     */
    @Test
    void singleOutputPositionWithStride() {
        ConvSpec spec = ConvSpec.builder(2, false, 1, 3, 1, 3).stride(1, 2).build();
        long[] shape = {2, 1, 8, 4};
        ConvProblem p = ConvGeometry.forward(spec, shape, null);
        OneDnnAdapter.ConvDesc d = OneDnnAdapter.conv(p);
        assertArrayEquals(new long[] {1, 1}, d.strides);
        assertArrayEquals(new long[] {2, 1, 8, 3}, d.srcView);
        OneDnnEquivalenceTest.runConv(spec, p, shape, 13, spec.toString());

        ConvSpec c3 = ConvSpec.builder(3, false, 1, 2, 1, 1, 2).stride(1, 1, 3).padding(0, 0, 1).build();
        long[] shape3 = {1, 1, 2, 3, 5};
        OneDnnEquivalenceTest.runConv(c3, ConvGeometry.forward(c3, shape3, null), shape3, 14, c3.toString());

        ConvSpec inPadding = ConvSpec.builder(1, false, 1, 2, 1).stride(5).padding(2).build();
        ConvProblem pad = ConvGeometry.forward(inPadding, new long[] {1, 1, 1}, null);
        assertTrue(OneDnnAdapter.isTrivial(pad));
        OneDnnEquivalenceTest.runConv(inPadding, pad, new long[] {1, 1, 1}, 15, inPadding.toString());
    }

    /** output_padding > padding: oneDNN refuses the negative right padding; the tail holds the bias. */
    @Test
    void transposedWithNegativeRightPadding() {
        ConvSpec spec = ConvSpec.builder(2, true, 4, 6, 3).stride(3, 2).padding(0, 1).outputPadding(2, 1)
                .dilation(1, 2).groups(2).build();
        long[] shape = {2, 4, 5, 4};
        ConvProblem p = ConvGeometry.forward(spec, shape, null);
        assertTrue(p.padAfter()[0] < 0, p.key());
        OneDnnEquivalenceTest.runConv(spec, p, shape, 11, spec.toString());
    }

    @Test
    void sameWithEvenKernelUsesAsymmetricPadding() {
        ConvSpec spec = ConvSpec.builder(2, false, 3, 5, 4, 2).padding("same").dilation(1, 3).build();
        long[] shape = {1, 3, 7, 8};
        ConvProblem p = ConvGeometry.forward(spec, shape, null);
        OneDnnAdapter.ConvDesc d = OneDnnAdapter.conv(p);
        assertArrayEquals(new long[] {1, 1}, d.padLeft);
        assertArrayEquals(new long[] {2, 2}, d.padRight);
        assertArrayEquals(new long[] {0, 2}, d.dilates);
        OneDnnEquivalenceTest.runConv(spec, p, shape, 12, spec.toString());
    }

    @Test
    void globalAveragePoolingRunsOnOneDnn() {
        AdaptivePoolSpec gap = AdaptivePoolSpec.avg(2, 1);
        AdaptivePoolProblem p = AdaptivePoolGeometry.forward(gap, new long[] {2, 5, 7, 7});
        assertEquals(OneDnnAdapter.Route.ONEDNN_POOLING, OneDnnAdapter.route(p));
        Random r = new Random(3);
        try (Tensor x = OneDnnEquivalenceTest.random(r, new long[] {2, 5, 7, 7}, false);
                Tensor got = Tensor.zeros(p.outputShape());
                Tensor exp = Tensor.zeros(p.outputShape())) {
            ONEDNN.adaptivePool(p, x, got, null);
            ReferenceBackend.INSTANCE.adaptivePool(p, x, exp, null);
            assertNull(Compare.floats("gap", got, exp, Compare.Tolerance.ROUNDING));
        }
    }

    @Test
    void ceilModeCountIncludePadOverhangGoesToOwnKernel() {
        // in=6, k=3, s=2, pad=1, ceil: the last window [5, 8) overhangs the padded input [−1, 7).
        PoolSpec s = PoolSpec.avg(1, 3).stride(2).padding(1).ceilMode(true).countIncludePad(true).build();
        PoolProblem p = PoolGeometry.forward(s, new long[] {1, 1, 6});
        assertEquals(OneDnnAdapter.Route.OWN_POOL, OneDnnAdapter.route(p));
        PoolSpec exclude = PoolSpec.avg(1, 3).stride(2).padding(1).ceilMode(true).countIncludePad(false).build();
        assertEquals(OneDnnAdapter.Route.ONEDNN_POOLING,
                OneDnnAdapter.route(PoolGeometry.forward(exclude, new long[] {1, 1, 6})));
    }

    @Test
    void cacheIsBoundedAndWeightsArePackedOncePerLayout() {
        ConvSpec spec = ConvSpec.builder(1, false, 4, 8, 3).padding(1).build();
        try (Tensor w = Tensor.zeros(spec.weightShape());
                Tensor b = Tensor.zeros(8);
                OneDnnConvKernel k = (OneDnnConvKernel) ONEDNN.prepareConv(spec, w, b)) {
            for (int len = 1; len <= OneDnnConvKernel.CACHE_CAPACITY + 6; len++) {
                ConvProblem p = ConvGeometry.forward(spec, new long[] {1, 4, len}, null);
                try (Tensor x = Tensor.zeros(1, 4, len); Tensor y = Tensor.zeros(p.outputShape())) {
                    k.forward(p, x, y);
                }
            }
            assertEquals(OneDnnConvKernel.CACHE_CAPACITY, k.cachedPlans());
            assertTrue(k.packedLayouts() <= 4, "layouts: " + k.packedLayouts());
        }
    }

    @Test
    void refusesBadTensorsAndUseAfterClose() {
        ConvSpec spec = ConvSpec.builder(2, false, 3, 4, 3).build();
        ConvProblem p = ConvGeometry.forward(spec, new long[] {1, 3, 5, 5}, null);
        try (Tensor w = Tensor.zeros(spec.weightShape()); Tensor b = Tensor.zeros(4)) {
            assertThrows(IllegalArgumentException.class, () -> ONEDNN.prepareConv(spec, w, null));
            try (Tensor wrongW = Tensor.zeros(4, 3, 3, 2)) {
                assertThrows(IllegalArgumentException.class, () -> ONEDNN.prepareConv(spec, wrongW, b));
            }
            ConvKernel k = ONEDNN.prepareConv(spec, w, b);
            try (Tensor x = Tensor.zeros(1, 3, 5, 4); Tensor y = Tensor.zeros(p.outputShape())) {
                assertThrows(IllegalArgumentException.class, () -> k.forward(p, x, y));
            }
            k.close();
            k.close();
            try (Tensor x = Tensor.zeros(1, 3, 5, 5); Tensor y = Tensor.zeros(p.outputShape())) {
                assertThrows(IllegalStateException.class, () -> k.forward(p, x, y));
            }
        }
    }

    /** Every native temporary is freed, and closing a kernel frees its primitives and weights. */
    @Test
    void nothingLeftAllocated() {
        ConvSpec spec = ConvSpec.builder(2, true, 6, 4, 3).stride(2).outputPadding(1).build();
        PoolSpec avg = PoolSpec.avg(2, 3).stride(2).build();
        Random r = new Random(5);
        // warm up the backend's own caches (pooling plans) outside the measurement
        PoolProblem pp = PoolGeometry.forward(avg, new long[] {1, 6, 9, 9});
        try (Tensor x = OneDnnEquivalenceTest.random(r, new long[] {1, 6, 9, 9}, false);
                Tensor y = Tensor.zeros(pp.outputShape())) {
            ONEDNN.pool(pp, x, y, null);
        }
        long before = org.bytedeco.javacpp.Pointer.totalBytes() - Tensor.cachedNativeBytes();
        try (Tensor w = OneDnnEquivalenceTest.random(r, spec.weightShape(), false);
                Tensor b = OneDnnEquivalenceTest.random(r, new long[] {4}, false);
                ConvKernel k = ONEDNN.prepareConv(spec, w, b)) {
            for (int size = 3; size < 8; size++) {
                long[] shape = {2, 6, size, size};
                ConvProblem p = ConvGeometry.forward(spec, shape, null);
                try (Tensor x = OneDnnEquivalenceTest.random(r, shape, false); Tensor y = Tensor.zeros(p.outputShape())) {
                    k.forward(p, x, y);
                }
            }
            try (Tensor x = OneDnnEquivalenceTest.random(r, new long[] {1, 6, 9, 9}, false);
                    Tensor y = Tensor.zeros(pp.outputShape())) {
                ONEDNN.pool(pp, x, y, null);
            }
        }
        assertEquals(before, org.bytedeco.javacpp.Pointer.totalBytes() - Tensor.cachedNativeBytes(),
                "native bytes still allocated");
    }

    @Test
    void statusCodesMapToExceptions() {
        assertThrows(IllegalArgumentException.class,
                () -> Dnnl.check(org.bytedeco.dnnl.global.dnnl.dnnl_invalid_arguments, "test"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Dnnl.check(org.bytedeco.dnnl.global.dnnl.dnnl_unimplemented, "test call"));
        assertTrue(e.getMessage().contains("unimplemented") && e.getMessage().contains("test call"), e.getMessage());
    }

    @Test
    void routeTableIsComplete() {
        String md = Routes.markdown();
        System.out.println(md);
        for (String op : new String[] {"Conv1d/2d/3d", "ConvTranspose1d/2d/3d", "AvgPool", "MaxPool", "LPPool",
            "AdaptiveAvgPool", "AdaptiveMaxPool", "MaxUnpool"}) {
            assertTrue(md.contains(op), op);
        }
    }
}
