package dev.conv4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.conv4j.Tensor;
import dev.conv4j.Tolerances;
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

/**
 * The direct planar kernels (native/conv4j_direct.inc) on every instruction-set path: the
 * depthwise convolution against the pure-Java reference backend, and pool()'s planar fast path
 * against the general planar kernel and the reference.
 *
 * <p>Depthwise inputs and weights are quarter-integers, so every product and partial sum is
 * exact in float and any summation order gives the reference's value (which sums in double):
 * the comparison is exact except where NaN or infinity make it NaN-for-NaN.
 */
class DirectKernelsTest {
    @BeforeAll
    static void nativeLibraryLoads() {
        assertTrue(Kernels.available(), () -> "native kernels did not load: " + Kernels.loadError());
    }

    @AfterEach
    void defaults() {
        Kernels.selectIsa("auto");
        Kernels.poolFastPath(true);
    }

    static List<String> isas() {
        return KernelsTest.isas();
    }

    // ---------------------------------------------------------------------------------------
    // depthwise convolution

    @ParameterizedTest
    @MethodSource("isas")
    void randomDepthwiseMatchesReference(String isa) {
        Kernels.selectIsa(isa);
        Random rnd = new Random(7031L);
        int ran = 0;
        int withSpecials = 0;
        while (ran < 400) {
            int dims = 1 + rnd.nextInt(3);
            int c = 1 + rnd.nextInt(5);
            int mult = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(3) : 1;
            int[] k = new int[dims];
            int[] s = new int[dims];
            int[] pad = new int[dims];
            int[] dil = new int[dims];
            long[] shape = new long[dims + 2];
            shape[0] = 1 + rnd.nextInt(2);
            shape[1] = c;
            for (int i = 0; i < dims; i++) {
                boolean last = i == dims - 1;
                // widths 1 .. 80: vector tails of every length; short leading dims keep it quick
                shape[2 + i] = 1 + rnd.nextInt(last ? 80 : 7);
                k[i] = 1 + rnd.nextInt(5);
                s[i] = 1 + rnd.nextInt(rnd.nextInt(4) == 0 ? 6 : 3); // strides above the kernel too
                dil[i] = 1 + rnd.nextInt(3);
                pad[i] = rnd.nextInt(k[i] * dil[i] + 2); // padding up to wider than the dilated kernel
            }
            boolean same = rnd.nextInt(5) == 0;
            ConvSpec spec;
            ConvProblem p;
            try {
                ConvSpec.Builder b = ConvSpec.builder(dims, false, c, c * mult, k).dilation(dil).groups(c)
                        .bias(rnd.nextBoolean());
                if (same) {
                    b.padding("same"); // asymmetric for even dilated extents
                } else {
                    b.stride(s).padding(pad);
                }
                spec = b.build();
                p = ConvGeometry.forward(spec, shape, null);
            } catch (IllegalArgumentException invalid) {
                continue; // e.g. an output size below 1
            }
            ran++;
            boolean specials = rnd.nextInt(4) == 0;
            withSpecials += specials ? 1 : 0;
            boolean relu = rnd.nextBoolean();
            float[] x = quarters(rnd, (int) product(shape), specials);
            float[] w = quarters(rnd, (int) product(spec.weightShape()), specials && rnd.nextBoolean());
            float[] b = spec.bias() ? quarters(rnd, c * mult, false) : null;
            int threads = 1 + rnd.nextInt(2);
            String what = isa + " " + p + " relu=" + relu + " threads=" + threads;
            float[] got = depthwise(p, x, w, b, relu, threads);
            float[] want = reference(p, x, w, b, relu);
            assertMatches(what, got, want);
        }
        assertTrue(withSpecials > 50, "problems with NaN/infinity: " + withSpecials);
    }

