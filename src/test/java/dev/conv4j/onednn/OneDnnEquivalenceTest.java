package dev.conv4j.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import dev.conv4j.DType;
import dev.conv4j.MemoryFormat;
import dev.conv4j.Tensor;
import dev.conv4j.backend.Backend;
import dev.conv4j.backend.ConvKernel;
import dev.conv4j.reference.ReferenceBackend;
import dev.conv4j.spec.AdaptivePoolGeometry;
import dev.conv4j.spec.AdaptivePoolProblem;
import dev.conv4j.spec.AdaptivePoolSpec;
import dev.conv4j.spec.ConvGeometry;
import dev.conv4j.spec.ConvProblem;
import dev.conv4j.spec.ConvSpec;
import dev.conv4j.spec.PaddingMode;
import dev.conv4j.spec.PoolGeometry;
import dev.conv4j.spec.PoolKind;
import dev.conv4j.spec.PoolProblem;
import dev.conv4j.spec.PoolSpec;
import dev.conv4j.spec.UnpoolGeometry;
import dev.conv4j.spec.UnpoolProblem;
import dev.conv4j.spec.UnpoolSpec;

/**
 * Randomized equivalence of the oneDNN backend with the reference backend: seeded, reproducible
 * configurations of every operator (set {@code -Dconv4j.seed=N} to vary them). Configurations
 * the geometry refuses are skipped while generating; each kept one is one dynamic test named by
 * its full configuration. Calls that need conv4j's own kernels are skipped (not failed) while
 * those are not in the build.
 */
class OneDnnEquivalenceTest {
    static final long SEED = Long.getLong("conv4j.seed", 20240613L);
    static final int CONVS = 420;
    static final int TRANSPOSED = 260;
    static final int POOLS = 260;
    static final int ADAPTIVE = 100;
    static final int UNPOOLS = 60;
    /** Larger channel counts and sizes, where oneDNN uses blocked layouts and its JIT tails. */
    static final int MID_SIZE = 40;

    private static final Backend ONEDNN = OneDnnBackend.instance();
    private static final Backend REFERENCE = ReferenceBackend.INSTANCE;

    @TestFactory
    Stream<DynamicTest> convolutions() {
        Random r = new Random(SEED);
        return cases(CONVS, () -> convCase(r, false));
    }

    @TestFactory
    Stream<DynamicTest> transposedConvolutions() {
        Random r = new Random(SEED + 1);
        return cases(TRANSPOSED, () -> convCase(r, true));
    }

    @TestFactory
    Stream<DynamicTest> midSizeConvolutions() {
        Random r = new Random(SEED + 5);
        return cases(MID_SIZE, () -> midSizeCase(r));
    }

    @TestFactory
    Stream<DynamicTest> pooling() {
        Random r = new Random(SEED + 2);
        return cases(POOLS, () -> poolCase(r));
    }

    @TestFactory
    Stream<DynamicTest> adaptivePooling() {
        Random r = new Random(SEED + 3);
        return cases(ADAPTIVE, () -> adaptiveCase(r));
    }

    @TestFactory
    Stream<DynamicTest> maxUnpooling() {
        Random r = new Random(SEED + 4);
        return cases(UNPOOLS, () -> unpoolCase(r));
    }

    /** Draws {@code count} accepted cases (a supplier returns null for a refused configuration). */
    private static Stream<DynamicTest> cases(int count, Supplier<DynamicTest> draw) {
        List<DynamicTest> tests = new ArrayList<>();
        int attempts = 0;
        while (tests.size() < count) {
            if (++attempts > count * 50) {
                throw new AssertionError("generator refused too many configurations");
            }
            DynamicTest t = draw.get();
            if (t != null) {
                tests.add(t);
            }
        }
        return tests.stream();
    }

    // ---------------------------------------------------------------- convolution

