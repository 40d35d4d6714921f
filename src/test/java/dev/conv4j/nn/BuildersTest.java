package dev.conv4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.conv4j.Tensor;
import dev.conv4j.Tolerances;
import dev.conv4j.backend.Backend;
import dev.conv4j.backend.Backends;

/**
 * The builders of the modules without a kernel-size builder of their own (adaptive pooling, max
 * unpooling, ReLU), the functional adaptive pooling named like torch, and which backends
 * prefer channels-last. Expected numbers are worked out by hand.
 */
class BuildersTest {
    private static final Backend REF = Backends.reference();

    /** 1..24 as [1, 1, 4, 6]. */
    private static Tensor ramp() {
        float[] v = new float[24];
        for (int i = 0; i < v.length; i++) {
            v[i] = i + 1;
        }
        return Tensor.of(v, 1, 1, 4, 6);
    }

    @Test
    void adaptiveMaxPoolWithIndices() {
        // 4x6 -> 2x3: windows of 2x2; the maximum is each window's bottom-right element
        try (AdaptiveMaxPool2d pool = AdaptiveMaxPool2d.builder(2, 3).returnIndices(true).backend(REF).build();
                Tensor x = ramp(); PoolResult r = pool.forwardWithIndices(x)) {
            assertSame(REF, pool.backend());
            assertArrayEquals(new float[] {8, 10, 12, 20, 22, 24}, r.output().toFloatArray());
            assertArrayEquals(new long[] {7, 9, 11, 19, 21, 23}, r.indices().toLongArray());
        }
    }

    @Test
    void adaptiveMaxPoolWithoutReturnIndicesRefusesIndices() {
        try (AdaptiveMaxPool2d pool = AdaptiveMaxPool2d.builder(2).backend(REF).build(); Tensor x = ramp()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.forwardWithIndices(x));
            assertEquals("AdaptiveMaxPool2d was built with return_indices=False", e.getMessage());
        }
    }

    @Test
    void adaptiveAvgPoolNoneKeepsTheInputSize() {
        // output_size (None, 2): rows kept, each row of 6 averaged in halves of 3
        try (AdaptiveAvgPool2d pool = AdaptiveAvgPool2d.builder(new Long[] {null, 2L}).backend(REF).build();
                Tensor x = ramp(); Tensor y = pool.forward(x)) {
            assertArrayEquals(new long[] {1, 1, 4, 2}, y.shape());
            assertArrayEquals(new float[] {2, 5, 8, 11, 14, 17, 20, 23}, y.toFloatArray());
        }
    }

    @Test
    void adaptivePoolOfTakesTheOutputSizeOnly() {
        // ramp 1..24 on 4x6: the global average is 12.5, the 2x3 maximum each window's bottom-right element
        try (AdaptiveAvgPool2d avg = AdaptiveAvgPool2d.of(1); AdaptiveMaxPool2d max = AdaptiveMaxPool2d.of(2, 3);
                Tensor x = ramp(); Tensor a = avg.forward(x); Tensor m = max.forward(x)) {
            assertArrayEquals(new long[] {1, 1, 1, 1}, a.shape());
            assertArrayEquals(new float[] {12.5f}, a.toFloatArray());
            assertArrayEquals(new float[] {8, 10, 12, 20, 22, 24}, m.toFloatArray());
        }
    }

    @Test
    void adaptiveAvgPoolHasNoReturnIndices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AdaptiveAvgPool1d.builder(2).returnIndices(true).build());
        assertEquals("AdaptiveAvgPool1d has no return_indices argument", e.getMessage());
    }

    @Test
    void maxUnpoolBuilderTakesStrideAndPadding() {
        // MaxUnpool1d(2, stride=1): 2 values -> (2 - 1) * 1 + 2 = 3 positions; indices 2 and 0
        try (MaxUnpool1d unpool = MaxUnpool1d.builder(2).stride(1).padding(0).backend(REF).build();
                Tensor x = Tensor.of(new float[] {5, 7}, 1, 1, 2);
                Tensor idx = Tensor.ofLongs(new long[] {2, 0}, 1, 1, 2);
                Tensor y = unpool.forward(x, idx)) {
            assertSame(REF, unpool.backend());
            assertArrayEquals(new float[] {7, 0, 5}, y.toFloatArray());
        }
    }

    @Test
    void reluBuilderChoosesTheBackend() {
        try (ReLU relu = ReLU.builder().backend(REF).build(); ReLU plain = new ReLU()) {
            assertSame(REF, relu.backend());
            assertSame(Backends.getDefault(), plain.backend());
        }
    }

    @Test
    void functionalAdaptivePoolingIsNamedPerDimension() {
        try (Tensor x = Tensor.of(new float[] {1, 4, 2, 8, 3, 6}, 1, 1, 6);
                Tensor avg = F.adaptiveAvgPool1d(x, 2);
                Tensor max = F.adaptiveMaxPool1d(x, 3);
                Tensor ramp = ramp();
                Tensor avg2 = F.adaptiveAvgPool2d(ramp, 1, 2);
                Tensor max2 = F.adaptiveMaxPool2d(ramp, 1)) {
            assertArrayEquals(new float[] {7f / 3, 17f / 3}, avg.toFloatArray(), (float) Tolerances.HAND_RTOL);
            assertArrayEquals(new float[] {4, 8, 6}, max.toFloatArray());
            // columns 0-2 of 1..24 as 4x6 average 11, columns 3-5 average 14
            assertArrayEquals(new float[] {11, 14}, avg2.toFloatArray());
            assertArrayEquals(new float[] {24}, max2.toFloatArray());
        }
    }

    @Test
    void onlyOneDnnPrefersChannelsLast() {
        assertTrue(Backends.onednn().prefersChannelsLast());
        assertFalse(Backends.reference().prefersChannelsLast());
    }
}
