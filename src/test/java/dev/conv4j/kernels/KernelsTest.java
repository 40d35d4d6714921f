package dev.conv4j.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.conv4j.DType;
import dev.conv4j.Tensor;
import dev.conv4j.Tolerances;
import dev.conv4j.reference.ReferenceBackend;
import dev.conv4j.spec.AdaptivePoolGeometry;
import dev.conv4j.spec.AdaptivePoolProblem;
import dev.conv4j.spec.AdaptivePoolSpec;
import dev.conv4j.spec.PadGeometry;
import dev.conv4j.spec.PaddingMode;
import dev.conv4j.spec.PoolGeometry;
import dev.conv4j.spec.PoolKind;
import dev.conv4j.spec.PoolProblem;
import dev.conv4j.spec.PoolSpec;
import dev.conv4j.spec.Tuples;
import dev.conv4j.spec.UnpoolGeometry;
import dev.conv4j.spec.UnpoolProblem;
import dev.conv4j.spec.UnpoolSpec;

/**
 * The native kernels on every instruction-set path this CPU has (AVX-512, AVX2, NEON,
 * scalar): small examples worked out by hand, seeded random problems against the pure-Java
 * reference, and every vector path against the scalar one bit for bit.
 *
 * <p>Tolerances ({@link Tolerances}): max pooling and indices exact (same taps, same comparisons);
 * average and LP {@link Tolerances#KERNEL_RTOL}, since the reference sums in double and the kernels
 * in float (and adaptive average over long rows sums in vector lanes); the hand-worked examples
 * {@link Tolerances#HAND_RTOL} as an absolute bound (tighter than the relative form: their values are small).
 */
class KernelsTest {
    private static final float NAN = Float.NaN;
    /** {@link Tolerances#HAND_RTOL}, as the absolute bound of the hand-worked examples. */
    private static final float HAND = (float) Tolerances.HAND_RTOL;
    private static final float NEG_INF = Float.NEGATIVE_INFINITY;

    @BeforeAll
    static void nativeLibraryLoads() {
        assertTrue(Kernels.available(), () -> "native kernels did not load: " + Kernels.loadError());
    }

    @AfterEach
    void bestPathAgain() {
        Kernels.selectIsa("auto");
    }

    /** Every path this CPU can run. */
    static List<String> isas() {
        List<String> paths = new ArrayList<>();
        for (String isa : new String[] {"avx512", "avx2", "neon", "scalar"}) {
            if (Kernels.selectIsa(isa).equals(isa)) {
                paths.add(isa);
            }
        }
        Kernels.selectIsa("auto");
        return paths;
    }

    // ---------------------------------------------------------------------------------------
    // Library, threads, peak

    @Test
    void absMaxFindsTheLargestMagnitudeAndFlagsNonFinite() {
        // |-7.5| is the largest magnitude; 17 elements so the vector loop has a tail
        float[] v = new float[17];
        for (int i = 0; i < v.length; i++) {
            v[i] = i * 0.25f;
        }
        v[9] = -7.5f;
        try (Tensor t = Tensor.of(v, 17)) {
            assertEquals(7.5, Kernels.absMax(t));
        }
        v[16] = Float.NaN;
        try (Tensor t = Tensor.of(v, 17)) {
            assertTrue(Double.isNaN(Kernels.absMax(t)));
        }
        v[16] = Float.NEGATIVE_INFINITY;
        try (Tensor t = Tensor.of(v, 17)) {
            assertTrue(Double.isNaN(Kernels.absMax(t)));
        }
        try (Tensor t = Tensor.zeros(0, 3)) {
            assertEquals(0.0, Kernels.absMax(t));
        }
    }

    @Test
    void reportsItsPathAndPeak() {
        String isa = Kernels.isa();
        assertTrue(List.of("avx512", "avx2", "neon", "scalar").contains(isa), isa);
        assertTrue(isas().contains("scalar"));
        assertTrue(Kernels.peakGflops(1, 0.05) > 0);
        assertTrue(Kernels.peakGflops(2, 0.05) > 0);
        assertThrows(IllegalArgumentException.class, () -> Kernels.peakGflops(0, 0.05));
        assertThrows(IllegalArgumentException.class, () -> Kernels.peakGflops(1, 0));
    }

    /** Every enum constant of the header that NativeKernels mirrors has the header's value. */
    @Test
    void bindingConstantsMatchTheHeader() throws Exception {
        String header = Files.readString(Path.of("native", "conv4j_kernels.h"));
        Matcher m = Pattern.compile("^\\s+((?:STATUS|POOL_DESC|ADAPTIVE_DESC|PAD_DESC|UNPOOL_DESC|DW_DESC)_[A-Z_]+) = (-?\\d+),",
                Pattern.MULTILINE).matcher(header);
        int seen = 0;
        while (m.find()) {
            Field f = NativeKernels.class.getDeclaredField(m.group(1));
            assertEquals(Integer.parseInt(m.group(2)), f.getInt(null), m.group(1));
            seen++;
        }
        assertEquals(42, seen, "constants found in the header");
        for (String size : List.of("BAND_GEOMETRY_SIZE", "BAND_POINTERS_SIZE")) {
            Matcher b = Pattern.compile("^\\s+" + size + " = (\\d+)", Pattern.MULTILINE).matcher(header);
            assertTrue(b.find(), size);
            assertEquals(Integer.parseInt(b.group(1)), NativeKernels.class.getDeclaredField(size).getInt(null), size);
        }
    }

    /**
     * run_bands refuses sizes and addresses that cannot be right before touching any memory (and
     * before it looks for oneDNN, which this test does not load).
     */
    @Test
    void runBandsRefusesBadArguments() {
        long[] geometry = {4, 12, 12, 12, 4, 12};
        long[] pointers = new long[Kernels.BAND_POINTERS_SIZE]; // null addresses
        assertThrows(IllegalArgumentException.class, () -> Kernels.runBands(1, geometry, pointers, new int[] {4}, 1));
        assertThrows(IllegalArgumentException.class, () -> Kernels.runBands(2, geometry, pointers, new int[] {4}, 1));
        assertThrows(IllegalArgumentException.class,
                () -> Kernels.runBands(1, new long[] {4, 12, 3, 12, 4, 12}, pointers, new int[] {4}, 1));
        assertThrows(IllegalArgumentException.class, () -> Kernels.runBands(1, geometry, pointers, new int[] {4}, 0));
    }

    @Test
    void threadCountIsSettable() {
        int before = Kernels.threads();
        assertTrue(before >= 1);
        try {
            Kernels.setThreads(3);
            assertEquals(3, Kernels.threads());
            assertThrows(IllegalArgumentException.class, () -> Kernels.setThreads(0));
        } finally {
            Kernels.setThreads(before);
        }
    }

    // ---------------------------------------------------------------------------------------
    // pad

    @Test
    void boxAverageTakesStrideOneAveragesOfLowWindows() {
        assertTrue(Kernels.boxAverage(PoolSpec.avg(2, 3).stride(1).padding(1).build()));
        assertTrue(Kernels.boxAverage(PoolSpec.avg(1, 20).stride(1).build())); // 1d: one row
        assertTrue(Kernels.boxAverage(PoolSpec.avg(2, Kernels.MAX_BOX_KERNEL_HEIGHT, 20).stride(1).build()));
        assertFalse(Kernels.boxAverage(PoolSpec.avg(2, Kernels.MAX_BOX_KERNEL_HEIGHT + 1, 3).stride(1).build()));
        assertFalse(Kernels.boxAverage(PoolSpec.avg(2, 3).stride(2).build()));
        assertFalse(Kernels.boxAverage(PoolSpec.avg(3, 3).stride(1).build()));
        assertFalse(Kernels.boxAverage(PoolSpec.max(2, 3).stride(1).build()));
    }

    @ParameterizedTest
    @MethodSource("isas")
    void padsOneDimInEachMode(String isa) {
        Kernels.selectIsa(isa);
        float[] x = {1, 2, 3};
        // [1, 2, 3] padded by 2 on each side:
        // zeros     0 0 | 1 2 3 | 0 0
        // reflect   3 2 | 1 2 3 | 2 1   (mirror without repeating the edge)
        // replicate 1 1 | 1 2 3 | 3 3
        // circular  2 3 | 1 2 3 | 1 2   (wrap around)
        assertArrayEquals(new float[] {0, 0, 1, 2, 3, 0, 0}, pad(PaddingMode.ZEROS, x, new int[] {2}, new int[] {2}, 1, 1, 3));
        assertArrayEquals(new float[] {3, 2, 1, 2, 3, 2, 1}, pad(PaddingMode.REFLECT, x, new int[] {2}, new int[] {2}, 1, 1, 3));
        assertArrayEquals(new float[] {1, 1, 1, 2, 3, 3, 3}, pad(PaddingMode.REPLICATE, x, new int[] {2}, new int[] {2}, 1, 1, 3));
        assertArrayEquals(new float[] {2, 3, 1, 2, 3, 1, 2}, pad(PaddingMode.CIRCULAR, x, new int[] {2}, new int[] {2}, 1, 1, 3));
    }

