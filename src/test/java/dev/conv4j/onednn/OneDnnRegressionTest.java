package dev.conv4j.onednn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

import dev.conv4j.Tensor;
import dev.conv4j.Tolerances;
import dev.conv4j.backend.Backends;
import dev.conv4j.nn.Conv1d;
import dev.conv4j.nn.Conv2d;

/** Configurations that once crashed or misled oneDNN, compared with the reference backend. */
class OneDnnRegressionTest {
    private static float[] run(Conv1d.Builder<Conv1d> b, long... shape) {
        float[] x = new float[(int) java.util.Arrays.stream(shape).reduce(1, (p, q) -> p * q)];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 7) - 3;
        }
        try (Conv1d m = b.build(); Tensor in = Tensor.of(x, shape); Tensor y = m.forward(in)) {
            return y.toFloatArray();
        }
    }

    @Test
    void outputWindowsWhollyInTheZeroPadding() {
        // Conv1d(1, 2, 1, padding=2, stride=3, dilation=2) on [2, 1, 1]: both windows of each row
        // lie in the padding; oneDNN 3.8.1's brg_conv_fwd crashed the JVM here.
        for (long len = 1; len <= 3; len++) {
            float[] ref = run(Conv1d.builder(1, 2, 1).padding(2).stride(3).dilation(2).backend(Backends.reference()), 2,
                    1, len);
            float[] dnn = run(Conv1d.builder(1, 2, 1).padding(2).stride(3).dilation(2).backend(Backends.onednn()), 2, 1,
                    len);
            assertArrayEquals(ref, dnn, (float) Tolerances.KERNEL_RTOL); // absolute: tighter than the relative form
        }
    }

    @Test
    void paddingWiderThanTheKernelIn2d() {
        float[] x = new float[2 * 3 * 4 * 5];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i);
        }
        float[][] results = new float[2][];
        int r = 0;
        for (var backend : java.util.List.of(Backends.reference(), Backends.onednn())) {
            try (Conv2d m = Conv2d.builder(3, 4, 2).padding(3, 2).stride(2).backend(backend).build();
                    Tensor in = Tensor.of(x, 2, 3, 4, 5); Tensor y = m.forward(in)) {
                results[r++] = y.toFloatArray();
            }
        }
        assertArrayEquals(results[0], results[1], (float) Tolerances.RTOL); // absolute: tighter than the relative form
    }
}
