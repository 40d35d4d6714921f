package dev.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.function.Function;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.conv4j.MemoryFormat;
import dev.conv4j.Tensor;
import dev.conv4j.Tolerances;
import dev.conv4j.backend.Backend;
import dev.conv4j.backend.Backends;

/**
 * Every module on channels-last input, on both backends: the output (and indices) come out
 * channels-last, as PyTorch's operators keep {@code channels_last}, with the values of the same
 * call on the contiguous input. Pooling, ReLU and unpooling must be bit-identical; convolutions
 * may sum in another order on oneDNN ({@link Tolerances#KERNEL_RTOL}, relative to {@code max(1, |expected|)}).
 */
class ChannelsLastTest {
    static List<Backend> backends() {
        return List.of(Backends.reference(), Backends.onednn());
    }

    @ParameterizedTest
    @MethodSource("backends")
    void convolutionsKeepChannelsLast(Backend b) {
        try (Conv2d c2 = Conv2d.builder(6, 8, 3).padding(1).stride(2, 1).backend(b).seed(1).build();
                Conv2d dw = Conv2d.builder(16, 16, 3).padding(1).groups(16).backend(b).seed(2).build();
                Conv2d reflect = Conv2d.builder(6, 4, 3).padding(2).paddingMode("reflect").backend(b).seed(3).build();
                Conv3d c3 = Conv3d.builder(5, 7, 3).padding(1).backend(b).seed(4).build();
                ConvTranspose2d t2 = ConvTranspose2d.builder(6, 4, 2).stride(2).backend(b).seed(5).build();
                ConvTranspose2d tail = ConvTranspose2d.builder(6, 4, 3).stride(3).outputPadding(2).backend(b).seed(6)
                        .build()) {
            check(c2::forward, new long[] {2, 6, 9, 11}, false);
            check(dw::forward, new long[] {3, 16, 8, 8}, false);
            check(reflect::forward, new long[] {1, 6, 5, 6}, false);
            check(c3::forward, new long[] {2, 5, 4, 5, 6}, false);
            check(t2::forward, new long[] {2, 6, 5, 4}, false);
            check(tail::forward, new long[] {1, 6, 3, 4}, false);
            check(c2::forward, new long[] {0, 6, 9, 11}, false);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void poolingKeepsChannelsLast(Backend b) {
        try (MaxPool2d max = MaxPool2d.builder(3).stride(2).padding(1).returnIndices(true).backend(b).build();
                MaxPool3d max3 = MaxPool3d.builder(2).backend(b).build();
                AvgPool2d avg = AvgPool2d.builder(3).stride(1).padding(1).backend(b).build();
                AvgPool2d avgOwn = AvgPool2d.builder(3).stride(2).divisorOverride(5).ceilMode(true).backend(b).build();
                LPPool2d lp = LPPool2d.builder(2, 2).backend(b).build();
                AdaptiveAvgPool2d gap = AdaptiveAvgPool2d.builder(1, 1).backend(b).build();
                AdaptiveAvgPool2d uneven = AdaptiveAvgPool2d.builder(3, 2).backend(b).build();
                AdaptiveMaxPool2d amax = AdaptiveMaxPool2d.builder(3, 4).returnIndices(true).backend(b).build();
                ReLU relu = ReLU.builder().backend(b).build()) {
            long[] shape = {2, 19, 7, 9};
            check(max::forward, shape, true);
            check(max3::forward, new long[] {1, 17, 4, 4, 6}, true);
            // stride-1 average: own box filter on NCHW, oneDNN on NHWC (sums in another order)
            check(avg::forward, shape, b != Backends.onednn());
            check(avgOwn::forward, shape, true);
            check(lp::forward, shape, true);
            // global average: own plane sums on NCHW, oneDNN on NHWC (sums in another order)
            check(gap::forward, shape, false);
            check(uneven::forward, shape, true);
            check(amax::forward, shape, true);
            check(relu::forward, shape, true);
            check(x -> indicesOf(max, x), shape, true);
            check(x -> indicesOf(amax, x), shape, true);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void unpoolingTakesChannelsLastValuesAndIndices(Backend b) {
        try (MaxPool2d pool = MaxPool2d.builder(2).returnIndices(true).backend(b).build();
                MaxUnpool2d unpool = MaxUnpool2d.builder(2).stride(2).padding(0).backend(b).build();
                Tensor x = random(new long[] {2, 5, 6, 8}, 7);
                PoolResult r = pool.forwardWithIndices(x);
                Tensor v = r.output().toMemoryFormat(MemoryFormat.CHANNELS_LAST);
                Tensor i = r.indices().toMemoryFormat(MemoryFormat.CHANNELS_LAST);
                Tensor expected = unpool.forward(r.output(), r.indices());
                Tensor got = unpool.forward(v, i)) {
            assertEquals(MemoryFormat.CHANNELS_LAST, got.memoryFormat());
            assertArrayEquals(expected.toFloatArray(), got.toFloatArray());
        }
    }

    /** An unbatched rank-4 input of a 3d operator is not NCDHW: it is computed as if contiguous. */
    @ParameterizedTest
    @MethodSource("backends")
    void unbatched3dInputIsComputedOnLogicalValues(Backend b) {
        try (Conv3d conv = Conv3d.builder(4, 3, 2).backend(b).seed(9).build();
                MaxPool3d pool = MaxPool3d.builder(2).backend(b).build();
                Tensor x = random(new long[] {4, 3, 4, 5}, 11);
                Tensor cl = x.toMemoryFormat(MemoryFormat.CHANNELS_LAST);
                Tensor c1 = conv.forward(x);
                Tensor c2 = conv.forward(cl);
                Tensor p1 = pool.forward(x);
                Tensor p2 = pool.forward(cl)) {
            assertClose(c1.toFloatArray(), c2.toFloatArray(), Tolerances.KERNEL_RTOL);
            assertArrayEquals(p1.toFloatArray(), p2.toFloatArray());
        }
    }

    /**
     * A Sequential with a oneDNN convolution runs a contiguous NCHW input channels-last inside and
     * hands back a contiguous result equal to the modules run one by one; a channels-last input
     * gives a channels-last result. Without a oneDNN convolution nothing is converted.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void sequentialKeepsIntermediatesChannelsLast(Backend b) {
        Conv2d c1 = Conv2d.builder(3, 16, 3).padding(1).backend(b).seed(1).build();
        ReLU relu = ReLU.builder().backend(b).build();
        MaxPool2d pool = MaxPool2d.builder(2).backend(b).build();
        Conv2d c2 = Conv2d.builder(16, 8, 3).backend(b).seed(2).build();
        AdaptiveAvgPool2d gap = AdaptiveAvgPool2d.builder(1, 1).backend(b).build();
        try (Sequential net = new Sequential(c1, relu, pool, c2, gap);
                Tensor x = random(new long[] {2, 3, 12, 10}, 5);
                Tensor cl = x.toMemoryFormat(MemoryFormat.CHANNELS_LAST);
                Tensor y = net.forward(x);
                Tensor ycl = net.forward(cl)) {
            assertEquals(b.name().equals("onednn") ? 4 : 0, net.channelsLastRank());
            assertEquals(MemoryFormat.CONTIGUOUS, y.memoryFormat());
            assertEquals(MemoryFormat.CHANNELS_LAST, ycl.memoryFormat());
            float[] expected;
            try (Tensor a = c1.forward(x); Tensor r = relu.forward(a); Tensor p = pool.forward(r);
                    Tensor c = c2.forward(p); Tensor g = gap.forward(c)) {
                expected = g.toFloatArray();
            }
            assertClose(expected, y.toFloatArray(), Tolerances.KERNEL_RTOL);
            assertClose(expected, ycl.toFloatArray(), Tolerances.KERNEL_RTOL);
        }
    }

    /** A chain with a reflect-padded convolution stays contiguous (that route works on contiguous copies). */
    @ParameterizedTest
    @MethodSource("backends")
    void sequentialWithPaddingModeStaysContiguous(Backend b) {
        try (Sequential net = new Sequential(Conv2d.builder(3, 4, 3).padding(1).backend(b).build(),
                Conv2d.builder(4, 4, 3).padding(1).paddingMode("reflect").backend(b).build());
                Sequential plain = new Sequential(Conv2d.builder(3, 4, 3).padding(1).backend(b).build())) {
            assertEquals(0, net.channelsLastRank());
            assertEquals(b.name().equals("onednn") ? 4 : 0, plain.channelsLastRank());
        }
    }

    private static Tensor indicesOf(Module m, Tensor x) {
        try (PoolResult r = m instanceof Pooling ? ((Pooling) m).forwardWithIndices(x)
                : ((AdaptivePooling) m).forwardWithIndices(x)) {
            assertEquals(x.memoryFormat(), r.output().memoryFormat());
            // indices as float values, for the shared comparison
            long[] idx = r.indices().toLongArray();
            float[] f = new float[idx.length];
            for (int k = 0; k < idx.length; k++) {
                f[k] = idx[k];
            }
            MemoryFormat format = r.indices().memoryFormat();
            try (Tensor t = Tensor.of(f, r.indices().shape())) {
                return t.toMemoryFormat(format);
            }
        }
    }

    /** Runs {@code op} on a contiguous and a channels-last copy of one input and compares. */
    private static void check(Function<Tensor, Tensor> op, long[] shape, boolean exact) {
        try (Tensor x = random(shape, shape.length * 31 + shape[1]);
                Tensor cl = x.toMemoryFormat(MemoryFormat.CHANNELS_LAST);
                Tensor expected = op.apply(x);
                Tensor got = op.apply(cl)) {
            assertEquals(MemoryFormat.CONTIGUOUS, expected.memoryFormat());
            assertEquals(MemoryFormat.CHANNELS_LAST, got.memoryFormat());
            assertArrayEquals(expected.shape(), got.shape());
            if (exact) {
                assertArrayEquals(expected.toFloatArray(), got.toFloatArray());
            } else {
                assertClose(expected.toFloatArray(), got.toFloatArray(), Tolerances.KERNEL_RTOL);
            }
        }
    }

    private static void assertClose(float[] expected, float[] got, double rel) {
        assertEquals(expected.length, got.length);
        for (int i = 0; i < got.length; i++) {
            double tol = rel * Math.max(1, Math.abs(expected[i]));
            assertTrue(Math.abs(expected[i] - got[i]) <= tol, "element " + i + ": " + got[i] + " vs " + expected[i]);
        }
    }

    private static Tensor random(long[] shape, long seed) {
        Random r = new Random(seed);
        int n = Math.toIntExact(java.util.Arrays.stream(shape).reduce(1, Math::multiplyExact));
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextInt(7) == 0 ? (r.nextInt(5) - 2) / 2f : r.nextFloat() * 2 - 1; // some ties
        }
        return Tensor.of(v, shape);
    }
}