    @Test
    void padsTwoAndThreeDims() {
        // 2x3 [[1,2,3],[4,5,6]], reflect: H by (1, 1), W by (1, 0). Row -1 -> row 1, row 2 -> row 0;
        // column -1 -> column 1. Rows [5,4,5,6], [2,1,2,3], [5,4,5,6], [2,1,2,3].
        float[] y = pad(PaddingMode.REFLECT, new float[] {1, 2, 3, 4, 5, 6}, new int[] {1, 1}, new int[] {1, 0}, 1, 1, 2, 3);
        assertArrayEquals(new float[] {5, 4, 5, 6, 2, 1, 2, 3, 5, 4, 5, 6, 2, 1, 2, 3}, y);
        // Two planes of 2x1x1 [a, b] padded circularly along D by (1, 1): [b, a, b, a].
        float[] z = pad(PaddingMode.CIRCULAR, new float[] {1, 2, 7, 8}, new int[] {1, 0, 0}, new int[] {1, 0, 0}, 1, 2, 2, 1, 1);
        assertArrayEquals(new float[] {2, 1, 2, 1, 8, 7, 8, 7}, z);
        // Replicate along H only of 1x2x2 [[1,2],[3,4]] by (0, 2): rows 1 2 / 3 4 / 3 4 / 3 4.
        float[] r = pad(PaddingMode.REPLICATE, new float[] {1, 2, 3, 4}, new int[] {0, 0}, new int[] {2, 0}, 1, 1, 2, 2);
        assertArrayEquals(new float[] {1, 2, 3, 4, 3, 4, 3, 4}, r);
    }

