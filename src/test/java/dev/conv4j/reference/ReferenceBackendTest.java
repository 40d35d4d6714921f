package dev.conv4j.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import dev.conv4j.DType;
import dev.conv4j.Tensor;
import dev.conv4j.Tolerances;
import dev.conv4j.backend.Backend;
import dev.conv4j.backend.ConvKernel;
import dev.conv4j.spec.AdaptivePoolGeometry;
import dev.conv4j.spec.AdaptivePoolProblem;
import dev.conv4j.spec.AdaptivePoolSpec;
import dev.conv4j.spec.ConvGeometry;
import dev.conv4j.spec.ConvProblem;
import dev.conv4j.spec.ConvSpec;
import dev.conv4j.spec.PoolGeometry;
import dev.conv4j.spec.PoolKind;
import dev.conv4j.spec.PoolProblem;
import dev.conv4j.spec.PoolSpec;
import dev.conv4j.spec.UnpoolGeometry;
import dev.conv4j.spec.UnpoolProblem;
import dev.conv4j.spec.UnpoolSpec;

/**
 * Small cases whose expected values are worked out by hand in the comments (and agree with
 * PyTorch 1.13). Pooling values and indices are compared exactly; conv/avg/LP results to float
 * rounding.
 */
class ReferenceBackendTest {
    private static final Backend B = ReferenceBackend.INSTANCE;
    private static final float NAN = Float.NaN;
    private static final float NEG_INF = Float.NEGATIVE_INFINITY;

    // ---------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------

    /** Runs a convolution; {@code bias} may be null. Returns the output values and checks its shape. */
    private static float[] conv(ConvSpec spec, float[] x, long[] xShape, float[] w, float[] bias, long[] outShape) {
        ConvProblem problem = ConvGeometry.forward(spec, xShape, null);
        assertArrayEquals(outShape, problem.outputShape(), "output shape");
        try (Tensor input = Tensor.of(x, xShape);
                Tensor weight = Tensor.of(w, spec.weightShape());
                Tensor b = bias == null ? null : Tensor.of(bias, spec.outChannels());
                ConvKernel kernel = B.prepareConv(spec, weight, b);
                Tensor output = Tensor.zeros(problem.outputShape())) {
            kernel.forward(problem, input, output);
            return output.toFloatArray();
        }
    }

    /** Pooled values and (for max pooling) indices. */
    private record Pooled(float[] values, long[] indices) {
    }

    private static Pooled pool(PoolSpec spec, float[] x, long... xShape) {
        PoolProblem problem = PoolGeometry.forward(spec, xShape);
        boolean max = spec.kind() == PoolKind.MAX;
        try (Tensor input = Tensor.of(x, xShape);
                Tensor output = Tensor.zeros(problem.outputShape());
                Tensor indices = max ? Tensor.zeros(DType.INT64, problem.outputShape()) : null) {
            B.pool(problem, input, output, indices);
            return new Pooled(output.toFloatArray(), max ? indices.toLongArray() : null);
        }
    }

    private static Pooled adaptive(AdaptivePoolSpec spec, float[] x, long... xShape) {
        AdaptivePoolProblem problem = AdaptivePoolGeometry.forward(spec, xShape);
        boolean max = spec.kind() == PoolKind.MAX;
        try (Tensor input = Tensor.of(x, xShape);
                Tensor output = Tensor.zeros(problem.outputShape());
                Tensor indices = max ? Tensor.zeros(DType.INT64, problem.outputShape()) : null) {
            B.adaptivePool(problem, input, output, indices);
            return new Pooled(output.toFloatArray(), max ? indices.toLongArray() : null);
        }
    }

    private static float[] unpool(UnpoolSpec spec, float[] x, long[] idx, long... xShape) {
        UnpoolProblem problem = UnpoolGeometry.forward(spec, xShape, xShape, null);
        try (Tensor input = Tensor.of(x, xShape);
                Tensor indices = Tensor.ofLongs(idx, xShape);
                Tensor output = Tensor.zeros(problem.outputShape())) {
            B.maxUnpool(problem, input, indices, output);
            return output.toFloatArray();
        }
    }

