package dev.conv4j.spec;

import java.util.Arrays;

/** PyTorch's {@code _single/_pair/_triple}: one value repeated per dimension, or one per dimension. */
public final class Tuples {
    private Tuples() {
    }

    /**
     * Expands {@code values} to {@code dims} entries: a single value is repeated (like
     * {@code _pair(3) == (3, 3)}), otherwise exactly {@code dims} values are required.
     */
    public static int[] expand(String name, int dims, int... values) {
        if (values == null || values.length == 0) {
            throw new IllegalArgumentException(name + " must have 1 or " + dims + " values, but got none");
        }
        if (values.length == 1) {
            int[] out = new int[dims];
            Arrays.fill(out, values[0]);
            return out;
        }
        if (values.length != dims) {
            throw new IllegalArgumentException(name + " must have 1 or " + dims + " values, but got "
                    + values.length + ": " + Arrays.toString(values));
        }
        return values.clone();
    }

    /** {@code [a, b, c]}, the way PyTorch prints int lists and sizes. */
    public static String list(long... values) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(values[i]);
        }
        return sb.append(']').toString();
    }

    /** {@code [a, b, c]} for ints. */
    public static String list(int... values) {
        return list(Arrays.stream(values).asLongStream().toArray());
    }

    /** {@code (a, b, c)}, the way Python prints tuples ({@code (a,)} for one element). */
    public static String tuple(int... values) {
        if (values.length == 1) {
            return "(" + values[0] + ",)";
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < values.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(values[i]);
        }
        return sb.append(')').toString();
    }

    /** {@code a x b x c}, the way ATen prints per-channel sizes. */
    public static String times(long... values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            sb.append(i == 0 ? "" : " x ").append(values[i]);
        }
        return sb.toString();
    }

    /** Pads a per-dimension array to 3 entries (D, H, W) by prepending {@code fill}. */
    public static long[] to3(long[] values, long fill) {
        long[] out = new long[3];
        Arrays.fill(out, fill);
        System.arraycopy(values, 0, out, 3 - values.length, values.length);
        return out;
    }

    /** Pads a per-dimension array to 3 entries (D, H, W) by prepending {@code fill}. */
    public static int[] to3(int[] values, int fill) {
        int[] out = new int[3];
        Arrays.fill(out, fill);
        System.arraycopy(values, 0, out, 3 - values.length, values.length);
        return out;
    }
}
