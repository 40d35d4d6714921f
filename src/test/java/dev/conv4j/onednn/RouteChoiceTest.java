package dev.conv4j.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.conv4j.Tensor;
import dev.conv4j.backend.Backends;
import dev.conv4j.backend.ConvKernel;
import dev.conv4j.spec.ConvGeometry;
import dev.conv4j.spec.ConvProblem;
import dev.conv4j.spec.ConvSpec;

/**
 * Every way a contiguous (NCHW) convolution can run, forced one by one (the oneDNN primitive on
 * NCHW, on channels-last copies, writing 16-channel blocks that a reorder makes NCHW, or on blocks
 * both ways; the own
 * depthwise kernel; sgemm for pointwise convolutions; one thread or two), against the reference
 * backend: whatever the autotuner chooses at run time
 * computes PyTorch's numbers.
 */
class RouteChoiceTest {
    private static final OneDnnBackend ONEDNN = OneDnnBackend.instance();

    private static List<Object[]> cases() {
        return List.of(
                new Object[] {ConvSpec.builder(2, false, 6, 8, 3).padding(1).build(), new long[] {2, 6, 11, 9}},
                new Object[] {ConvSpec.builder(2, false, 8, 8, 3).padding(1).groups(8).build(), new long[] {3, 8, 10, 10}},
                new Object[] {ConvSpec.builder(2, false, 4, 12, 3).stride(2).groups(4).bias(false).build(),
                    new long[] {1, 4, 13, 9}},
                new Object[] {ConvSpec.builder(2, false, 6, 4, 3).dilation(2).padding(2).groups(2).build(),
                    new long[] {2, 6, 12, 12}},
                new Object[] {ConvSpec.builder(2, false, 4, 6, 3).padding("same").dilation(2).build(),
                    new long[] {1, 4, 8, 7}},
                new Object[] {ConvSpec.builder(2, true, 6, 4, 3).stride(2).padding(1).outputPadding(1).build(),
                    new long[] {2, 6, 7, 5}},
                new Object[] {ConvSpec.builder(2, true, 8, 8, 2).stride(2).groups(4).build(), new long[] {1, 8, 6, 6}},
                new Object[] {ConvSpec.builder(3, false, 4, 4, 3).padding(1).groups(2).build(), new long[] {2, 4, 5, 6, 7}},
                new Object[] {ConvSpec.builder(3, true, 4, 2, 2).stride(2).build(), new long[] {1, 4, 3, 4, 5}},
                // pointwise: sgemm per image
                new Object[] {ConvSpec.builder(2, false, 5, 7, 1).build(), new long[] {3, 5, 4, 6}},
                new Object[] {ConvSpec.builder(3, false, 6, 3, 1).bias(false).build(), new long[] {2, 6, 2, 3, 4}},
                // transposed with kernel = stride: sgemm, then the patches put in place
                new Object[] {ConvSpec.builder(2, true, 5, 3, 2).stride(2).build(), new long[] {2, 5, 3, 4}},
                new Object[] {ConvSpec.builder(1, true, 4, 2, 3).stride(3).bias(false).build(), new long[] {3, 4, 5}},
                // 16 input channels and more: both tensors reordered into 16-channel blocks (17: a partial block)
                new Object[] {ConvSpec.builder(2, false, 16, 8, 3).padding(1).build(), new long[] {2, 16, 9, 10}},
                new Object[] {ConvSpec.builder(2, false, 17, 5, 3).stride(2).dilation(2).padding(2).build(),
                    new long[] {1, 17, 11, 8}},
                new Object[] {ConvSpec.builder(3, false, 16, 4, 3).padding(1).bias(false).build(),
                    new long[] {2, 16, 4, 5, 6}},
                // single images with at least 2 output rows per thread: row bands (an even kernel's
                // 'same' padding is asymmetric)
                new Object[] {ConvSpec.builder(2, false, 5, 7, 4).padding("same").build(), new long[] {1, 5, 13, 10}},
                new Object[] {ConvSpec.builder(3, false, 3, 4, 3).stride(2).padding(1).dilation(1).build(),
                    new long[] {1, 3, 9, 6, 5}});
    }