    private static DynamicTest convCase(Random r, boolean transposed) {
        int dims = 1 + r.nextInt(3);
        int g;
        int in;
        int out;
        int shape = r.nextInt(10);
        if (shape < 2) {
            g = 2 + r.nextInt(6); // depthwise (or depthwise multiplier)
            in = g;
            out = g * (1 + r.nextInt(2));
        } else {
            g = shape < 5 ? 1 + r.nextInt(3) : 1;
            in = g * (1 + r.nextInt(3));
            out = g * (1 + r.nextInt(3));
        }
        int maxK = dims == 3 ? 3 : 4;
        int[] k = new int[dims];
        int[] stride = new int[dims];
        int[] dil = new int[dims];
        int[] pad = new int[dims];
        int[] outPad = new int[dims];
        for (int i = 0; i < dims; i++) {
            k[i] = 1 + r.nextInt(maxK);
            stride[i] = r.nextInt(3) == 0 ? 2 + r.nextInt(2) : 1;
            dil[i] = r.nextInt(4) == 0 ? 2 : 1;
            pad[i] = r.nextInt(3);
            outPad[i] = r.nextInt(Math.max(stride[i], dil[i]));
        }
        ConvSpec.Builder b = ConvSpec.builder(dims, transposed, in, out, k).stride(stride).dilation(dil).groups(g)
                .bias(r.nextInt(3) != 0);
        int paddingKind = r.nextInt(10);
        if (!transposed && paddingKind == 0) {
            b.padding("same").stride(1);
        } else if (!transposed && paddingKind == 1) {
            b.padding("valid");
        } else {
            b.padding(pad);
        }
        if (transposed) {
            b.outputPadding(outPad);
        } else if (r.nextInt(4) == 0) {
            PaddingMode[] modes = {PaddingMode.REFLECT, PaddingMode.REPLICATE, PaddingMode.CIRCULAR};
            b.paddingMode(modes[r.nextInt(3)]);
        }
        ConvSpec spec;
        try {
            spec = b.build();
        } catch (IllegalArgumentException e) {
            return null;
        }
        int maxSize = dims == 1 ? 16 : dims == 2 ? 9 : 6;
        long[] spatial = new long[dims];
        for (int i = 0; i < dims; i++) {
            spatial[i] = (transposed ? 1 : 1 + r.nextInt(2)) + r.nextInt(maxSize);
        }
        long n = r.nextInt(8) == 0 ? 0 : 1 + r.nextInt(3);
        boolean unbatched = n != 0 && r.nextInt(5) == 0;
        long[] inputShape = unbatched ? OneDnnAdapter.concat(new long[] {in}, spatial)
                : OneDnnAdapter.concat(new long[] {n, in}, spatial);
        long[] outputSize = null;
        if (transposed && r.nextInt(4) == 0) {
            // output_size anywhere in PyTorch's valid range
            outputSize = new long[dims];
            for (int i = 0; i < dims; i++) {
                long min = (spatial[i] - 1) * stride[i] - 2L * pad[i] + (long) dil[i] * (k[i] - 1) + 1;
                outputSize[i] = min + r.nextInt(stride[i]);
            }
        }
        ConvProblem problem;
        try {
            problem = ConvGeometry.forward(spec, inputShape, outputSize);
        } catch (IllegalArgumentException e) {
            return null;
        }
        long seed = r.nextLong();
        String name = spec + " input=" + Arrays.toString(inputShape) + formatName(seed, inputShape)
                + (outputSize == null ? "" : " output_size=" + Arrays.toString(outputSize)) + " -> " + problem.key();
        boolean needsOwn = spec.paddingMode() != PaddingMode.ZEROS && !OneDnnAdapter.isTrivial(problem);
        return DynamicTest.dynamicTest(name, () -> {
            Assumptions.assumeTrue(!needsOwn || OwnKernels.available(), "needs conv4j's own kernels");
            runConv(spec, problem, inputShape, seed, name);
        });
    }

