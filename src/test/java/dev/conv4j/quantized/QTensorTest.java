package dev.conv4j.quantized;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.conv4j.DType;
import dev.conv4j.MemoryFormat;
import dev.conv4j.Tensor;

/** Quantization against values printed by PyTorch 1.13 ({@code torch.quantize_per_tensor/_per_channel}). */
class QTensorTest {
    private static final float[] X = {-1.0f, -0.125f, 0.0f, 0.124f, 0.125f, 0.375f, 0.0625f, 1.7f, 100.0f, -100.0f,
        0.3125f, 2.5f};

    private static int[] ints(QTensor q) {
        byte[] b = q.ints().toByteArray();
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = q.dtype() == QDType.QUINT8 ? b[i] & 0xff : b[i];
        }
        return out;
    }

    @Test
    void quint8PerTensorRoundsHalfToEvenAndSaturates() {
        try (Tensor x = Tensor.of(X, X.length); QTensor q = QTensor.quantizePerTensor(x, 0.25, 128, QDType.QUINT8);
                Tensor d = q.dequantize()) {
            // torch.quantize_per_tensor(x, 0.25, 128, torch.quint8).int_repr()
            assertArrayEquals(new int[] {124, 128, 128, 128, 128, 130, 128, 135, 255, 0, 129, 138}, ints(q));
            assertArrayEquals(new float[] {-1.0f, 0f, 0f, 0f, 0f, 0.5f, 0f, 1.75f, 31.75f, -32.0f, 0.25f, 2.5f},
                    d.toFloatArray());
            assertEquals(0.25, q.scale());
            assertEquals(128, q.zeroPoint());
            assertEquals(DType.UINT8, q.intRepr().dtype());
        }
    }

    @Test
    void qint8PerTensorMultipliesByTheFloatReciprocal() {
        try (Tensor x = Tensor.of(X, X.length); QTensor q = QTensor.quantizePerTensor(x, 0.1, 3, QDType.QINT8);
                Tensor d = q.dequantize()) {
            assertArrayEquals(new int[] {-7, 2, 3, 4, 4, 7, 4, 20, 127, -128, 6, 28}, ints(q));
            assertArrayEquals(new float[] {-1.0f, -0.1f, 0f, 0.1f, 0.1f, 0.4f, 0.1f, 1.7f, 12.4f, -13.1f, 0.3f, 2.5f},
                    d.toFloatArray(), 1e-6f);
        }
    }

    @Test
    void perChannelUsesEachChannelsParameters() {
        try (Tensor w = Tensor.of(new float[] {0.5f, -0.25f, 1.0f, 0.02f, -0.03f, 0.05f}, 2, 3);
                QTensor q = QTensor.quantizePerChannel(w, new double[] {0.01, 0.001}, new long[] {0, 2}, 0,
                        QDType.QINT8);
                Tensor d = q.dequantize()) {
            assertArrayEquals(new int[] {50, -25, 100, 22, -28, 52}, ints(q));
            assertArrayEquals(new float[] {0.5f, -0.25f, 1.0f, 0.02f, -0.03f, 0.05f}, d.toFloatArray(), 1e-7f);
            assertTrue(q.perChannel());
            assertEquals(0, q.axis());
            assertThrows(IllegalStateException.class, q::scale);
        }
    }

    @Test
    void refusesBadParameters() {
        try (Tensor x = Tensor.zeros(2, 3)) {
            assertThrows(IllegalArgumentException.class, () -> QTensor.quantizePerTensor(x, 0, 0, QDType.QUINT8));
            assertThrows(IllegalArgumentException.class, () -> QTensor.quantizePerTensor(x, 1, 256, QDType.QUINT8));
            assertThrows(IllegalArgumentException.class, () -> QTensor.quantizePerTensor(x, 1, -129, QDType.QINT8));
            assertThrows(IllegalArgumentException.class,
                    () -> QTensor.quantizePerChannel(x, new double[] {1}, new long[] {0}, 1, QDType.QINT8));
            assertThrows(IllegalArgumentException.class, () -> QTensor.fromIntRepr(x, 1.0, 0));
        }
    }

    @Test
    void channelsLastKeepsTheLogicalValues() {
        float[] v = new float[2 * 3 * 2 * 2];
        for (int i = 0; i < v.length; i++) {
            v[i] = i * 0.5f - 3;
        }
        try (Tensor x = Tensor.of(v, 2, 3, 2, 2); Tensor cl = x.toMemoryFormat(MemoryFormat.CHANNELS_LAST);
                QTensor a = QTensor.quantizePerTensor(x, 0.5, 10, QDType.QUINT8);
                QTensor b = QTensor.quantizePerTensor(cl, 0.5, 10, QDType.QUINT8); Tensor db = b.dequantize()) {
            assertEquals(MemoryFormat.CHANNELS_LAST, b.ints().memoryFormat());
            assertArrayEquals(a.ints().toByteArray(), b.ints().toByteArray());
            assertArrayEquals(v, db.toFloatArray());
        }
    }

    @Test
    void byteNpyFilesRoundTrip(@TempDir Path dir) throws IOException {
        byte[] data = {0, 1, 127, (byte) 128, (byte) 255, -1};
        for (DType t : new DType[] {DType.UINT8, DType.INT8}) {
            Path f = dir.resolve(t + ".npy");
            try (Tensor x = Tensor.ofBytes(t, data, 2, 3)) {
                x.writeNpy(f);
            }
            String header = new String(Files.readAllBytes(f), 0, 64, java.nio.charset.StandardCharsets.ISO_8859_1);
            assertTrue(header.contains(t == DType.UINT8 ? "'|u1'" : "'|i1'"), header);
            try (Tensor y = Tensor.readNpy(f)) {
                assertEquals(t, y.dtype());
                assertArrayEquals(new long[] {2, 3}, y.shape());
                assertArrayEquals(data, y.toByteArray());
            }
        }
    }
}