    @Test
    void everyRouteAndThreadCountGivesTheReferenceNumbers() {
        int checked = 0;
        int blocked = 0;
        int blocks = 0;
        int bands = 0;
        for (Object[] c : cases()) {
            ConvSpec spec = (ConvSpec) c[0];
            long[] shape = (long[]) c[1];
            ConvProblem p = ConvGeometry.forward(spec, shape, null);
            Random r = new Random(shape.length * 31L + spec.outChannels());
            for (boolean relu : new boolean[] {false, true}) {
                try (Tensor w = OneDnnEquivalenceTest.random(r, spec.weightShape(), false);
                        Tensor b = spec.bias() ? OneDnnEquivalenceTest.random(r, new long[] {spec.outChannels()}, false)
                                : null;
                        Tensor x = OneDnnEquivalenceTest.random(r, shape, false);
                        Tensor expected = Tensor.zeros(p.outputShape());
                        ConvKernel ref = Backends.reference().prepareConv(spec, w, b, relu);
                        OneDnnConvKernel mine = (OneDnnConvKernel) ONEDNN.prepareConv(spec, w, b, relu)) {
                    ref.forward(p, x, expected);
                    for (OneDnnConvKernel.Route route : OneDnnConvKernel.Route.values()) {
                        boolean depthwise = spec.groups() == spec.inChannels() && !spec.transposed();
                        if (route == OneDnnConvKernel.Route.OWN_DEPTHWISE && !depthwise) {
                            continue;
                        }
                        // blocks: plain convolutions with a JIT kernel for them; the output alone for
                        // fewer than 16 input channels, both tensors from 16 on
                        boolean plain = spec.groups() == 1 && !spec.transposed();
                        boolean mayBlock = route == OneDnnConvKernel.Route.BLOCKED_OUTPUT
                                ? plain && spec.inChannels() < 16 : plain && spec.inChannels() >= 16;
                        // sgemm: pointwise convolutions, transposed ones with kernel = stride (no padding)
                        boolean gemm = spec.groups() == 1 && java.util.Arrays.stream(spec.padding()).allMatch(q -> q == 0)
                                && (spec.transposed() ? java.util.Arrays.equals(spec.kernelSize(), spec.stride())
                                        : spec.kernelSize()[0] == 1);
                        boolean impossible = route == OneDnnConvKernel.Route.GEMM && !gemm
                                || route == OneDnnConvKernel.Route.VIA_CHANNELS_LAST && shape.length < 4;
                        if (impossible) {
                            try (Tensor y = Tensor.zeros(p.outputShape())) {
                                assertEquals(false, mine.forwardOn(route, 1, p, x, y), spec + " on " + route);
                            }
                            continue;
                        }
                        for (int threads : new int[] {1, 2}) {
                            try (Tensor got = Tensor.zeros(p.outputShape())) {
                                String name = spec + " on " + java.util.Arrays.toString(shape) + (relu ? " +relu" : "")
                                        + " " + route + ", " + threads + " threads";
                                boolean ran = mine.forwardOn(route, threads, p, x, got);
                                if (route == OneDnnConvKernel.Route.BANDS) {
                                    // bands: single images of plain-route convolutions, not transposed,
                                    // at least 2 output rows per band of the most threads (2 here)
                                    boolean mayBand = shape[0] == 1 && shape.length >= 4 && !spec.transposed()
                                            && p.outputSpatial()[0] >= 2L * Math.max(2, ONEDNN.threads());
                                    assertTrue(mayBand || !ran, name + " should not be possible");
                                    if (!ran) {
                                        continue;
                                    }
                                    bands++;
                                } else if (route == OneDnnConvKernel.Route.BLOCKED_OUTPUT
                                        || route == OneDnnConvKernel.Route.BLOCKED) {
                                    assertTrue(mayBlock || !ran, name + " should not be possible");
                                    if (!ran) {
                                        continue;
                                    }
                                    if (route == OneDnnConvKernel.Route.BLOCKED) {
                                        blocks++;
                                    } else {
                                        blocked++;
                                    }
                                } else {
                                    assertTrue(ran, name + " should be possible");
                                }
                                String problems = Compare.floats("output", got, expected, Compare.Tolerance.ROUNDING);
                                assertEquals(null, problems, name);
                                checked++;
                            }
                        }
                    }
                }
            }
        }
        // 6 cases on two routes, 2 depthwise ones on three, 2 pointwise ones and 2 transposed ones
        // with kernel = stride (the last of the first list and the two added) on three, a 1d
        // transposed one on two (no channels-last copies for 1d), and the 3 of 16 channels and more
        // on two, with and without ReLU, 1 and 2 threads; the blocked output at least for the first
        // case (Conv2d(6, 8, 3, padding=1) has a JIT kernel), blocks for all three of the last ones
        // (AVX-512 has JIT kernels on 16-channel blocks)
        // The 2 cases of row bands on two routes (with the blocked output too), and on bands at
        // least for them (the rows of the others are fewer or they are batches or transposed).
        assertTrue(blocked >= 4, blocked + " calls on the blocked output");
        assertEquals(3 * 2 * 2, blocks, "calls on blocks");
        assertTrue(bands >= 2 * 2 * 2, bands + " calls on row bands");
        assertEquals((8 * 2 + 2 * 3 + 2 * 3 + 2 * 3 + 2 + 3 * 2) * 2 * 2 + blocked + blocks + bands, checked);
    }