    @Test
    void depthwiseByHand() {
        // 1 channel, 1x4 input, kernel 1x3, padding 1, bias 0.5: out[j] = x[j-1] + 2 x[j] + 3 x[j+1] + 0.5
        ConvSpec spec = ConvSpec.builder(2, false, 1, 1, 1, 3).padding(0, 1).groups(1).build();
        ConvProblem p = ConvGeometry.forward(spec, new long[] {1, 1, 1, 4}, null);
        float[] got = depthwise(p, new float[] {1, 2, 3, 4}, new float[] {1, 2, 3}, new float[] {0.5f}, false, 1);
        assertEquals(Arrays.toString(new float[] {8.5f, 14.5f, 20.5f, 11.5f}), Arrays.toString(got));
        // multiplier 2 with ReLU: channel 1 has weights -1, so its outputs are negative -> +0
        ConvSpec spec2 = ConvSpec.builder(1, false, 1, 2, 1).groups(1).bias(false).build();
        ConvProblem p2 = ConvGeometry.forward(spec2, new long[] {1, 1, 3}, null);
        float[] got2 = depthwise(p2, new float[] {1, Float.NaN, -0f}, new float[] {2, -1}, null, true, 1);
        // sums start from +0 (no bias), so 2 * -0 sums to +0; torch.relu keeps NaN
        assertEquals(Arrays.toString(new float[] {2, Float.NaN, 0f, 0f, Float.NaN, 0f}), Arrays.toString(got2));
    }

    @Test
    void infiniteWeightsSkipThePadding() {
        // PyTorch's zero padding adds nothing, so an infinite weight over the padding gives no NaN
        ConvSpec spec = ConvSpec.builder(2, false, 1, 1, 3, 3).padding(1).groups(1).bias(false).build();
        ConvProblem p = ConvGeometry.forward(spec, new long[] {1, 1, 2, 2}, null);
        float[] w = {Float.POSITIVE_INFINITY, 0, 0, 0, 1, 0, 0, 0, 0};
        float[] got = depthwise(p, new float[] {1, 2, 3, 4}, w, null, false, 1);
        // out(0,0): the infinite tap lies in the padding; out(1,1): it meets x(0,0) = 1
        assertEquals(Arrays.toString(new float[] {1, 2, 3, Float.POSITIVE_INFINITY}), Arrays.toString(got));
    }

    @Test
    void depthwiseOneAndTwoThreadsAgreeBitForBit() {
        Random rnd = new Random(5);
        ConvSpec spec = ConvSpec.builder(2, false, 24, 24, 3, 3).padding(1).groups(24).build();
        ConvProblem p = ConvGeometry.forward(spec, new long[] {2, 24, 30, 37}, null);
        float[] x = quarters(rnd, (int) product(p.batchedInputShape()), true);
        float[] w = quarters(rnd, 24 * 9, false);
        float[] b = quarters(rnd, 24, false);
        assertEquals(Arrays.toString(depthwise(p, x, w, b, false, 1)), Arrays.toString(depthwise(p, x, w, b, false, 2)));
    }

    @Test
    void depthwiseRefusesWhatItDoesNotCompute() {
        ConvSpec grouped = ConvSpec.builder(2, false, 4, 4, 3, 3).groups(2).build();
        assertFalse(Kernels.depthwise(grouped));
        assertFalse(Kernels.depthwise(ConvSpec.builder(2, false, 4, 4, 3, 3).groups(4).paddingMode("reflect").padding(1)
                .build()));
        assertFalse(Kernels.depthwise(ConvSpec.builder(2, true, 4, 4, 3, 3).groups(4).build()));
        ConvProblem p = ConvGeometry.forward(grouped, new long[] {1, 4, 5, 5}, null);
        try (Tensor in = Tensor.zeros(1, 4, 5, 5); Tensor w = Tensor.zeros(grouped.weightShape());
                Tensor out = Tensor.zeros(1, 4, 3, 3)) {
            assertThrows(IllegalArgumentException.class, () -> Kernels.depthwiseConv(p, in, w, null, out, false, 1));
        }
        ConvSpec dw = ConvSpec.builder(2, false, 4, 4, 3, 3).groups(4).bias(false).build();
        ConvProblem q = ConvGeometry.forward(dw, new long[] {1, 4, 5, 5}, null);
        try (Tensor in = Tensor.zeros(1, 4, 5, 5); Tensor w = Tensor.zeros(dw.weightShape());
                Tensor small = Tensor.zeros(1, 4, 3, 2); Tensor out = Tensor.zeros(1, 4, 3, 3)) {
            assertThrows(IllegalArgumentException.class, () -> Kernels.depthwiseConv(q, in, w, null, small, false, 1));
            assertThrows(IllegalArgumentException.class, () -> Kernels.depthwiseConv(q, in, w, null, out, false, 0));
            Kernels.depthwiseConv(q, in, w, null, out, false, 1);
        }
    }

