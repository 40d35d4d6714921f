package dev.conv4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorTest {
    @TempDir
    Path tmp;

    @Test
    void holdsDataInCOrderAlignedTo64Bytes() {
        try (Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3)) {
            assertArrayEquals(new long[] {2, 3}, t.shape());
            assertEquals(6, t.numel());
            assertEquals(0, t.address() % 64);
            assertEquals(6f, t.floatBuffer().get(5));
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, t.toFloatArray());
        }
    }

    @Test
    void zerosAreZero() {
        try (Tensor t = Tensor.zeros(3, 5)) {
            for (float v : t.toFloatArray()) {
                assertEquals(0f, v);
            }
        }
    }

    @Test
    void closeTwiceIsHarmlessAndUseAfterCloseThrows() {
        Tensor t = Tensor.zeros(2, 2);
        t.close();
        t.close();
        assertTrue(t.isClosed());
        assertThrows(IllegalStateException.class, t::shape);
        assertThrows(IllegalStateException.class, t::toFloatArray);
        assertThrows(IllegalStateException.class, t::pointer);
    }

    @Test
    void refusesBadShapes() {
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(new long[0]));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(1, 2, 3, 4, 5, 6));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, -1));
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[] {1, 2, 3}, 2, 2));
        // overflowing element counts are refused before anything is allocated
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(1L << 40, 1L << 40));
        assertTrue(e.getMessage().contains("too many elements"), e.getMessage());
    }

    @Test
    void aClosedLargeBlockIsReusedAndComesBackZeroed() {
        long n = (2L << 20) / 4; // 2 MiB of floats: above the pool's 1 MiB floor
        long address;
        try (Tensor t = Tensor.zeros(n)) {
            t.floatBuffer().put(0, 42f).put((int) n - 1, 7f);
            address = t.address();
        }
        try (Tensor u = Tensor.zeros(n)) {
            assertEquals(address, u.address(), "the block of the closed tensor is reused");
            assertEquals(0f, u.floatBuffer().get(0));
            assertEquals(0f, u.floatBuffer().get((int) n - 1));
        }
        assertTrue(BlockPool.cachedBytes() <= BlockPool.MAX_BYTES);
    }

    @Test
    void zeroSizedDimensionsAreAllowed() {
        try (Tensor t = Tensor.zeros(0, 3, 4)) {
            assertEquals(0, t.numel());
        }
    }

    @Test
    void npyRoundTripForFloatsAndLongs() throws IOException {
        Path f = tmp.resolve("a.npy");
        try (Tensor t = Tensor.of(new float[] {1.5f, -2, Float.NaN, 4}, 1, 2, 2)) {
            t.writeNpy(f);
        }
        try (Tensor r = Tensor.readNpy(f)) {
            assertArrayEquals(new long[] {1, 2, 2}, r.shape());
            assertArrayEquals(new float[] {1.5f, -2, Float.NaN, 4}, r.toFloatArray());
        }
        Path g = tmp.resolve("i.npy");
        try (Tensor t = Tensor.ofLongs(new long[] {7, 1L << 40}, 2)) {
            t.writeNpy(g);
        }
        try (Tensor r = Tensor.readNpy(g)) {
            assertEquals(DType.INT64, r.dtype());
            assertArrayEquals(new long[] {7, 1L << 40}, r.toLongArray());
        }
    }

    @Test
    void readsNpyBytesInMemoryAndNamesThemInErrors() throws IOException {
        Path f = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }", floats(3.25f, -0.0f));
        try (Tensor t = Tensor.readNpy(Files.readAllBytes(f), "in-memory.npy")) {
            assertArrayEquals(new long[] {1, 2}, t.shape());
            assertArrayEquals(new float[] {3.25f, -0.0f}, t.toFloatArray());
        }
        byte[] cut = java.util.Arrays.copyOf(Files.readAllBytes(f), 72); // 70 header bytes, 2 of 8 data bytes
        IOException e = assertThrows(IOException.class, () -> Tensor.readNpy(cut, "hdfs://x/img-7.npy").close());
        assertTrue(e.getMessage().startsWith("hdfs://x/img-7.npy: expected 8 data bytes"), e.getMessage());
        assertTrue(e.getMessage().endsWith("(truncated)"), e.getMessage());
    }

    /** A hand-built .npy file: magic, version, header dict, data. */
    private Path npy(int major, String dict, byte[] data) throws IOException {
        byte[] header = (dict + "\n").getBytes(StandardCharsets.ISO_8859_1);
        int lenBytes = major == 1 ? 2 : 4;
        ByteBuffer b = ByteBuffer.allocate(8 + lenBytes + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            b.putShort((short) header.length);
        } else {
            b.putInt(header.length);
        }
        b.put(header).put(data);
        Path f = tmp.resolve("t" + System.nanoTime() + ".npy");
        Files.write(f, b.array());
        return f;
    }

    private static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    @Test
    void readsFormat2() throws IOException {
        Path f = npy(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", floats(1, 2));
        try (Tensor t = Tensor.readNpy(f)) {
            assertArrayEquals(new float[] {1, 2}, t.toFloatArray());
        }
    }

    @Test
    void refusesWhatItCannotRead() throws IOException {
        String ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
        assertRefused(npy(1, ok, floats(1)), "truncated");
        assertRefused(npy(1, ok.replace("<f4", ">f4"), floats(1, 2)), "unsupported dtype '>f4'");
        assertRefused(npy(1, ok.replace("<f4", "<f2"), floats(1)), "unsupported dtype '<f2'");
        assertRefused(npy(1, ok.replace("False", "True"), floats(1, 2)), "Fortran-ordered");
        assertRefused(npy(3, ok, floats(1, 2)), "version 3");
        Path junk = tmp.resolve("junk.npy");
        Files.writeString(junk, "this is not numpy at all");
        assertRefused(junk, "not a .npy file");
    }

    private static void assertRefused(Path f, String fragment) {
        IOException e = assertThrows(IOException.class, () -> Tensor.readNpy(f).close());
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' lacks '" + fragment + "'");
    }
}