    @Test
    void padMatchesSourceIndexRule() {
        Random rnd = new Random(7);
        for (int t = 0; t < 200; t++) {
            PaddingMode mode = PaddingMode.values()[rnd.nextInt(4)];
            int dims = 1 + rnd.nextInt(3);
            long[] shape = new long[dims + 2];
            shape[0] = 1 + rnd.nextInt(2);
            shape[1] = 1 + rnd.nextInt(3);
            int[] before = new int[dims];
            int[] after = new int[dims];
            for (int i = 0; i < dims; i++) {
                shape[2 + i] = 1 + rnd.nextInt(i == dims - 1 ? 40 : 6);
                int max = mode == PaddingMode.REFLECT ? (int) shape[2 + i] - 1
                        : mode == PaddingMode.CIRCULAR ? (int) shape[2 + i] : 4;
                before[i] = rnd.nextInt(max + 1);
                after[i] = rnd.nextInt(max + 1);
            }
            float[] x = randomValues(rnd, shape, false);
            float[] y = pad(mode, x, before, after, shape);
            // expected: every output element from PadGeometry.sourceIndex in each dim
            long[] in3 = Tuples.to3(Arrays.copyOfRange(shape, 2, shape.length), 1);
            int[] b3 = Tuples.to3(before, 0);
            int[] a3 = Tuples.to3(after, 0);
            long od = in3[0] + b3[0] + a3[0], oh = in3[1] + b3[1] + a3[1], ow = in3[2] + b3[2] + a3[2];
            int planes = (int) (shape[0] * shape[1]);
            for (int p = 0; p < planes; p++) {
                for (long d = 0; d < od; d++) {
                    for (long h = 0; h < oh; h++) {
                        for (long w = 0; w < ow; w++) {
                            long sd = PadGeometry.sourceIndex(mode, d, in3[0], b3[0]);
                            long sh = PadGeometry.sourceIndex(mode, h, in3[1], b3[1]);
                            long sw = PadGeometry.sourceIndex(mode, w, in3[2], b3[2]);
                            float want = sd < 0 || sh < 0 || sw < 0 ? 0f
                                    : x[(int) (((p * in3[0] + sd) * in3[1] + sh) * in3[2] + sw)];
                            float got = y[(int) (((p * od + d) * oh + h) * ow + w)];
                            if (Float.compare(want, got) != 0) {
                                fail(mode + " pad of " + Arrays.toString(shape) + " by " + Arrays.toString(before) + "/"
                                        + Arrays.toString(after) + ": at plane " + p + " (" + d + "," + h + "," + w
                                        + ") got " + got + ", want " + want);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void padRefusesWhatWouldReadOutOfBounds() {
        try (Tensor in = Tensor.zeros(1, 1, 3); Tensor out = Tensor.zeros(1, 1, 9)) {
            // reflect needs pad < size: PyTorch's message from PadGeometry
            assertThrows(IllegalArgumentException.class,
                    () -> Kernels.pad(PaddingMode.REFLECT, in, new long[] {1, 1, 3}, new int[] {3}, new int[] {3}, out));
            // output of the wrong size
            assertThrows(IllegalArgumentException.class,
                    () -> Kernels.pad(PaddingMode.ZEROS, in, new long[] {1, 1, 3}, new int[] {1}, new int[] {1}, out));
            // shape that does not describe the input
            assertThrows(IllegalArgumentException.class,
                    () -> Kernels.pad(PaddingMode.ZEROS, in, new long[] {1, 2, 3}, new int[] {3}, new int[] {0}, out));
        }
    }

    // ---------------------------------------------------------------------------------------
    // max pooling

    @ParameterizedTest
    @MethodSource("isas")
    void maxPoolFirstMaximumWinsTies(String isa) {
        Kernels.selectIsa(isa);
        // MaxPool1d(3, stride=2, padding=1) on [1, 5, 2, 5, 3]: out = (5 + 2 - 2 - 1) / 2 + 1 = 3.
        // o=0 taps -1,0,1 -> 1,5 -> 5 at 1; o=1 taps 1,2,3 -> 5,2,5 -> first 5 at 1;
        // o=2 taps 3,4,5 -> 5,3 -> 5 at 3.
        Result r = pool(PoolSpec.max(1, 3).stride(2).padding(1).returnIndices(true).build(), new float[] {1, 5, 2, 5, 3}, 1, 1, 5);
        assertArrayEquals(new float[] {5, 5, 5}, r.out);
        assertArrayEquals(new long[] {1, 1, 3}, r.idx);
    }

    @ParameterizedTest
    @MethodSource("isas")
    void maxPoolNanPropagatesAndLastNanWins(String isa) {
        Kernels.selectIsa(isa);
        // MaxPool1d(3, stride=3) on [NaN, 5, NaN, 1, 2, 3]: window 0 holds two NaNs, the later one
        // (index 2) wins; window 1 -> 3 at 5.
        Result r = pool(PoolSpec.max(1, 3).stride(3).returnIndices(true).build(), new float[] {NAN, 5, NAN, 1, 2, 3}, 1, 1, 6);
        assertTrue(Float.isNaN(r.out[0]));
        assertEquals(3f, r.out[1]);
        assertArrayEquals(new long[] {2, 5}, r.idx);
        // NaN after the maximum still wins: MaxPool1d(2) on [7, NaN, NaN, 7] -> NaN at 1, NaN at 2.
        Result q = pool(PoolSpec.max(1, 2).returnIndices(true).build(), new float[] {7, NAN, NAN, 7}, 1, 1, 4);
        assertTrue(Float.isNaN(q.out[0]) && Float.isNaN(q.out[1]));
        assertArrayEquals(new long[] {1, 2}, q.idx);
    }

    @ParameterizedTest
    @MethodSource("isas")
    void maxPoolAllMinusInfinityKeepsFirstInBoundsIndex(String isa) {
        Kernels.selectIsa(isa);
        // MaxPool1d(2, stride=2, padding=1) on [-inf, -inf, 1]: out = (3 + 2 - 1 - 1) / 2 + 1 = 2.
        // o=0 taps -1, 0 -> only 0 is inside: -inf never beats -inf, index stays 0.
        // o=1 taps 1, 2 -> 1 at 2.
        Result r = pool(PoolSpec.max(1, 2).stride(2).padding(1).returnIndices(true).build(), new float[] {NEG_INF, NEG_INF, 1}, 1, 1, 3);
        assertArrayEquals(new float[] {NEG_INF, 1}, r.out);
        assertArrayEquals(new long[] {0, 2}, r.idx);
    }

    @ParameterizedTest
    @MethodSource("isas")
    void maxPoolDilatedTwoAndThreeDims(String isa) {
        Kernels.selectIsa(isa);
        // 4x4 holding 0..15, MaxPool2d(2, stride=1, dilation=2): out = 4 - 2 - 1 + 1 = 2 per dim; the
        // taps of (oh, ow) are rows oh, oh+2 and columns ow, ow+2, so the max is x[oh+2][ow+2].
        float[] x = new float[16];
        for (int i = 0; i < 16; i++) {
            x[i] = i;
        }
        Result r = pool(PoolSpec.max(2, 2).stride(1).dilation(2).returnIndices(true).build(), x, 1, 1, 4, 4);
        assertArrayEquals(new float[] {10, 11, 14, 15}, r.out);
        assertArrayEquals(new long[] {10, 11, 14, 15}, r.idx);
        // MaxPool3d(2) on one 2x2x2 cube [3,1,4,1,5,9,2,6]: 9 at 5.
        Result c = pool(PoolSpec.max(3, 2).returnIndices(true).build(), new float[] {3, 1, 4, 1, 5, 9, 2, 6}, 1, 1, 2, 2, 2);
        assertArrayEquals(new float[] {9}, c.out);
        assertArrayEquals(new long[] {5}, c.idx);
    }

    @ParameterizedTest
    @MethodSource("isas")
    void maxPoolWideRowsUseFullVectors(String isa) {
        Kernels.selectIsa(isa);
        // 100 values x[i] = (i * 7) % 23; MaxPool1d(2): out[o] = max(x[2o], x[2o+1]) with the first
        // index on a tie (no ties here: 7 and 23 are coprime, so neighbours differ).
        float[] x = new float[100];
        for (int i = 0; i < 100; i++) {
            x[i] = (i * 7) % 23;
        }
        Result r = pool(PoolSpec.max(1, 2).returnIndices(true).build(), x, 1, 1, 100);
        for (int o = 0; o < 50; o++) {
            int best = x[2 * o + 1] > x[2 * o] ? 2 * o + 1 : 2 * o;
            assertEquals(x[best], r.out[o], "o=" + o);
            assertEquals(best, r.idx[o], "o=" + o);
        }
    }

    // ---------------------------------------------------------------------------------------
    // average and LP pooling

    @ParameterizedTest
    @MethodSource("isas")
    void avgPoolCeilModeCountIncludePadDivisor(String isa) {
        Kernels.selectIsa(isa);
        float[] x = {1, 2, 3, 4, 5, 6};
        // AvgPool1d(3, stride=2, padding=1, ceil_mode=True) on 1..6: out = ceil((6+2-3)/2) + 1 = 4, and the
        // last window starts at 5 < 6 + 1, so it stays.
        // o=0: [-1, 2) pool 3, clipped [0,2) = 1+2 = 3 -> 3/3 = 1
        // o=1: [1, 4) -> 2+3+4 = 9 -> 3;  o=2: [3, 6) -> 4+5+6 = 15 -> 5
        // o=3: start 5, end min(5+3, 6+1) = 7 -> pool size 2 (not 3: the window stops at the
        //      padded end), clipped [5,6) = 6 -> 6/2 = 3
        Result incl = pool(PoolSpec.avg(1, 3).stride(2).padding(1).ceilMode(true).build(), x, 1, 1, 6);
        assertArrayEquals(new float[] {1, 3, 5, 3}, incl.out, HAND);
        // count_include_pad=False divides by the clipped sizes: 3/2, 9/3, 15/3, 6/1.
        Result excl = pool(PoolSpec.avg(1, 3).stride(2).padding(1).ceilMode(true).countIncludePad(false).build(), x, 1, 1, 6);
        assertArrayEquals(new float[] {1.5f, 3, 5, 6}, excl.out, HAND);
        // AvgPool2d(2, divisor_override=3) on [[1,2],[3,4]]: 10 / 3.
        Result over = pool(PoolSpec.avg(2, 2).divisorOverride(3).build(), new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        assertArrayEquals(new float[] {10f / 3f}, over.out);
    }

    @ParameterizedTest
    @MethodSource("isas")
    void lpPoolPartialCeilWindow(String isa) {
        Kernels.selectIsa(isa);
        // LPPool1d(2, 2, stride=2, ceil_mode=True) on [3, 4, 1, 2, 2]: out = ceil((5-2)/2) + 1 = 3.
        // o=0: (9+16)/2 = 12.5, *2 = 25, sqrt -> 5
        // o=1: (1+4)/2 = 2.5, *2 = 5 -> sqrt(5)
        // o=2: the partial window [2]: 4/1 = 4 (divisor is the clipped size), *2 (the full kernel) = 8 -> sqrt(8)
        Result r = pool(PoolSpec.lp(1, 2, 2).stride(2).ceilMode(true).build(), new float[] {3, 4, 1, 2, 2}, 1, 1, 5);
        assertArrayEquals(new float[] {5f, (float) Math.sqrt(5), (float) Math.sqrt(8)}, r.out, HAND);
        // LPPool2d(3, 2) on [[1,1],[1,1]]: (4/4) * 4 = 4 -> 4^(1/3)
        Result c = pool(PoolSpec.lp(2, 3, 2).build(), new float[] {1, 1, 1, 1}, 1, 1, 2, 2);
        assertEquals((float) Math.cbrt(4), c.out[0], HAND);
    }

    // ---------------------------------------------------------------------------------------
    // adaptive pooling

    @ParameterizedTest
    @MethodSource("isas")
    void adaptiveUnevenWindows(String isa) {
        Kernels.selectIsa(isa);
        // 7 -> 3: windows [0,3), [2,5), [4,7) (floor(i*7/3), ceil((i+1)*7/3)); they overlap.
        // avg of 1..7: (1+2+3)/3 = 2, (3+4+5)/3 = 4, (5+6+7)/3 = 6
        Result avg = adaptive(AdaptivePoolSpec.avg(1, 3), new float[] {1, 2, 3, 4, 5, 6, 7}, 1, 1, 7);
        assertArrayEquals(new float[] {2, 4, 6}, avg.out, HAND);
        // max of [1,7,3,7,2,0,9]: [1,7,3] -> 7 at 1; [3,7,2] -> 7 at 3; [2,0,9] -> 9 at 6
        Result max = adaptive(AdaptivePoolSpec.max(1, true, 3), new float[] {1, 7, 3, 7, 2, 0, 9}, 1, 1, 7);
        assertArrayEquals(new float[] {7, 7, 9}, max.out);
        assertArrayEquals(new long[] {1, 3, 6}, max.idx);
        // 3x3 -> 2x2: windows [0,2) and [1,3) per dim on [[1,2,3],[4,5,6],[7,8,9]]
        // avg (1+2+4+5)/4 = 3, (2+3+5+6)/4 = 4, (4+5+7+8)/4 = 6, (5+6+8+9)/4 = 7; max 5,6,8,9 at 4,5,7,8
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        assertArrayEquals(new float[] {3, 4, 6, 7}, adaptive(AdaptivePoolSpec.avg(2, 2), x, 1, 1, 3, 3).out, HAND);
        Result m2 = adaptive(AdaptivePoolSpec.max(2, true, 2), x, 1, 1, 3, 3);
        assertArrayEquals(new float[] {5, 6, 8, 9}, m2.out);
        assertArrayEquals(new long[] {4, 5, 7, 8}, m2.idx);
    }

    @ParameterizedTest
    @MethodSource("isas")
    void adaptiveGlobalOverLongRows(String isa) {
        Kernels.selectIsa(isa);
        // 1 x 40 -> 1: mean of 0..39 = 19.5; max 39 at 39, then with NaNs at 10 and 30 the later wins.
        float[] x = new float[40];
        for (int i = 0; i < 40; i++) {
            x[i] = i;
        }
        assertEquals(19.5f, adaptive(AdaptivePoolSpec.avg(1, 1), x, 1, 1, 40).out[0], HAND);
        Result m = adaptive(AdaptivePoolSpec.max(1, true, 1), x, 1, 1, 40);
        assertEquals(39f, m.out[0]);
        assertEquals(39L, m.idx[0]);
        x[10] = NAN;
        x[30] = NAN;
        Result n = adaptive(AdaptivePoolSpec.max(1, true, 1), x, 1, 1, 40);
        assertTrue(Float.isNaN(n.out[0]));
        assertEquals(30L, n.idx[0]);
        // ties across vector lanes: 7 at 3 and at 20 -> the first, 3
        float[] t = new float[40];
        t[3] = 7;
        t[20] = 7;
        Result tie = adaptive(AdaptivePoolSpec.max(1, true, 1), t, 1, 1, 40);
        assertEquals(7f, tie.out[0]);
        assertEquals(3L, tie.idx[0]);
    }

    @Test
    void adaptiveOutputSizeZeroWritesNothing() {
        Result r = adaptive(AdaptivePoolSpec.avg(2, 0, 2), new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        assertEquals(0, r.out.length);
    }

    // ---------------------------------------------------------------------------------------
    // max unpooling

    @ParameterizedTest
    @MethodSource("isas")
    void maxUnpoolScattersAndRefusesBadIndices(String isa) {
        Kernels.selectIsa(isa);
        UnpoolSpec spec = UnpoolSpec.of(1, new int[] {2}, null, new int[] {0});
        // MaxUnpool1d(2) of [5, 7] at [1, 2]: output size (2-1)*2 + 2 = 4 -> [0, 5, 7, 0]
        assertArrayEquals(new float[] {0, 5, 7, 0}, unpool(spec, new float[] {5, 7}, new long[] {1, 2}, 1, 1, 2));
        // index 4 is outside [0, 4)
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> unpool(spec, new float[] {5, 7}, new long[] {1, 4}, 1, 1, 2));
        assertTrue(e.getMessage().startsWith("Found an invalid max index: 4 (output volumes are of size 4"), e.getMessage());
        // two bad ones: reported as ATen's loop does, the last in input order
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
                () -> unpool(spec, new float[] {5, 7}, new long[] {-1, 9}, 1, 1, 2));
        assertTrue(both.getMessage().startsWith("Found an invalid max index: 9 "), both.getMessage());
    }

    // ---------------------------------------------------------------------------------------
    // argument checks

    @Test
    void refusesTensorsThatDoNotFitTheProblem() {
        PoolProblem p = PoolGeometry.forward(PoolSpec.max(1, 2).returnIndices(true).build(), new long[] {1, 1, 4});
        try (Tensor in = Tensor.zeros(1, 1, 4); Tensor out = Tensor.zeros(1, 1, 2); Tensor wrong = Tensor.zeros(1, 1, 3);
                Tensor idx = Tensor.zeros(DType.INT64, 1, 1, 2); Tensor floatIdx = Tensor.zeros(1, 1, 2)) {
            assertThrows(IllegalArgumentException.class, () -> Kernels.pool(p, wrong, out, null));
            assertThrows(IllegalArgumentException.class, () -> Kernels.pool(p, in, wrong, null));
            assertThrows(IllegalArgumentException.class, () -> Kernels.pool(p, in, out, floatIdx));
            assertThrows(IllegalArgumentException.class, () -> Kernels.pool(p, idx, out, null));
            assertThrows(IllegalArgumentException.class, () -> Kernels.pool(p, in, in, null));
            PoolProblem avg = PoolGeometry.forward(PoolSpec.avg(1, 2).build(), new long[] {1, 1, 4});
            assertThrows(IllegalArgumentException.class, () -> Kernels.pool(avg, in, out, idx));
            Kernels.pool(p, in, out, idx);
        }
        Tensor closed = Tensor.zeros(1, 1, 4);
        closed.close();
        try (Tensor out = Tensor.zeros(1, 1, 2)) {
            assertThrows(IllegalStateException.class, () -> Kernels.pool(p, closed, out, null));
        }
    }

    // ---------------------------------------------------------------------------------------
    // threads

    @Test
    void oneAndTwoThreadsAgreeBitForBit() {
        int before = Kernels.threads();
        Random rnd = new Random(3);
        long[] shape = {2, 8, 40, 45};
        float[] x = randomValues(rnd, shape, true);
        PoolSpec[] specs = {PoolSpec.max(2, 3).stride(2).padding(1).returnIndices(true).build(),
            PoolSpec.avg(2, 3).stride(2).padding(1).ceilMode(true).build(), PoolSpec.lp(2, 2, 2).ceilMode(true).build()};
        try {
            for (PoolSpec spec : specs) {
                Kernels.setThreads(1);
                Result one = pool(spec, x, shape);
                Kernels.setThreads(2);
                Result two = pool(spec, x, shape);
                assertEquals(Arrays.toString(one.out), Arrays.toString(two.out), spec.toString());
                assertArrayEquals(one.idx, two.idx, spec.toString());
            }
        } finally {
            Kernels.setThreads(before);
        }
    }

    // ---------------------------------------------------------------------------------------
    // random problems against the reference backend

    @ParameterizedTest
    @MethodSource("isas")
    void randomPoolingMatchesReference(String isa) {
        Kernels.selectIsa(isa);
        Random rnd = new Random(20240611L);
        Mismatches report = new Mismatches();
        int ran = 0;
        while (ran < 450) {
            PoolKind kind = PoolKind.values()[ran % 3];
            int dims = kind == PoolKind.LP ? 1 + rnd.nextInt(2) : 1 + rnd.nextInt(3);
            int[] k = new int[dims];
            int[] s = new int[dims];
            int[] pad = new int[dims];
            int[] dil = new int[dims];
            long[] shape = new long[dims + 2];
            shape[0] = rnd.nextInt(10) == 0 ? 0 : 1 + rnd.nextInt(2);
            shape[1] = 1 + rnd.nextInt(3);
            for (int i = 0; i < dims; i++) {
                shape[2 + i] = 1 + rnd.nextInt(i == dims - 1 ? 100 : 8);
                k[i] = 1 + rnd.nextInt(4);
                s[i] = 1 + rnd.nextInt(3);
                pad[i] = rnd.nextInt(k[i] / 2 + 1);
                dil[i] = 1 + rnd.nextInt(3);
            }
            PoolSpec spec = randomSpec(rnd, kind, dims, k, s, pad, dil);
            PoolProblem p;
            try {
                p = PoolGeometry.forward(spec, shape);
            } catch (IllegalArgumentException tooSmall) {
                continue;
            }
            ran++;
            float[] x = randomValues(rnd, shape, true);
            boolean withIdx = spec.returnIndices();
            try (Tensor in = Tensor.of(x, shape); Tensor got = Tensor.zeros(p.outputShape());
                    Tensor want = Tensor.zeros(p.outputShape());
                    Tensor gotIdx = withIdx ? Tensor.zeros(DType.INT64, p.outputShape()) : null;
                    Tensor wantIdx = withIdx ? Tensor.zeros(DType.INT64, p.outputShape()) : null) {
                Kernels.pool(p, in, got, gotIdx);
                ReferenceBackend.INSTANCE.pool(p, in, want, wantIdx);
                report.compare(p.toString(), kind == PoolKind.MAX, got.toFloatArray(), want.toFloatArray());
                if (withIdx) {
                    report.compareIndices(p.toString(), gotIdx.toLongArray(), wantIdx.toLongArray());
                }
            }
        }
        report.assertClean(isa, 0.1);
    }

    @ParameterizedTest
    @MethodSource("isas")
    void randomAdaptivePoolingMatchesReference(String isa) {
        Kernels.selectIsa(isa);
        Random rnd = new Random(99L);
        Mismatches report = new Mismatches();
        for (int t = 0; t < 300; t++) {
            PoolKind kind = t % 2 == 0 ? PoolKind.MAX : PoolKind.AVG;
            int dims = 1 + rnd.nextInt(3);
            long[] shape = new long[dims + 2];
            shape[0] = 1 + rnd.nextInt(2);
            shape[1] = 1 + rnd.nextInt(3);
            Long[] outSize = new Long[dims];
            for (int i = 0; i < dims; i++) {
                long in = 1 + rnd.nextInt(i == dims - 1 ? 70 : 8);
                shape[2 + i] = in;
                switch (rnd.nextInt(5)) {
                    case 0:
                        outSize[i] = 1L; // global: long rows
                        break;
                    case 1:
                        outSize[i] = Math.max(1, in / (1 + rnd.nextInt(3))); // often whole windows
                        break;
                    case 2:
                        outSize[i] = null; // as the input
                        break;
                    default:
                        outSize[i] = (long) (1 + rnd.nextInt((int) Math.min(in + 3, 24)));
                        break;
                }
            }
            boolean withIdx = kind == PoolKind.MAX && rnd.nextBoolean();
            AdaptivePoolProblem p = AdaptivePoolGeometry.forward(AdaptivePoolSpec.of(kind, dims, withIdx, outSize), shape);
            float[] x = randomValues(rnd, shape, true);
            try (Tensor in = Tensor.of(x, shape); Tensor got = Tensor.zeros(p.outputShape());
                    Tensor want = Tensor.zeros(p.outputShape());
                    Tensor gotIdx = withIdx ? Tensor.zeros(DType.INT64, p.outputShape()) : null;
                    Tensor wantIdx = withIdx ? Tensor.zeros(DType.INT64, p.outputShape()) : null) {
                Kernels.adaptivePool(p, in, got, gotIdx);
                ReferenceBackend.INSTANCE.adaptivePool(p, in, want, wantIdx);
                report.compare(p.toString(), kind == PoolKind.MAX, got.toFloatArray(), want.toFloatArray());
                if (withIdx) {
                    report.compareIndices(p.toString(), gotIdx.toLongArray(), wantIdx.toLongArray());
                }
            }
        }
        report.assertClean(isa, 0.1);
    }

    @Test
    void randomUnpoolingMatchesReference() {
        Random rnd = new Random(5L);
        Mismatches report = new Mismatches();
        for (int t = 0; t < 150; t++) {
            int dims = 1 + rnd.nextInt(3);
            long[] shape = new long[dims + 2];
            shape[0] = 1 + rnd.nextInt(2);
            shape[1] = 1 + rnd.nextInt(3);
            int[] k = new int[dims];
            for (int i = 0; i < dims; i++) {
                shape[2 + i] = 1 + rnd.nextInt(i == dims - 1 ? 20 : 5);
                k[i] = 1 + rnd.nextInt(3);
            }
            UnpoolSpec spec = UnpoolSpec.of(dims, k, null, new int[] {0});
            UnpoolProblem p = UnpoolGeometry.forward(spec, shape, shape, null);
            int inCount = (int) Arrays.stream(shape).reduce(1, Math::multiplyExact);
            long outPlane = p.outputPlaneSize();
            long[] idx = new long[inCount];
            boolean invalid = t % 5 == 0;
            for (int i = 0; i < inCount; i++) {
                idx[i] = (long) (rnd.nextDouble() * outPlane); // duplicates on purpose: the later write wins
                if (invalid && rnd.nextInt(4) == 0) {
                    idx[i] = rnd.nextBoolean() ? -1 - rnd.nextInt(3) : outPlane + rnd.nextInt(3);
                }
            }
            float[] x = randomValues(rnd, shape, true);
            String gotError = null;
            String wantError = null;
            try (Tensor in = Tensor.of(x, shape); Tensor ind = Tensor.ofLongs(idx, shape);
                    Tensor got = Tensor.zeros(p.outputShape()); Tensor want = Tensor.zeros(p.outputShape())) {
                try {
                    Kernels.maxUnpool(p, in, ind, got);
                } catch (IllegalArgumentException e) {
                    gotError = e.getMessage();
                }
                try {
                    ReferenceBackend.INSTANCE.maxUnpool(p, in, ind, want);
                } catch (IllegalArgumentException e) {
                    wantError = e.getMessage();
                }
                assertEquals(wantError, gotError, p.toString());
                if (wantError == null) {
                    report.compare(p.toString(), true, got.toFloatArray(), want.toFloatArray());
                }
            }
        }
        report.assertClean("unpool", 0.01);
    }

    // ---------------------------------------------------------------------------------------
    // transpose (layout changes)

    @ParameterizedTest
    @MethodSource("isas")
    void transposeMatchesPlainLoop(String isa) {
        Kernels.selectIsa(isa);
        Random rnd = new Random(11);
        // empty, vectors (plain copies), below, at and off the register blocks (8x8 float, 4x4
        // int64) and the 32x32 tiles, a short side (C = 3: long tiles), and a ResNet stage
        long[][] shapes = {{0, 3, 4}, {2, 0, 5}, {2, 5, 0}, {1, 1, 1}, {1, 1, 17}, {3, 17, 1}, {1, 3, 5}, {2, 7, 9},
            {1, 8, 8}, {2, 4, 12}, {1, 16, 16}, {1, 31, 33}, {3, 32, 32}, {2, 33, 65}, {1, 64, 100}, {2, 3, 3136},
            {2, 3136, 3}, {1, 5, 300}, {1, 1000, 3}, {2, 100, 37}, {16, 64, 3136}};
        int checked = 0;
        for (long[] shape : shapes) {
            for (DType type : new DType[] {DType.FLOAT32, DType.INT64}) {
                int b = (int) shape[0], r = (int) shape[1], c = (int) shape[2];
                int n = b * r * c;
                if (type == DType.FLOAT32) {
                    // any bits, NaN payloads included: the copy must keep them
                    float[] x = new float[n];
                    for (int i = 0; i < n; i++) {
                        x[i] = Float.intBitsToFloat(rnd.nextInt());
                    }
                    int[] got = rawBits(transposeFloats(x, b, r, c));
                    for (int k = 0; k < b; k++) {
                        for (int i = 0; i < r; i++) {
                            for (int j = 0; j < c; j++) {
                                int want = Float.floatToRawIntBits(x[(k * r + i) * c + j]);
                                if (got[(k * c + j) * r + i] != want) {
                                    fail(Arrays.toString(shape) + " float at batch " + k + " (" + i + "," + j + ")");
                                }
                            }
                        }
                    }
                } else {
                    long[] x = new long[n];
                    for (int i = 0; i < n; i++) {
                        x[i] = rnd.nextLong();
                    }
                    long[] got;
                    try (Tensor in = Tensor.ofLongs(x, n); Tensor out = Tensor.zeros(DType.INT64, n)) {
                        Kernels.transpose(in, out, b, r, c, 1 + rnd.nextInt(3)); // any thread count, same bits
                        got = out.toLongArray();
                    }
                    for (int k = 0; k < b; k++) {
                        for (int i = 0; i < r; i++) {
                            for (int j = 0; j < c; j++) {
                                if (got[(k * c + j) * r + i] != x[(k * r + i) * c + j]) {
                                    fail(Arrays.toString(shape) + " int64 at batch " + k + " (" + i + "," + j + ")");
                                }
                            }
                        }
                    }
                }
                checked++;
            }
        }
        assertEquals(2 * shapes.length, checked);
    }

    /**
     * Many short jobs back to back from two Java threads, on more pool threads than this machine
     * may have cores, so that workers often start after the caller has done their chunks: every
     * result must be whole and right, and no call may hang.
     */
    @Test
    void shortJobsFromTwoThreadsWithLateWorkersStayRight() throws Exception {
        int rows = 64;
        int cols = 2048; // 131K elements: several chunks of the pool
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        java.util.concurrent.ExecutorService ex = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                done.add(ex.submit(() -> {
                    int wrong = 0;
                    try (Tensor in = Tensor.of(x, x.length); Tensor out = Tensor.zeros(x.length)) {
                        for (int call = 0; call < 1500; call++) {
                            Kernels.transpose(in, out, 1, rows, cols, 4);
                            float[] y = out.toFloatArray();
                            for (int probe = call % 97; probe < y.length; probe += 97) {
                                int r = probe % rows;
                                int c = probe / rows;
                                wrong += y[probe] == x[r * cols + c] ? 0 : 1;
                            }
                            out.fillZero();
                        }
                    }
                    return wrong;
                }));
            }
            for (java.util.concurrent.Future<Integer> f : done) {
                assertEquals(0, f.get(120, java.util.concurrent.TimeUnit.SECONDS));
            }
        } finally {
            ex.shutdownNow();
        }
    }

    @Test
    void transposeThereAndBackIsTheIdentity() {
        // NCHW [2, 5, 7, 9] -> NHWC (rows = C, cols = H*W) -> NCHW (rows = H*W, cols = C)
        Random rnd = new Random(12);
        float[] x = randomValues(rnd, new long[] {2, 5, 7, 9}, true);
        float[] nhwc = transposeFloats(x, 2, 5, 63);
        // element (n=1, c=3, h=4, w=6) sits at ((1*7 + 4)*9 + 6)*5 + 3 in NHWC
        assertEquals(Float.floatToRawIntBits(x[((1 * 5 + 3) * 7 + 4) * 9 + 6]),
                Float.floatToRawIntBits(nhwc[((1 * 7 + 4) * 9 + 6) * 5 + 3]));
        assertArrayEquals(rawBits(x), rawBits(transposeFloats(nhwc, 2, 63, 5)));
    }

    @Test
    void transposeRefusesWhatDoesNotFit() {
        try (Tensor f = Tensor.zeros(2, 3, 4); Tensor g = Tensor.zeros(24); Tensor l = Tensor.zeros(DType.INT64, 24);
                Tensor small = Tensor.zeros(23)) {
            Kernels.transpose(f, g, 2, 3, 4);
            assertThrows(IllegalArgumentException.class, () -> Kernels.transpose(f, l, 2, 3, 4)); // types differ
            assertThrows(IllegalArgumentException.class, () -> Kernels.transpose(f, small, 2, 3, 4)); // count
            assertThrows(IllegalArgumentException.class, () -> Kernels.transpose(f, g, 2, 3, 5)); // count
            assertThrows(IllegalArgumentException.class, () -> Kernels.transpose(f, f, 2, 3, 4)); // same tensor
            assertThrows(IllegalArgumentException.class, () -> Kernels.transpose(f, g, -2, 3, -4)); // negative
            assertThrows(ArithmeticException.class, () -> Kernels.transpose(f, g, 1L << 40, 1L << 20, 1L << 10));
            assertThrows(IllegalArgumentException.class, () -> Kernels.transpose(f, null, 2, 3, 4)); // TensorContract
        }
        Tensor closed = Tensor.zeros(24);
        closed.close();
        try (Tensor g = Tensor.zeros(24)) {
            assertThrows(IllegalStateException.class, () -> Kernels.transpose(closed, g, 2, 3, 4));
        }
    }

    // ---------------------------------------------------------------------------------------
    // per-channel bias (after a convolution computed without it)

    @Test
    void addBiasByHand() {
        // 2 images x 2 channels x 3 positions; bias [10, -1]; only image 1 (of first = 1, count = 1)
        float nan = Float.NaN;
        float[] x = {1, 2, 3, 4, 5, 6, 0.5f, -20, nan, 1, -0f, 0.25f};
        try (Tensor data = Tensor.of(x.clone(), 2, 2, 3); Tensor bias = Tensor.of(new float[] {10, -1}, 2)) {
            Kernels.addBias(data, 2, 3, 1, 1, bias, false, 1);
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 10.5f, -10, nan, 0, -1, -0.75f}, data.toFloatArray());
        }
        // torch.relu after the bias: negative -> +0, NaN stays; both images, two threads
        try (Tensor data = Tensor.of(x.clone(), 2, 2, 3); Tensor bias = Tensor.of(new float[] {10, -1}, 2)) {
            Kernels.addBias(data, 2, 3, 0, 2, bias, true, 2);
            assertArrayEquals(new float[] {11, 12, 13, 3, 4, 5, 10.5f, 0, nan, 0, 0, 0}, data.toFloatArray());
        }
        // ReLU alone keeps -0.0 (torch.relu does) and NaN
        try (Tensor data = Tensor.of(new float[] {-0f, -3, nan, 2}, 1, 1, 4)) {
            Kernels.addBias(data, 1, 4, 0, 1, null, true, 1);
            assertArrayEquals(new int[] {Float.floatToRawIntBits(-0f), 0, Float.floatToRawIntBits(nan),
                Float.floatToRawIntBits(2f)}, rawBits(data.toFloatArray()));
        }
    }

    @Test
    void addBiasRefusesWhatDoesNotFit() {
        try (Tensor data = Tensor.zeros(2, 3, 4); Tensor bias = Tensor.zeros(3); Tensor small = Tensor.zeros(2)) {
            Kernels.addBias(data, 3, 4, 0, 2, bias, false, 1);
            assertThrows(IllegalArgumentException.class, () -> Kernels.addBias(data, 3, 4, 1, 2, bias, false, 1));
            assertThrows(IllegalArgumentException.class, () -> Kernels.addBias(data, 5, 4, 0, 1, null, true, 1));
            assertThrows(IllegalArgumentException.class, () -> Kernels.addBias(data, 3, 4, 0, 1, small, false, 1));
            assertThrows(IllegalArgumentException.class, () -> Kernels.addBias(data, 3, 4, -1, 1, bias, false, 1));
            assertThrows(IllegalArgumentException.class, () -> Kernels.addBias(data, 3, 4, 0, 1, bias, false, 0));
            assertThrows(IllegalArgumentException.class, () -> Kernels.addBias(data, 3, 4, 0, 1, data, false, 1));
        }
        Tensor closed = Tensor.zeros(12);
        closed.close();
        assertThrows(IllegalStateException.class, () -> Kernels.addBias(closed, 3, 4, 0, 1, null, true, 1));
    }

    @Test
    void placePatchesByHand() {
        // 1 channel, kernel 2x2 over a 1x2 input: patches [k=(i,j)][w]; output 2x4 rows
        // out[i][2w + j] = patches[i][j][w] + bias
        float[] patches = {1, 2, 3, 4, 5, 6, 7, 8}; // (0,0): 1 2; (0,1): 3 4; (1,0): 5 6; (1,1): 7 8
        float[] before = new float[16];
        Arrays.fill(before, -99f);
        try (Tensor p = Tensor.of(patches, 4, 2); Tensor out = Tensor.of(before, 2, 1, 2, 4);
                Tensor bias = Tensor.of(new float[] {0.5f}, 1)) {
            Kernels.placePatches(p, out, 1, 1, new int[] {2, 2}, new long[] {1, 2}, bias, false, 1);
            // image 0 untouched; image 1 rows: [1 3 2 4], [5 7 6 8] plus 0.5
            assertArrayEquals(new float[] {-99, -99, -99, -99, -99, -99, -99, -99, 1.5f, 3.5f, 2.5f, 4.5f, 5.5f, 7.5f,
                6.5f, 8.5f}, out.toFloatArray());
        }
        // 1d, 2 channels, kernel 3, input 2, ReLU, no bias: -0.0 and NaN stay, negatives become +0
        float nan = Float.NaN;
        float[] p1 = {1, -2, -0f, 3, nan, -4, 5, 6, 7, 8, 9, -10}; // [c][k][w]
        try (Tensor p = Tensor.of(p1, 6, 2); Tensor out = Tensor.zeros(2, 6)) {
            Kernels.placePatches(p, out, 0, 2, new int[] {3}, new long[] {2}, null, true, 2);
            // channel 0: w0 -> k0..2 = 1, -0.0, NaN; w1 -> -2, 3, -4 -> relu
            assertArrayEquals(rawBits(new float[] {1, -0f, nan, 0, 3, 0, 5, 7, 9, 6, 8, 0}), rawBits(out.toFloatArray()));
        }
    }

    @Test
    void placePatchesRefusesWhatDoesNotFit() {
        try (Tensor p = Tensor.zeros(8); Tensor out = Tensor.zeros(2, 2, 2, 2); Tensor bias = Tensor.zeros(2)) {
            Kernels.placePatches(p, out, 1, 2, new int[] {2, 2}, new long[] {1, 1}, bias, true, 1);
            assertThrows(IllegalArgumentException.class,
                    () -> Kernels.placePatches(p, out, 2, 2, new int[] {2, 2}, new long[] {1, 1}, bias, true, 1));
            assertThrows(IllegalArgumentException.class,
                    () -> Kernels.placePatches(p, out, 0, 2, new int[] {2, 2}, new long[] {1, 3}, bias, true, 1));
            assertThrows(IllegalArgumentException.class,
                    () -> Kernels.placePatches(p, out, 0, 2, new int[] {0, 2}, new long[] {1, 1}, bias, true, 1));
            assertThrows(IllegalArgumentException.class,
                    () -> Kernels.placePatches(p, out, 0, 2, new int[] {2, 2}, new long[] {1}, bias, true, 1));
            assertThrows(IllegalArgumentException.class,
                    () -> Kernels.placePatches(p, out, 0, 4, new int[] {1, 1}, new long[] {1, 1}, null, true, 1));
            assertThrows(IllegalArgumentException.class,
                    () -> Kernels.placePatches(p, p, 0, 2, new int[] {2, 2}, new long[] {1, 1}, null, true, 1));
        }
    }

    // ---------------------------------------------------------------------------------------
    // channels-last pooling

    @ParameterizedTest
    @MethodSource("isas")
    void channelsLastMaxPoolByHand(String isa) {
        Kernels.selectIsa(isa);
        // MaxPool1d(2) on N=1, W=4, C=2 stored [w][c]: channel 0 = [1, 5, 2, 5], channel 1 =
        // [NaN, 0, 3, 3]. Channel 0 -> 5 at 1, 5 at 3; channel 1 -> NaN at 0, 3 at 2 (first of the
        // tie). Output stored [ow][c]: 5, NaN, 5, 3 with indices 1, 0, 3, 2.
        PoolProblem p = PoolGeometry.forward(PoolSpec.max(1, 2).returnIndices(true).build(), new long[] {1, 2, 4});
        try (Tensor in = Tensor.of(new float[] {1, NAN, 5, 0, 2, 3, 5, 3}, 1, 2, 4); Tensor out = Tensor.zeros(1, 2, 2);
                Tensor idx = Tensor.zeros(DType.INT64, 1, 2, 2)) {
            Kernels.pool(p, in, out, idx, true);
            assertArrayEquals(new float[] {5, NAN, 5, 3}, out.toFloatArray());
            assertArrayEquals(new long[] {1, 0, 3, 2}, idx.toLongArray());
        }
    }

    /**
     * Random problems on every path: the channels-last kernel on the transposed input must give,
     * transposed back, the planar kernel's bits (values, signs of zero, indices; NaN payloads of
     * max pooling, which picks an input element).
     */
    @ParameterizedTest
    @MethodSource("isas")
    void channelsLastPoolingIsBitIdenticalToPlanar(String isa) {
        Kernels.selectIsa(isa);
        Random rnd = new Random(20251125L);
        int[] channelCounts = {1, 3, 15, 16, 17, 64, 100};
        int ran = 0;
        long values = 0;
        long nonZero = 0;
        while (ran < 400) {
            PoolKind kind = PoolKind.values()[ran % 3];
            int dims = kind == PoolKind.LP ? 1 + rnd.nextInt(2) : 1 + rnd.nextInt(3);
            int[] k = new int[dims];
            int[] s = new int[dims];
            int[] pad = new int[dims];
            int[] dil = new int[dims];
            long[] shape = new long[dims + 2];
            shape[0] = ran % 25 == 0 ? 0 : 1 + rnd.nextInt(2);
            shape[1] = channelCounts[rnd.nextInt(channelCounts.length)];
            for (int i = 0; i < dims; i++) {
                shape[2 + i] = 1 + rnd.nextInt(i == dims - 1 ? 24 : 6);
                k[i] = 1 + rnd.nextInt(4);
                s[i] = 1 + rnd.nextInt(3);
                pad[i] = rnd.nextInt(k[i] / 2 + 1);
                dil[i] = 1 + rnd.nextInt(3);
            }
            PoolSpec spec = randomSpec(rnd, kind, dims, k, s, pad, dil);
            PoolProblem p;
            try {
                p = PoolGeometry.forward(spec, shape);
            } catch (IllegalArgumentException tooSmall) {
                continue;
            }
            ran++;
            int n = (int) shape[0];
            int c = (int) shape[1];
            int inPlane = (int) product(p.inputSpatial());
            int outPlane = (int) product(p.outputSpatial());
            // every fourth problem dense in NaN, infinities and ties
            float[] x = ran % 4 == 0 ? specialValues(rnd, n * c * inPlane) : randomValues(rnd, shape, true);
            boolean withIdx = spec.returnIndices();
            try (Tensor in = Tensor.of(x, shape); Tensor want = Tensor.zeros(p.outputShape());
                    Tensor wantIdx = withIdx ? Tensor.zeros(DType.INT64, p.outputShape()) : null;
                    Tensor inCl = Tensor.of(toChannelsLast(x, n, c, inPlane), shape);
                    Tensor gotCl = Tensor.zeros(p.outputShape());
                    Tensor gotIdxCl = withIdx ? Tensor.zeros(DType.INT64, p.outputShape()) : null) {
                Kernels.pool(p, in, want, wantIdx);
                Kernels.pool(p, inCl, gotCl, gotIdxCl, true);
                float[] w = want.toFloatArray();
                float[] got = fromChannelsLast(gotCl.toFloatArray(), n, c, outPlane);
                int[] wb = rawBits(w);
                int[] gb = rawBits(got);
                for (int i = 0; i < wb.length; i++) {
                    // A sum meeting two NaNs keeps one of them, the first operand's on x86, and the
                    // compiler is free to swap the operands of an addition: which NaN (sign, payload)
                    // an average or LP output holds is not defined, only that it is NaN.
                    boolean sameNan = kind != PoolKind.MAX && Float.isNaN(w[i]) && Float.isNaN(got[i]);
                    if (wb[i] != gb[i] && !sameNan) {
                        fail(isa + " " + p + " channels-last at " + i + ": got " + got[i] + " (0x"
                                + Integer.toHexString(gb[i]) + "), want " + w[i] + " (0x" + Integer.toHexString(wb[i]) + ")");
                    }
                    if (w[i] != 0) {
                        nonZero++;
                    }
                }
                values += wb.length;
                if (withIdx) {
                    long[] wi = wantIdx.toLongArray();
                    long[] gi = gotIdxCl.toLongArray();
                    long[] back = new long[gi.length];
                    for (int b = 0; b < n; b++) {
                        for (int ch = 0; ch < c; ch++) {
                            for (int q = 0; q < outPlane; q++) {
                                back[(b * c + ch) * outPlane + q] = gi[(b * outPlane + q) * c + ch];
                            }
                        }
                    }
                    assertArrayEquals(wi, back, () -> isa + " " + p + " channels-last indices");
                }
            }
        }
        assertTrue(values > 10000, "too few values compared: " + values);
        assertTrue(nonZero > values / 10, "only " + nonZero + " of " + values + " expected values are non-zero");
    }

    /**
     * Every vector path gives the scalar path's bits for pooling (planar and channels-last, any
     * kind, with indices) and adaptive max pooling: each lane does the scalar loop's operations
     * in the same order. (Adaptive average over long rows sums in lanes and may differ in the
     * last bits; it is checked against the reference above.)
     */
    @ParameterizedTest
    @MethodSource("isas")
    void everyPathGivesTheScalarPathsBits(String isa) {
        Random rnd = new Random(20261130L);
        int ran = 0;
        while (ran < 200) {
            PoolKind kind = PoolKind.values()[ran % 3];
            int dims = kind == PoolKind.LP ? 1 + rnd.nextInt(2) : 1 + rnd.nextInt(3);
            int[] k = new int[dims];
            int[] s = new int[dims];
            int[] pad = new int[dims];
            int[] dil = new int[dims];
            long[] shape = new long[dims + 2];
            shape[0] = 1 + rnd.nextInt(2);
            shape[1] = 1 + rnd.nextInt(20);
            for (int i = 0; i < dims; i++) {
                shape[2 + i] = 1 + rnd.nextInt(i == dims - 1 ? 40 : 6);
                k[i] = 1 + rnd.nextInt(4);
                s[i] = 1 + rnd.nextInt(3);
                pad[i] = rnd.nextInt(k[i] / 2 + 1);
                dil[i] = 1 + rnd.nextInt(3);
            }
            PoolSpec spec = randomSpec(rnd, kind, dims, k, s, pad, dil);
            PoolProblem p;
            try {
                p = PoolGeometry.forward(spec, shape);
            } catch (IllegalArgumentException tooSmall) {
                continue;
            }
            ran++;
            int count = (int) product(shape);
            float[] x = ran % 3 == 0 ? specialValues(rnd, count) : randomValues(rnd, shape, true);
            boolean channelsLast = ran % 2 == 0;
            Kernels.selectIsa("scalar");
            Result want = channelsLast ? poolChannelsLast(p, x, shape) : pool(spec, x, shape);
            assertEquals(isa, Kernels.selectIsa(isa));
            Result got = channelsLast ? poolChannelsLast(p, x, shape) : pool(spec, x, shape);
            String what = isa + " " + p + (channelsLast ? " channels-last" : "");
            assertSameBits(what, kind == PoolKind.MAX, want.out, got.out);
            if (kind == PoolKind.MAX) {
                assertArrayEquals(want.idx, got.idx, what + " indices");
            }
        }
        for (int t = 0; t < 60; t++) {
            int dims = 1 + rnd.nextInt(3);
            long[] shape = new long[dims + 2];
            shape[0] = 1 + rnd.nextInt(2);
            shape[1] = 1 + rnd.nextInt(3);
            Long[] outSize = new Long[dims];
            for (int i = 0; i < dims; i++) {
                shape[2 + i] = 1 + rnd.nextInt(i == dims - 1 ? 70 : 8);
                outSize[i] = rnd.nextInt(3) == 0 ? 1L : (long) (1 + rnd.nextInt((int) shape[2 + i] + 2));
            }
            AdaptivePoolSpec spec = AdaptivePoolSpec.of(PoolKind.MAX, dims, true, outSize);
            float[] x = t % 3 == 0 ? specialValues(rnd, (int) product(shape)) : randomValues(rnd, shape, true);
            Kernels.selectIsa("scalar");
            Result want = adaptive(spec, x, shape);
            Kernels.selectIsa(isa);
            Result got = adaptive(spec, x, shape);
            String what = isa + " adaptive max " + Arrays.toString(shape) + " -> " + Arrays.toString(outSize);
            assertSameBits(what, true, want.out, got.out);
            assertArrayEquals(want.idx, got.idx, what + " indices");
        }
    }

    /** Bit for bit, except that an average or LP output that is NaN may hold either NaN it met. */
    private static void assertSameBits(String what, boolean exactNan, float[] want, float[] got) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            int wb = Float.floatToRawIntBits(want[i]);
            int gb = Float.floatToRawIntBits(got[i]);
            boolean sameNan = !exactNan && Float.isNaN(want[i]) && Float.isNaN(got[i]);
            if (wb != gb && !sameNan) {
                fail(what + " at " + i + ": got " + got[i] + " (0x" + Integer.toHexString(gb) + "), scalar gave "
                        + want[i] + " (0x" + Integer.toHexString(wb) + ")");
            }
        }
    }

    @Test
    void channelsLastPoolingOnTwoThreadsAgreesWithOne() {
        int before = Kernels.threads();
        Random rnd = new Random(4);
        long[] shape = {2, 17, 30, 33};
        float[] x = toChannelsLast(randomValues(rnd, shape, true), 2, 17, 30 * 33);
        PoolSpec[] specs = {PoolSpec.max(2, 3).stride(2).padding(1).returnIndices(true).build(),
            PoolSpec.avg(2, 3).stride(2).padding(1).ceilMode(true).build(), PoolSpec.lp(2, 2, 2).ceilMode(true).build()};
        try {
            for (PoolSpec spec : specs) {
                PoolProblem p = PoolGeometry.forward(spec, shape);
                Kernels.setThreads(1);
                Result one = poolChannelsLast(p, x, shape);
                Kernels.setThreads(2);
                Result two = poolChannelsLast(p, x, shape);
                assertArrayEquals(rawBits(one.out), rawBits(two.out), spec.toString());
                assertArrayEquals(one.idx, two.idx, spec.toString());
            }
        } finally {
            Kernels.setThreads(before);
        }
    }

    @Test
    void channelsLastPoolingChecksTheTensors() {
        PoolProblem p = PoolGeometry.forward(PoolSpec.max(1, 2).returnIndices(true).build(), new long[] {1, 3, 4});
        try (Tensor in = Tensor.zeros(1, 3, 4); Tensor out = Tensor.zeros(1, 3, 2); Tensor wrong = Tensor.zeros(1, 3, 3);
                Tensor idx = Tensor.zeros(DType.INT64, 1, 3, 2)) {
            assertThrows(IllegalArgumentException.class, () -> Kernels.pool(p, wrong, out, null, true));
            assertThrows(IllegalArgumentException.class, () -> Kernels.pool(p, in, wrong, null, true));
            assertThrows(IllegalArgumentException.class, () -> Kernels.pool(p, in, in, null, true));
            assertThrows(IllegalArgumentException.class, () -> Kernels.pool(p, in, out, out, true));
            Kernels.pool(p, in, out, idx, true);
        }
    }

    // ---------------------------------------------------------------------------------------
    // helpers

    private static final class Result {
        final float[] out;
        final long[] idx;

        Result(float[] out, long[] idx) {
            this.out = out;
            this.idx = idx;
        }
    }

    private static Result pool(PoolSpec spec, float[] x, long... shape) {
        PoolProblem p = PoolGeometry.forward(spec, shape);
        boolean withIdx = spec.kind() == PoolKind.MAX;
        try (Tensor in = Tensor.of(x, shape); Tensor out = Tensor.zeros(p.outputShape());
                Tensor idx = withIdx ? Tensor.zeros(DType.INT64, p.outputShape()) : null) {
            Kernels.pool(p, in, out, idx);
            return new Result(out.toFloatArray(), idx == null ? null : idx.toLongArray());
        }
    }

    private static Result adaptive(AdaptivePoolSpec spec, float[] x, long... shape) {
        AdaptivePoolProblem p = AdaptivePoolGeometry.forward(spec, shape);
        try (Tensor in = Tensor.of(x, shape); Tensor out = Tensor.zeros(p.outputShape());
                Tensor idx = spec.returnIndices() ? Tensor.zeros(DType.INT64, p.outputShape()) : null) {
            Kernels.adaptivePool(p, in, out, idx);
            return new Result(out.toFloatArray(), idx == null ? null : idx.toLongArray());
        }
    }

    private static float[] unpool(UnpoolSpec spec, float[] x, long[] idx, long... shape) {
        UnpoolProblem p = UnpoolGeometry.forward(spec, shape, shape, null);
        try (Tensor in = Tensor.of(x, shape); Tensor ind = Tensor.ofLongs(idx, shape);
                Tensor out = Tensor.zeros(p.outputShape())) {
            Kernels.maxUnpool(p, in, ind, out);
            return out.toFloatArray();
        }
    }

    private static float[] pad(PaddingMode mode, float[] x, int[] before, int[] after, long... shape) {
        long[] padded = shape.clone();
        for (int i = 0; i < before.length; i++) {
            padded[2 + i] += before[i] + after[i];
        }
        try (Tensor in = Tensor.of(x, shape); Tensor out = Tensor.zeros(padded)) {
            Kernels.pad(mode, in, shape, before, after, out);
            return out.toFloatArray();
        }
    }

    private static Result poolChannelsLast(PoolProblem p, float[] x, long... shape) {
        boolean withIdx = p.spec().returnIndices();
        try (Tensor in = Tensor.of(x, shape); Tensor out = Tensor.zeros(p.outputShape());
                Tensor idx = withIdx ? Tensor.zeros(DType.INT64, p.outputShape()) : null) {
            Kernels.pool(p, in, out, idx, true);
            return new Result(out.toFloatArray(), idx == null ? null : idx.toLongArray());
        }
    }

    private static float[] transposeFloats(float[] x, long batches, long rows, long cols) {
        try (Tensor in = Tensor.of(x, x.length); Tensor out = Tensor.zeros(x.length)) {
            Kernels.transpose(in, out, batches, rows, cols);
            return out.toFloatArray();
        }
    }

    /** [n][c][plane] to [n][plane][c], by a plain loop. */
    private static float[] toChannelsLast(float[] x, int n, int c, int plane) {
        float[] y = new float[x.length];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int q = 0; q < plane; q++) {
                    y[(b * plane + q) * c + ch] = x[(b * c + ch) * plane + q];
                }
            }
        }
        return y;
    }

    /** [n][plane][c] to [n][c][plane], by a plain loop. */
    private static float[] fromChannelsLast(float[] y, int n, int c, int plane) {
        float[] x = new float[y.length];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int q = 0; q < plane; q++) {
                    x[(b * c + ch) * plane + q] = y[(b * plane + q) * c + ch];
                }
            }
        }
        return x;
    }

    private static int[] rawBits(float[] x) {
        int[] b = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            b[i] = Float.floatToRawIntBits(x[i]);
        }
        return b;
    }

    private static long product(long[] v) {
        long p = 1;
        for (long x : v) {
            p *= x;
        }
        return p;
    }

    /**
     * Few distinct values and many specials: ties everywhere, windows of -inf only, NaNs
     * (two payloads, to see which NaN wins), +inf, -0.
     */
    /**
     * A pooling spec of {@code kind} with the given sizes and random ceil mode, indices,
     * count_include_pad, divisor_override or norm (the random draws in a fixed order).
     */
    private static PoolSpec randomSpec(Random rnd, PoolKind kind, int dims, int[] k, int[] s, int[] pad, int[] dil) {
        boolean ceil = rnd.nextBoolean();
        if (kind == PoolKind.MAX) {
            return PoolSpec.max(dims, k).stride(s).padding(pad).dilation(dil).ceilMode(ceil)
                    .returnIndices(rnd.nextBoolean()).build();
        }
        if (kind == PoolKind.AVG) {
            PoolSpec.Builder b = PoolSpec.avg(dims, k).stride(s).padding(pad).ceilMode(ceil)
                    .countIncludePad(rnd.nextBoolean());
            if (dims > 1 && rnd.nextInt(4) == 0) {
                b.divisorOverride(1 + rnd.nextInt(7));
            }
            return b.build();
        }
        double[] norms = {1, 2, 3, 1.5};
        return PoolSpec.lp(dims, norms[rnd.nextInt(norms.length)], k).stride(s).ceilMode(ceil).build();
    }

    private static float[] specialValues(Random rnd, int n) {
        float[] pool = {-1, 0, -0f, 1, 2, NEG_INF, NEG_INF, Float.POSITIVE_INFINITY, NAN,
            Float.intBitsToFloat(0x7fc00123)};
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = pool[rnd.nextInt(pool.length)];
        }
        return x;
    }

    /**
     * Quarter-integers in [-5, 5] (many ties), with a sprinkle of NaN, infinities and -0 when
     * {@code specials}.
     */
    private static float[] randomValues(Random rnd, long[] shape, boolean specials) {
        int n = (int) Arrays.stream(shape).reduce(1, Math::multiplyExact);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (rnd.nextInt(41) - 20) / 4f;
            if (specials) {
                int r = rnd.nextInt(200);
                if (r < 3) {
                    x[i] = NAN;
                } else if (r == 3) {
                    x[i] = Float.POSITIVE_INFINITY;
                } else if (r == 4) {
                    x[i] = NEG_INF;
                } else if (r == 5) {
                    x[i] = -0f;
                }
            }
        }
        return x;
    }

    /** Collects mismatches over many problems and reports the worst with its problem. */
    private static final class Mismatches {
        private long compared;
        private long nonZero;
        private long bad;
        private double worst = -1;
        private String worstWhere = "";
        private final List<String> examples = new ArrayList<>();

        void compare(String problem, boolean exact, float[] got, float[] want) {
            assertEquals(want.length, got.length, problem);
            for (int i = 0; i < got.length; i++) {
                compared++;
                if (want[i] != 0) {
                    nonZero++;
                }
                boolean ok;
                double err = 0;
                if (exact || Float.isNaN(want[i]) || Float.isInfinite(want[i])) {
                    ok = Float.compare(got[i], want[i]) == 0
                            || (!exact && Float.isNaN(got[i]) && Float.isNaN(want[i]));
                } else {
                    err = Math.abs((double) got[i] - want[i]) / (1 + Math.abs(want[i]));
                    ok = err <= Tolerances.KERNEL_RTOL;
                }
                if (!ok) {
                    bad++;
                    if (examples.size() < 5) {
                        examples.add(problem + " at " + i + ": got " + got[i] + ", want " + want[i]);
                    }
                }
                if (err > worst) {
                    worst = err;
                    worstWhere = problem + " at " + i;
                }
            }
        }

        void compareIndices(String problem, long[] got, long[] want) {
            assertEquals(want.length, got.length, problem);
            for (int i = 0; i < got.length; i++) {
                compared++;
                if (got[i] != want[i]) {
                    bad++;
                    if (examples.size() < 5) {
                        examples.add(problem + " index at " + i + ": got " + got[i] + ", want " + want[i]);
                    }
                }
            }
        }

        /** @param minNonZero the fraction of expected values that must be non-zero (zero trust) */
        void assertClean(String what, double minNonZero) {
            assertTrue(compared > 1000, what + ": too few values compared (" + compared + ")");
            assertFalse(nonZero < compared * minNonZero, what + ": only " + nonZero + " of " + compared
                    + " expected values are non-zero");
            assertEquals(0, bad, () -> what + ": " + bad + " of " + compared + " values differ; worst relative error "
                    + worst + " (" + worstWhere + "); e.g. " + String.join("; ", examples));
        }
    }
}