    @Test
    void theCostModelTakesSgemmForWidePointwiseConvolutions() {
        // (in, out, side, model's route): 64 input channels and 144 positions take sgemm; few
        // channels or 7x7 images stay on the primitive
        Object[][] cases = {{64, 8, 12, OneDnnConvKernel.Route.GEMM}, {16, 16, 28, OneDnnConvKernel.Route.PRIMITIVE},
            {96, 8, 7, OneDnnConvKernel.Route.PRIMITIVE}};
        Random r = new Random(17);
        for (Object[] c : cases) {
            int in = (int) c[0];
            int out = (int) c[1];
            long side = (int) c[2];
            ConvSpec spec = ConvSpec.builder(2, false, in, out, 1).build();
            modelRouteMatchesReference(spec, new long[] {2, in, side, side}, true, (OneDnnConvKernel.Route) c[3], r);
        }
    }

    @Test
    void theCostModelTakesBlocksForBatchesOfLargeImages() {
        // (spec, shape, model's route): from 2 images of 2048 output positions each, kernels wider than 1
        ConvSpec conv = ConvSpec.builder(2, false, 16, 8, 3).padding(1).build();
        ConvSpec conv3d = ConvSpec.builder(3, false, 16, 4, 3).padding(1).build();
        ConvSpec pointwise = ConvSpec.builder(2, false, 16, 8, 1).build();
        Object[][] cases = {{conv, new long[] {2, 16, 46, 46}, OneDnnConvKernel.Route.BLOCKED},
            {conv, new long[] {1, 16, 46, 46}, OneDnnConvKernel.Route.BANDS}, // one image: row bands
            {conv, new long[] {2, 16, 45, 45}, OneDnnConvKernel.Route.PRIMITIVE},
            {conv3d, new long[] {2, 16, 8, 16, 16}, OneDnnConvKernel.Route.BLOCKED},
            {pointwise, new long[] {2, 16, 46, 46}, OneDnnConvKernel.Route.PRIMITIVE}};
        Random r = new Random(19);
        for (Object[] c : cases) {
            modelRouteMatchesReference((ConvSpec) c[0], (long[]) c[1], true, (OneDnnConvKernel.Route) c[2], r);
        }
    }

    /**
     * The cost model sends a call of {@code spec} on {@code shape} (bias, a Sequential's ReLU if
     * {@code relu}) to {@code expected}, and the kernel left to itself (tests run without
     * autotuning: the model's route) computes the reference backend's numbers.
     */
    private static void modelRouteMatchesReference(ConvSpec spec, long[] shape, boolean relu,
            OneDnnConvKernel.Route expected, Random r) {
        String name = spec + " on " + java.util.Arrays.toString(shape) + (relu ? " +relu" : "");
        matchesReference(spec, shape, relu, r, name, (mine, p, x, got) -> {
            assertEquals(expected, mine.modelRoute(p, x, got), name);
            mine.forward(p, x, got);
            return true;
        });
    }

    /** A call of the oneDNN kernel into {@code got}; false if it did not run. */
    private interface KernelCall {
        boolean run(OneDnnConvKernel mine, ConvProblem p, Tensor x, Tensor got);
    }

