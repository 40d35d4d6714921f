package dev.conv4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Channels-last tensors: PyTorch's strides, conversions both ways, logical-order accessors. */
class MemoryFormatTest {
    /** Values of {@code torch.empty(shape).to(memory_format=...).stride()} in PyTorch 1.13. */
    @Test
    void stridesAreTorchs() {
        assertArrayEquals(new long[] {60, 1, 15, 3}, MemoryFormat.CHANNELS_LAST.strides(new long[] {2, 3, 4, 5}));
        assertArrayEquals(new long[] {360, 1, 90, 18, 3},
                MemoryFormat.CHANNELS_LAST.strides(new long[] {2, 3, 4, 5, 6}));
        assertArrayEquals(new long[] {60, 1, 15, 3}, MemoryFormat.CHANNELS_LAST.strides(new long[] {0, 3, 4, 5}));
        assertArrayEquals(new long[] {60, 20, 5, 1}, MemoryFormat.CONTIGUOUS.strides(new long[] {2, 3, 4, 5}));
        try (Tensor t = Tensor.zeros(DType.FLOAT32, MemoryFormat.CHANNELS_LAST, 2, 3, 4, 5)) {
            assertArrayEquals(new long[] {60, 1, 15, 3}, t.strides());
            assertEquals(MemoryFormat.CHANNELS_LAST, t.memoryFormat());
            assertTrue(t.toString().contains("CHANNELS_LAST"), t.toString());
        }
    }

