package dev.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.conv4j.Tensor;
import dev.conv4j.backend.Backend;
import dev.conv4j.backend.Backends;
import dev.conv4j.spec.PaddingMode;

/** Sequential runs Convolution+ReLU as one fused call with the numbers of the two modules run apart. */
class FusionTest {
    static Stream<Backend> backends() {
        return Stream.of(Backends.reference(), Backends.onednn());
    }

    /**
     * Conv2d -> ReLU -> MaxPool2d -> (Conv2d or ConvTranspose2d) -> ReLU from a seeded random
     * configuration: groups, padding modes, stride, dilation, bias, and transposed convolutions,
     * including output_padding > padding (oneDNN's negative right padding: a bias-only tail).
     */
    private static Sequential network(Backend backend, int seed) {
        Random r = new Random(seed);
        int groups = 1 + r.nextInt(2);
        int in = 2 * groups;
        int mid = groups * (2 + r.nextInt(4));
        PaddingMode[] modes = PaddingMode.values();
        Convolution c1 = Conv2d.builder(in, mid, 1 + 2 * r.nextInt(2)).padding(r.nextInt(2)).groups(groups)
                .paddingMode(modes[r.nextInt(modes.length)]).stride(1 + r.nextInt(2)).bias(r.nextBoolean())
                .backend(backend).seed(seed).build();
        Convolution c2;
        int out = 3 + r.nextInt(3);
        if (r.nextBoolean()) {
            int stride = 2;
            boolean tail = r.nextBoolean();
            c2 = ConvTranspose2d.builder(mid, out, 3).stride(stride).padding(tail ? 0 : 1).outputPadding(1)
                    .bias(true).backend(backend).seed(seed + 7).build();
        } else {
            c2 = Conv2d.builder(mid, out, 3).padding(1).dilation(1 + r.nextInt(2))
                    .paddingMode(modes[r.nextInt(modes.length)]).bias(r.nextBoolean())
                    .backend(backend).seed(seed + 7).build();
        }
        return new Sequential(c1, ReLU.builder().backend(backend).build(),
                MaxPool2d.builder(2).backend(backend).build(), c2,
                ReLU.builder().backend(backend).build());
    }

    /** The modules one after the other, unfused. */
    private static Tensor unfused(Sequential s, Tensor input) {
        Tensor current = input;
        for (Module m : s.modules()) {
            Tensor next = m.forward(current);
            if (current != input) {
                current.close();
            }
            current = next;
        }
        return current;
    }

