package dev.conv4j.reliability;

import java.util.Arrays;
import java.util.SplittableRandom;

import dev.conv4j.DType;
import dev.conv4j.MemoryFormat;
import dev.conv4j.Tensor;

/** A tensor described in the row syntax of {@link Literals}: dtype, shape and how it is filled. */
final class TensorSpec {
    /** Seeded fills of a float tensor. */
    enum Fill {
        /** Zeros. */
        ZEROS('0'),
        /** Uniform in [-1, 1). */
        UNIFORM('r'),
        /** Integers in [-2, 2]: many ties, for the tie-breaking of max pooling. */
        QUANTIZED('q'),
        /** Uniform with one NaN in ten, for NaN propagation. */
        NAN('n');

        final char code;

        Fill(char code) {
            this.code = code;
        }

        static Fill of(char code) {
            for (Fill f : values()) {
                if (f.code == code) {
                    return f;
                }
            }
            throw new MalformedRow("unknown tensor fill '~" + code + "'");
        }
    }

    final boolean f32;
    final long[] shape;
    final Fill fill;
    final long seed;
    final double[] values;
    /** Whether the tensor is created channels-last (suffix {@code @cl}; rank 4 or 5 only). */
    final boolean channelsLast;

    private TensorSpec(boolean f32, long[] shape, Fill fill, long seed, double[] values) {
        this(f32, shape, fill, seed, values, false);
    }

    private TensorSpec(boolean f32, long[] shape, Fill fill, long seed, double[] values, boolean channelsLast) {
        this.f32 = f32;
        this.shape = shape.clone();
        this.fill = fill;
        this.seed = seed;
        this.values = values;
        this.channelsLast = channelsLast;
    }

    /** The same tensor, created channels-last. */
    TensorSpec channelsLast() {
        if (!MemoryFormat.CHANNELS_LAST.supports(shape.length)) {
            throw new MalformedRow("channels-last needs rank 4 or 5, but " + this + " has rank " + shape.length);
        }
        return new TensorSpec(f32, shape, fill, seed, values, true);
    }

    static TensorSpec zeros(boolean f32, long... shape) {
        return new TensorSpec(f32, shape, Fill.ZEROS, 0, null);
    }

    static TensorSpec seeded(boolean f32, long[] shape, Fill fill, long seed) {
        if (!f32 && fill != Fill.ZEROS) {
            throw new MalformedRow("int64 tensors take explicit values, not a seeded fill");
        }
        return new TensorSpec(f32, shape, fill, seed, null);
    }

    static TensorSpec explicit(boolean f32, long[] shape, double[] values) {
        return new TensorSpec(f32, shape, Fill.ZEROS, 0, values.clone());
    }

    static TensorSpec floats(long[] shape, Fill fill, long seed) {
        return seeded(true, shape, fill, seed);
    }

    static TensorSpec longs(long[] shape, long[] values) {
        return explicit(false, shape, Arrays.stream(values).asDoubleStream().toArray());
    }

    long numel() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** A new tensor; the caller closes it. */
    Tensor create() {
        Tensor t = createContiguous();
        if (!channelsLast) {
            return t;
        }
        try (Tensor contiguous = t) {
            return contiguous.toMemoryFormat(MemoryFormat.CHANNELS_LAST);
        }
    }

    private Tensor createContiguous() {
        Tensor t = Tensor.zeros(f32 ? DType.FLOAT32 : DType.INT64, shape);
        int n = Math.toIntExact(t.numel());
        if (values != null) {
            if (values.length != n) {
                t.close();
                throw new MalformedRow("tensor spec " + this + " has " + values.length + " values for "
                        + n + " elements");
            }
            if (f32) {
                java.nio.FloatBuffer b = t.floatBuffer();
                for (int i = 0; i < n; i++) {
                    b.put(i, (float) values[i]);
                }
            } else {
                java.nio.LongBuffer b = t.longBuffer();
                for (int i = 0; i < n; i++) {
                    b.put(i, (long) values[i]);
                }
            }
        } else if (fill != Fill.ZEROS) {
            t.floatBuffer().put(floatValues(n));
        }
        return t;
    }

    /** The values of a seeded float fill. */
    float[] floatValues(int n) {
        float[] v = new float[n];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            switch (fill) {
                case UNIFORM:
                    v[i] = (float) (r.nextDouble() * 2 - 1);
                    break;
                case QUANTIZED:
                    v[i] = r.nextInt(5) - 2;
                    break;
                case NAN:
                    v[i] = r.nextInt(10) == 0 ? Float.NaN : (float) (r.nextDouble() * 2 - 1);
                    break;
                default:
                    break;
            }
        }
        return v;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(f32 ? "f32" : "i64");
        sb.append('[');
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        sb.append(']');
        if (values != null) {
            sb.append('{');
            for (int i = 0; i < values.length; i++) {
                double v = values[i];
                sb.append(i == 0 ? "" : ", ").append(Double.isNaN(v) ? "nan"
                        : v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v));
            }
            sb.append('}');
        } else if (fill != Fill.ZEROS) {
            sb.append('~').append(fill.code).append(seed);
        }
        if (channelsLast) {
            sb.append("@cl");
        }
        return sb.toString();
    }
}