    // ---------------------------------------------------------------------------------------
    // pooling fast path

    @ParameterizedTest
    @MethodSource("isas")
    void poolFastPathEqualsGeneralKernelAndReference(String isa) {
        Kernels.selectIsa(isa);
        Random rnd = new Random(8812L);
        int ran = 0;
        while (ran < 300) {
            boolean max = rnd.nextBoolean();
            int dims = 1 + rnd.nextInt(3);
            int[] k = new int[dims];
            int[] s = new int[dims];
            int[] pad = new int[dims];
            int[] dil = new int[dims];
            long[] shape = new long[dims + 2];
            shape[0] = 1 + rnd.nextInt(2);
            shape[1] = 1 + rnd.nextInt(3);
            for (int i = 0; i < dims; i++) {
                shape[2 + i] = 1 + rnd.nextInt(i == dims - 1 ? 90 : 8);
                k[i] = 1 + rnd.nextInt(5);
                s[i] = 1 + rnd.nextInt(3);
                pad[i] = rnd.nextInt(k[i] / 2 + 1);
                dil[i] = max ? 1 + rnd.nextInt(2) : 1;
            }
            boolean ceil = rnd.nextBoolean();
            PoolSpec spec;
            if (max) {
                spec = PoolSpec.max(dims, k).stride(s).padding(pad).dilation(dil).ceilMode(ceil).build();
            } else {
                PoolSpec.Builder b = PoolSpec.avg(dims, k).stride(s).padding(pad).ceilMode(ceil)
                        .countIncludePad(rnd.nextBoolean());
                if (dims > 1 && rnd.nextInt(4) == 0) {
                    b.divisorOverride(1 + rnd.nextInt(7));
                }
                spec = b.build();
            }
            PoolProblem p;
            try {
                p = PoolGeometry.forward(spec, shape);
            } catch (IllegalArgumentException tooSmall) {
                continue;
            }
            ran++;
            float[] x = specialsAndTies(rnd, (int) product(shape));
            int threads = 1 + rnd.nextInt(2);
            try (Tensor in = Tensor.of(x, shape); Tensor fast = Tensor.zeros(p.outputShape());
                    Tensor general = Tensor.zeros(p.outputShape()); Tensor want = Tensor.zeros(p.outputShape())) {
                Kernels.poolFastPath(true);
                Kernels.pool(p, in, fast, null, false, threads);
                Kernels.poolFastPath(false);
                Kernels.pool(p, in, general, null, false, 1);
                ReferenceBackend.INSTANCE.pool(p, in, want, null);
                String what = isa + " " + p;
                float[] f = fast.toFloatArray();
                float[] g = general.toFloatArray();
                for (int i = 0; i < f.length; i++) {
                    // the same taps in the same order: the same value (NaN for NaN; the avg
                    // fast path adds +0 for padding taps, so -0 may come out as +0)
                    boolean same = Float.floatToIntBits(f[i]) == Float.floatToIntBits(g[i]) || (!max && f[i] == g[i]);
                    if (!same) {
                        fail(what + ": fast path " + f[i] + " vs general " + g[i] + " at " + i);
                    }
                }
                assertMatches(what, f, want.toFloatArray());
            }
        }
    }