    private static DynamicTest midSizeCase(Random r) {
        int dims = 1 + r.nextInt(3);
        boolean transposed = r.nextInt(3) == 0;
        int c = 16 + r.nextInt(33);
        int choice = r.nextInt(4);
        int g = choice == 0 ? c : choice == 1 ? 2 : 1;
        int in = g == c ? c : g * (8 + r.nextInt(17));
        int out = g == c ? c : g * (8 + r.nextInt(17));
        int[] k = new int[dims];
        int[] stride = new int[dims];
        int[] dil = new int[dims];
        int[] pad = new int[dims];
        for (int i = 0; i < dims; i++) {
            k[i] = 1 + r.nextInt(dims == 3 ? 3 : 5);
            stride[i] = 1 + r.nextInt(2);
            dil[i] = r.nextInt(4) == 0 ? 2 : 1;
            pad[i] = r.nextInt(k[i]);
        }
        ConvSpec spec;
        try {
            spec = ConvSpec.builder(dims, transposed, in, out, k).stride(stride).dilation(dil).padding(pad).groups(g)
                    .bias(r.nextBoolean()).build();
        } catch (IllegalArgumentException e) {
            return null;
        }
        int maxSize = dims == 1 ? 40 : dims == 2 ? 18 : 9;
        long[] shape = new long[2 + dims];
        shape[0] = 1 + r.nextInt(2);
        shape[1] = in;
        for (int i = 0; i < dims; i++) {
            shape[2 + i] = (transposed ? 2 : 5) + r.nextInt(maxSize - 4);
        }
        ConvProblem problem;
        try {
            problem = ConvGeometry.forward(spec, shape, null);
        } catch (IllegalArgumentException e) {
            return null;
        }
        long seed = r.nextLong();
        String name = spec + " input=" + Arrays.toString(shape) + formatName(seed, shape) + " -> " + problem.key();
        return DynamicTest.dynamicTest(name, () -> runConv(spec, problem, shape, seed, name));
    }

    static void runConv(ConvSpec spec, ConvProblem problem, long[] inputShape, long seed, String name) {
        Random data = new Random(seed);
        MemoryFormat f = format(seed, inputShape);
        try (Tensor weight = random(data, spec.weightShape(), false);
                Tensor bias = spec.bias() ? random(data, new long[] {spec.outChannels()}, false) : null;
                Tensor input = random(data, inputShape, false);
                Tensor myInput = input.toMemoryFormat(f);
                Tensor got = Tensor.zeros(DType.FLOAT32, f, problem.outputShape());
                Tensor expected = Tensor.zeros(problem.outputShape());
                ConvKernel mine = ONEDNN.prepareConv(spec, weight, bias);
                ConvKernel ref = REFERENCE.prepareConv(spec, weight, bias)) {
            mine.forward(problem, myInput, got);
            ref.forward(problem, input, expected);
            report(name, Compare.floats("output", got, expected, Compare.Tolerance.ROUNDING));
            if (Compare.mostlyZero(got) && !Compare.mostlyZero(expected)) {
                fail(name + ": output is almost all zero");
            }
        }
    }

    // ---------------------------------------------------------------- pooling