    private static Tensor random(Random r, long... shape) {
        int n = 1;
        for (long s : shape) {
            n *= (int) s;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Tensor.of(v, shape);
    }

    /** Equal as floats: bit-exact but for the sign of zero (oneDNN's post-op writes +0.0 for -0.0) and NaN payloads. */
    private static void assertSameNumbers(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            boolean same = expected[i] == actual[i] || (Float.isNaN(expected[i]) && Float.isNaN(actual[i]));
            if (!same) {
                throw new AssertionError(what + ": element " + i + " fused " + actual[i] + ", unfused " + expected[i]);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void fusedEqualsUnfused(Backend backend) {
        for (int seed = 0; seed < 12; seed++) {
            try (Sequential s = network(backend, seed)) {
                assertEquals(2, s.fusedPairs(), s.toString());
                Random r = new Random(100 + seed);
                long[] shape = {1 + r.nextInt(3), ((Convolution) s.modules().get(0)).spec().inChannels(),
                    16 + r.nextInt(9), 16 + r.nextInt(9)};
                try (Tensor x = random(r, shape); Tensor fused = s.forward(x); Tensor plain = unfused(s, x)) {
                    assertArrayEquals(plain.shape(), fused.shape(), s.toString());
                    float[] f = fused.toFloatArray();
                    assertSameNumbers(plain.toFloatArray(), f, "seed " + seed + " " + s + " on " + backend.name());
                    assertTrue(IntStreamHelper.anyPositive(f) && IntStreamHelper.anyZero(f),
                            "the ReLU must matter for the test to mean something: seed " + seed);
                }
                Convolution c1 = (Convolution) s.modules().get(0);
                assertNotNull(c1.preparedFusedReluKernel(), "the first convolution ran fused");
            }
        }
    }

    /** NaN and infinity in the input: the fused call keeps NaN where the ReLU module keeps it. */
    @ParameterizedTest
    @MethodSource("backends")
    void nonFiniteInputsMatchUnfused(Backend backend) {
        Random r = new Random(5);
        try (Sequential s = new Sequential(Conv2d.builder(3, 4, 3).padding(1).backend(backend).seed(3).build(),
                ReLU.builder().backend(backend).build());
                Tensor x = random(r, 2, 3, 6, 6)) {
            java.nio.FloatBuffer b = x.floatBuffer();
            b.put(7, Float.NaN);
            b.put(40, Float.POSITIVE_INFINITY);
            b.put(90, Float.NEGATIVE_INFINITY);
            b.put(150, 3e38f); // finite, but its sums overflow
            try (Tensor fused = s.forward(x); Tensor plain = unfused(s, x)) {
                float[] f = fused.toFloatArray();
                assertSameNumbers(plain.toFloatArray(), f, "non-finite input on " + backend.name());
                long nans = 0;
                for (float v : f) {
                    nans += Float.isNaN(v) ? 1 : 0;
                }
                assertTrue(nans > 0, "the NaN input reaches the output");
            }
            // and the same kernel then runs finite data fused again
            try (Tensor y = random(r, 2, 3, 6, 6); Tensor fused = s.forward(y); Tensor plain = unfused(s, y)) {
                assertSameNumbers(plain.toFloatArray(), fused.toFloatArray(), "finite input after non-finite");
            }
        }
    }

    @Test
    void fusesOnlyConvolutionThenReluOnTheSameBackend() {
        Backend ref = Backends.reference();
        Backend dnn = Backends.onednn();
        try (Sequential same = new Sequential(Conv1d.builder(1, 1, 1).backend(dnn).build(),
                        ReLU.builder().backend(dnn).build());
                Sequential other = new Sequential(Conv1d.builder(1, 1, 1).backend(dnn).build(),
                        ReLU.builder().backend(ref).build());
                Sequential reluFirst = new Sequential(ReLU.builder().backend(ref).build(),
                        Conv1d.builder(1, 1, 1).backend(ref).build());
                Sequential poolBetween = new Sequential(Conv1d.builder(1, 1, 1).backend(ref).build(),
                        MaxPool1d.builder(1).backend(ref).build(), ReLU.builder().backend(ref).build())) {
            assertEquals(1, same.fusedPairs());
            assertEquals(0, other.fusedPairs());
            assertEquals(0, reluFirst.fusedPairs());
            assertEquals(0, poolBetween.fusedPairs());
            assertEquals(2, same.modules().size(), "the modules stay as given");
        }
    }

    /** A Sequential never runs a closed module, fused or not; closing frees the fused kernel too. */
    @Test
    void closedModulesRefuseFusedCalls() {
        Backend dnn = Backends.onednn();
        ReLU relu = ReLU.builder().backend(dnn).build();
        Convolution conv = Conv2d.builder(2, 2, 3).backend(dnn).build();
        Sequential s = new Sequential(conv, relu);
        try (Tensor x = Tensor.zeros(1, 2, 5, 5)) {
            s.forward(x).close();
            assertNotNull(conv.preparedFusedReluKernel());
            relu.close();
            assertThrows(IllegalStateException.class, () -> s.forward(x));
            s.close();
            assertThrows(IllegalStateException.class, () -> s.forward(x));
            assertThrows(IllegalStateException.class, conv::preparedFusedReluKernel);
        }
        Convolution fresh = Conv2d.builder(2, 2, 3).backend(dnn).build();
        try (Sequential t = new Sequential(fresh, ReLU.builder().backend(dnn).build())) {
            assertEquals(1, t.fusedPairs());
            assertNull(fresh.preparedFusedReluKernel(), "prepared lazily");
        }
    }

    /** Many threads through one fused Sequential give the single-thread result bit for bit. */
    @ParameterizedTest
    @MethodSource("backends")
    void fusedSequentialIsThreadSafe(Backend backend) throws Exception {
        try (Sequential s = network(backend, 3)) {
            Random r = new Random(9);
            long[] shape = {2, ((Convolution) s.modules().get(0)).spec().inChannels(), 12, 12};
            List<Tensor> inputs = new ArrayList<>();
            List<float[]> expected = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Tensor x = random(r, shape);
                    inputs.add(x);
                    try (Tensor y = unfused(s, x)) {
                        expected.add(y.toFloatArray());
                    }
                }
                ExecutorService pool = Executors.newFixedThreadPool(6);
                try {
                    List<Future<?>> futures = new ArrayList<>();
                    for (int t = 0; t < 6; t++) {
                        int first = t;
                        futures.add(pool.submit(() -> {
                            for (int round = 0; round < 10; round++) {
                                int i = (first + round) % inputs.size();
                                try (Tensor y = s.forward(inputs.get(i))) {
                                    assertSameNumbers(expected.get(i), y.toFloatArray(), "thread " + first);
                                }
                            }
                            return null;
                        }));
                    }
                    for (Future<?> f : futures) {
                        f.get();
                    }
                } finally {
                    pool.shutdown();
                }
            } finally {
                inputs.forEach(Tensor::close);
            }
        }
    }

    private static final class IntStreamHelper {
        static boolean anyPositive(float[] v) {
            for (float f : v) {
                if (f > 0) {
                    return true;
                }
            }
            return false;
        }

        static boolean anyZero(float[] v) {
            for (float f : v) {
                if (f == 0) {
                    return true;
                }
            }
            return false;
        }
    }
}
