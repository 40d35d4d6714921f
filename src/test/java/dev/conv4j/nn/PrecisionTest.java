package dev.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.conv4j.Precision;
import dev.conv4j.Tensor;
import dev.conv4j.backend.Backend;
import dev.conv4j.backend.Backends;

/** {@code precision(...)} on convolution modules and on Sequential. */
class PrecisionTest {
    private static final Backend ONEDNN = Backends.onednn();
    private static final boolean BF16 = ONEDNN.effectivePrecision(Precision.BF16) == Precision.BF16;

    private static Tensor input(long... shape) {
        Tensor t = Tensor.zeros(shape);
        java.nio.FloatBuffer b = t.floatBuffer();
        Random r = new Random(3);
        for (int i = 0; i < b.capacity(); i++) {
            b.put(i, (float) (r.nextDouble() * 2 - 1));
        }
        return t;
    }

    @Test
    void moduleReportsRequestedAndEffectivePrecision() {
        try (Conv2d f32 = Conv2d.builder(4, 8, 3).backend(ONEDNN).build();
                ConvTranspose3d bf16 = ConvTranspose3d.builder(4, 8, 2).precision(Precision.BF16).backend(ONEDNN).build();
                Conv1d emulated = Conv1d.builder(4, 8, 3).precision(Precision.BF16).backend(Backends.reference())
                        .build()) {
            assertEquals(Precision.F32, f32.precision());
            assertEquals(Precision.F32, f32.effectivePrecision());
            assertEquals(Precision.BF16, bf16.precision());
            assertEquals(BF16 ? Precision.BF16 : Precision.F32, bf16.effectivePrecision());
            assertEquals(Precision.BF16, emulated.effectivePrecision(), "the reference backend emulates bf16");
        }
        assertThrows(IllegalArgumentException.class, () -> Conv2d.builder(1, 1, 1).precision(null));
    }

    /**
     * A Sequential's precision applies to all its convolutions (fused with ReLU or not): the chain
     * then gives what its modules built at bf16 give one after the other, and back at null what
     * they give at their own precision.
     */
    @Test
    void sequentialPrecisionAppliesToEveryConvolution() {
        try (Sequential f32 = chain(Precision.F32);
                Sequential bf16 = chain(Precision.BF16);
                Tensor x = input(2, 3, 12, 12)) {
            assertNull(f32.precision());
            assertEquals(Precision.F32, f32.effectivePrecision());
            assertEquals(BF16 ? Precision.BF16 : Precision.F32, bf16.effectivePrecision());
            assertEquals(1, f32.fusedPairs());
            float[] atF32;
            float[] atBf16;
            try (Tensor y = f32.forward(x)) {
                atF32 = y.toFloatArray();
            }
            try (Tensor y = bf16.forward(x)) {
                atBf16 = y.toFloatArray();
            }
            assertEquals(f32, f32.precision(Precision.BF16));
            assertEquals(BF16 ? Precision.BF16 : Precision.F32, f32.effectivePrecision());
            try (Tensor y = f32.forward(x)) {
                assertArrayEquals(atBf16, y.toFloatArray(), "Sequential.precision(BF16) = modules built at BF16");
            }
            f32.precision(null);
            assertEquals(Precision.F32, f32.effectivePrecision());
            try (Tensor y = f32.forward(x)) {
                assertArrayEquals(atF32, y.toFloatArray(), "precision(null): the modules' own again");
            }
            assertEquals(BF16, !Arrays.equals(atF32, atBf16), "bf16 results differ from f32 ones where bf16 runs");
            bf16.precision(Precision.F32);
            assertEquals(Precision.F32, bf16.effectivePrecision());
            try (Tensor y = bf16.forward(x)) {
                assertArrayEquals(atF32, y.toFloatArray(), "Sequential.precision(F32) overrides bf16 modules");
            }
        }
    }

    /** Conv2d -> ReLU (fused) -> MaxPool2d -> ConvTranspose2d, the convolutions at {@code p}. */
    private static Sequential chain(Precision p) {
        return new Sequential(Conv2d.builder(3, 16, 3).padding(1).precision(p).backend(ONEDNN).seed(1).build(),
                ReLU.builder().backend(ONEDNN).build(), MaxPool2d.builder(2).backend(ONEDNN).build(),
                ConvTranspose2d.builder(16, 4, 2).stride(2).precision(p).backend(ONEDNN).seed(2).build());
    }

    @Test
    void closedSequentialRefusesPrecision() {
        Sequential s = chain(Precision.F32);
        s.close();
        assertThrows(IllegalStateException.class, () -> s.precision(Precision.BF16));
        assertThrows(IllegalStateException.class, s::effectivePrecision);
    }
}
