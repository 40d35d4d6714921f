package dev.conv4j.quantized;

import java.util.Arrays;

import dev.conv4j.DType;
import dev.conv4j.MemoryFormat;
import dev.conv4j.Tensor;
import dev.conv4j.spec.Tuples;

/**
 * A quantized tensor as PyTorch defines it: integers {@code q} of type {@link QDType} that stand
 * for the real values {@code (q - zeroPoint) * scale}, with one scale and zero point for the whole
 * tensor ({@code per_tensor_affine}) or one per index along an {@link #axis()}
 * ({@code per_channel_affine}).
 *
 * <p>The integers live in an owned {@link Tensor} of type {@link DType#UINT8} ({@code quint8}) or
 * {@link DType#INT8} ({@code qint8}), in any memory format; {@link #intRepr()} returns a copy of
 * it, {@link #ints()} the tensor itself. Closing the quantized tensor closes the integers;
 * closing twice is harmless.
 */
public final class QTensor implements AutoCloseable {
    private final QDType dtype;
    private final Tensor ints;
    private final double[] scales;
    private final long[] zeroPoints;
    /** -1 for per-tensor quantization. */
    private final int axis;

    private QTensor(QDType dtype, Tensor ints, double[] scales, long[] zeroPoints, int axis) {
        this.dtype = dtype;
        this.ints = ints;
        this.scales = scales;
        this.zeroPoints = zeroPoints;
        this.axis = axis;
    }

    /**
     * {@code torch.quantize_per_tensor(x, scale, zero_point, dtype)}: {@code q = clamp(zero_point +
     * round(x * (1 / scale)))} with {@code 1 / scale} and the product in float32 and ties to even,
     * as PyTorch's CPU kernel computes it.
     */
    public static QTensor quantizePerTensor(Tensor x, double scale, long zeroPoint, QDType dtype) {
        checkParams(dtype, new double[] {scale}, new long[] {zeroPoint});
        return quantize(x, new double[] {scale}, new long[] {zeroPoint}, -1, dtype);
    }

    /**
     * {@code torch.quantize_per_channel(x, scales, zero_points, axis, dtype)}: as
     * {@link #quantizePerTensor} with the scale and zero point of each index along {@code axis}.
     */
    public static QTensor quantizePerChannel(Tensor x, double[] scales, long[] zeroPoints, int axis, QDType dtype) {
        int a = checkAxis(axis, x.rank());
        if (scales.length != x.size(a) || zeroPoints.length != x.size(a)) {
            throw new IllegalArgumentException("quantize_per_channel: expected " + x.size(a) + " scales and zero points "
                    + "(the size of dimension " + a + "), but got " + scales.length + " and " + zeroPoints.length);
        }
        checkParams(dtype, scales, zeroPoints);
        return quantize(x, scales.clone(), zeroPoints.clone(), a, dtype);
    }

    /**
     * A per-tensor quantized tensor over a copy of the integers {@code ints} ({@link DType#UINT8}
     * for {@code quint8}, {@link DType#INT8} for {@code qint8}), like
     * {@code torch._make_per_tensor_quantized_tensor}.
     */
    public static QTensor fromIntRepr(Tensor ints, double scale, long zeroPoint) {
        QDType t = typeOf(ints);
        checkParams(t, new double[] {scale}, new long[] {zeroPoint});
        return new QTensor(t, ints.copy(), new double[] {scale}, new long[] {zeroPoint}, -1);
    }

    /** A per-channel quantized tensor over a copy of {@code ints}, like {@code torch._make_per_channel_quantized_tensor}. */
    public static QTensor fromIntRepr(Tensor ints, double[] scales, long[] zeroPoints, int axis) {
        QDType t = typeOf(ints);
        int a = checkAxis(axis, ints.rank());
        if (scales.length != ints.size(a) || zeroPoints.length != ints.size(a)) {
            throw new IllegalArgumentException("expected " + ints.size(a) + " scales and zero points (the size of "
                    + "dimension " + a + "), but got " + scales.length + " and " + zeroPoints.length);
        }
        checkParams(t, scales, zeroPoints);
        return new QTensor(t, ints.copy(), scales.clone(), zeroPoints.clone(), a);
    }

    /**
     * Takes ownership of {@code ints} (no copy): for results computed straight into an integer
     * tensor.
     */
    public static QTensor wrap(Tensor ints, double scale, long zeroPoint) {
        QDType t = typeOf(ints);
        checkParams(t, new double[] {scale}, new long[] {zeroPoint});
        return new QTensor(t, ints, new double[] {scale}, new long[] {zeroPoint}, -1);
    }

    private static QDType typeOf(Tensor ints) {
        if (ints.dtype() == DType.UINT8) {
            return QDType.QUINT8;
        }
        if (ints.dtype() == DType.INT8) {
            return QDType.QINT8;
        }
        throw new IllegalArgumentException("a quantized tensor's integers must be UINT8 (quint8) or INT8 (qint8), "
                + "but got " + ints.dtype());
    }

