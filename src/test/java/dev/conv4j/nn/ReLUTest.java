package dev.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.conv4j.DType;
import dev.conv4j.Tensor;
import dev.conv4j.backend.Backend;
import dev.conv4j.backend.Backends;

class ReLUTest {
    static Stream<Backend> backends() {
        return Stream.of(Backends.reference(), Backends.onednn());
    }

    /** torch.relu: values below zero become +0; NaN (any payload sign), -0.0 and +inf pass through. */
    @ParameterizedTest
    @MethodSource("backends")
    void handWrittenValues(Backend backend) {
        float negNaN = Float.intBitsToFloat(0xffc00000);
        float[] in = {-2.5f, -0f, 0f, 1.25f, Float.NaN, negNaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            -Float.MIN_VALUE, Float.MIN_VALUE, -Float.MAX_VALUE, Float.MAX_VALUE};
        float[] expected = {0f, -0f, 0f, 1.25f, Float.NaN, Float.NaN, Float.POSITIVE_INFINITY, 0f, 0f,
            Float.MIN_VALUE, 0f, Float.MAX_VALUE};
        try (ReLU relu = ReLU.builder().backend(backend).build(); Tensor x = Tensor.of(in, 3, 4);
                Tensor y = relu.forward(x)) {
            assertArrayEquals(new long[] {3, 4}, y.shape());
            float[] got = y.toFloatArray();
            StringBuilder wrong = new StringBuilder();
            for (int i = 0; i < in.length; i++) {
                // bit-exact up to the NaN payload: -0.0 stays -0.0
                boolean same = Float.isNaN(expected[i]) ? Float.isNaN(got[i])
                        : Float.floatToIntBits(expected[i]) == Float.floatToIntBits(got[i]);
                if (!same) {
                    wrong.append(" relu(").append(in[i]).append(") = ").append(got[i]).append(", expected ")
                            .append(expected[i]).append(';');
                }
            }
            assertEquals("", wrong.toString());
            assertArrayEquals(in, x.toFloatArray(), "the input is unchanged");
        }
    }

    /** Random tensors of several shapes (also 0-d-like, 5-d and empty) match the plain loop on both backends. */
    @ParameterizedTest
    @MethodSource("backends")
    void randomShapes(Backend backend) {
        Random r = new Random(11);
        long[][] shapes = {{1}, {7}, {2, 3}, {2, 3, 5, 7}, {1, 2, 3, 4, 5}, {0, 4}, {3, 64, 17}};
        try (ReLU relu = ReLU.builder().backend(backend).build()) {
            for (long[] shape : shapes) {
                int n = 1;
                for (long s : shape) {
                    n *= (int) s;
                }
                float[] in = new float[n];
                for (int i = 0; i < n; i++) {
                    in[i] = (float) r.nextGaussian();
                }
                try (Tensor x = Tensor.of(in, shape); Tensor y = relu.forward(x)) {
                    assertArrayEquals(shape, y.shape());
                    float[] expected = new float[n];
                    for (int i = 0; i < n; i++) {
                        expected[i] = in[i] < 0 ? 0f : in[i];
                    }
                    assertArrayEquals(expected, y.toFloatArray());
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void refusesNonFloatNullAndClosed(Backend backend) {
        ReLU relu = ReLU.builder().backend(backend).build();
        try (Tensor longs = Tensor.zeros(DType.INT64, 3)) {
            assertThrows(IllegalArgumentException.class, () -> relu.forward(longs));
        }
        assertThrows(IllegalArgumentException.class, () -> relu.forward(null));
        relu.close();
        relu.close();
        try (Tensor x = Tensor.zeros(2)) {
            assertThrows(IllegalStateException.class, () -> relu.forward(x));
        }
    }
}