    private static DynamicTest poolCase(Random r) {
        PoolKind kind = PoolKind.values()[r.nextInt(3)];
        int dims = kind == PoolKind.LP ? 1 + r.nextInt(2) : 1 + r.nextInt(3);
        int maxK = dims == 3 ? 3 : 4;
        int[] k = new int[dims];
        int[] stride = new int[dims];
        int[] pad = new int[dims];
        int[] dil = new int[dims];
        for (int i = 0; i < dims; i++) {
            k[i] = 1 + r.nextInt(maxK);
            stride[i] = 1 + r.nextInt(3);
            pad[i] = r.nextInt(k[i] / 2 + 1);
            dil[i] = r.nextInt(4) == 0 ? 2 : 1;
        }
        PoolSpec.Builder b;
        if (kind == PoolKind.MAX) {
            b = PoolSpec.max(dims, k).padding(pad).dilation(dil).returnIndices(r.nextBoolean());
        } else if (kind == PoolKind.AVG) {
            b = PoolSpec.avg(dims, k).padding(pad).countIncludePad(r.nextBoolean());
            if (dims > 1 && r.nextInt(5) == 0) {
                b.divisorOverride(1 + r.nextInt(5));
            }
        } else {
            double[] norms = {1, 2, 3, 1.5};
            b = PoolSpec.lp(dims, norms[r.nextInt(norms.length)], k);
        }
        if (r.nextInt(4) != 0) {
            b.stride(stride);
        }
        b.ceilMode(r.nextBoolean());
        PoolSpec spec;
        try {
            spec = b.build();
        } catch (IllegalArgumentException e) {
            return null;
        }
        int maxSize = dims == 1 ? 17 : dims == 2 ? 10 : 7;
        long c = 1 + r.nextInt(4);
        long n = r.nextInt(10) == 0 ? 0 : 1 + r.nextInt(3);
        boolean unbatched = n != 0 && r.nextInt(5) == 0;
        long[] spatial = new long[dims];
        for (int i = 0; i < dims; i++) {
            spatial[i] = 1 + r.nextInt(maxSize);
        }
        long[] inputShape = unbatched ? OneDnnAdapter.concat(new long[] {c}, spatial)
                : OneDnnAdapter.concat(new long[] {n, c}, spatial);
        PoolProblem problem;
        try {
            problem = PoolGeometry.forward(spec, inputShape);
        } catch (IllegalArgumentException e) {
            return null;
        }
        long seed = r.nextLong();
        boolean special = r.nextInt(3) == 0; // NaN, infinities, ties
        String name = spec + " input=" + Arrays.toString(inputShape) + formatName(seed, inputShape)
                + (special ? " with NaN/ties" : "") + " -> " + problem.key();
        OneDnnAdapter.Route route = OneDnnAdapter.route(problem);
        boolean needsOwn = route != OneDnnAdapter.Route.ONEDNN_POOLING && route != OneDnnAdapter.Route.NONE;
        return DynamicTest.dynamicTest(name, () -> {
            Assumptions.assumeTrue(!needsOwn || OwnKernels.available(), "needs conv4j's own kernels");
            Random data = new Random(seed);
            boolean indices = spec.returnIndices();
            Compare.Tolerance tol = kind == PoolKind.MAX ? Compare.Tolerance.EXACT : Compare.Tolerance.ROUNDING;
            MemoryFormat f = format(seed, inputShape);
            try (Tensor input = random(data, inputShape, special && kind != PoolKind.LP);
                    Tensor myInput = input.toMemoryFormat(f);
                    Tensor got = Tensor.zeros(DType.FLOAT32, f, problem.outputShape());
                    Tensor expected = Tensor.zeros(problem.outputShape());
                    Tensor gotIdx = indices ? Tensor.zeros(DType.INT64, f, problem.outputShape()) : null;
                    Tensor expIdx = indices ? Tensor.zeros(DType.INT64, problem.outputShape()) : null) {
                ONEDNN.pool(problem, myInput, got, gotIdx);
                REFERENCE.pool(problem, input, expected, expIdx);
                report(name, Compare.floats("output", got, expected, tol));
                if (indices) {
                    report(name, Compare.longs("indices", gotIdx, expIdx));
                }
            }
        });
    }