    /**
     * Makes a kernel of {@code spec} with random weights (and bias if the spec has one, a
     * Sequential's ReLU if {@code relu}) and a random input of {@code shape}, runs {@code call},
     * and if it ran, asserts the reference backend's numbers. Returns whether it ran.
     */
    private static boolean matchesReference(ConvSpec spec, long[] shape, boolean relu, Random r, String name,
            KernelCall call) {
        ConvProblem p = ConvGeometry.forward(spec, shape, null);
        try (Tensor w = OneDnnEquivalenceTest.random(r, spec.weightShape(), false);
                Tensor b = spec.bias() ? OneDnnEquivalenceTest.random(r, new long[] {spec.outChannels()}, false) : null;
                Tensor x = OneDnnEquivalenceTest.random(r, shape, false);
                Tensor want = Tensor.zeros(p.outputShape());
                Tensor got = Tensor.zeros(p.outputShape());
                ConvKernel ref = Backends.reference().prepareConv(spec, w, b, relu);
                OneDnnConvKernel mine = (OneDnnConvKernel) ONEDNN.prepareConv(spec, w, b, relu)) {
            if (!call.run(mine, p, x, got)) {
                return false;
            }
            ref.forward(p, x, want);
            assertEquals(null, Compare.floats("output", got, want, Compare.Tolerance.ROUNDING), name);
            return true;
        }
    }

    @Test
    void randomConvolutionsOnSgemmMatchTheReference() {
        // the reliability fuzz draws 1-6 channels, which keep pointwise convolutions on the
        // primitive: this draws the ones the cost model sends to sgemm, and transposed ones with
        // kernel = stride (1d/2d/3d, batched or not, bias or not, with a Sequential's ReLU or not)
        Random r = new Random(23);
        for (int i = 0; i < 30; i++) {
            int d = 1 + r.nextInt(3);
            int in = OneDnnConvKernel.GEMM_MIN_CHANNELS + r.nextInt(20);
            int out = 1 + r.nextInt(9);
            boolean withBias = r.nextBoolean();
            boolean relu = r.nextBoolean();
            long[] spatial = new long[d];
            long positions;
            do {
                positions = 1;
                for (int k = 0; k < d; k++) {
                    spatial[k] = 1 + r.nextInt(d == 1 ? 400 : d == 2 ? 24 : 9);
                    positions *= spatial[k];
                }
            } while (positions < OneDnnConvKernel.GEMM_MIN_POSITIONS);
            boolean batched = r.nextInt(4) != 0;
            long[] shape = new long[(batched ? 2 : 1) + d];
            int at = 0;
            if (batched) {
                shape[at++] = 1 + r.nextInt(3);
            }
            shape[at++] = in;
            System.arraycopy(spatial, 0, shape, at, d);
            // a third transposed, kernel = stride (2 or 3 per dimension), which the model always sends to sgemm
            boolean transposed = i % 3 == 2;
            int[] k = new int[d];
            for (int q = 0; q < d; q++) {
                k[q] = transposed ? 2 + r.nextInt(2) : 1;
            }
            ConvSpec spec = ConvSpec.builder(d, transposed, in, out, k).stride(k).bias(withBias).build();
            modelRouteMatchesReference(spec, shape, relu, OneDnnConvKernel.Route.GEMM, r);
        }
    }

    @Test
    void theCostModelTakesRowBandsForSingleImagesOfManyRows() {
        // from 7 output rows per thread, groups 1, kernels wider than 1, one image (16 input
        // channels: with fewer the blocked output comes first)
        int rows = OneDnnConvKernel.BANDS_PREFERRED_ROWS * ONEDNN.threads();
        ConvSpec conv = ConvSpec.builder(2, false, 16, 8, 3).padding(1).build();
        ConvSpec grouped = ConvSpec.builder(2, false, 16, 8, 3).padding(1).groups(2).build();
        ConvSpec pointwise = ConvSpec.builder(2, false, 16, 8, 1).build();
        ConvSpec conv3d = ConvSpec.builder(3, false, 16, 4, 3).padding(1).build();
        ConvSpec few = ConvSpec.builder(2, false, 3, 8, 3).padding(1).build();
        Object[][] cases = {{conv, new long[] {1, 16, rows, 9}, OneDnnConvKernel.Route.BANDS},
            {conv, new long[] {1, 16, rows - 1, 40}, OneDnnConvKernel.Route.PRIMITIVE},
            {conv, new long[] {2, 16, rows, 9}, OneDnnConvKernel.Route.PRIMITIVE},
            {grouped, new long[] {1, 16, rows, 9}, OneDnnConvKernel.Route.VIA_CHANNELS_LAST},
            {pointwise, new long[] {1, 16, rows, 9}, OneDnnConvKernel.Route.PRIMITIVE},
            {conv3d, new long[] {1, 16, rows, 5, 6}, OneDnnConvKernel.Route.BANDS},
            {few, new long[] {1, 3, rows, 9}, OneDnnConvKernel.Route.BLOCKED_OUTPUT}};
        Random r = new Random(31);
        for (Object[] c : cases) {
            modelRouteMatchesReference((ConvSpec) c[0], (long[]) c[1], true, (OneDnnConvKernel.Route) c[2], r);
        }
    }