    @Test
    void adaptiveGlobalAverageMatchesReference() {
        Random rnd = new Random(12);
        for (long[] shape : new long[][] {{2, 37, 7, 7}, {1, 5, 1, 1}, {3, 4, 13, 5}, {1, 3, 40, 33}}) {
            AdaptivePoolProblem p = AdaptivePoolGeometry.forward(AdaptivePoolSpec.avg(2, 1, 1), shape);
            float[] x = quarters(rnd, (int) product(shape), false);
            try (Tensor in = Tensor.of(x, shape); Tensor got = Tensor.zeros(p.outputShape());
                    Tensor want = Tensor.zeros(p.outputShape())) {
                Kernels.adaptivePool(p, in, got, null, 2);
                ReferenceBackend.INSTANCE.adaptivePool(p, in, want, null);
                assertMatches(Arrays.toString(shape), got.toFloatArray(), want.toFloatArray());
            }
        }
    }

    // ---------------------------------------------------------------------------------------

    private static float[] depthwise(ConvProblem p, float[] x, float[] w, float[] b, boolean relu, int threads) {
        ConvSpec spec = p.spec();
        try (Tensor in = Tensor.of(x, p.batchedInputShape()); Tensor wt = Tensor.of(w, spec.weightShape());
                Tensor bias = b == null ? null : Tensor.of(b, spec.outChannels());
                Tensor out = Tensor.zeros(p.batchedOutputShape())) {
            Kernels.depthwiseConv(p, in, wt, bias, out, relu, threads);
            return out.toFloatArray();
        }
    }

    private static float[] reference(ConvProblem p, float[] x, float[] w, float[] b, boolean relu) {
        ConvSpec spec = p.spec();
        try (Tensor in = Tensor.of(x, p.batchedInputShape()); Tensor wt = Tensor.of(w, spec.weightShape());
                Tensor bias = b == null ? null : Tensor.of(b, spec.outChannels());
                Tensor out = Tensor.zeros(p.batchedOutputShape());
                ConvKernel k = ReferenceBackend.INSTANCE.prepareConv(spec, wt, bias, relu)) {
            k.forward(p, in, out);
            return out.toFloatArray();
        }
    }

    /** {@link Tolerances#RTOL}: NaN for NaN, equal infinities, else within {@code RTOL * (1 + |e|)}. */
    private static void assertMatches(String what, float[] got, float[] want) {
        assertEquals(want.length, got.length, what);
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < got.length; i++) {
            float g = got[i];
            float e = want[i];
            if (!Tolerances.within(g, e, Tolerances.RTOL) && bad.size() < 5) {
                bad.add("at " + i + ": got " + g + ", expected " + e);
            }
        }
        assertTrue(bad.isEmpty(), () -> what + ": " + bad);
    }

    /** Quarter-integers in [-2, 2]; with specials a few NaN, infinities and -0. */
    private static float[] quarters(Random rnd, int n, boolean specials) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (rnd.nextInt(17) - 8) / 4f;
            if (specials) {
                int r = rnd.nextInt(100);
                v[i] = r == 0 ? Float.NaN : r == 1 ? Float.POSITIVE_INFINITY : r == 2 ? Float.NEGATIVE_INFINITY
                        : r == 3 ? -0f : v[i];
            }
        }
        return v;
    }

    /** Few distinct values (ties, +0 and -0) and a sprinkle of NaN and infinities. */
    private static float[] specialsAndTies(Random rnd, int n) {
        float[] pool = {-1, 0, -0f, 0.5f, 1, 2, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            int r = rnd.nextInt(60);
            v[i] = r == 0 ? Float.NaN : r < 12 ? pool[rnd.nextInt(pool.length)] : (rnd.nextInt(33) - 16) / 8f;
        }
        return v;
    }

    private static long product(long[] v) {
        long p = 1;
        for (long x : v) {
            p *= x;
        }
        return p;
    }
}