    private static DynamicTest adaptiveCase(Random r) {
        PoolKind kind = r.nextBoolean() ? PoolKind.MAX : PoolKind.AVG;
        int dims = 1 + r.nextInt(3);
        int maxSize = dims == 1 ? 17 : dims == 2 ? 10 : 7;
        long[] spatial = new long[dims];
        Long[] outSize = new Long[dims];
        boolean divisible = r.nextInt(3) == 0;
        for (int i = 0; i < dims; i++) {
            spatial[i] = 1 + r.nextInt(maxSize);
            if (divisible) {
                List<Long> divisors = new ArrayList<>();
                for (long dv = 1; dv <= spatial[i]; dv++) {
                    if (spatial[i] % dv == 0) {
                        divisors.add(dv);
                    }
                }
                outSize[i] = divisors.get(r.nextInt(divisors.size()));
            } else {
                int choice = r.nextInt(8);
                outSize[i] = choice == 0 ? null : (long) (1 + r.nextInt(maxSize + 2));
            }
        }
        AdaptivePoolSpec spec;
        try {
            spec = AdaptivePoolSpec.of(kind, dims, kind == PoolKind.MAX && r.nextBoolean(), outSize);
        } catch (IllegalArgumentException e) {
            return null;
        }
        long c = 1 + r.nextInt(4);
        long n = r.nextInt(10) == 0 ? 0 : 1 + r.nextInt(3);
        boolean unbatched = n != 0 && r.nextInt(5) == 0;
        long[] inputShape = unbatched ? OneDnnAdapter.concat(new long[] {c}, spatial)
                : OneDnnAdapter.concat(new long[] {n, c}, spatial);
        AdaptivePoolProblem problem;
        try {
            problem = AdaptivePoolGeometry.forward(spec, inputShape);
        } catch (IllegalArgumentException e) {
            return null;
        }
        long seed = r.nextLong();
        boolean special = r.nextInt(3) == 0;
        String name = spec + " input=" + Arrays.toString(inputShape) + formatName(seed, inputShape)
                + (special ? " with NaN/ties" : "") + " -> " + problem.key();
        OneDnnAdapter.Route route = OneDnnAdapter.route(problem);
        boolean needsOwn = route != OneDnnAdapter.Route.ONEDNN_POOLING && route != OneDnnAdapter.Route.NONE;
        return DynamicTest.dynamicTest(name, () -> {
            Assumptions.assumeTrue(!needsOwn || OwnKernels.available(), "needs conv4j's own kernels");
            Random data = new Random(seed);
            boolean indices = spec.returnIndices();
            Compare.Tolerance tol = kind == PoolKind.MAX ? Compare.Tolerance.EXACT : Compare.Tolerance.ROUNDING;
            MemoryFormat f = format(seed, inputShape);
            try (Tensor input = random(data, inputShape, special);
                    Tensor myInput = input.toMemoryFormat(f);
                    Tensor got = Tensor.zeros(DType.FLOAT32, f, problem.outputShape());
                    Tensor expected = Tensor.zeros(problem.outputShape());
                    Tensor gotIdx = indices ? Tensor.zeros(DType.INT64, f, problem.outputShape()) : null;
                    Tensor expIdx = indices ? Tensor.zeros(DType.INT64, problem.outputShape()) : null) {
                ONEDNN.adaptivePool(problem, myInput, got, gotIdx);
                REFERENCE.adaptivePool(problem, input, expected, expIdx);
                report(name, Compare.floats("output", got, expected, tol));
                if (indices) {
                    report(name, Compare.longs("indices", gotIdx, expIdx));
                }
            }
        });
    }