    @Test
    void randomConvolutionsInRowBandsMatchTheReference() {
        // single images of 2d/3d convolutions: strides, dilations, padding (asymmetric 'same' too),
        // groups, bias or not, a Sequential's ReLU or not, forced into bands on 1 or 2 threads
        Random r = new Random(37);
        int ran = 0;
        for (int i = 0; i < 30; i++) {
            int d = 2 + r.nextInt(2);
            int groups = r.nextInt(4) == 0 ? 2 : 1;
            int in = groups * (1 + r.nextInt(12));
            int out = groups * (1 + r.nextInt(12));
            Geometry g = Geometry.random(r, d, 1, in, 4, d == 2 ? 12 : 10, d == 2 ? 20 : 6);
            long[] shape = g.shape();
            boolean same = i % 5 == 4;
            ConvSpec.Builder b = ConvSpec.builder(d, false, in, out, g.kernel()).dilation(g.dilation()).groups(groups)
                    .bias(r.nextBoolean());
            ConvSpec spec = same ? b.padding("same").build() : b.stride(g.stride()).padding(g.padding()).build();
            boolean relu = r.nextBoolean();
            int threads = 1 + r.nextInt(2);
            ConvProblem p = ConvGeometry.forward(spec, shape, null);
            if (!forcedRouteMatchesReference(spec, shape, relu, OneDnnConvKernel.Route.BANDS, threads, r)) {
                // too few output rows for bands, or no JIT kernel for the channels-last band
                assertTrue(p.outputSpatial()[0] < 2L * Math.max(2, ONEDNN.threads()) || groups > 1, spec + " on "
                        + java.util.Arrays.toString(shape));
                continue;
            }
            ran++;
        }
        assertTrue(ran >= 20, ran + " of 30 ran in bands");
    }

    @Test
    void randomConvolutionsOnBlocksMatchTheReference() {
        // the reliability fuzz draws 1-6 channels, too few for blocks both ways: this draws 2d/3d
        // convolutions of 16-40 input channels (partial blocks too), strides, dilations, padding,
        // bias or not, a Sequential's ReLU or not, forced onto blocks on 1 or 2 threads
        Random r = new Random(29);
        for (int i = 0; i < 24; i++) {
            int d = 2 + r.nextInt(2);
            int in = 16 + r.nextInt(25);
            int out = 1 + r.nextInt(20);
            // at least 2 output positions per dimension
            Geometry g = Geometry.random(r, d, 1 + r.nextInt(3), in, 3, d == 2 ? 6 : 4, d == 2 ? 10 : 4);
            int[] k = g.kernel();
            int[] stride = g.stride();
            int[] dilation = g.dilation();
            int[] padding = g.padding();
            long[] shape = g.shape();
            boolean withBias = r.nextBoolean();
            boolean relu = r.nextBoolean();
            int threads = 1 + r.nextInt(2);
            ConvSpec spec = ConvSpec.builder(d, false, in, out, k).stride(stride).dilation(dilation).padding(padding)
                    .bias(withBias).build();
            assertTrue(forcedRouteMatchesReference(spec, shape, relu, OneDnnConvKernel.Route.BLOCKED, threads, r),
                    spec + " on " + java.util.Arrays.toString(shape) + " on blocks");
        }
    }

    /**
     * Runs a call of {@code spec} on {@code shape} (random weights, bias if the spec has one, a
     * Sequential's ReLU if {@code relu}) forced onto {@code route} on {@code threads} threads:
     * false if the route cannot take it, else asserts the reference backend's numbers.
     */
    private static boolean forcedRouteMatchesReference(ConvSpec spec, long[] shape, boolean relu,
            OneDnnConvKernel.Route route, int threads, Random r) {
        String name = spec + " on " + java.util.Arrays.toString(shape) + (relu ? " +relu" : "") + ", " + route + ", "
                + threads + " threads";
        return matchesReference(spec, shape, relu, r, name,
                (mine, p, x, got) -> mine.forwardOn(route, threads, p, x, got));
    }