    @Test
    void channelsLastNeedsRank4Or5WithTorchsMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(DType.FLOAT32, MemoryFormat.CHANNELS_LAST, 2, 3, 4));
        assertEquals("required rank 4 tensor to use channels_last format", e.getMessage());
        try (Tensor t = Tensor.zeros(2, 3)) {
            assertThrows(IllegalArgumentException.class, () -> t.toMemoryFormat(MemoryFormat.CHANNELS_LAST));
        }
    }

    /** Memory holds element (n, c, h, w) at n*HWC + (h*W + w)*C + c; the accessors speak logical order. */
    @Test
    void conversionPlacesEveryElementAtItsStride() {
        long[] shape = {2, 3, 5, 7};
        float[] v = sequence(2 * 3 * 5 * 7);
        try (Tensor t = Tensor.of(v, shape); Tensor cl = t.toMemoryFormat(MemoryFormat.CHANNELS_LAST)) {
            float[] raw = new float[v.length];
            cl.floatBuffer().get(raw);
            for (int n = 0; n < 2; n++) {
                for (int c = 0; c < 3; c++) {
                    for (int s = 0; s < 35; s++) {
                        assertEquals(v[(n * 3 + c) * 35 + s], raw[n * 105 + s * 3 + c]);
                    }
                }
            }
            assertArrayEquals(v, cl.toFloatArray());
            try (Tensor back = cl.contiguous(); Tensor copy = cl.copy(); Tensor flat = cl.reshape(2, 105)) {
                assertEquals(MemoryFormat.CONTIGUOUS, back.memoryFormat());
                assertArrayEquals(v, back.toFloatArray());
                assertEquals(MemoryFormat.CHANNELS_LAST, copy.memoryFormat());
                assertArrayEquals(v, copy.toFloatArray());
                assertEquals(MemoryFormat.CONTIGUOUS, flat.memoryFormat());
                assertArrayEquals(v, flat.toFloatArray());
            }
        }
    }

    /** Sizes around the transposition's tile (32), rank 5, int64, NaN bits and empty tensors. */
    @Test
    void roundTripsAreExact() {
        long[][] shapes = {{1, 1, 1, 1}, {3, 33, 1, 65}, {2, 64, 7, 9}, {1, 31, 2, 3, 5}, {2, 40, 3, 3, 4},
            {0, 3, 4, 5}, {2, 0, 4, 5}, {2, 3, 0, 5}};
        for (long[] shape : shapes) {
            int n = Math.toIntExact(java.util.Arrays.stream(shape).reduce(1, Math::multiplyExact));
            float[] v = sequence(n);
            if (n > 3) {
                v[3] = Float.intBitsToFloat(0x7fc01234); // a NaN payload survives
            }
            long[] l = new long[n];
            for (int i = 0; i < n; i++) {
                l[i] = (long) i * 1_000_000_007L;
            }
            try (Tensor t = Tensor.of(v, shape); Tensor cl = t.toMemoryFormat(MemoryFormat.CHANNELS_LAST);
                    Tensor back = cl.contiguous(); Tensor i = Tensor.ofLongs(l, shape);
                    Tensor icl = i.toMemoryFormat(MemoryFormat.CHANNELS_LAST)) {
                float[] got = back.toFloatArray();
                for (int k = 0; k < n; k++) {
                    assertEquals(Float.floatToRawIntBits(v[k]), Float.floatToRawIntBits(got[k]), "element " + k);
                }
                assertArrayEquals(l, icl.toLongArray());
            }
        }
    }

    @Test
    void copyFromArraysAndTensorsTakesLogicalOrder() {
        long[] shape = {1, 4, 3, 2};
        float[] v = sequence(24);
        try (Tensor cl = Tensor.zeros(DType.FLOAT32, MemoryFormat.CHANNELS_LAST, shape);
                Tensor other = Tensor.zeros(DType.FLOAT32, MemoryFormat.CHANNELS_LAST, shape);
                Tensor idx = Tensor.zeros(DType.INT64, MemoryFormat.CHANNELS_LAST, shape)) {
            cl.copyFrom(v);
            assertArrayEquals(v, cl.toFloatArray());
            other.copyFrom(cl);
            assertArrayEquals(v, other.toFloatArray());
            long[] l = new long[24];
            for (int i = 0; i < 24; i++) {
                l[i] = i;
            }
            idx.copyFrom(l);
            assertArrayEquals(l, idx.toLongArray());
            assertThrows(IllegalArgumentException.class, () -> cl.copyFrom(new float[23]));
            try (Tensor wrong = Tensor.zeros(1, 4, 2, 3)) {
                assertThrows(IllegalArgumentException.class, () -> cl.copyFrom(wrong));
            }
        }
    }

    @Test
    void npyHoldsLogicalOrder(@TempDir Path dir) throws Exception {
        float[] v = sequence(2 * 3 * 2 * 2 * 2);
        try (Tensor t = Tensor.of(v, 2, 3, 2, 2, 2); Tensor cl = t.toMemoryFormat(MemoryFormat.CHANNELS_LAST)) {
            t.writeNpy(dir.resolve("a.npy"));
            cl.writeNpy(dir.resolve("b.npy"));
        }
        assertArrayEquals(Files.readAllBytes(dir.resolve("a.npy")), Files.readAllBytes(dir.resolve("b.npy")));
    }

    /** The Java transposition (used when the native library is not loaded) against its definition. */
    @Test
    void javaTranspositionMatchesDefinition() {
        int[][] sizes = {{1, 1, 1}, {2, 33, 65}, {3, 64, 7}, {1, 5, 100}, {2, 0, 4}};
        for (int[] s : sizes) {
            int batch = s[0];
            int rows = s[1];
            int cols = s[2];
            int[] in = new int[batch * rows * cols];
            for (int i = 0; i < in.length; i++) {
                in[i] = i * 7 + 1;
            }
            int[] out = new int[in.length];
            Layouts.transpose(batch, rows, cols, (from, to) -> out[to] = in[from]);
            for (int b = 0; b < batch; b++) {
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        assertEquals(in[(b * rows + r) * cols + c], out[(b * cols + c) * rows + r]);
                    }
                }
            }
        }
    }

    /**
     * The build runs the tests with {@code conv4j.poisonEmpty}: uninitialised outputs hold NaN
     * (and -1 indices), so any backend that leaves an output element unwritten fails its tests.
     */
    @Test
    void testsRunWithPoisonedEmptyTensors() {
        assertTrue(Boolean.getBoolean("conv4j.poisonEmpty"), "surefire must set -Dconv4j.poisonEmpty=true");
        try (Tensor f = Tensor.empty(DType.FLOAT32, MemoryFormat.CHANNELS_LAST, 2, 3, 4, 5);
                Tensor i = Tensor.empty(DType.INT64, MemoryFormat.CONTIGUOUS, 7)) {
            for (float v : f.toFloatArray()) {
                assertTrue(Float.isNaN(v));
            }
            for (long v : i.toLongArray()) {
                assertEquals(-1L, v);
            }
            f.fillZero();
            for (float v : f.toFloatArray()) {
                assertEquals(0f, v);
            }
        }
    }

    private static float[] sequence(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i * 0.5f - 3;
        }
        return v;
    }
}