    private static DynamicTest unpoolCase(Random r) {
        int dims = 1 + r.nextInt(3);
        int[] k = new int[dims];
        int[] stride = new int[dims];
        int[] pad = new int[dims];
        for (int i = 0; i < dims; i++) {
            k[i] = 1 + r.nextInt(3);
            stride[i] = 1 + r.nextInt(3);
            pad[i] = r.nextInt(k[i] / 2 + 1);
        }
        PoolSpec poolSpec;
        try {
            poolSpec = PoolSpec.max(dims, k).stride(stride).padding(pad).returnIndices(true).build();
        } catch (IllegalArgumentException e) {
            return null;
        }
        int maxSize = dims == 1 ? 17 : dims == 2 ? 10 : 7;
        long c = 1 + r.nextInt(3);
        long n = r.nextInt(10) == 0 ? 0 : 1 + r.nextInt(2);
        long[] spatial = new long[dims];
        for (int i = 0; i < dims; i++) {
            spatial[i] = 1 + r.nextInt(maxSize);
        }
        long[] poolInput = OneDnnAdapter.concat(new long[] {n, c}, spatial);
        PoolProblem pooled;
        UnpoolProblem problem;
        UnpoolSpec spec = UnpoolSpec.of(dims, k, stride, pad);
        try {
            pooled = PoolGeometry.forward(poolSpec, poolInput);
            long[] pooledShape = OneDnnAdapter.concat(new long[] {n, c}, pooled.outputSpatial());
            problem = UnpoolGeometry.forward(spec, pooledShape, pooledShape, null);
        } catch (IllegalArgumentException e) {
            return null;
        }
        long seed = r.nextLong();
        String name = spec + " after " + poolSpec + " input=" + Arrays.toString(poolInput) + formatName(seed, poolInput)
                + " -> " + problem.key();
        return DynamicTest.dynamicTest(name, () -> {
            Assumptions.assumeTrue(n == 0 || OwnKernels.available(), "needs conv4j's own kernels");
            Random data = new Random(seed);
            try (Tensor input = random(data, poolInput, false);
                    Tensor values = Tensor.zeros(pooled.outputShape());
                    Tensor idx = Tensor.zeros(DType.INT64, pooled.outputShape());
                    Tensor got = Tensor.zeros(problem.outputShape());
                    Tensor expected = Tensor.zeros(problem.outputShape())) {
                REFERENCE.pool(pooled, input, values, idx);
                // Unpooling into a smaller default output can see indices past it: both must refuse alike.
                String refError = null;
                try {
                    REFERENCE.maxUnpool(problem, values, idx, expected);
                } catch (IllegalArgumentException e) {
                    refError = e.getMessage();
                }
                String myError = null;
                MemoryFormat f = format(seed, poolInput);
                try (Tensor myValues = values.toMemoryFormat(f); Tensor myIdx = idx.toMemoryFormat(f)) {
                    ONEDNN.maxUnpool(problem, myValues, myIdx, got);
                } catch (IllegalArgumentException e) {
                    myError = e.getMessage();
                }
                assertEquals(refError, myError, name);
                if (refError == null) {
                    report(name, Compare.floats("output", got, expected, Compare.Tolerance.EXACT));
                }
            }
        });
    }

    // ---------------------------------------------------------------- data

    /**
     * The memory format of the oneDNN side of a case: channels-last for about half of the cases
     * whose tensors can have it (rank 4 or 5), chosen by the case's seed.
     */
    static MemoryFormat format(long seed, long[] inputShape) {
        return (seed & 1) == 0 && MemoryFormat.CHANNELS_LAST.supports(inputShape.length) ? MemoryFormat.CHANNELS_LAST
                : MemoryFormat.CONTIGUOUS;
    }

    private static String formatName(long seed, long[] inputShape) {
        return format(seed, inputShape) == MemoryFormat.CONTIGUOUS ? "" : " channels_last";
    }

    /**
     * Uniform values in [-1, 1); with {@code special}, values on a coarse grid (ties) and a few
     * NaN and infinities.
     */
    static Tensor random(Random r, long[] shape, boolean special) {
        int n = Math.toIntExact(OneDnnAdapter.product(shape));
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = special ? (r.nextInt(9) - 4) / 4f : r.nextFloat() * 2 - 1;
        }
        if (special && n > 0) {
            for (int j = 0; j < 1 + n / 50; j++) {
                int at = r.nextInt(n);
                int what = r.nextInt(4);
                v[at] = what == 0 ? Float.POSITIVE_INFINITY : what == 1 ? Float.NEGATIVE_INFINITY : Float.NaN;
            }
        }
        return Tensor.of(v, shape);
    }

    private static void report(String name, String mismatch) {
        if (mismatch != null) {
            fail(name + "\n  " + mismatch);
        }
    }
}
