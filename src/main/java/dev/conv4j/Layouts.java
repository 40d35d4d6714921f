package dev.conv4j;

import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;

import dev.conv4j.kernels.Kernels;

/**
 * Copies a tensor's elements into another tensor of the same shape and type, converting
 * between memory formats. Between contiguous and channels-last this is, per batch entry, the
 * transposition of a {@code C x S} matrix (S = the spatial volume): done by conv4j's native
 * kernel when the native library is loaded, else by the Java loop here.
 */
final class Layouts {
    /** Side of the square tiles the transposition walks, so reads and writes both stay in cache. */
    private static final int TILE = 32;

    private Layouts() {
    }

    /** {@code dst[i] = src[i]} for every logical index; the tensors are open, distinct and alike. */
    static void copy(Tensor src, MemoryFormat srcFormat, Tensor dst, MemoryFormat dstFormat, long[] shape) {
        ByteBuffer from = src.storageBytes();
        ByteBuffer to = dst.storageBytes();
        if (srcFormat == dstFormat) {
            to.put(from);
            return;
        }
        long batch = shape[0];
        long channels = shape[1];
        long spatial = 1;
        for (int i = 2; i < shape.length; i++) {
            spatial *= shape[i];
        }
        // contiguous -> channels-last transposes C x S; channels-last -> contiguous S x C
        long rows = srcFormat == MemoryFormat.CONTIGUOUS ? channels : spatial;
        long cols = srcFormat == MemoryFormat.CONTIGUOUS ? spatial : channels;
        if (src.dtype().byteSize() == 1) {
            // bytes (quantized tensors' integers): the plain loop, the native kernel moves 4 or 8 bytes
            transpose(batch, rows, cols, (i, o) -> to.put(o, from.get(i)));
            return;
        }
        if (Kernels.available()) {
            Kernels.transpose(src, dst, batch, rows, cols); // our native tiled transposition
            return;
        }
        if (src.dtype() == DType.FLOAT32) {
            IntBuffer in = from.asIntBuffer(); // the bits, so NaN payloads stay as they are
            IntBuffer out = to.asIntBuffer();
            transpose(batch, rows, cols, (i, o) -> out.put(o, in.get(i)));
        } else {
            LongBuffer in = from.asLongBuffer();
            LongBuffer out = to.asLongBuffer();
            transpose(batch, rows, cols, (i, o) -> out.put(o, in.get(i)));
        }
    }

    /** Copies element {@code from} of the source to element {@code to} of the destination. */
    @FunctionalInterface
    interface ElementCopy {
        void copy(int from, int to);
    }

    /** For each of {@code batch} matrices: {@code out[c][r] = in[r][c]} ({@code rows x cols} in, C order). */
    static void transpose(long batch, long rows, long cols, ElementCopy copy) {
        int r = Math.toIntExact(rows);
        int c = Math.toIntExact(cols);
        for (long b = 0; b < batch; b++) {
            int base = Math.toIntExact(b * rows * cols);
            for (int r0 = 0; r0 < r; r0 += TILE) {
                int r1 = Math.min(r0 + TILE, r);
                for (int c0 = 0; c0 < c; c0 += TILE) {
                    int c1 = Math.min(c0 + TILE, c);
                    for (int i = r0; i < r1; i++) {
                        for (int j = c0; j < c1; j++) {
                            copy.copy(base + i * c + j, base + j * r + i);
                        }
                    }
                }
            }
        }
    }
}