    /**
     * A random convolution's geometry: per dimension a kernel of 1 to {@code maxKernel}, stride and
     * dilation 1 or 2, padding less than the dilated kernel, and a size of {@code minSide} plus up
     * to {@code sides - 1}; the input shape {@code [batch, in, sizes...]}.
     */
    private record Geometry(int[] kernel, int[] stride, int[] dilation, int[] padding, long[] shape) {
        static Geometry random(Random r, int d, long batch, int in, int maxKernel, int minSide, int sides) {
            Geometry g = new Geometry(new int[d], new int[d], new int[d], new int[d], new long[2 + d]);
            g.shape[0] = batch;
            g.shape[1] = in;
            for (int q = 0; q < d; q++) {
                g.kernel[q] = 1 + r.nextInt(maxKernel);
                g.stride[q] = 1 + r.nextInt(2);
                g.dilation[q] = 1 + r.nextInt(2);
                g.padding[q] = r.nextInt(1 + g.dilation[q] * (g.kernel[q] - 1) / 2);
                g.shape[2 + q] = minSide + r.nextInt(sides);
            }
            return g;
        }
    }

    @Test
    void eachPlansChoiceGoesToTheRouteLogger() {
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger(OneDnnConvKernel.ROUTE_LOGGER);
        List<String> messages = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                messages.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Level before = jul.getLevel();
        jul.setLevel(java.util.logging.Level.FINE);
        jul.addHandler(handler);
        ConvSpec spec = ConvSpec.builder(2, false, 64, 4, 1).build();
        ConvProblem p = ConvGeometry.forward(spec, new long[] {1, 64, 12, 12}, null);
        Random r = new Random(3);
        try (Tensor w = OneDnnEquivalenceTest.random(r, spec.weightShape(), false);
                Tensor b = OneDnnEquivalenceTest.random(r, new long[] {4}, false);
                Tensor x = OneDnnEquivalenceTest.random(r, new long[] {1, 64, 12, 12}, false);
                Tensor y = Tensor.zeros(p.outputShape());
                ConvKernel k = ONEDNN.prepareConv(spec, w, b)) {
            k.forward(p, x, y);
            k.forward(p, x, y); // decided once: no second message
        } finally {
            jul.removeHandler(handler);
            jul.setLevel(before);
        }
        assertEquals(1, messages.size(), messages.toString());
        assertTrue(messages.get(0).startsWith("chosen: Conv2d(64, 4") && messages.get(0).endsWith("GEMM"),
                messages.get(0));
    }

    @Test
    void callsThatNeedOwnPaddingOrCopiesStayOnNchw() {
        ConvSpec reflect = ConvSpec.builder(2, false, 2, 2, 3).padding(1).paddingMode("reflect").build();
        ConvProblem p = ConvGeometry.forward(reflect, new long[] {1, 2, 6, 6}, null);
        Random r = new Random(5);
        try (Tensor w = OneDnnEquivalenceTest.random(r, reflect.weightShape(), false);
                Tensor b = OneDnnEquivalenceTest.random(r, new long[] {2}, false);
                Tensor x = OneDnnEquivalenceTest.random(r, new long[] {1, 2, 6, 6}, false);
                Tensor y = Tensor.zeros(p.outputShape());
                OneDnnConvKernel k = (OneDnnConvKernel) ONEDNN.prepareConv(reflect, w, b)) {
            assertEquals(false, k.forwardOn(OneDnnConvKernel.Route.VIA_CHANNELS_LAST, 1, p, x, y));
            assertEquals(false, k.forwardOn(OneDnnConvKernel.Route.OWN_DEPTHWISE, 1, p, x, y));
            assertEquals(false, k.forwardOn(OneDnnConvKernel.Route.BLOCKED_OUTPUT, 1, p, x, y));
            assertEquals(false, k.forwardOn(OneDnnConvKernel.Route.BLOCKED, 1, p, x, y));
            assertEquals(false, k.forwardOn(OneDnnConvKernel.Route.GEMM, 1, p, x, y));
            assertTrue(k.forwardOn(OneDnnConvKernel.Route.PRIMITIVE, 1, p, x, y));
        }
    }
}