    /** Element-wise within {@link Tolerances#HAND_RTOL} {@code * (1 + |expected|)}; NaN only where NaN is expected. */
    private static void assertClose(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, "length");
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i];
            float a = actual[i];
            if (Float.isNaN(e) || Float.isInfinite(e)) {
                assertEquals(e, a, "element " + i);
            } else {
                assertTrue(Math.abs(a - e) <= Tolerances.HAND_RTOL * (1 + Math.abs(e)),
                        "element " + i + ": expected " + e + " but got " + a);
            }
        }
    }

    private static ConvSpec.Builder conv(int dims, int in, int out, int... k) {
        return ConvSpec.builder(dims, false, in, out, k);
    }

    private static ConvSpec.Builder convT(int dims, int in, int out, int... k) {
        return ConvSpec.builder(dims, true, in, out, k);
    }

    private static final float[] X3X3 = {
        1, 2, 3,
        4, 5, 6,
        7, 8, 9,
    };

    // ---------------------------------------------------------------------------------------
    // Convolution
    // ---------------------------------------------------------------------------------------

    @Test
    void conv2dKnownKernelWithBias() {
        // w = [[1,2],[3,4]], bias 0.5; out[i][j] = x[i][j] + 2x[i][j+1] + 3x[i+1][j] + 4x[i+1][j+1] + 0.5
        // (0,0): 1+4+12+20 = 37; (0,1): 2+6+15+24 = 47; (1,0): 4+10+21+32 = 67; (1,1): 5+12+24+36 = 77
        float[] y = conv(conv(2, 1, 1, 2).build(), X3X3, new long[] {1, 1, 3, 3}, new float[] {1, 2, 3, 4},
                new float[] {0.5f}, new long[] {1, 1, 2, 2});
        assertClose(new float[] {37.5f, 47.5f, 67.5f, 77.5f}, y);
    }

    @Test
    void conv2dZeroPaddingStride2() {
        // padding 1, stride 2: windows start at rows/cols -1 and 1.
        // (0,0): only x[0][0]=1 under w[1][1]=4 -> 4
        // (0,1): row -1 is padding; x[0][1]*3 + x[0][2]*4 = 6+12 = 18
        // (1,0): col -1 is padding; x[1][0]*2 + x[2][0]*4 = 8+28 = 36
        // (1,1): 5*1 + 6*2 + 8*3 + 9*4 = 77
        float[] y = conv(conv(2, 1, 1, 2).stride(2).padding(1).bias(false).build(), X3X3, new long[] {1, 1, 3, 3},
                new float[] {1, 2, 3, 4}, null, new long[] {1, 1, 2, 2});
        assertClose(new float[] {4, 18, 36, 77}, y);
    }

    @Test
    void conv2dUnbatched() {
        // the same as conv2dKnownKernelWithBias without the batch dimension
        float[] y = conv(conv(2, 1, 1, 2).build(), X3X3, new long[] {1, 3, 3}, new float[] {1, 2, 3, 4},
                new float[] {0.5f}, new long[] {1, 2, 2});
        assertClose(new float[] {37.5f, 47.5f, 67.5f, 77.5f}, y);
    }

    @Test
    void conv1dPaddingModes() {
        // x = [1,2,3], w = [1,10,100], padding 1 in the given mode, then a valid convolution.
        float[] x = {1, 2, 3};
        float[] w = {1, 10, 100};
        long[] shape = {1, 1, 3};
        long[] outShape = {1, 1, 3};
        // reflect: [2,1,2,3,2] -> 2+10+200, 1+20+300, 2+30+200
        assertClose(new float[] {212, 321, 232},
                conv(conv(1, 1, 1, 3).padding(1).paddingMode("reflect").bias(false).build(), x, shape, w, null,
                        outShape));
        // circular: [3,1,2,3,1] -> 3+10+200, 1+20+300, 2+30+100
        assertClose(new float[] {213, 321, 132},
                conv(conv(1, 1, 1, 3).padding(1).paddingMode("circular").bias(false).build(), x, shape, w, null,
                        outShape));
        // replicate: [1,1,2,3,3] -> 1+10+200, 1+20+300, 2+30+300
        assertClose(new float[] {211, 321, 332},
                conv(conv(1, 1, 1, 3).padding(1).paddingMode("replicate").bias(false).build(), x, shape, w, null,
                        outShape));
        // zeros: [0,1,2,3,0] -> 0+10+200, 1+20+300, 2+30+0
        assertClose(new float[] {210, 321, 32},
                conv(conv(1, 1, 1, 3).padding(1).bias(false).build(), x, shape, w, null, outShape));
    }

    @Test
    void conv1dSameEvenKernelPadsOnTheRight() {
        // 'same' with k=2: total padding 1, all on the right: [1,2,3,0]; w = [1,10]
        // -> 1+20, 2+30, 3+0
        float[] y = conv(conv(1, 1, 1, 2).padding("same").bias(false).build(), new float[] {1, 2, 3},
                new long[] {1, 1, 3}, new float[] {1, 10}, null, new long[] {1, 1, 3});
        assertClose(new float[] {21, 32, 3}, y);
    }

    @Test
    void conv1dGroupsAndDilation() {
        // groups=2: out channel 0 sees in channel 0 only, out channel 1 in channel 1 only.
        // dilation 2, k=2: taps at o and o+2.
        // ch0 = [1,2,3,4], w0 = [1,1]  -> [1+3, 2+4] = [4, 6]
        // ch1 = [10,20,30,40], w1 = [1,-1] -> [10-30, 20-40] = [-20, -20]
        float[] y = conv(conv(1, 2, 2, 2).dilation(2).groups(2).bias(false).build(),
                new float[] {1, 2, 3, 4, 10, 20, 30, 40}, new long[] {1, 2, 4}, new float[] {1, 1, 1, -1}, null,
                new long[] {1, 2, 2});
        assertClose(new float[] {4, 6, -20, -20}, y);
    }

    @Test
    void conv2dMultiChannelBatch() {
        // 1x1 kernels mixing 2 input channels into 2 outputs, 2 images of 1x2 pixels:
        // oc0 = 1*c0 + 2*c1 + 1, oc1 = -1*c0 + 0*c1
        // image 0: c0 = [1,2], c1 = [3,4] -> oc0 = [8, 11], oc1 = [-1, -2]
        // image 1: c0 = [0,5], c1 = [1,0] -> oc0 = [3, 6],  oc1 = [0, -5]
        float[] y = conv(conv(2, 2, 2, 1).build(), new float[] {1, 2, 3, 4, 0, 5, 1, 0}, new long[] {2, 2, 1, 2},
                new float[] {1, 2, -1, 0}, new float[] {1, 0}, new long[] {2, 2, 1, 2});
        assertClose(new float[] {8, 11, -1, -2, 3, 6, 0, -5}, y);
    }

    @Test
    void conv3dOnes() {
        // 2x2x2 kernel of ones over 1..8: the sum 36
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8};
        float[] w = {1, 1, 1, 1, 1, 1, 1, 1};
        float[] y = conv(conv(3, 1, 1, 2).bias(false).build(), x, new long[] {1, 1, 2, 2, 2}, w, null,
                new long[] {1, 1, 1, 1, 1});
        assertClose(new float[] {36}, y);
    }

    @Test
    void convTranspose1dStride2() {
        // x = [1,2], w = [1,10,100], stride 2: input i adds x[i]*w[k] at output 2i+k.
        // i=0 -> o=0,1,2: 1, 10, 100;  i=1 -> o=2,3,4: 2, 20, 200
        // full output (size (2-1)*2 + 3 = 5): [1, 10, 102, 20, 200]
        float[] x = {1, 2};
        float[] w = {1, 10, 100};
        long[] shape = {1, 1, 2};
        assertClose(new float[] {1, 10, 102, 20, 200},
                conv(convT(1, 1, 1, 3).stride(2).bias(false).build(), x, shape, w, null, new long[] {1, 1, 5}));
        // padding 1 crops one element on each side: [10, 102, 20]
        assertClose(new float[] {10, 102, 20},
                conv(convT(1, 1, 1, 3).stride(2).padding(1).bias(false).build(), x, shape, w, null,
                        new long[] {1, 1, 3}));
        // padding 1, output_padding 1: one more on the right: [10, 102, 20, 200]
        assertClose(new float[] {10, 102, 20, 200},
                conv(convT(1, 1, 1, 3).stride(2).padding(1).outputPadding(1).bias(false).build(), x, shape, w, null,
                        new long[] {1, 1, 4}));
        // padding 0, output_padding 1 (padAfter = -1): an extra position nothing reaches: [..., 0]
        assertClose(new float[] {1, 10, 102, 20, 200, 0},
                conv(convT(1, 1, 1, 3).stride(2).outputPadding(1).bias(false).build(), x, shape, w, null,
                        new long[] {1, 1, 6}));
    }

    @Test
    void convTranspose1dDilation() {
        // x = [1,2], w = [1,10], dilation 2: input i reaches o = i and o = i+2.
        // size (2-1) + 2*(2-1) + 1 = 4: o0 = 1, o1 = 2, o2 = 10, o3 = 20
        float[] y = conv(convT(1, 1, 1, 2).dilation(2).bias(false).build(), new float[] {1, 2},
                new long[] {1, 1, 2}, new float[] {1, 10}, null, new long[] {1, 1, 4});
        assertClose(new float[] {1, 2, 10, 20}, y);
    }

    @Test
    void convTranspose1dGroups() {
        // in 2, out 4, groups 2, k=1: weight [in=2, out/groups=2, 1].
        // group 0: in ch0 = [1,2] -> oc0 (w=2, bias .5) = [2.5, 4.5], oc1 (w=3) = [3, 6]
        // group 1: in ch1 = [3,4] -> oc2 (w=5) = [15, 20], oc3 (w=7, bias -1) = [20, 27]
        float[] y = conv(convT(1, 2, 4, 1).groups(2).build(), new float[] {1, 2, 3, 4}, new long[] {1, 2, 2},
                new float[] {2, 3, 5, 7}, new float[] {0.5f, 0, 0, -1}, new long[] {1, 4, 2});
        assertClose(new float[] {2.5f, 4.5f, 3, 6, 15, 20, 20, 27}, y);
    }

    @Test
    void convTranspose2dStride2() {
        // x = [[1,2]] (1x2), w = [[1,2],[3,4]], stride 2: each input pixel stamps x*w into its own 2x2 block
        // output 2x4: [[1,2,2,4],[3,4,6,8]]
        float[] y = conv(convT(2, 1, 1, 2).stride(2).bias(false).build(), new float[] {1, 2},
                new long[] {1, 1, 1, 2}, new float[] {1, 2, 3, 4}, null, new long[] {1, 1, 2, 4});
        assertClose(new float[] {1, 2, 2, 4, 3, 4, 6, 8}, y);
    }

    @Test
    void convEmptyBatch() {
        float[] y = conv(conv(2, 1, 1, 2).build(), new float[0], new long[] {0, 1, 3, 3}, new float[] {1, 2, 3, 4},
                new float[] {0.5f}, new long[] {0, 1, 2, 2});
        assertEquals(0, y.length);
    }

    @Test
    void convKernelCopiesWeightsAndRefusesUseAfterClose() {
        ConvSpec spec = conv(1, 1, 1, 2).bias(false).build();
        ConvProblem problem = ConvGeometry.forward(spec, new long[] {1, 1, 3}, null);
        ConvKernel kernel;
        try (Tensor weight = Tensor.of(new float[] {1, 10}, 1, 1, 2)) {
            kernel = B.prepareConv(spec, weight, null);
        }
        // the weight is closed: the kernel works from its own copy. [1,2,3] * [1,10] -> [21, 32]
        try (Tensor input = Tensor.of(new float[] {1, 2, 3}, 1, 1, 3);
                Tensor output = Tensor.zeros(problem.outputShape())) {
            kernel.forward(problem, input, output);
            assertClose(new float[] {21, 32}, output.toFloatArray());
            kernel.close();
            kernel.close();
            assertThrows(IllegalStateException.class, () -> kernel.forward(problem, input, output));
        }
    }

    @Test
    void convKernelIsThreadSafe() throws Exception {
        // many threads share one kernel; each must get the values of conv2dKnownKernelWithBias
        ConvSpec spec = conv(2, 1, 1, 2).build();
        ConvProblem problem = ConvGeometry.forward(spec, new long[] {1, 1, 3, 3}, null);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (Tensor weight = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
                Tensor bias = Tensor.of(new float[] {0.5f}, 1);
                ConvKernel kernel = B.prepareConv(spec, weight, bias)) {
            List<Future<float[]>> results = new ArrayList<>();
            for (int t = 0; t < 32; t++) {
                results.add(pool.submit(() -> {
                    try (Tensor input = Tensor.of(X3X3, 1, 1, 3, 3); Tensor output = Tensor.zeros(1, 1, 2, 2)) {
                        kernel.forward(problem, input, output);
                        return output.toFloatArray();
                    }
                }));
            }
            for (Future<float[]> f : results) {
                assertClose(new float[] {37.5f, 47.5f, 67.5f, 77.5f}, f.get());
            }
        } finally {
            pool.shutdown();
        }
    }

    // ---------------------------------------------------------------------------------------
    // Max pooling
    // ---------------------------------------------------------------------------------------

    @Test
    void maxPool2dTieFirstWins() {
        // 2x4 input, k=2: window 0 holds (0,0)=1, (0,1)=3, (1,0)=3, (1,1)=2 -> 3 at flat index 1 (first of the tie);
        // window 1 holds (0,2)=3, (0,3)=0, (1,2)=1, (1,3)=3 -> 3 at flat index 2 (not 7)
        Pooled r = pool(PoolSpec.max(2, 2).build(), new float[] {1, 3, 3, 0, 3, 2, 1, 3}, 1, 1, 2, 4);
        assertArrayEquals(new float[] {3, 3}, r.values());
        assertArrayEquals(new long[] {1, 2}, r.indices());
    }

    @Test
    void maxPool1dNanPropagatesAndLastNanWins() {
        // x = [1, NaN, 5, NaN, 2, 7], k=4, stride 2: windows [0..3] and [2..5].
        // window 0: 1, NaN@1 (taken), 5 (5 > NaN is false), NaN@3 (isnan: taken) -> NaN at 3
        // window 1: 5, NaN@3 (taken), 2, 7 -> NaN at 3
        Pooled r = pool(PoolSpec.max(1, 4).stride(2).build(), new float[] {1, NAN, 5, NAN, 2, 7}, 1, 1, 6);
        assertArrayEquals(new float[] {NAN, NAN}, r.values());
        assertArrayEquals(new long[] {3, 3}, r.indices());
    }

    @Test
    void maxPool1dAllNegativeInfinityKeepsFirstTapInside() {
        // x = [-inf, -inf, -inf], k=2, stride 2, padding 1: windows [-1,0] and [1,2].
        // Nothing beats -inf, so each index stays at the first tap inside the input: 0 and 1.
        Pooled r = pool(PoolSpec.max(1, 2).stride(2).padding(1).build(), new float[] {NEG_INF, NEG_INF, NEG_INF},
                1, 1, 3);
        assertArrayEquals(new float[] {NEG_INF, NEG_INF}, r.values());
        assertArrayEquals(new long[] {0, 1}, r.indices());
    }

    @Test
    void maxPool1dDilationWithPadding() {
        // x = [4, 9, -inf, 6, 1], k=2, stride 2, padding 1, dilation 2: taps at start and start+2.
        // o0: start -1 -> taps -1 (padding), 1 -> 9 @1
        // o1: start 1 -> taps 1, 3 -> 9 @1
        // o2: start 3 -> taps 3, 5 (outside) -> 6 @3
        Pooled r = pool(PoolSpec.max(1, 2).stride(2).padding(1).dilation(2).build(), new float[] {4, 9, NEG_INF, 6, 1},
                1, 1, 5);
        assertArrayEquals(new float[] {9, 9, 6}, r.values());
        assertArrayEquals(new long[] {1, 1, 3}, r.indices());
    }

    @Test
    void maxPool3dFlatIndex() {
        // 2x2x2 input [3,1,4,1,5,9,2,6]: the max 9 sits at (d=1, h=0, w=1) -> 1*4 + 0*2 + 1 = 5
        Pooled r = pool(PoolSpec.max(3, 2).build(), new float[] {3, 1, 4, 1, 5, 9, 2, 6}, 1, 1, 2, 2, 2);
        assertArrayEquals(new float[] {9}, r.values());
        assertArrayEquals(new long[] {5}, r.indices());
    }

    @Test
    void maxPool2dIndicesArePerPlane() {
        // two channels of 1x2: indices restart at 0 in every plane
        Pooled r = pool(PoolSpec.max(2, 1, 2).build(), new float[] {1, 2, 8, 7}, 1, 2, 1, 2);
        assertArrayEquals(new float[] {2, 8}, r.values());
        assertArrayEquals(new long[] {1, 0}, r.indices());
    }

    @Test
    void poolEmptyBatch() {
        Pooled r = pool(PoolSpec.max(2, 2).build(), new float[0], 0, 3, 4, 4);
        assertEquals(0, r.values().length);
        Pooled a = pool(PoolSpec.avg(2, 2).build(), new float[0], 0, 3, 4, 4);
        assertEquals(0, a.values().length);
    }

    // ---------------------------------------------------------------------------------------
    // Average and LP pooling
    // ---------------------------------------------------------------------------------------

    @Test
    void avgPool1dCeilModeCountIncludePad() {
        // x = [1,2,3,4,5], k=4, stride 3, padding 2, ceil_mode: 3 windows starting at -2, 1, 4.
        // The padded input spans [-2, 7).
        // o0: [-2,2) -> inside [0,2): 1+2 = 3, divisor 4 -> 0.75
        // o1: [1,5): 2+3+4+5 = 14, divisor 4 -> 3.5
        // o2: [4,8) clipped to the padded input [4,7) -> divisor 3 (not 4); inside [4,5): 5 -> 5/3
        Pooled r = pool(PoolSpec.avg(1, 4).stride(3).padding(2).ceilMode(true).build(), new float[] {1, 2, 3, 4, 5},
                1, 1, 5);
        assertClose(new float[] {0.75f, 3.5f, 5f / 3}, r.values());
        // count_include_pad=False: divisors are the inside counts 2, 4, 1 -> 1.5, 3.5, 5
        Pooled e = pool(PoolSpec.avg(1, 4).stride(3).padding(2).ceilMode(true).countIncludePad(false).build(),
                new float[] {1, 2, 3, 4, 5}, 1, 1, 5);
        assertClose(new float[] {1.5f, 3.5f, 5f}, e.values());
    }

    @Test
    void avgPool2dDivisorOverride() {
        // (1+2+3+4) / 3
        Pooled r = pool(PoolSpec.avg(2, 2).divisorOverride(3).build(), new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        assertClose(new float[] {10f / 3}, r.values());
    }

    @Test
    void avgPool2dPaddingCorners() {
        // 2x2 input [1,2,3,4], k=2, stride 1, padding 1 -> 3x3 windows; each window is counted as 4
        // corner (0,0): only x[0][0]=1 -> 1/4; centre (1,1): all -> 10/4; edge (0,1): 1+2 -> 3/4
        Pooled r = pool(PoolSpec.avg(2, 2).stride(1).padding(1).build(), new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        assertClose(new float[] {0.25f, 0.75f, 0.5f, 1f, 2.5f, 1.5f, 0.75f, 1.75f, 1f}, r.values());
    }

    @Test
    void avgPool3dMean() {
        // mean of 1..8 = 4.5
        Pooled r = pool(PoolSpec.avg(3, 2).build(), new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 1, 1, 2, 2, 2);
        assertClose(new float[] {4.5f}, r.values());
    }

    @Test
    void lpPool1dP2CeilModeUsesFullKernelVolume() {
        // p=2, k=2, stride 2, ceil_mode on [3,4,1,2,2]: windows [3,4], [1,2], [2] (overhanging).
        // mean of squares * 2, then sqrt: (9+16)/2*2 = 25 -> 5; (1+4)/2*2 = 5 -> sqrt 5;
        // last window: mean over the clipped window (4/1) but times the full kernel size 2 -> sqrt 8
        Pooled r = pool(PoolSpec.lp(1, 2, 2).stride(2).ceilMode(true).build(), new float[] {3, 4, 1, 2, 2}, 1, 1, 5);
        assertClose(new float[] {5f, (float) Math.sqrt(5), (float) Math.sqrt(8)}, r.values());
    }

    @Test
    void lpPool1dP3NegativeSumIsNan() {
        // p=3, k=2 on [-1,-2,2,1]: (-1-8)/2*2 = -9 -> (-9)^(1/3) is NaN as in C pow; (8+1)/2*2 = 9 -> cbrt 9
        Pooled r = pool(PoolSpec.lp(1, 3, 2).build(), new float[] {-1, -2, 2, 1}, 1, 1, 4);
        assertClose(new float[] {NAN, (float) Math.cbrt(9)}, r.values());
    }

    @Test
    void lpPool1dP1KeepsTheSign() {
        // p=1: the window sum, sign included: (-1-2), (3+5)
        Pooled r = pool(PoolSpec.lp(1, 1, 2).build(), new float[] {-1, -2, 3, 5}, 1, 1, 4);
        assertClose(new float[] {-3, 8}, r.values());
    }

    @Test
    void lpPool1dInfiniteNormFollowsCPow() {
        // p=inf: x^inf is 1 for x = +-1 (C pow), so the window [1,-1] gives mean 1 * 2 = 2, then 2^0 = 1;
        // [2, inf] gives inf, then inf^0 = 1
        Pooled r = pool(PoolSpec.lp(1, Double.POSITIVE_INFINITY, 2).build(),
                new float[] {1, -1, 2, Float.POSITIVE_INFINITY}, 1, 1, 4);
        assertClose(new float[] {1, 1}, r.values());
    }

    @Test
    void lpPool2dP2() {
        // sqrt(1 + 4 + 4 + 16) = 5
        Pooled r = pool(PoolSpec.lp(2, 2, 2).build(), new float[] {1, 2, 2, 4}, 1, 1, 2, 2);
        assertClose(new float[] {5}, r.values());
    }

    // ---------------------------------------------------------------------------------------
    // Adaptive pooling
    // ---------------------------------------------------------------------------------------

    @Test
    void adaptiveAvg1dUnevenWindows() {
        // in=5, out=3: windows [floor(i*5/3), ceil((i+1)*5/3)) = [0,2), [1,4), [3,5)
        // x = [1,2,4,8,16] -> (1+2)/2, (2+4+8)/3, (8+16)/2
        Pooled r = adaptive(AdaptivePoolSpec.avg(1, 3), new float[] {1, 2, 4, 8, 16}, 1, 1, 5);
        assertClose(new float[] {1.5f, 14f / 3, 12f}, r.values());
    }

    @Test
    void adaptiveAvg2dLargerOutputRepeats() {
        // in 1x2 -> out 1x3: windows [0,1), [0,2), [1,2) -> 1, 1.5, 2
        Pooled r = adaptive(AdaptivePoolSpec.avg(2, 1, 3), new float[] {1, 2}, 1, 1, 1, 2);
        assertClose(new float[] {1, 1.5f, 2}, r.values());
    }

    @Test
    void adaptiveMax2dNanAndTie() {
        // 2x3 input [[1,5,2],[NaN,0,5]] -> out 1x2; W windows [0,2), [1,3)
        // cell 0: 1, 5, NaN@3, 0 -> NaN at 3
        // cell 1: 5@1, 2, 0, 5@5 -> tie, the first 5 wins: index 1
        Pooled r = adaptive(AdaptivePoolSpec.max(2, true, 1, 2), new float[] {1, 5, 2, NAN, 0, 5}, 1, 1, 2, 3);
        assertArrayEquals(new float[] {NAN, 5}, r.values());
        assertArrayEquals(new long[] {3, 1}, r.indices());
    }

    @Test
    void adaptiveMax3dAllNegativeInfinityIndexIsWindowStart() {
        // nothing beats -inf: the index stays at the window's first element (per cell: 0 and 1 along W)
        float[] x = new float[8];
        Arrays.fill(x, NEG_INF);
        Pooled r = adaptive(AdaptivePoolSpec.max(3, true, 1, 1, 2), x, 1, 2, 2, 2);
        assertArrayEquals(new float[] {NEG_INF, NEG_INF}, r.values());
        assertArrayEquals(new long[] {0, 1}, r.indices());
    }

    @Test
    void adaptiveZeroOutputSizeIsEmpty() {
        Pooled r = adaptive(AdaptivePoolSpec.avg(1, 0), new float[] {1, 2, 3, 4}, 1, 1, 4);
        assertEquals(0, r.values().length);
        Pooled m = adaptive(AdaptivePoolSpec.max(2, true, 0, 2), new float[] {1, 2, 3, 4}, 1, 2, 2);
        assertEquals(0, m.values().length);
    }

    @Test
    void adaptiveEmptyBatch() {
        Pooled r = adaptive(AdaptivePoolSpec.max(2, true, 2), new float[0], 0, 2, 4, 4);
        assertEquals(0, r.values().length);
    }

    // ---------------------------------------------------------------------------------------
    // Max unpooling
    // ---------------------------------------------------------------------------------------

    @Test
    void maxUnpool1dScatters() {
        // k=2: output size (2-1)*2 + 2 = 4; 10 -> index 3, 20 -> index 0
        float[] y = unpool(UnpoolSpec.of(1, new int[] {2}, null, new int[] {0}), new float[] {10, 20},
                new long[] {3, 0}, 1, 1, 2);
        assertArrayEquals(new float[] {20, 0, 0, 10}, y);
    }

    @Test
    void maxUnpool1dLaterWriteWins() {
        // both values go to index 1: the later (20) stays
        float[] y = unpool(UnpoolSpec.of(1, new int[] {2}, null, new int[] {0}), new float[] {10, 20},
                new long[] {1, 1}, 1, 1, 2);
        assertArrayEquals(new float[] {0, 20, 0, 0}, y);
    }

    @Test
    void maxUnpool2dPerPlane() {
        // 2 channels of 1x1, k=2 -> 2x2 planes; channel 0 writes 5 at 3, channel 1 writes 7 at 0 of its own plane
        float[] y = unpool(UnpoolSpec.of(2, new int[] {2}, null, new int[] {0}), new float[] {5, 7},
                new long[] {3, 0}, 1, 2, 1, 1);
        assertArrayEquals(new float[] {0, 0, 0, 5, 7, 0, 0, 0}, y);
    }

    @Test
    void maxUnpool2dInvalidIndexMessage() {
        // 2x2 input, k=2 -> 4x4 output: index 16 is one past the end.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> unpool(UnpoolSpec.of(2, new int[] {2}, null, new int[] {0}), new float[] {1, 1, 1, 1},
                        new long[] {16, 0, 1, 2}, 1, 1, 2, 2));
        // PyTorch 1.13's text (without a closing parenthesis)
        assertEquals("Found an invalid max index: 16 (output volumes are of size 4x4", e.getMessage());
    }

    @Test
    void maxUnpool2dReportsTheLastInvalidIndex() {
        // ATen scans every element and keeps the last invalid index it met (single-threaded): -3
        UnpoolSpec spec = UnpoolSpec.of(2, new int[] {2}, null, new int[] {0});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> unpool(spec, new float[] {1, 1, 1, 1}, new long[] {16, 0, 17, -3}, 1, 1, 2, 2));
        assertEquals("Found an invalid max index: -3 (output volumes are of size 4x4", e.getMessage());
    }

    @Test
    void maxUnpool1dNegativeIndex() {
        UnpoolSpec spec = UnpoolSpec.of(1, new int[] {2}, null, new int[] {0});
        UnpoolProblem problem = UnpoolGeometry.forward(spec, new long[] {1, 1, 3}, new long[] {1, 1, 3}, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> unpool(spec, new float[] {1, 2, 3}, new long[] {0, -1, 4}, 1, 1, 3));
        assertEquals(problem.invalidIndexMessage(-1), e.getMessage());
    }

    @Test
    void maxUnpoolEmptyBatch() {
        float[] y = unpool(UnpoolSpec.of(2, new int[] {2}, null, new int[] {0}), new float[0], new long[0], 0, 1, 2, 2);
        assertEquals(0, y.length);
    }
}