    private static int checkAxis(int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for a tensor of rank " + rank);
        }
        return a;
    }

    private static void checkParams(QDType dtype, double[] scales, long[] zeroPoints) {
        for (double s : scales) {
            if (!(s > 0) || Double.isInfinite(s)) {
                throw new IllegalArgumentException("quantization scales must be positive and finite, but got " + s);
            }
        }
        for (long z : zeroPoints) {
            if (z < dtype.min() || z > dtype.max()) {
                throw new IllegalArgumentException("zero point " + z + " is out of range for " + dtype.torchName()
                        + " [" + dtype.min() + ", " + dtype.max() + "]");
            }
        }
    }

    private static QTensor quantize(Tensor x, double[] scales, long[] zeroPoints, int axis, QDType dtype) {
        if (x.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException("quantize expects a FLOAT32 tensor, but got " + x.dtype());
        }
        float[] v = x.toFloatArray();
        long[] shape = x.shape();
        long inner = innerSize(shape, axis);
        long channels = axis < 0 ? 1 : shape[axis];
        byte[] q = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            int c = axis < 0 ? 0 : (int) ((i / inner) % channels);
            float inv = 1.0f / (float) scales[c];
            double r = Math.rint(v[i] * inv); // float product, ties to even
            long qi = Double.isNaN(r) ? zeroPoints[c] : (long) Math.max(Math.min(r + zeroPoints[c], 1e18), -1e18);
            q[i] = (byte) Math.max(dtype.min(), Math.min(dtype.max(), qi));
        }
        Tensor ints = Tensor.ofBytes(dtype.storage(), q, shape);
        if (x.memoryFormat() != MemoryFormat.CONTIGUOUS) {
            try (Tensor c = ints) {
                ints = c.toMemoryFormat(x.memoryFormat());
            }
        }
        return new QTensor(dtype, ints, scales, zeroPoints, axis);
    }

    /** Elements after {@code axis} (the stride of the axis in C order); the whole tensor for -1. */
    private static long innerSize(long[] shape, int axis) {
        long n = 1;
        for (int i = axis + 1; i < shape.length; i++) {
            n *= shape[i];
        }
        return axis < 0 ? Math.max(n, 1) : n;
    }

    /** {@code x.dequantize()}: float32 {@code (q - zero_point) * scale}, in the same memory format. */
    public Tensor dequantize() {
        long[] shape = ints.shape();
        float[] out = new float[Math.toIntExact(ints.numel())];
        byte[] q = ints.toByteArray();
        long inner = innerSize(shape, axis);
        long channels = axis < 0 ? 1 : shape[axis];
        for (int i = 0; i < q.length; i++) {
            int c = axis < 0 ? 0 : (int) ((i / inner) % channels);
            out[i] = (float) ((value(q[i]) - zeroPoints[c]) * scales[c]);
        }
        Tensor t = Tensor.of(out, shape);
        if (ints.memoryFormat() != MemoryFormat.CONTIGUOUS) {
            try (Tensor c = t) {
                return c.toMemoryFormat(ints.memoryFormat());
            }
        }
        return t;
    }

    /** The integer of a stored byte: 0..255 for quint8, -128..127 for qint8. */
    int value(byte b) {
        return dtype == QDType.QUINT8 ? b & 0xff : b;
    }

    /** {@code x.int_repr()}: a copy of the integers (UINT8 or INT8), owned by the caller. */
    public Tensor intRepr() {
        return ints.copy();
    }

    /** The integers themselves (owned by this tensor: do not close). */
    public Tensor ints() {
        return ints;
    }

    public QDType dtype() {
        return dtype;
    }

    public long[] shape() {
        return ints.shape();
    }

    public int rank() {
        return ints.rank();
    }

    /** True for {@code per_channel_affine}, false for {@code per_tensor_affine}. */
    public boolean perChannel() {
        return axis >= 0;
    }

    /** {@code q_scale()}; per-tensor only. */
    public double scale() {
        requirePerTensor("q_scale");
        return scales[0];
    }

    /** {@code q_zero_point()}; per-tensor only. */
    public long zeroPoint() {
        requirePerTensor("q_zero_point");
        return zeroPoints[0];
    }

    /** {@code q_per_channel_scales()} (one value for a per-tensor tensor). */
    public double[] scales() {
        return scales.clone();
    }

    /** {@code q_per_channel_zero_points()} (one value for a per-tensor tensor). */
    public long[] zeroPoints() {
        return zeroPoints.clone();
    }

    /** {@code q_per_channel_axis()}; -1 for a per-tensor tensor. */
    public int axis() {
        return axis;
    }

    private void requirePerTensor(String what) {
        if (axis >= 0) {
            throw new IllegalStateException(what + " is only defined for per-tensor quantized tensors");
        }
    }

    public boolean isClosed() {
        return ints.isClosed();
    }

    @Override
    public void close() {
        ints.close();
    }

    @Override
    public String toString() {
        return isClosed() ? "QTensor[closed]" : "QTensor[" + dtype.torchName() + ", shape=" + Tuples.list(ints.shape())
                + (axis < 0 ? ", scale=" + scales[0] + ", zero_point=" + zeroPoints[0]
                        : ", per_channel axis=" + axis + ", scales=" + Arrays.toString(scales)) + "]";
    }
}
